import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import h5wasm from 'h5wasm/node';
import type { Column, MetadataValue, NumericArray } from './column.js';
import { rowWidth } from './column.js';
import type { ExpectedDimensions } from './d4rl.js';
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
  readFlags,
  readRowsInto,
  shapeOf,
  writeArray,
  writeFlags,
} from './hdf5.js';
import { parsePythonJson, stringifyPythonJson } from './python-json.js';
import type { TransitionDataset } from './transitions.js';
import { createTransitions } from './transitions.js';

type H5Group = InstanceType<typeof h5wasm.Group>;

/** Where Minari keeps datasets: `$MINARI_DATASETS_PATH`, else `~/.minari/datasets`. */
export function minariRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env['MINARI_DATASETS_PATH'] ?? join(homedir(), '.minari', 'datasets');
}

/**
 * The `data/` directory of a Minari dataset given as a directory (the dataset's own directory or
 * its `data/` directory) or as an id such as `mujoco/hopper/expert-v0`, looked up under
 * `minariRoot()`. Throws `not-found` naming every place it looked.
 */
export function resolveMinariDataDir(dirOrId: string, env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [join(dirOrId, 'data'), dirOrId, join(minariRoot(env), dirOrId, 'data')];
  for (const candidate of candidates) {
    if (existsSync(join(candidate, 'metadata.json')) && statSync(candidate).isDirectory()) return candidate;
  }
  throw new DatasetError('not-found', `no Minari dataset (data/metadata.json) at ${candidates.join(', ')}`, {
    file: dirOrId,
  });
}

/** Options of `readMinari`. */
export interface ReadMinariOptions {
  /** Dimensions the environment expects. */
  readonly expect?: ExpectedDimensions;
  /** Environment variables for the id lookup (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Reads a Minari dataset. HDF5 storage (`data/main_data.hdf5`, the default): one `episode_<i>`
 * group per episode, in order of i. Per episode of T steps: `observations` (T+1, d), the last row
 * being the final observation, so row t gives s_t and row t+1 gives s'_t; `actions` (T, a);
 * `rewards` (T,); `terminations` → `terminals`; `truncations` → `timeouts`. Every episode ends
 * where its group ends, flagged or not. `infos/*` with T+1 rows keep rows 1..T (the info returned
 * by the step that made transition t; row 0 is the reset info); with T rows they are kept as they
 * are. Arrow storage (`data_format: "arrow"`): see `readArrowEpisodes` (infos are not read).
 * Keys of `metadata.json` become `metadata` values (strings and numbers as they are, anything else
 * as its JSON text). Observations and rewards, float64 in Minari's MuJoCo datasets, become float32.
 *
 * Dict and Tuple observation spaces are rejected as `unsupported`.
 */
export async function readMinari(
  dirOrId: string,
  options: ReadMinariOptions = {},
): Promise<TransitionDataset> {
  const dataDir = resolveMinariDataDir(dirOrId, options.env);
  const metadataPath = join(dataDir, 'metadata.json');
  const metadata = readMetadataJson(metadataPath);
  const format = metadata['data_format'] ?? 'hdf5';
  if (format === 'arrow') {
    // Loaded on demand: apache-arrow takes about 0.1 s to import, and most datasets are HDF5.
    const { readArrowEpisodes } = await import('./minari-arrow.js');
    const arrow = readArrowEpisodes(dataDir);
    checkDimensions(arrow.observationDim, arrow.actionDim, dataDir, options.expect);
    const sizes = arrow.episodes.map((e) => e.steps);
    const assembled = allocateEpisodes(sizes, arrow.observationDim, arrow.actionDim);
    arrow.episodes.forEach((episode, k) => {
      assembled.put(k, episode);
    });
    return finish(
      {
        ...assembled,
        infos: {},
        warnings: [...arrow.warnings],
        names: arrow.episodes.map((e) => String(e.id)),
      },
      metadata,
      metadataPath,
      dataDir,
    );
  }
  if (format !== 'hdf5') {
    throw new DatasetError(
      'unsupported',
      `data_format "${String(format)}" is not supported ("hdf5" or "arrow")`,
      {
        file: metadataPath,
        field: 'data_format',
      },
    );
  }
  const source = join(dataDir, 'main_data.hdf5');
  const file = await openHdf5(source);
  try {
    return readEpisodes(file, source, metadata, metadataPath, options);
  } catch (cause) {
    throw toDatasetError(cause, 'unreadable', { file: source });
  } finally {
    closeHdf5(file, source);
  }
}

/** `readMinari` with the error as a value instead of a rejection. */
export async function readMinariEither(
  dirOrId: string,
  options: ReadMinariOptions = {},
): Promise<E.Either<DatasetError, TransitionDataset>> {
  return attemptRead(dirOrId, () => readMinari(dirOrId, options));
}

function readMetadataJson(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parsePythonJson(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw toDatasetError(cause, 'bad-metadata', { file: path });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new DatasetError('bad-metadata', 'is not a JSON object', { file: path });
  }
  return parsed as Record<string, unknown>;
}

interface EpisodeLayout {
  readonly name: string;
  readonly group: H5Group;
  readonly steps: number;
}

function readEpisodes(
  file: H5File,
  source: string,
  metadataJson: Record<string, unknown>,
  metadataPath: string,
  options: ReadMinariOptions,
): TransitionDataset {
  const located = (code: DatasetError['code'], detail: string, field: string, row?: number) =>
    new DatasetError(code, detail, { file: source, field, row });
  const names = file
    .keys()
    .filter((name) => /^episode_\d+$/.test(name))
    .sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)));
  if (names.length === 0) throw located('missing-key', 'no episode_<i> groups', 'episode_0');

  // First pass: shapes, so the output arrays are allocated once.
  const episodes: EpisodeLayout[] = [];
  let observationDim = -1;
  let actionDim = -1;
  for (const name of names) {
    const group = file.get(name);
    if (!(group instanceof h5wasm.Group)) throw located('bad-shape', 'is not a group', name);
    for (const key of ['observations', 'actions']) {
      if (hasPath(group, key) && group.get(key) instanceof h5wasm.Group) {
        throw located(
          'unsupported',
          'Dict/Tuple spaces (a group per key) are not supported',
          `${name}/${key}`,
        );
      }
    }
    const rewardShape = shapeOf(getDataset(group, 'rewards', source));
    const steps = rewardShape[0] ?? 0;
    const observationShape = shapeOf(getDataset(group, 'observations', source));
    const actionShape = shapeOf(getDataset(group, 'actions', source));
    if (observationShape[0] !== steps + 1) {
      throw located(
        'row-count-mismatch',
        `has ${observationShape[0]} rows, expected T + 1 = ${steps + 1}`,
        `${name}/observations`,
      );
    }
    if (actionShape[0] !== steps) {
      throw located(
        'row-count-mismatch',
        `has ${actionShape[0]} rows, rewards has ${steps}`,
        `${name}/actions`,
      );
    }
    const od = rowWidth(observationShape);
    const ad = rowWidth(actionShape);
    if (observationDim === -1) {
      observationDim = od;
      actionDim = ad;
    } else if (od !== observationDim || ad !== actionDim) {
      throw located(
        'bad-shape',
        `has dims (${od}, ${ad}), earlier episodes (${observationDim}, ${actionDim})`,
        name,
      );
    }
    const totalSteps = group.attrs['total_steps']?.value;
    if (totalSteps !== undefined && totalSteps !== null && Number(totalSteps) !== steps) {
      throw located(
        'bad-episodes',
        `attribute total_steps = ${totalSteps} but rewards has ${steps} rows`,
        name,
      );
    }
    episodes.push({ name, group, steps });
  }
  checkDimensions(observationDim, actionDim, source, options.expect);

  // Second pass: copy each episode into its rows.
  const assembled = allocateEpisodes(
    episodes.map((e) => e.steps),
    observationDim,
    actionDim,
  );
  const infoParts = new Map<string, (Column | undefined)[]>();
  episodes.forEach(({ name, group, steps }, k) => {
    const episodeObservations = new Float32Array((steps + 1) * observationDim);
    readRowsInto(getDataset(group, 'observations', source), episodeObservations, source);
    const actions = new Float32Array(steps * actionDim);
    readRowsInto(getDataset(group, 'actions', source), actions, source);
    const rewards = new Float32Array(steps);
    readRowsInto(getDataset(group, 'rewards', source), rewards, source);
    assembled.put(k, {
      steps,
      observations: episodeObservations,
      actions,
      rewards,
      terminals: readFlags(getDataset(group, 'terminations', source), steps, source),
      timeouts: readFlags(getDataset(group, 'truncations', source), steps, source),
    });
    if (hasPath(group, 'infos')) {
      const infosGroup = group.get('infos') as H5Group;
      for (const path of datasetPaths(infosGroup)) {
        const column = readInfo(getDataset(infosGroup, path, source), steps, source, `${name}/infos/${path}`);
        const parts = infoParts.get(path) ?? [];
        parts[k] = column;
        infoParts.set(path, parts);
      }
    }
  });

  const warnings: string[] = [];
  const infos: Record<string, Column> = {};
  for (const [path, parts] of infoParts) {
    const joined = concatenateColumns(parts, episodes.length);
    if (joined === undefined)
      warnings.push(`infos/${path} is missing or differs in shape in some episodes: left out`);
    else infos[path] = joined;
  }
  return finish(
    { ...assembled, infos, warnings, names: episodes.map((e) => e.name) },
    metadataJson,
    metadataPath,
    source,
  );
}

function checkDimensions(
  observationDim: number,
  actionDim: number,
  source: string,
  expect: ExpectedDimensions = {},
): void {
  if (expect.observationDim !== undefined && expect.observationDim !== observationDim) {
    throw new DatasetError(
      'dimension-mismatch',
      `has dimension ${observationDim}, the environment expects ${expect.observationDim}`,
      { file: source, field: 'observations' },
    );
  }
  if (expect.actionDim !== undefined && expect.actionDim !== actionDim) {
    throw new DatasetError(
      'dimension-mismatch',
      `has dimension ${actionDim}, the environment expects ${expect.actionDim}`,
      {
        file: source,
        field: 'actions',
      },
    );
  }
}

/** One episode's arrays: observations have T + 1 rows (the final observation included). */
interface EpisodeArrays {
  readonly steps: number;
  readonly observations: Float32Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly terminals: Uint8Array;
  readonly timeouts: Uint8Array;
}

/** The dataset's arrays, allocated once for all episodes, and a function that copies episode k in. */
function allocateEpisodes(sizes: readonly number[], observationDim: number, actionDim: number) {
  const size = sizes.reduce((sum, steps) => sum + steps, 0);
  const episodeEnds = new Uint32Array(sizes.length);
  sizes.reduce((end, steps, k) => {
    episodeEnds[k] = end + steps;
    return end + steps;
  }, 0);
  const arrays = {
    observationDim,
    actionDim,
    observations: new Float32Array(size * observationDim),
    nextObservations: new Float32Array(size * observationDim),
    actions: new Float32Array(size * actionDim),
    rewards: new Float32Array(size),
    terminals: new Uint8Array(size),
    timeouts: new Uint8Array(size),
    episodeEnds,
  };
  // s_t is observation row t, s'_t is row t + 1 of the same episode.
  const put = (k: number, episode: EpisodeArrays) => {
    const start = k === 0 ? 0 : episodeEnds[k - 1]!;
    const { steps } = episode;
    arrays.observations.set(episode.observations.subarray(0, steps * observationDim), start * observationDim);
    arrays.nextObservations.set(episode.observations.subarray(observationDim), start * observationDim);
    arrays.actions.set(episode.actions, start * actionDim);
    arrays.rewards.set(episode.rewards, start);
    arrays.terminals.set(episode.terminals, start);
    arrays.timeouts.set(episode.timeouts, start);
  };
  return { ...arrays, put };
}

interface AssembledEpisodes extends Omit<ReturnType<typeof allocateEpisodes>, 'put'> {
  readonly infos: Record<string, Column>;
  readonly warnings: string[];
  /** How the file names each episode (`episode_3`, or `3` for an Arrow directory), for errors. */
  readonly names: readonly string[];
}

/** Checks the metadata totals, validates, and locates any bad value inside its episode. */
function finish(
  assembled: AssembledEpisodes,
  metadataJson: Record<string, unknown>,
  metadataPath: string,
  source: string,
): TransitionDataset {
  const { episodeEnds } = assembled;
  const size = assembled.rewards.length;
  for (const [field, expected] of [
    ['total_steps', size],
    ['total_episodes', episodeEnds.length],
  ] as const) {
    const declared = metadataJson[field];
    if (typeof declared === 'number' && declared !== expected) {
      throw new DatasetError('bad-metadata', `says ${declared}, the data holds ${expected}`, {
        file: metadataPath,
        field,
      });
    }
  }
  const metadata: Record<string, MetadataValue> = {};
  for (const [key, value] of Object.entries(metadataJson)) {
    metadata[key] =
      typeof value === 'string' || typeof value === 'number' ? value : stringifyPythonJson(value);
  }
  const result = createTransitions({
    observationDim: assembled.observationDim,
    actionDim: assembled.actionDim,
    observations: assembled.observations,
    actions: assembled.actions,
    rewards: assembled.rewards,
    nextObservations: assembled.nextObservations,
    terminals: assembled.terminals,
    timeouts: assembled.timeouts,
    episodeEnds,
    infos: assembled.infos,
    metadata,
    source,
    warnings: assembled.warnings,
  });
  if (E.isRight(result)) return result.right;
  // Locate the row inside its episode, the way the file is organised.
  const error = result.left;
  const row = error.row;
  if (row === undefined) throw error.inFile(source);
  const k = episodeEnds.findIndex((end) => row < end);
  const start = k === 0 ? 0 : episodeEnds[k - 1]!;
  const field = MINARI_FIELD[error.field ?? ''] ?? error.field;
  const step = row - start + (error.field === 'nextObservations' ? 1 : 0);
  throw new DatasetError(error.code, error.detail, {
    file: source,
    field: `${assembled.names[k]}/${field}`,
    row: step,
  });
}

const MINARI_FIELD: Record<string, string> = {
  observations: 'observations',
  nextObservations: 'observations',
  actions: 'actions',
  rewards: 'rewards',
  terminals: 'terminations',
  timeouts: 'truncations',
};

/** An info dataset aligned to the episode's T transitions (T+1 rows drop the reset row). */
function readInfo(
  dataset: InstanceType<typeof h5wasm.Dataset>,
  steps: number,
  source: string,
  field: string,
): Column | undefined {
  const shape = shapeOf(dataset);
  if (shape.length === 0 || (shape[0] !== steps && shape[0] !== steps + 1)) return undefined;
  const width = rowWidth(shape);
  const meta = dataset.metadata;
  if (meta.type !== 0 && meta.type !== 1 && meta.type !== 8) return undefined; // strings and others: skip
  const all = new Float64Array(shape[0]! * width);
  try {
    readRowsInto(dataset, all, source);
  } catch (cause) {
    throw toDatasetError(cause, 'unreadable', { file: source, field });
  }
  const data = shape[0] === steps + 1 ? all.slice(width) : all;
  return { data, shape: [steps, ...shape.slice(1)] };
}

function concatenateColumns(parts: (Column | undefined)[], episodes: number): Column | undefined {
  if (parts.length !== episodes) return undefined;
  const first = parts[0];
  if (first === undefined) return undefined;
  const tail = first.shape.slice(1).join(',');
  let rows = 0;
  for (let k = 0; k < episodes; k++) {
    const part = parts[k];
    if (part === undefined || part.shape.slice(1).join(',') !== tail) return undefined;
    rows += part.shape[0]!;
  }
  const width = rowWidth(first.shape);
  const data = new Float64Array(rows * width);
  let at = 0;
  for (const part of parts as Column[]) {
    data.set(part.data, at);
    at += part.data.length;
  }
  return { data, shape: [rows, ...first.shape.slice(1)] };
}

/** A gymnasium Box space as Minari serialises it into metadata.json (`serialize_space`). */
export interface BoxSpace {
  readonly type: 'Box';
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly low: readonly number[];
  readonly high: readonly number[];
}

/** An unbounded float32 Box of `dim` dimensions. */
export function unboundedBox(dim: number): BoxSpace {
  return {
    type: 'Box',
    dtype: 'float32',
    shape: [dim],
    low: new Array<number>(dim).fill(Number.NEGATIVE_INFINITY),
    high: new Array<number>(dim).fill(Number.POSITIVE_INFINITY),
  };
}

/** Options of `writeMinari`. */
export interface WriteMinariOptions {
  /** `dataset_id`, e.g. `mujoco/hopper/expert-v0`. Default: the dataset's `dataset_id` metadata. */
  readonly datasetId?: string;
  /** Observation space; default the dataset's `observation_space` metadata, else an unbounded Box. */
  readonly observationSpace?: BoxSpace;
  /** Action space; default the dataset's `action_space` metadata, else an unbounded Box. */
  readonly actionSpace?: BoxSpace;
  /** More metadata.json keys (e.g. `minari_version`, which Python Minari checks when loading). */
  readonly extraMetadata?: Readonly<Record<string, unknown>>;
  /** gzip level or false. Default false, as Minari. */
  readonly compression?: number | false;
}

/**
 * Writes a Minari dataset in the HDF5 storage under `dir` (`dir/data/main_data.hdf5` and
 * `dir/data/metadata.json`): one `episode_<k>` group per episode (creation order tracked), with
 * int64 attributes `id` and `total_steps`, `observations` (T+1, d) built from the episode's
 * observations plus its last next observation, `actions`, `rewards` (float64, as Minari),
 * `terminations`, `truncations` (int8 0/1: h5wasm cannot write h5py's bool enum), infos with T rows,
 * arrays resizable along the first axis (`maxshape=(None, …)`). Metadata values of the dataset
 * that metadata.json knows (strings and numbers) are carried over; bare `Infinity` is written
 * like Python's json.
 *
 * Minari stores one observation sequence per episode, so a row whose next observation differs
 * from the following row's observation inside an episode is rejected (`bad-episodes`, with the row).
 */
export async function writeMinari(
  dir: string,
  dataset: TransitionDataset,
  options: WriteMinariOptions = {},
): Promise<void> {
  const { observationDim: od, actionDim: ad } = dataset;
  checkContinuity(dataset, dir);
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'main_data.hdf5');
  const settings = { compression: options.compression ?? false, chunkRows: 1024, resizable: true } as const;
  const file = await createHdf5(path, true);
  try {
    let start = 0;
    dataset.episodeEnds.forEach((end, k) => {
      const steps = end - start;
      const group = file.create_group(`episode_${k}`, true);
      group.create_attribute('id', k, null, '<q'); // int64, as h5py writes a Python int
      group.create_attribute('total_steps', steps, null, '<q');
      const episodeObservations = new Float32Array((steps + 1) * od);
      episodeObservations.set(dataset.observations.subarray(start * od, end * od));
      episodeObservations.set(dataset.nextObservations.subarray((end - 1) * od, end * od), steps * od);
      writeArray(group, 'observations', episodeObservations, [steps + 1, od], settings);
      writeArray(group, 'actions', dataset.actions.slice(start * ad, end * ad), [steps, ad], settings);
      writeArray(
        group,
        'rewards',
        Float64Array.from(dataset.rewards.subarray(start, end)),
        [steps],
        settings,
      );
      writeFlags(group, 'terminations', dataset.terminals.slice(start, end), settings);
      writeFlags(group, 'truncations', dataset.timeouts.slice(start, end), settings);
      const infoNames = Object.keys(dataset.infos);
      if (infoNames.length > 0) {
        const infosGroup = ensureGroup(group, 'infos', true);
        for (const name of infoNames) {
          const column = dataset.infos[name]!;
          const width = rowWidth(column.shape);
          ensureGroup(infosGroup, name.split('/').slice(0, -1).join('/'), true);
          const part = column.data.slice(start * width, end * width) as NumericArray;
          writeArray(infosGroup, name, part, [steps, ...column.shape.slice(1)], settings);
        }
      }
      start = end;
    });
  } catch (cause) {
    throw toDatasetError(cause, 'unreadable', { file: path });
  } finally {
    closeHdf5(file, path);
  }
  const carried: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(dataset.metadata)) {
    if (typeof value === 'string' || typeof value === 'number') carried[key] = value;
  }
  const metadata: Record<string, unknown> = {
    ...carried,
    ...options.extraMetadata,
    dataset_id: options.datasetId ?? carried['dataset_id'] ?? 'offrl/dataset-v0',
    total_episodes: dataset.episodeEnds.length,
    total_steps: dataset.size,
    data_format: 'hdf5',
    observation_space: spaceJson(options.observationSpace, carried['observation_space'], od),
    action_space: spaceJson(options.actionSpace, carried['action_space'], ad),
  };
  writeFileSync(join(dataDir, 'metadata.json'), stringifyPythonJson(metadata));
}

function spaceJson(given: BoxSpace | undefined, carried: unknown, dim: number): string {
  if (given !== undefined) return stringifyPythonJson(given);
  if (typeof carried === 'string') return carried;
  return stringifyPythonJson(unboundedBox(dim));
}

/** Rejects a dataset whose episodes are not single observation sequences. */
function checkContinuity(dataset: TransitionDataset, dir: string): void {
  const od = dataset.observationDim;
  let start = 0;
  for (const end of dataset.episodeEnds) {
    for (let row = start; row < end - 1; row++) {
      for (let k = 0; k < od; k++) {
        if (dataset.nextObservations[row * od + k] !== dataset.observations[(row + 1) * od + k]) {
          throw new DatasetError(
            'bad-episodes',
            "next observation differs from the next row's observation inside an episode; Minari stores one sequence per episode",
            { file: dir, field: 'nextObservations', row },
          );
        }
      }
    }
    start = end;
  }
}
