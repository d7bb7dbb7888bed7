/**
 * The online phase of `offrl train` (`--env-steps`): online training from scratch, or offline
 * pretraining on `--dataset` for `--steps` updates followed by online fine-tuning with the data kept as
 * `--buffer` says. Metrics and evaluations go to metrics.jsonl (evaluations keyed by online env steps),
 * the state and the replay buffer are checkpointed at every evaluation, and `--resume` continues them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TransitionDataset } from '@offrl/datasets';
import {
  assertFiniteState,
  loadOnlineCheckpoint,
  type OnlineCheckpoint,
  type Recipe,
  saveOnlineCheckpoint,
  trainOnline,
} from '@offrl/recipes';
import { disposeTree, makeKey, type TensorTree } from '@offrl/tensor';
import { explainDivergence, type LastCheckpoint } from './diverged-run.js';
import { formatProgress } from './progress.js';
import type { OnlinePhase, RunConfig } from './run-config.js';
import { appendMetrics, type RunFiles, writeSummary } from './run-directory.js';

export const onlineCheckpointExists = (dir: string): boolean => existsSync(join(dir, 'state.safetensors'));

export const runOnline = async (
  recipe: Recipe,
  config: RunConfig & { readonly online: OnlinePhase },
  dataset: TransitionDataset | undefined,
  files: RunFiles,
  print: (line: string) => void,
): Promise<void> => {
  const { online } = config;
  let resume: OnlineCheckpoint | undefined;
  if (onlineCheckpointExists(files.dir)) {
    const template = recipe.init(makeKey(0));
    try {
      resume = await loadOnlineCheckpoint(files.dir, template);
    } finally {
      disposeTree(template);
    }
    print(`resuming ${files.dir} at ${resume.progress.envSteps} of ${online.envSteps} env steps`);
  }
  const started = Date.now();
  const startSteps = resume?.progress.envSteps ?? 0;
  let lastScore: number | undefined;
  let lastCheckpoint: LastCheckpoint | undefined =
    resume === undefined ? undefined : { where: files.dir, at: `env step ${resume.progress.envSteps}` };
  const result = await trainOnline(recipe, {
    envId: config.env,
    envSteps: online.envSteps,
    numEnvs: online.numEnvs,
    seed: config.seed,
    batchSize: config.batchSize,
    utd: online.utd,
    warmupSteps: online.warmupSteps,
    bufferCapacity:
      online.bufferSize + (dataset !== undefined && online.bufferPolicy === 'append' ? dataset.size : 0),
    evaluateEvery: config.evalEvery,
    evaluationEpisodes: config.evalEpisodes,
    checkpointEvery: config.evalEvery,
    logEvery: Math.max(1, Math.min(1000, config.evalEvery)),
    ...(dataset === undefined
      ? {}
      : { offline: { dataset, pretrainSteps: config.steps, bufferPolicy: online.bufferPolicy } }),
    ...(resume === undefined ? {} : { resume }),
    onLog: ({ phase, envSteps, updates, metrics }) =>
      appendMetrics(files, {
        step: envSteps,
        updates,
        phase,
        time: (Date.now() - started) / 1000,
        ...metrics,
      }),
    onEvaluation: ({ phase, envSteps, updates, meanReturn, normalizedScore }) => {
      lastScore = normalizedScore;
      appendMetrics(files, {
        step: envSteps,
        updates,
        phase,
        time: (Date.now() - started) / 1000,
        'eval/return': meanReturn,
        'eval/normalized_score': normalizedScore,
      });
      print(
        `${phase === 'switch' ? 'at the switch: ' : ''}${formatProgress({
          step: envSteps,
          totalSteps: online.envSteps,
          elapsedSeconds: (Date.now() - started) / 1000,
          stepsThisRun: envSteps - startSteps,
          lastEvaluation: lastScore,
        })}`,
      );
    },
    onCheckpoint: async (checkpoint) => {
      // A checkpoint is only ever a good one: a non-finite parameter stops the run here instead.
      assertFiniteState(checkpoint.state, checkpoint.progress.updates);
      await saveOnlineCheckpoint(files.dir, checkpoint);
      lastCheckpoint = { where: files.dir, at: `env step ${checkpoint.progress.envSteps}` };
    },
  }).catch((error: unknown) => {
    throw explainDivergence(error, lastCheckpoint);
  });
  const evaluations = result.progress.evaluations;
  const final = evaluations[evaluations.length - 1];
  const best = evaluations.reduce((a, b) => (b.normalizedScore > a.normalizedScore ? b : a), evaluations[0]!);
  const toSummary = (e: (typeof evaluations)[number] | undefined) =>
    e === undefined
      ? null
      : { step: e.envSteps, meanReturn: e.meanReturn, normalizedScore: e.normalizedScore };
  writeSummary(files, {
    recipe: config.recipe,
    dataset: config.dataset ?? null,
    env: config.env,
    seed: config.seed,
    final: toSummary(final),
    best: toSummary(best),
    switch: toSummary(result.progress.switchEvaluation),
    regret: result.regret,
    dip: result.dip,
  });
  disposeTree(result.state as TensorTree);
  const switchScore = result.progress.switchEvaluation?.normalizedScore;
  print(
    `final score ${final === undefined ? 'n/a' : (100 * final.normalizedScore).toFixed(1)} after ${online.envSteps} env steps` +
      (switchScore === undefined
        ? ''
        : `; at the switch ${(100 * switchScore).toFixed(1)}, dip ${(100 * result.dip).toFixed(1)}`) +
      `; regret ${result.regret.toFixed(3)}`,
  );
};
