import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Data, Vector } from 'apache-arrow';
import { DataType, tableFromIPC } from 'apache-arrow';
import { DatasetError, toDatasetError } from './errors.js';
import { parsePythonJson } from './python-json.js';

/** One episode of a Minari Arrow dataset, T steps, as float32 arrays. */
export interface ArrowEpisode {
  readonly id: number;
  readonly steps: number;
  /** (T + 1) × observationDim: the final observation included. */
  readonly observations: Float32Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly terminals: Uint8Array;
  readonly timeouts: Uint8Array;
}

/** Episodes of a Minari Arrow dataset and the widths they share. */
export interface ArrowEpisodes {
  readonly observationDim: number;
  readonly actionDim: number;
  readonly episodes: readonly ArrowEpisode[];
  readonly warnings: readonly string[];
}

/**
 * Reads Minari's Arrow storage (`data_format: "arrow"`): one directory `data/<episode id>/` per
 * episode, written by pyarrow's `write_dataset` in the Arrow IPC file format (files not starting
 * with `_` or `.`, besides the episode's `metadata.json`). Columns: `observations` (T + 1 rows,
 * a fixed-size list per Box observation), and `actions`, `rewards`, `terminations`, `truncations`
 * padded to T + 1 rows, whose last row is dropped. `infos` (JSON strings or structs) are left out
 * with a warning; Dict/Tuple spaces (struct columns) are `unsupported`.
 */
export function readArrowEpisodes(dataDir: string): ArrowEpisodes {
  const ids = readdirSync(dataDir)
    .filter((name) => /^\d+$/.test(name) && statSync(join(dataDir, name)).isDirectory())
    .map(Number)
    .sort((a, b) => a - b);
  if (ids.length === 0) {
    throw new DatasetError('missing-key', 'no episode directories <id>/ in the Arrow storage', {
      file: dataDir,
    });
  }
  const episodes: ArrowEpisode[] = [];
  const warnings = new Set<string>();
  let observationDim = -1;
  let actionDim = -1;
  for (const id of ids) {
    const episode = readEpisode(join(dataDir, String(id)), id, warnings);
    if (observationDim === -1) {
      observationDim = episode.observationDim;
      actionDim = episode.actionDim;
    } else if (episode.observationDim !== observationDim || episode.actionDim !== actionDim) {
      throw new DatasetError(
        'bad-shape',
        `has dims (${episode.observationDim}, ${episode.actionDim}), earlier episodes (${observationDim}, ${actionDim})`,
        { file: join(dataDir, String(id)) },
      );
    }
    episodes.push(episode.data);
  }
  return { observationDim, actionDim, episodes, warnings: [...warnings] };
}

function readEpisode(
  dir: string,
  id: number,
  warnings: Set<string>,
): { data: ArrowEpisode; observationDim: number; actionDim: number } {
  const files = readdirSync(dir)
    .filter((name) => name !== 'metadata.json' && !name.startsWith('_') && !name.startsWith('.'))
    .sort();
  if (files.length === 0)
    throw new DatasetError('missing-key', 'no Arrow file in the episode directory', { file: dir });
  const columns = new Map<string, Vector[]>();
  for (const name of files) {
    const path = join(dir, name);
    let table: ReturnType<typeof tableFromIPC>;
    try {
      table = tableFromIPC(readFileSync(path));
    } catch (cause) {
      throw toDatasetError(cause, 'unreadable', { file: path });
    }
    for (const field of table.schema.fields) {
      const parts = columns.get(field.name) ?? [];
      parts.push(table.getChild(field.name)!);
      columns.set(field.name, parts);
    }
  }
  const column = (name: string) => {
    const parts = columns.get(name);
    if (parts === undefined)
      throw new DatasetError('missing-key', 'required column is missing', { file: dir, field: name });
    return parts;
  };
  const { values: rewardsPadded } = numericColumn(column('rewards'), dir, 'rewards');
  const steps = rewardsPadded.length - 1;
  const observations = numericColumn(column('observations'), dir, 'observations');
  if (observations.rows !== steps + 1) {
    throw new DatasetError(
      'row-count-mismatch',
      `has ${observations.rows} rows, expected T + 1 = ${steps + 1}`,
      {
        file: dir,
        field: 'observations',
      },
    );
  }
  const actions = numericColumn(column('actions'), dir, 'actions');
  for (const [field, rows] of [
    ['actions', actions.rows],
    ['terminations', length(column('terminations'))],
    ['truncations', length(column('truncations'))],
  ] as const) {
    if (rows !== steps + 1) {
      throw new DatasetError(
        'row-count-mismatch',
        `has ${rows} rows, expected T + 1 = ${steps + 1} (padded)`,
        {
          file: dir,
          field,
        },
      );
    }
  }
  const metadataPath = join(dir, 'metadata.json');
  try {
    const episodeMetadata = parsePythonJson(readFileSync(metadataPath, 'utf8')) as Record<string, unknown>;
    const total = episodeMetadata['total_steps'];
    if (typeof total === 'number' && total !== steps) {
      throw new DatasetError('bad-episodes', `says ${total} steps, the columns hold ${steps}`, {
        file: metadataPath,
        field: 'total_steps',
      });
    }
  } catch (cause) {
    if (cause instanceof DatasetError) throw cause;
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT')
      throw toDatasetError(cause, 'bad-metadata', { file: metadataPath });
  }
  if (columns.has('infos')) warnings.add('infos columns of the Arrow storage are not read');
  return {
    observationDim: observations.width,
    actionDim: actions.width,
    data: {
      id,
      steps,
      observations: observations.values,
      actions: actions.values.slice(0, steps * actions.width),
      rewards: rewardsPadded.slice(0, steps),
      terminals: flags(column('terminations'), steps, dir, 'terminations'),
      timeouts: flags(column('truncations'), steps, dir, 'truncations'),
    },
  };
}

function length(parts: Vector[]): number {
  return parts.reduce((sum, part) => sum + part.length, 0);
}

/**
 * A numeric column (plain numbers, or a fixed-size list of numbers per row for a Box space) as
 * row-major float32, reading the buffers directly rather than row by row.
 */
function numericColumn(
  parts: Vector[],
  file: string,
  field: string,
): { values: Float32Array; rows: number; width: number } {
  const type = parts[0]!.type as DataType;
  let width = 1;
  let valueType: DataType = type;
  const isList = DataType.isFixedSizeList(type);
  if (isList) {
    width = type.listSize;
    valueType = type.children[0]!.type as DataType;
  }
  if (!(DataType.isFloat(valueType) || DataType.isInt(valueType))) {
    const hint = DataType.isStruct(type) ? ' (Dict/Tuple spaces are not supported)' : '';
    throw new DatasetError('unsupported', `column type ${type} is not numeric${hint}`, { file, field });
  }
  const rows = length(parts);
  const values = new Float32Array(rows * width);
  let row = 0;
  for (const part of parts) {
    for (const chunk of part.data as Data[]) {
      if (chunk.nullCount > 0)
        throw new DatasetError('bad-value', 'column has null values', { file, field, row });
      const leaf = isList ? chunk.children[0]! : chunk;
      const start = isList ? leaf.offset + chunk.offset * width : chunk.offset;
      const source = leaf.values as ArrayLike<number | bigint>;
      for (let i = 0; i < chunk.length * width; i++) values[row * width + i] = Number(source[start + i]);
      row += chunk.length;
    }
  }
  return { values, rows, width };
}

/** A boolean (or 0/1 integer) column's first `steps` rows as flags. */
function flags(parts: Vector[], steps: number, file: string, field: string): Uint8Array {
  const result = new Uint8Array(steps);
  let row = 0;
  for (const part of parts) {
    for (let i = 0; i < part.length && row < steps; i++, row++) {
      const value: unknown = part.get(i);
      if (value === true || value === 1 || value === 1n) result[row] = 1;
      else if (!(value === false || value === 0 || value === 0n)) {
        throw new DatasetError('bad-value', `flag must be a boolean, got ${String(value)}`, {
          file,
          field,
          row,
        });
      }
    }
  }
  return result;
}
