/**
 * The built-in D4RL-style datasets by id (`<task>-<kind>-v0` for pendulum, hopper, halfcheetah and
 * walker2d), made on first use and cached as D4RL HDF5 files under `$OFFRL_CACHE/datasets/` (default
 * `~/.cache/offrl`). An id may carry a size: `hopper-medium-v0:20` is the 20-episode variant (per
 * policy; medium-replay has one size, the replay data's). Every variant is deterministic from its
 * episodes, seed and behaviour policies, so a cached file is what generating it again would give; the
 * file name carries a hash of the task's behaviour record (`<task>.json`), so retrained or reselected
 * policies never serve a stale cached file.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readD4RL, type TransitionDataset, writeD4RL } from '@offrl/datasets';
import { type DatasetKind, datasetKinds, generateDataset } from './behaviour-datasets.js';
import {
  type BehaviourTask,
  behaviourInfoPath,
  behaviourTaskSpec,
  behaviourTasks,
} from './behaviour-policy.js';

export const builtinDatasetIds: readonly string[] = behaviourTasks.flatMap((task) =>
  datasetKinds.map((kind) => `${task}-${kind}-v0`),
);

export interface BuiltinDatasetRequest {
  readonly id: string;
  readonly task: BehaviourTask;
  readonly kind: DatasetKind;
  /** The env the data was recorded on. */
  readonly envId: string;
  readonly episodes: number;
  readonly seed: number;
}

/** `<task>-<kind>-v0` or `<task>-<kind>-v0:<episodes>`; undefined for anything else. */
export const parseBuiltinId = (text: string, seed = 0): BuiltinDatasetRequest | undefined => {
  const match = /^([a-z0-9]+)-([a-z-]+)-v0(?::(\d+))?$/.exec(text);
  if (match === null) return undefined;
  const task = behaviourTasks.find((t) => t === match[1]);
  const kind = datasetKinds.find((k) => k === match[2]);
  if (task === undefined || kind === undefined) return undefined;
  const { envId, defaultEpisodes } = behaviourTaskSpec(task);
  const episodes = match[3] === undefined ? defaultEpisodes : Number(match[3]);
  if (!Number.isInteger(episodes) || episodes < 1)
    throw new RangeError(`'${text}': the episode count after ':' must be an integer ≥ 1`);
  if (kind === 'medium-replay' && match[3] !== undefined)
    throw new RangeError(
      `'${text}': medium-replay has one size (the replay data up to medium); drop ':${match[3]}'`,
    );
  return { id: `${task}-${kind}-v0`, task, kind, envId, episodes, seed };
};

/** `$OFFRL_CACHE`, or `~/.cache/offrl`. */
export const cacheDirectory = (env: NodeJS.ProcessEnv = process.env): string =>
  env['OFFRL_CACHE'] || join(homedir(), '.cache', 'offrl');

/** The first 12 hex digits of the sha256 of `<task>.json`, which changes whenever its policies do. */
export const behaviourFingerprint = async (task: BehaviourTask): Promise<string> =>
  createHash('sha256')
    .update(await readFile(behaviourInfoPath(task)))
    .digest('hex')
    .slice(0, 12);

/** Where a variant is cached (Pendulum's medium-replay is the one training run's buffer: no seed). */
export const builtinDatasetPath = (
  request: BuiltinDatasetRequest,
  fingerprint: string,
  cache = cacheDirectory(),
): string => {
  const variant =
    request.kind !== 'medium-replay'
      ? `-episodes${request.episodes}-seed${request.seed}`
      : request.task === 'pendulum'
        ? ''
        : `-seed${request.seed}`;
  return join(cache, 'datasets', `${request.id}${variant}-${fingerprint}.hdf5`);
};

export interface BuiltinDataset {
  readonly dataset: TransitionDataset;
  readonly path: string;
  /** True when read from the cache, false when generated now. */
  readonly cached: boolean;
}

/** Reads a variant from the cache, or generates it and writes it there (through a rename). */
export const builtinDataset = async (
  request: BuiltinDatasetRequest,
  cache = cacheDirectory(),
): Promise<BuiltinDataset> => {
  const path = builtinDatasetPath(request, await behaviourFingerprint(request.task), cache);
  if (existsSync(path)) return { dataset: await readD4RL(path), path, cached: true };
  const dataset = await generateDataset(request.task, request.kind, {
    episodes: request.episodes,
    seed: request.seed,
  });
  await mkdir(join(cache, 'datasets'), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}.hdf5`;
  await writeD4RL(temporary, dataset);
  await rename(temporary, path);
  return { dataset, path, cached: false };
};
