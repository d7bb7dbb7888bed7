/**
 * The offline phase of `offrl train`: updates in chunks of `evalEvery`, each followed by an evaluation,
 * a metrics record and a checkpoint, so a run killed at any point continues from its last checkpoint
 * and reproduces the uninterrupted run bit for bit. A diverged run stops naming its last good checkpoint.
 */
import type { TransitionDataset } from '@offrl/datasets';
import { assertFiniteState, evaluate, type Recipe, trainOffline } from '@offrl/recipes';
import { disposeTree, type TensorTree } from '@offrl/tensor';
import { saveCheckpoint } from './checkpoint.js';
import { explainDivergence, type LastCheckpoint } from './diverged-run.js';
import { formatProgress } from './progress.js';
import type { RunConfig } from './run-config.js';
import { appendMetrics, type RunFiles, readMetrics, writeSummary } from './run-directory.js';

interface Evaluated {
  readonly step: number;
  readonly meanReturn: number;
  readonly normalizedScore: number;
}

export const runOffline = async (
  recipe: Recipe,
  config: RunConfig,
  dataset: TransitionDataset,
  files: RunFiles,
  resume: { state: TensorTree; step: number } | undefined,
  print: (line: string) => void,
): Promise<void> => {
  let state = resume?.state;
  let done = resume?.step ?? 0;
  const evaluations: Evaluated[] = readMetrics(files.dir)
    .filter((record) => typeof record['eval/return'] === 'number')
    .map((record) => ({
      step: record['step'] as number,
      meanReturn: record['eval/return'] as number,
      normalizedScore: record['eval/normalized_score'] as number,
    }));
  const started = Date.now();
  const startStep = done;
  let lastCheckpoint: LastCheckpoint | undefined =
    resume === undefined ? undefined : { where: files.checkpoint, at: `update ${resume.step}` };
  try {
    while (done < config.steps) {
      const target = Math.min(config.steps, (Math.floor(done / config.evalEvery) + 1) * config.evalEvery);
      const result = trainOffline(recipe, dataset, {
        steps: target,
        batchSize: config.batchSize,
        seed: config.seed,
        logEvery: Math.max(1, Math.min(1000, config.evalEvery)),
        onLog: (step, metrics) => {
          const elapsedSeconds = (Date.now() - started) / 1000;
          appendMetrics(files, { step, time: elapsedSeconds, ...metrics });
          // A live bar on a terminal; logs and pipes get one line per evaluation below.
          if (process.stderr.isTTY) {
            const progress = {
              step,
              totalSteps: config.steps,
              elapsedSeconds,
              stepsThisRun: step - startStep,
            };
            const last = evaluations[evaluations.length - 1]?.normalizedScore;
            process.stderr.write(`\r${formatProgress({ ...progress, lastEvaluation: last })}`);
          }
        },
        ...(state === undefined ? {} : { resume: { state, step: done } }),
      });
      state = result.state;
      done = target;
      const evaluation = await evaluate(recipe, state, config.env, {
        episodes: config.evalEpisodes,
        seed: 1_000_000 + config.seed,
      });
      evaluations.push({
        step: done,
        meanReturn: evaluation.meanReturn,
        normalizedScore: evaluation.meanNormalizedScore,
      });
      appendMetrics(files, {
        step: done,
        time: (Date.now() - started) / 1000,
        'eval/return': evaluation.meanReturn,
        'eval/return_std': evaluation.stdReturn,
        'eval/normalized_score': evaluation.meanNormalizedScore,
      });
      // A checkpoint is only ever a good one: a non-finite parameter stops the run here instead.
      assertFiniteState(state, done);
      await saveCheckpoint(files.checkpoint, state, config, done);
      lastCheckpoint = { where: files.checkpoint, at: `update ${done}` };
      if (process.stderr.isTTY) process.stderr.write('\r');
      print(
        formatProgress({
          step: done,
          totalSteps: config.steps,
          elapsedSeconds: (Date.now() - started) / 1000,
          stepsThisRun: done - startStep,
          lastEvaluation: evaluation.meanNormalizedScore,
        }),
      );
    }
  } catch (error) {
    throw explainDivergence(error, lastCheckpoint);
  }
  if (state !== undefined) disposeTree(state);
  const final = evaluations[evaluations.length - 1]!;
  const best = evaluations.reduce((a, b) => (b.normalizedScore > a.normalizedScore ? b : a));
  writeSummary(files, {
    recipe: config.recipe,
    dataset: config.dataset,
    env: config.env,
    seed: config.seed,
    final,
    best,
  });
  print(
    `final score ${(100 * final.normalizedScore).toFixed(1)} (return ${final.meanReturn.toFixed(1)}) at step ${final.step}; ` +
      `best ${(100 * best.normalizedScore).toFixed(1)} at step ${best.step}`,
  );
};
