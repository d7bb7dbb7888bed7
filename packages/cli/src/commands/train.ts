/**
 * `offrl train`: offline training (`--dataset`, `--steps`), online training from scratch (`--env`,
 * `--env-steps`), or both in turn (offline pretraining, then online fine-tuning); `--resume DIR`
 * continues any of them from the run directory's last checkpoint, bit for bit.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type BufferPolicy, makeRecipe, withRecipeReturns } from '@offrl/recipes';
import { initBackend, type TensorTree } from '@offrl/tensor';
import { integerOption, noExtraArguments } from '../arguments.js';
import { loadCheckpoint } from '../checkpoint.js';
import type { Command } from '../command.js';
import { loadDataset } from '../load-dataset.js';
import { runOffline } from '../offline-run.js';
import { onlineCheckpointExists, runOnline } from '../online-run.js';
import { parseOverrides } from '../recipe-config.js';
import type { OnlinePhase, RunConfig } from '../run-config.js';
import { createRunDirectory, readRunConfig, runFiles, updateRunConfig } from '../run-directory.js';
import { taskDimensions } from '../task.js';
import { UsageError } from '../usage-error.js';

const TRAIN_USAGE = `offrl train <recipe> --dataset <id|path> [--env <id>] [--steps N] [--seed S]
            [--out DIR] [--set key=value ...] [--batch-size N] [--eval-every N] [--eval-episodes N]
offrl train <recipe> --env <id> --env-steps N [--dataset <id|path> --steps N]
            [--buffer online|append|mixed] [--utd U] [--warmup N] [--num-envs N] [--buffer-size N]
                                         online, or offline pretraining then online fine-tuning
offrl train --resume DIR [--steps N | --env-steps N]
                                         continue a run from its last checkpoint`;

const BUFFER_POLICIES: readonly BufferPolicy[] = ['online', 'append', 'mixed'];

const onlinePhase = (options: Readonly<Record<string, unknown>>): OnlinePhase | undefined => {
  const values = options as Readonly<Record<string, string | undefined>>;
  if (values['env-steps'] === undefined) {
    for (const flag of ['buffer', 'utd', 'warmup', 'num-envs', 'buffer-size']) {
      if (values[flag] !== undefined)
        throw new UsageError(`--${flag} belongs to online training: add --env-steps N`);
    }
    return undefined;
  }
  const bufferPolicy = (values['buffer'] ?? 'mixed') as BufferPolicy;
  if (!BUFFER_POLICIES.includes(bufferPolicy)) {
    throw new UsageError(`--buffer must be one of ${BUFFER_POLICIES.join(', ')}, got '${values['buffer']}'`);
  }
  const utd = Number(values['utd'] ?? 1);
  if (!(utd > 0)) throw new UsageError(`--utd must be a positive number, got '${values['utd']}'`);
  return {
    envSteps: integerOption('env-steps', values['env-steps'], 0),
    bufferPolicy,
    utd,
    warmupSteps: integerOption('warmup', values['warmup'], 0, 0),
    numEnvs: integerOption('num-envs', values['num-envs'], 1),
    // Fixed, not derived from --env-steps, so a run extended with --resume --env-steps keeps its buffer.
    bufferSize: integerOption('buffer-size', values['buffer-size'], 1_000_000),
  };
};

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
      'env-steps': { type: 'string' },
      buffer: { type: 'string' },
      utd: { type: 'string' },
      warmup: { type: 'string' },
      'num-envs': { type: 'string' },
      'buffer-size': { type: 'string' },
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
      throw new UsageError('--resume continues a run as it was configured: give only --steps or --env-steps');
    }
    dir = values.resume;
    const stored = readRunConfig<RunConfig>(dir);
    if (stored.online !== undefined) {
      // Online runs resume from their state and replay-buffer checkpoint (online-run.ts).
      if (!onlineCheckpointExists(dir)) throw new Error(noCheckpointYet(dir));
      const envSteps = integerOption('env-steps', values['env-steps'], stored.online.envSteps);
      config = { ...stored, online: { ...stored.online, envSteps } };
      updateRunConfig(runFiles(dir), config);
    } else {
      if (!existsSync(runFiles(dir).checkpoint)) throw new Error(noCheckpointYet(dir));
      const checkpoint = await loadCheckpoint(runFiles(dir).checkpoint);
      config = { ...checkpoint.config, steps: integerOption('steps', values.steps, checkpoint.config.steps) };
      state = checkpoint.state;
      done = checkpoint.step;
      if (done >= config.steps)
        throw new UsageError(`the run has done ${done} of ${config.steps} steps; pass a larger --steps`);
      updateRunConfig(runFiles(dir), config);
      print(`resuming ${dir} at step ${done} of ${config.steps}`);
    }
  } else {
    const [recipeName, ...rest] = positionals;
    if (recipeName === undefined) throw new UsageError(`train needs a recipe\n${TRAIN_USAGE}`);
    noExtraArguments(rest);
    const online = onlinePhase(values);
    if (values.dataset === undefined && online === undefined) {
      throw new UsageError(
        'train needs --dataset <id|path>, or --env <id> --env-steps N for online training',
      );
    }
    const loaded = values.dataset === undefined ? undefined : await loadDataset(values.dataset);
    const env = values.env ?? loaded?.envId;
    if (env === undefined)
      throw new UsageError(`--env is needed: '${values.dataset}' does not say which environment it is from`);
    const seed = integerOption('seed', values.seed, 0, 0);
    config = {
      recipe: recipeName,
      ...(values.dataset === undefined ? {} : { dataset: values.dataset }),
      env,
      seed,
      steps: integerOption(
        'steps',
        values.steps,
        online === undefined ? 10_000 : 0,
        online === undefined ? 1 : 0,
      ),
      batchSize: integerOption('batch-size', values['batch-size'], 256),
      evalEvery: integerOption('eval-every', values['eval-every'], 5_000),
      evalEpisodes: integerOption('eval-episodes', values['eval-episodes'], 10),
      overrides: parseOverrides(values.set ?? []),
      dimensions: await taskDimensions(env, loaded?.dataset),
      ...(online === undefined ? {} : { online }),
    };
    // Build the recipe once before creating the directory, so a bad name or option leaves nothing behind.
    makeRecipe(config.recipe, config.dimensions, { ...config.overrides });
    const label = config.dataset === undefined ? `online-${env}` : datasetLabel(config.dataset);
    dir = values.out ?? join('runs', `${config.recipe}-${label}-seed${seed}-${Date.now()}`);
    createRunDirectory(dir, config);
  }

  const files = runFiles(dir);
  const recipe = makeRecipe(config.recipe, config.dimensions, { ...config.overrides });
  // With Monte-Carlo returns when the recipe's batches read them (AWR, Cal-QL).
  const dataset =
    config.dataset === undefined
      ? undefined
      : withRecipeReturns(recipe, (await loadDataset(config.dataset)).dataset);
  print(`run directory: ${dir}`);
  if (config.online !== undefined) {
    await runOnline(recipe, { ...config, online: config.online }, dataset, files, print);
  } else {
    await runOffline(
      recipe,
      config,
      dataset!,
      files,
      state === undefined ? undefined : { state, step: done },
      print,
    );
  }
  return 0;
};

const noCheckpointYet = (dir: string): string =>
  `${dir} has no checkpoint yet (the run stopped before its first evaluation): start it again without --resume`;

const datasetLabel = (dataset: string): string =>
  (dataset.split(/[\\/]/).pop() ?? dataset).replace(/\.(hdf5|h5)$/i, '').replace(/[^A-Za-z0-9._-]/g, '_');

export const trainCommand: Command = {
  usage: TRAIN_USAGE,
  summary: 'train a recipe offline into a run directory (config, metrics, checkpoint, summary)',
  run: runTrain,
};
