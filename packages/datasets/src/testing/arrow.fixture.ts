/**
 * Builds a Minari dataset in the Arrow storage the way pyarrow writes it: `data/<id>/part-0.arrow`
 * (Arrow IPC file format) per episode, Box observations as fixed-size lists of float64 with T + 1
 * rows, actions (fixed-size lists of float32), rewards (float64) and booleans padded with one zero
 * row to T + 1, a per-episode `metadata.json`, and the dataset's `data/metadata.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataType } from 'apache-arrow';
import {
  Bool,
  Field,
  FixedSizeList,
  Float32,
  Float64,
  makeData,
  makeVector,
  Table,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';

export interface ArrowEpisodeSpec {
  readonly observations: number[][]; // T + 1 rows
  readonly actions: number[][]; // T rows
  readonly rewards: number[];
  readonly terminations: boolean[];
  readonly truncations: boolean[];
}

function fixedSizeList(rows: number[][], width: number, element: Float32 | Float64) {
  const values =
    element instanceof Float64
      ? new Float64Array(rows.length * width)
      : new Float32Array(rows.length * width);
  rows.forEach((row, i) => {
    values.set(row, i * width);
  });
  const type = new FixedSizeList(width, new Field('item', element as DataType, true));
  return makeVector(
    makeData({ type, length: rows.length, nullCount: 0, child: makeData({ type: element, data: values }) }),
  );
}

/** Writes the episodes under `root/data`; `metadata` adds or overrides keys of data/metadata.json. */
export function writeArrowMinari(
  root: string,
  episodes: readonly ArrowEpisodeSpec[],
  metadata: Record<string, unknown> = {},
): void {
  const dataDir = join(root, 'data');
  let totalSteps = 0;
  episodes.forEach((episode, id) => {
    const steps = episode.rewards.length;
    totalSteps += steps;
    const width = episode.observations[0]!.length;
    const actionWidth = episode.actions[0]!.length;
    const table = new Table({
      observations: fixedSizeList(episode.observations, width, new Float64()),
      actions: fixedSizeList(
        [...episode.actions, new Array<number>(actionWidth).fill(0)],
        actionWidth,
        new Float32(),
      ),
      rewards: makeVector(Float64Array.from([...episode.rewards, 0])),
      terminations: vectorFromArray([...episode.terminations, false], new Bool()),
      truncations: vectorFromArray([...episode.truncations, false], new Bool()),
    });
    const dir = join(dataDir, String(id));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'part-0.arrow'), tableToIPC(table, 'file'));
    writeFileSync(join(dir, 'metadata.json'), JSON.stringify({ id, total_steps: steps }));
  });
  const space = (width: number) =>
    `{"type": "Box", "dtype": "float64", "shape": [${width}], "low": [${new Array(width).fill('-Infinity').join(', ')}], "high": [${new Array(width).fill('Infinity').join(', ')}]}`;
  const dataset = {
    dataset_id: 'test/arrow/simple-v0',
    total_episodes: episodes.length,
    total_steps: totalSteps,
    data_format: 'arrow',
    observation_space: space(episodes[0]!.observations[0]!.length),
    action_space: space(episodes[0]!.actions[0]!.length),
    ...metadata,
  };
  writeFileSync(join(dataDir, 'metadata.json'), JSON.stringify(dataset));
}
