/**
 * `offrl train <recipe> --dataset <id|path> [--env <id>] [--steps N] [--seed S] [--out DIR] [--set k=v ...]`
 * and `offrl train --resume DIR [--steps N]`: offline training in chunks of `--eval-every` updates,
 * each followed by an evaluation, a metrics record and a checkpoint, so a run killed at any point
 * continues from its last checkpoint and reproduces the uninterrupted run bit for bit.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluate, makeRecipe, trainOffline } from '@offrl/recipes';
import { disposeTree, initBackend, type TensorTree } from '@offrl/tensor';
import { integerOption, noExtraArguments } from '../arguments.js';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint.js';
import type { Command } from '../command.js';
import { loadDataset } from '../load-dataset.js';
import { formatProgress } from '../progress.js';
import { parseOverrides } from '../recipe-config.js';
import type { RunConfig } from '../run-config.js';
import {
  appendMetrics,
  createRunDirectory,
  readMetrics,
  runFiles,
  updateRunConfig,
  writeSummary,
} from '../run-directory.js';
import { taskDimensions } from '../task.js';
import { UsageError } from '../usage-error.js';

const TRAIN_USAGE = `offrl train <recipe> --dataset <id|path> [--env <id>] [--steps N] [--seed S]
            [--out DIR] [--set key=value ...] [--batch-size N] [--eval-every N] [--eval-episodes N]
offrl train --resume DIR [--steps N]     continue a run from its last checkpoint`;

interface Evaluated {
  readonly step: number;
  readonly meanReturn: number;
  readonly normalizedScore: number;
}

const runTrain: Command['run'] = async (argv, print) => {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      dataset: { type: 'string' },
      env: { type: 'string' },
      steps: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      set: { type: 'string', multiple: true },
      'batch-size': { type: 'string' },
      'eval-every': { type: 'string' },
      'eval-episodes': { type: 'string' },
      resume: { type: 'string' },
    },
  });
  await initBackend();

  let config: RunConfig;
  let state: TensorTree | undefined;
  let done = 0;
  let dir: string;
  if (values.resume !== undefined) {
    if (positionals.length > 0 || values.dataset !== undefined) {
      throw new UsageError('--resume continues a run as it was configured: give only --steps besides it');
    }
    dir = values.resume;
    const checkpoint = await loadCheckpoint(runFiles(dir).checkpoint);
    config = { ...checkpoint.config, steps: integerOption('steps', values.steps, checkpoint.config.steps) };
    state = checkpoint.state;
    done = checkpoint.step;
    if (done >= config.steps)
      throw new UsageError(`the run has done ${done} of ${config.steps} steps; pass a larger --steps`);
    updateRunConfig(runFiles(dir), config);
    print(`resuming ${dir} at step ${done} of ${config.steps}`);
  } else {
    const [recipeName, ...rest] = positionals;
    if (recipeName === undefined) throw new UsageError(`train needs a recipe\n${TRAIN_USAGE}`);
    noExtraArguments(rest);
    if (values.dataset === undefined) throw new UsageError('train needs --dataset <id|path>');
    const loaded = await loadDataset(values.dataset);
    const env = values.env ?? loaded.envId;
    if (env === undefined)
      throw new UsageError(`--env is needed: '${values.dataset}' does not say which environment it is from`);
    const seed = integerOption('seed', values.seed, 0, 0);
    config = {
      recipe: recipeName,
      dataset: values.dataset,
      env,
      seed,
      steps: integerOption('steps', values.steps, 10_000),
      batchSize: integerOption('batch-size', values['batch-size'], 256),
      evalEvery: integerOption('eval-every', values['eval-every'], 5_000),
      evalEpisodes: integerOption('eval-episodes', values['eval-episodes'], 10),
      overrides: parseOverrides(values.set ?? []),
      dimensions: await taskDimensions(env, loaded.dataset),
    };
    // Build the recipe once before creating the directory, so a bad name or option leaves nothing behind.
    makeRecipe(config.recipe, config.dimensions, { ...config.overrides });
    dir =
      values.out ??
      join('runs', `${config.recipe}-${datasetLabel(config.dataset)}-seed${seed}-${Date.now()}`);
    createRunDirectory(dir, config);
  }

  const files = runFiles(dir);
  const recipe = makeRecipe(config.recipe, config.dimensions, { ...config.overrides });
  const { dataset } = await loadDataset(config.dataset);
  const evaluations: Evaluated[] = readMetrics(dir)
    .filter((record) => typeof record['eval/return'] === 'number')
    .map((record) => ({
      step: record['step'] as number,
      meanReturn: record['eval/return'] as number,
      normalizedScore: record['eval/normalized_score'] as number,
    }));
  print(`run directory: ${dir}`);
  const started = Date.now();
  const startStep = done;
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
          const progress = { step, totalSteps: config.steps, elapsedSeconds, stepsThisRun: step - startStep };
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
    await saveCheckpoint(files.checkpoint, state, config, done);
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
  return 0;
};

const datasetLabel = (dataset: string): string =>
  (dataset.split(/[\\/]/).pop() ?? dataset).replace(/\.(hdf5|h5)$/i, '').replace(/[^A-Za-z0-9._-]/g, '_');

export const trainCommand: Command = {
  usage: TRAIN_USAGE,
  summary: 'train a recipe offline into a run directory (config, metrics, checkpoint, summary)',
  run: runTrain,
};
