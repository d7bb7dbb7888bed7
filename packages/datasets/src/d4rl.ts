import * as E from 'fp-ts/lib/Either.js';
import type { Column, MetadataValue } from './column.js';
import { rowWidth } from './column.js';
import { splitAtDiscontinuities } from './discontinuities.js';
import { attemptRead, DatasetError, toDatasetError } from './errors.js';
import type { H5File } from './hdf5.js';
import {
  closeHdf5,
  createHdf5,
  datasetPaths,
  ensureGroup,
  getDataset,
  hasPath,
  openHdf5,
  readColumn,
  readFlags,
  readMetadataValue,
  readRowsInto,
  shapeOf,
  writeArray,
  writeFlags,
  writeMetadataValue,
} from './hdf5.js';
import { inferTimeouts, qlearningDataset } from './qlearning.js';
import type { TransitionDataset } from './transitions.js';
import { createTransitions } from './transitions.js';

/** Dimensions an environment expects; a file that disagrees is rejected with `dimension-mismatch`. */
export interface ExpectedDimensions {
  readonly observationDim?: number;
  readonly actionDim?: number;
}

/** Options of `readD4RL`. */
export interface ReadD4RLOptions {
  /**
   * Apply D4RL's `qlearning_dataset` row selection (see `qlearningDataset`): drop the last row and
   * the last step of every timeout episode. Default false: keep every row of the file.
   */
  readonly qlearning?: boolean;
  /** With `qlearning`: D4RL's `terminate_on_end`, keep the timeout rows. */
  readonly terminateOnEnd?: boolean;
  /**
   * Episode length limit for files without a `timeouts` key (v0): `qlearning` counts steps with it
   * (default 1000, as D4RL's locomotion tasks); without `qlearning`, timeouts are inferred from it
   * only when it is given.
   */
  readonly maxEpisodeSteps?: number;
  /** Dimensions the environment expects. */
  readonly expect?: ExpectedDimensions;
  /**
   * Also end an episode wherever `next_observations[i]` is not `observations[i+1]` (files with
   * unmarked timeouts, such as D4RL's medium-replay; see `splitAtDiscontinuities`). Default false:
   * episodes end at terminals and timeouts only. Applied before `qlearning`.
   */
  readonly splitOnDiscontinuity?: boolean;
  /**
   * Read the keys beyond the transition arrays (`infos/*`, `metadata/*`, others). Default true;
   * false skips them, which saves a third of the load time of a file with `infos/qpos` and `qvel`.
   */
  readonly extraKeys?: boolean;
}

// File keys of the D4RL layout, and the data-model field each validation error is reported under.
const FILE_FIELD: Record<string, string> = {
  observations: 'observations',
  actions: 'actions',
  rewards: 'rewards',
  nextObservations: 'next_observations',
  terminals: 'terminals',
  timeouts: 'timeouts',
};
const CORE_KEYS = new Set([
  'observations',
  'actions',
  'rewards',
  'next_observations',
  'terminals',
  'timeouts',
]);

/**
 * Reads a D4RL HDF5 file (v0, v1 or v2 layout): `observations` (N, d), `actions` (N, a),
 * `rewards` (N,) or (N, 1), `terminals` (N,), optional `timeouts` (N,) and `next_observations`
 * (N, d), every `infos/*` key (per-row columns) and every `metadata/*` key. Other root keys are
 * kept too: in `infos` if they have N rows, in `metadata` otherwise.
 *
 * Without `next_observations` (v0) they are built as `observations[i+1]` within an episode; a row
 * that ends an episode by a timeout or the end of the file has no successor in the file and gets
 * its own observation (with a warning; `qlearning: true` drops those rows), a terminal row gets its
 * own observation too (it never bootstraps).
 *
 * Rejects with a `DatasetError` naming the file, the key and, for bad values, the row.
 */
export async function readD4RL(path: string, options: ReadD4RLOptions = {}): Promise<TransitionDataset> {
  const file = await openHdf5(path);
  try {
    const read = readOpenFile(file, path, options);
    const dataset = options.splitOnDiscontinuity === true ? splitAtDiscontinuities(read) : read;
    if (options.qlearning !== true) return dataset;
    const hasTimeouts = hasPath(file, 'timeouts');
    return qlearningDataset(dataset, {
      terminateOnEnd: options.terminateOnEnd ?? false,
      maxEpisodeSteps: hasTimeouts ? undefined : (options.maxEpisodeSteps ?? 1000),
    });
  } catch (cause) {
    throw toDatasetError(cause, 'unreadable', { file: path });
  } finally {
    closeHdf5(file, path);
  }
}

/** `readD4RL` with the error as a value instead of a rejection. */
export async function readD4RLEither(
  path: string,
  options: ReadD4RLOptions = {},
): Promise<E.Either<DatasetError, TransitionDataset>> {
  return attemptRead(path, () => readD4RL(path, options));
}

function readOpenFile(file: H5File, source: string, options: ReadD4RLOptions): TransitionDataset {
  const located = (code: DatasetError['code'], detail: string, field: string) =>
    new DatasetError(code, detail, { file: source, field });
  const observationsSet = getDataset(file, 'observations', source);
  const observationShape = shapeOf(observationsSet);
  if (observationShape.length !== 2) {
    throw located(
      'bad-shape',
      `has shape [${observationShape}], expected (N, observation_dim)`,
      'observations',
    );
  }
  const [size, observationDim] = observationShape as [number, number];
  const actionsSet = getDataset(file, 'actions', source);
  const actionShape = shapeOf(actionsSet);
  if (actionShape.length !== 2)
    throw located('bad-shape', `has shape [${actionShape}], expected (N, action_dim)`, 'actions');
  const actionDim = actionShape[1]!;
  const rewardsSet = getDataset(file, 'rewards', source);
  const rewardShape = shapeOf(rewardsSet);
  if (!(rewardShape.length === 1 || (rewardShape.length === 2 && rewardShape[1] === 1))) {
    throw located('bad-shape', `has shape [${rewardShape}], expected (N,) or (N, 1)`, 'rewards');
  }
  for (const [field, shape] of [
    ['actions', actionShape],
    ['rewards', rewardShape],
  ] as const) {
    if (shape[0] !== size)
      throw located('row-count-mismatch', `has ${shape[0]} rows, observations has ${size}`, field);
  }
  const { expect = {} } = options;
  if (expect.observationDim !== undefined && expect.observationDim !== observationDim) {
    throw located(
      'dimension-mismatch',
      `has dimension ${observationDim}, the environment expects ${expect.observationDim}`,
      'observations',
    );
  }
  if (expect.actionDim !== undefined && expect.actionDim !== actionDim) {
    throw located(
      'dimension-mismatch',
      `has dimension ${actionDim}, the environment expects ${expect.actionDim}`,
      'actions',
    );
  }

  const observations = new Float32Array(size * observationDim);
  readRowsInto(observationsSet, observations, source);
  const actions = new Float32Array(size * actionDim);
  readRowsInto(actionsSet, actions, source);
  const rewards = new Float32Array(size);
  readRowsInto(rewardsSet, rewards, source);
  const terminals = readFlags(getDataset(file, 'terminals', source), size, source);
  const warnings: string[] = [];
  let timeouts: Uint8Array;
  if (hasPath(file, 'timeouts')) {
    timeouts = readFlags(getDataset(file, 'timeouts', source), size, source);
  } else if (options.maxEpisodeSteps !== undefined && options.qlearning !== true) {
    timeouts = inferTimeouts(terminals, options.maxEpisodeSteps);
    warnings.push(`no timeouts key: timeouts inferred every ${options.maxEpisodeSteps} steps`);
  } else {
    timeouts = new Uint8Array(size);
    warnings.push('no timeouts key: only terminals (and qlearning step counting) mark episode ends');
  }

  let nextObservations: Float32Array;
  if (hasPath(file, 'next_observations')) {
    const nextSet = getDataset(file, 'next_observations', source);
    const nextShape = shapeOf(nextSet);
    if (nextShape.length !== 2 || nextShape[0] !== size || nextShape[1] !== observationDim) {
      throw located(
        nextShape[0] !== size ? 'row-count-mismatch' : 'bad-shape',
        `has shape [${nextShape}], observations has [${observationShape}]`,
        'next_observations',
      );
    }
    nextObservations = new Float32Array(size * observationDim);
    readRowsInto(nextSet, nextObservations, source);
  } else {
    const built = successorObservations(observations, observationDim, terminals, timeouts);
    nextObservations = built.nextObservations;
    warnings.push(
      `no next_observations key: built from observations[i+1]; ${built.missing} rows that end an episode ` +
        'by a timeout or the end of the file repeat their own observation (qlearning: true drops them)',
    );
  }

  const infos: Record<string, Column> = {};
  const metadata: Record<string, MetadataValue> = {};
  for (const path of options.extraKeys === false ? [] : datasetPaths(file)) {
    if (CORE_KEYS.has(path)) continue;
    const dataset = getDataset(file, path, source);
    const shape = shapeOf(dataset);
    if (path.startsWith('infos/') && shape[0] !== size) {
      throw located('row-count-mismatch', `has shape [${shape}], expected ${size} rows`, path);
    }
    try {
      if (path.startsWith('metadata/'))
        metadata[path.slice('metadata/'.length)] = readMetadataValue(dataset, source);
      else if (path.startsWith('infos/')) infos[path.slice('infos/'.length)] = readColumn(dataset, source);
      else if (shape[0] === size && shape.length > 0) infos[path] = readColumn(dataset, source);
      else metadata[path] = readMetadataValue(dataset, source);
    } catch (cause) {
      // An extra key of a type we do not model (compound, variable-length, …) must not block the load.
      if (!(cause instanceof DatasetError && cause.code === 'bad-dtype')) throw cause;
      warnings.push(`${path}: ${cause.detail}; left out`);
    }
  }

  const result = createTransitions({
    observationDim,
    actionDim,
    observations,
    actions,
    rewards,
    nextObservations,
    terminals,
    timeouts,
    infos,
    metadata,
    source,
    warnings,
  });
  if (E.isLeft(result)) {
    const error = result.left;
    throw new DatasetError(error.code, error.detail, {
      file: source,
      field: FILE_FIELD[error.field ?? ''] ?? error.field,
      row: error.row,
    });
  }
  return result.right;
}

/**
 * Next observations for a file without them: observations[i+1] inside an episode; a row that ends
 * an episode (terminal, timeout or last row) repeats observations[i], since its successor is not
 * in the file (after a terminal, observations[i+1] is the next episode's reset state).
 */
function successorObservations(
  observations: Float32Array,
  dim: number,
  terminals: Uint8Array,
  timeouts: Uint8Array,
): { nextObservations: Float32Array; missing: number } {
  const size = terminals.length;
  const nextObservations = new Float32Array(observations.length);
  let missing = 0;
  for (let row = 0; row < size; row++) {
    const ends = terminals[row] === 1 || timeouts[row] === 1 || row === size - 1;
    const from = ends ? row : row + 1;
    if (ends && terminals[row] !== 1) missing++;
    nextObservations.set(observations.subarray(from * dim, from * dim + dim), row * dim);
  }
  return { nextObservations, missing };
}

/** Options of `writeD4RL`. */
export interface WriteD4RLOptions {
  /** gzip level (0–9) or false for none. Default 4, h5py's gzip default and what D4RL files use. */
  readonly compression?: number | false;
  /** Target bytes per HDF5 chunk; rows per chunk follow from each array's row size. Default 256 KiB. */
  readonly chunkBytes?: number;
}

/**
 * Writes the D4RL v2 layout: `observations`, `next_observations`, `actions`, `rewards` (N,),
 * `terminals` and `timeouts` (int8 0/1: h5wasm cannot write h5py's bool enum; h5py reads int8 and
 * D4RL's loaders cast with `bool()`), every info as `infos/<name>` and every metadata value as
 * `metadata/<name>`. An episode end that carries neither flag (other than the last row) is written
 * as a timeout, the flag D4RL has for "ends here, bootstrap", so reading back gives the same episodes.
 */
export async function writeD4RL(
  path: string,
  dataset: TransitionDataset,
  options: WriteD4RLOptions = {},
): Promise<void> {
  const compression = options.compression ?? 4;
  const chunkBytes = options.chunkBytes ?? 256 * 1024;
  const chunkRowsFor = (bytesPerRow: number) =>
    Math.max(1, Math.floor(chunkBytes / Math.max(1, bytesPerRow)));
  const settings = (bytesPerRow: number) => ({ compression, chunkRows: chunkRowsFor(bytesPerRow) });
  const { size, observationDim: od, actionDim: ad } = dataset;
  const file = await createHdf5(path);
  try {
    writeArray(file, 'observations', dataset.observations, [size, od], settings(4 * od));
    writeArray(file, 'next_observations', dataset.nextObservations, [size, od], settings(4 * od));
    writeArray(file, 'actions', dataset.actions, [size, ad], settings(4 * ad));
    writeArray(file, 'rewards', dataset.rewards, [size], settings(4));
    writeFlags(file, 'terminals', dataset.terminals, settings(1));
    writeFlags(file, 'timeouts', timeoutsWithCuts(dataset), settings(1));
    const infoNames = Object.keys(dataset.infos);
    if (infoNames.length > 0) {
      const infosGroup = ensureGroup(file, 'infos');
      for (const name of infoNames) {
        const column = dataset.infos[name]!;
        ensureGroup(infosGroup, name.split('/').slice(0, -1).join('/'));
        writeArray(
          infosGroup,
          name,
          column.data,
          column.shape,
          settings(column.data.BYTES_PER_ELEMENT * rowWidth(column.shape)),
        );
      }
    }
    const metadataNames = Object.keys(dataset.metadata);
    if (metadataNames.length > 0) {
      const metadataGroup = ensureGroup(file, 'metadata');
      for (const name of metadataNames) {
        ensureGroup(metadataGroup, name.split('/').slice(0, -1).join('/'));
        writeMetadataValue(metadataGroup, name, dataset.metadata[name]!, settings(8));
      }
    }
  } catch (cause) {
    throw toDatasetError(cause, 'unreadable', { file: path });
  } finally {
    closeHdf5(file, path);
  }
}

/** Timeouts plus a timeout on every unflagged episode end but the last row. */
function timeoutsWithCuts(dataset: TransitionDataset): Uint8Array {
  let timeouts = dataset.timeouts;
  for (const end of dataset.episodeEnds) {
    const row = end - 1;
    if (row === dataset.size - 1 || dataset.terminals[row] === 1 || timeouts[row] === 1) continue;
    if (timeouts === dataset.timeouts) timeouts = dataset.timeouts.slice();
    timeouts[row] = 1;
  }
  return timeouts;
}
