/**
 * Where `--dataset` points: a D4RL HDF5 file (`*.hdf5`, `*.h5`), a Minari dataset (a directory, or an
 * id under `$MINARI_DATASETS_PATH`), or a dataset offrl makes itself: the D4RL-style built-ins
 * (`pendulum-medium-v0`, `hopper-medium-replay-v0`, …, optionally sized as `hopper-medium-v0:20`; cached
 * under `$OFFRL_CACHE`)
 * and the small scripted ones (`pendulum-scripted`, `pendulum-mixed`).
 */
import { existsSync, statSync } from 'node:fs';
import { readD4RL, readMinari, type TransitionDataset } from '@offrl/datasets';
import { pendulumMixedDataset, pendulumScriptedDataset } from '@offrl/recipes';
import { builtinDataset, builtinDatasetIds, parseBuiltinId } from './builtin/builtin-datasets.js';

export type DatasetFormat = 'd4rl' | 'minari' | 'generated';

export interface LoadedDataset {
  readonly format: DatasetFormat;
  readonly dataset: TransitionDataset;
  /** The environment the dataset belongs to, when known. */
  readonly envId?: string;
}

/** Small datasets made on demand with real physics, deterministic from their fixed seed. */
const generated: Readonly<Record<string, () => Promise<TransitionDataset>>> = {
  // 20 episodes of a noisy swing-up controller (near-expert).
  'pendulum-scripted': async () => (await pendulumScriptedDataset({ episodes: 20, seed: 0 })).dataset,
  // 6 controller episodes and 14 of uniformly random torques: the mixed-quality case.
  'pendulum-mixed': async () =>
    (await pendulumMixedDataset({ expertEpisodes: 6, randomEpisodes: 14, seed: 0 })).dataset,
};

export const generatedDatasets = [...builtinDatasetIds, ...Object.keys(generated)];

export const loadDataset = async (pathOrId: string): Promise<LoadedDataset> => {
  const make = generated[pathOrId];
  if (make !== undefined) return { format: 'generated', dataset: await make(), envId: 'Pendulum-v1' };
  const builtin = parseBuiltinId(pathOrId);
  if (builtin !== undefined)
    return { format: 'generated', dataset: (await builtinDataset(builtin)).dataset, envId: builtin.envId };
  if (/\.(hdf5|h5)$/i.test(pathOrId)) {
    if (!existsSync(pathOrId)) throw new Error(`dataset file '${pathOrId}' does not exist`);
    return { format: 'd4rl', dataset: await readD4RL(pathOrId) };
  }
  if (existsSync(pathOrId) && !statSync(pathOrId).isDirectory()) {
    throw new Error(`'${pathOrId}' is a file but not HDF5 (*.hdf5, *.h5); a Minari dataset is a directory`);
  }
  return { format: 'minari', dataset: await readMinari(pathOrId) };
};
