/**
 * The built-in D4RL-style datasets by id (`pendulum-random-v0`, …), made on first use and cached as
 * D4RL HDF5 files under `$OFFRL_CACHE/datasets/` (default `~/.cache/offrl`). An id may carry a size:
 * `pendulum-medium-v0:20` is the 20-episode variant (per policy; medium-replay has one size, the
 * replay buffer's). Every variant is deterministic from its episodes and seed, so a cached file is
 * what generating it again would give.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readD4RL, type TransitionDataset, writeD4RL } from '@offrl/datasets';
import {
  defaultPendulumEpisodes,
  generatePendulumDataset,
  type PendulumDatasetKind,
  pendulumDatasetKinds,
} from './pendulum-datasets.js';

export const builtinDatasetIds: readonly string[] = pendulumDatasetKinds.map((kind) => `pendulum-${kind}-v0`);

export interface BuiltinDatasetRequest {
  readonly id: string;
  readonly kind: PendulumDatasetKind;
  readonly episodes: number;
  readonly seed: number;
}

/** `pendulum-<kind>-v0` or `pendulum-<kind>-v0:<episodes>`; undefined for anything else. */
export const parseBuiltinId = (text: string, seed = 0): BuiltinDatasetRequest | undefined => {
  const match = /^pendulum-([a-z-]+)-v0(?::(\d+))?$/.exec(text);
  if (match === null) return undefined;
  const kind = pendulumDatasetKinds.find((k) => k === match[1]);
  if (kind === undefined) return undefined;
  const episodes = match[2] === undefined ? defaultPendulumEpisodes : Number(match[2]);
  if (!Number.isInteger(episodes) || episodes < 1)
    throw new RangeError(`'${text}': the episode count after ':' must be an integer ≥ 1`);
  if (kind === 'medium-replay' && match[2] !== undefined)
    throw new RangeError(
      `'${text}': medium-replay has one size (the replay buffer up to medium); drop ':${match[2]}'`,
    );
  return { id: `pendulum-${kind}-v0`, kind, episodes, seed };
};

/** `$OFFRL_CACHE`, or `~/.cache/offrl`. */
export const cacheDirectory = (env: NodeJS.ProcessEnv = process.env): string =>
  env['OFFRL_CACHE'] || join(homedir(), '.cache', 'offrl');

/** Where a variant is cached. */
export const builtinDatasetPath = (request: BuiltinDatasetRequest, cache = cacheDirectory()): string =>
  join(
    cache,
    'datasets',
    request.kind === 'medium-replay'
      ? `${request.id}.hdf5`
      : `${request.id}-episodes${request.episodes}-seed${request.seed}.hdf5`,
  );

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
  const path = builtinDatasetPath(request, cache);
  if (existsSync(path)) return { dataset: await readD4RL(path), path, cached: true };
  const dataset = await generatePendulumDataset(request.kind, {
    episodes: request.episodes,
    seed: request.seed,
  });
  await mkdir(join(cache, 'datasets'), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}.hdf5`;
  await writeD4RL(temporary, dataset);
  await rename(temporary, path);
  return { dataset, path, cached: false };
};
