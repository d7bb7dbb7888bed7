import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import h5wasm from 'h5wasm/node';
import { afterAll, expect, it, describe as suite } from 'vitest';
import type { Column } from './column.js';
import { readD4RL, readD4RLEither, writeD4RL } from './d4rl.js';
import { describe } from './describe.js';
import {
  createFixtureFile,
  h5pyBool,
  patchH5pyBools,
  type SyntheticEpisodes,
  syntheticArrays,
  temporaryDirectory,
} from './testing/h5py.fixture.js';
import { rejection } from './testing/rejection.fixture.js';

const { dir, cleanup } = temporaryDirectory();
afterAll(cleanup);

// Episodes of 4, 3 and 5 rows: ends in a terminal, a timeout, and cut off by the end of the file.
const SPEC: SyntheticEpisodes = {
  observationDim: 3,
  actionDim: 2,
  lengths: [4, 3, 5],
  endings: ['terminal', 'timeout', 'cut'],
};

interface FixtureOptions {
  /** Leave `next_observations` out (v0). */
  readonly withoutNext?: boolean;
  readonly withoutTimeouts?: boolean;
  /** Store rewards as (N, 1) instead of (N,). */
  readonly rewardsColumn?: boolean;
  /** Overwrite one array after generation. */
  readonly tamper?: (arrays: ReturnType<typeof syntheticArrays>) => void;
  /** Keys to leave out. */
  readonly omit?: readonly string[];
  /** Rows of `actions` to write (to make row counts disagree). */
  readonly actionRows?: number;
}

/**
 * A D4RL v2-layout file written the way h5py writes D4RL's files: gzip-compressed chunked float32
 * arrays, bool enums for the flags, `infos/*` per-row arrays, `metadata/*` with a fixed-length byte
 * string, an int32 scalar and nested policy weights.
 */
async function h5pyD4RLFile(name: string, options: FixtureOptions = {}): Promise<string> {
  const path = join(dir, name);
  const arrays = syntheticArrays(SPEC);
  options.tamper?.(arrays);
  const { size } = arrays;
  const omit = new Set(options.omit ?? []);
  const file = await createFixtureFile(path);
  const floats = (key: string, data: Float32Array, shape: number[]) => {
    if (!omit.has(key))
      file.create_dataset({
        name: key,
        data,
        shape,
        dtype: '<f',
        chunks: [4, ...shape.slice(1)],
        compression: 4,
      });
  };
  floats('observations', arrays.observations, [size, SPEC.observationDim]);
  if (options.withoutNext !== true)
    floats('next_observations', arrays.nextObservations, [size, SPEC.observationDim]);
  const actionRows = options.actionRows ?? size;
  floats('actions', arrays.actions.slice(0, actionRows * SPEC.actionDim), [actionRows, SPEC.actionDim]);
  floats('rewards', arrays.rewards, options.rewardsColumn === true ? [size, 1] : [size]);
  if (!omit.has('terminals')) h5pyBool(file, 'terminals', arrays.terminals, { gzip: 4, chunkRows: 4 });
  if (options.withoutTimeouts !== true)
    h5pyBool(file, 'timeouts', arrays.timeouts, { gzip: 4, chunkRows: 4 });
  const infos = file.create_group('infos');
  infos.create_dataset({
    name: 'action_log_probs',
    data: Float32Array.from({ length: size }, (_, i) => -i),
    dtype: '<f',
  });
  infos.create_dataset({
    name: 'qpos',
    data: new Float32Array(size * 2).fill(0.5),
    shape: [size, 2],
    dtype: '<f',
  });
  const metadata = file.create_group('metadata');
  metadata.create_dataset({ name: 'algorithm', data: 'SAC', dtype: 'A3' });
  metadata.create_dataset({ name: 'iteration', data: Int32Array.of(7), shape: [], dtype: '<i' });
  const fc0 = metadata.create_group('policy').create_group('fc0');
  fc0.create_dataset({
    name: 'weight',
    data: Float32Array.from({ length: 6 }, (_, i) => i),
    shape: [2, 3],
    dtype: '<f',
  });
  file.close();
  patchH5pyBools(path);
  return path;
}

suite('the h5py bool fixture', () => {
  it('reads back as an HDF5 enum {FALSE: 0, TRUE: 1} over int8, gzip-compressed', async () => {
    const path = await h5pyD4RLFile('enum.hdf5');
    await h5wasm.ready;
    const file = new h5wasm.File(path, 'r');
    const terminals = file.get('terminals') as InstanceType<typeof h5wasm.Dataset>;
    expect(terminals.metadata.type).toBe(8); // H5T_ENUM
    expect(terminals.metadata.enum_type?.members).toEqual({ FALSE: 0, TRUE: 1 });
    expect(terminals.filters.map((f) => f.name)).toEqual(['deflate']);
    expect((terminals.json_value as boolean[]).slice(0, 4)).toEqual([false, false, false, true]);
    file.close();
  });
});

suite('readD4RL', () => {
  it('reads every key of an h5py-written v2 file', async () => {
    const path = await h5pyD4RLFile('v2.hdf5', { rewardsColumn: true });
    const dataset = await readD4RL(path);
    const arrays = syntheticArrays(SPEC);
    expect(dataset.size).toBe(12);
    expect(dataset.observations).toEqual(arrays.observations);
    expect(dataset.nextObservations).toEqual(arrays.nextObservations);
    expect(dataset.actions).toEqual(arrays.actions);
    expect(dataset.rewards).toEqual(arrays.rewards); // (N, 1) squeezed
    expect(Array.from(dataset.terminals)).toEqual(Array.from(arrays.terminals));
    expect(Array.from(dataset.timeouts)).toEqual(Array.from(arrays.timeouts));
    // terminal at row 3, timeout at row 6, cut-off tail to row 11
    expect(Array.from(dataset.episodeEnds)).toEqual([4, 7, 12]);
    expect(Object.keys(dataset.infos).sort()).toEqual(['action_log_probs', 'qpos']);
    expect(dataset.infos['qpos']!.shape).toEqual([12, 2]);
    expect(dataset.infos['action_log_probs']!.data[5]).toBe(-5);
    expect(dataset.metadata['algorithm']).toBe('SAC');
    expect(dataset.metadata['iteration']).toBe(7);
    const weight = dataset.metadata['policy/fc0/weight'] as Column;
    expect(weight.shape).toEqual([2, 3]);
    expect(Array.from(weight.data)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(dataset.warnings).toEqual([]);
    expect(describe(dataset)).toEqual({
      transitions: 12,
      episodes: 3,
      observationDim: 3,
      actionDim: 2,
      terminals: 1,
      timeouts: 1,
      returns: { min: 4, mean: (4 + 6 + 15) / 3, max: 15 },
    });
  });

  it('leaves out extra keys of types it does not model, with a warning', async () => {
    const path = await h5pyD4RLFile('strings.hdf5');
    const file = new h5wasm.File(path, 'a');
    (file.get('infos') as InstanceType<typeof h5wasm.Group>).create_dataset({
      name: 'labels',
      data: Array.from({ length: 12 }, (_, i) => `step ${i}`),
    });
    file.close();
    const dataset = await readD4RL(path);
    expect(dataset.infos['labels']).toBeUndefined();
    expect(dataset.warnings).toEqual([expect.stringContaining('infos/labels')]);
  });

  it('splits at unflagged breaks with splitOnDiscontinuity', async () => {
    // drop the timeout flag of episode 2: only the jump of the observations shows the break
    const path = await h5pyD4RLFile('unmarked.hdf5', {
      tamper: (arrays) => {
        arrays.timeouts.fill(0);
      },
    });
    expect(Array.from((await readD4RL(path)).episodeEnds)).toEqual([4, 12]);
    expect(Array.from((await readD4RL(path, { splitOnDiscontinuity: true })).episodeEnds)).toEqual([
      4, 7, 12,
    ]);
  });

  it('skips infos and metadata with extraKeys: false', async () => {
    const dataset = await readD4RL(await h5pyD4RLFile('core.hdf5'), { extraKeys: false });
    expect(dataset.infos).toEqual({});
    expect(dataset.metadata).toEqual({});
    expect(dataset.size).toBe(12);
  });

  it('applies qlearning_dataset semantics on request', async () => {
    const path = await h5pyD4RLFile('q.hdf5');
    const dataset = await readD4RL(path, { qlearning: true });
    // dropped: row 6 (timeout) and row 11 (last row)
    expect(dataset.size).toBe(10);
    expect(Array.from(dataset.episodeEnds)).toEqual([4, 6, 10]);
    expect(Array.from(dataset.timeouts).every((t) => t === 0)).toBe(true);
    expect(Array.from(dataset.terminals)).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    const kept = await readD4RL(path, { qlearning: true, terminateOnEnd: true });
    expect(kept.size).toBe(11);
  });

  it('builds next observations for v0 files without next_observations or timeouts', async () => {
    const path = await h5pyD4RLFile('v0.hdf5', { withoutNext: true, withoutTimeouts: true });
    const dataset = await readD4RL(path);
    const arrays = syntheticArrays(SPEC);
    const od = SPEC.observationDim;
    // within episode 1 (rows 0–2) and across the unmarked timeout at row 6, observations[i+1]
    expect(dataset.nextObservations.slice(0, 3 * od)).toEqual(arrays.observations.slice(od, 4 * od));
    // row 3 is terminal: it repeats its own observation, not the next episode's first
    expect(dataset.nextObservations.slice(3 * od, 4 * od)).toEqual(arrays.observations.slice(3 * od, 4 * od));
    // the last row has no successor
    expect(dataset.nextObservations.slice(11 * od)).toEqual(arrays.observations.slice(11 * od));
    expect(Array.from(dataset.episodeEnds)).toEqual([4, 12]);
    expect(dataset.warnings.join(' ')).toContain('no next_observations key');
    // timeouts inferred from a 3-step limit: row 2 (3rd step), terminal at 3, then rows 6 and 9
    const limited = await readD4RL(path, { maxEpisodeSteps: 3 });
    expect(Array.from(limited.timeouts)).toEqual([0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0]);
    expect(Array.from(limited.episodeEnds)).toEqual([3, 4, 7, 10, 12]);
    // qlearning counts D4RL-style instead
    const q = await readD4RL(path, { qlearning: true, maxEpisodeSteps: 3 });
    expect(q.size).toBeLessThan(12);
  });

  it('returns errors as values from readD4RLEither', async () => {
    const path = await h5pyD4RLFile('either.hdf5');
    expect(E.isRight(await readD4RLEither(path))).toBe(true);
    const missing = await readD4RLEither(join(dir, 'nope.hdf5'));
    expect(E.isLeft(missing) && missing.left.code).toBe('not-found');
  });
});

suite('readD4RL on bad input', () => {
  it('names a missing file', async () => {
    const path = join(dir, 'missing.hdf5');
    expect(await rejection(readD4RL(path))).toMatchObject({ code: 'not-found', file: path });
  });

  it('rejects a file that is not HDF5', async () => {
    const path = join(dir, 'text.hdf5');
    writeFileSync(path, 'observations,actions\n1,2\n');
    const error = await rejection(readD4RL(path));
    expect(error).toMatchObject({ code: 'not-hdf5', file: path });
  });

  it('rejects a truncated file before the HDF5 library sees it', async () => {
    const full = await h5pyD4RLFile('full.hdf5');
    const path = join(dir, 'truncated.hdf5');
    const bytes = readFileSync(full);
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    expect(await rejection(readD4RL(path))).toMatchObject({ code: 'truncated', file: path });
    writeFileSync(path, bytes.subarray(0, 20)); // cut inside the superblock
    expect(await rejection(readD4RL(path))).toMatchObject({ code: 'truncated', file: path });
  });

  it('names a missing required key', async () => {
    const path = await h5pyD4RLFile('no-terminals.hdf5', { omit: ['terminals'] });
    expect(await rejection(readD4RL(path))).toMatchObject({
      code: 'missing-key',
      file: path,
      field: 'terminals',
    });
  });

  it('names the key whose row count disagrees', async () => {
    const path = await h5pyD4RLFile('rows.hdf5', { actionRows: 11 });
    expect(await rejection(readD4RL(path))).toMatchObject({
      code: 'row-count-mismatch',
      file: path,
      field: 'actions',
    });
  });

  it('names the field and row of a NaN reward', async () => {
    const path = await h5pyD4RLFile('nan.hdf5', {
      tamper: (arrays) => {
        arrays.rewards[5] = Number.NaN;
      },
    });
    const error = await rejection(readD4RL(path));
    expect(error).toMatchObject({ code: 'non-finite', file: path, field: 'rewards', row: 5 });
    expect(error.message).toBe(`${path}: rewards, row 5: NaN`);
  });

  it('reports next observations under their file key', async () => {
    const path = await h5pyD4RLFile('inf.hdf5', {
      tamper: (arrays) => {
        arrays.nextObservations[7] = Number.POSITIVE_INFINITY;
      },
    });
    expect(await rejection(readD4RL(path))).toMatchObject({ field: 'next_observations', row: 2 });
  });

  it('rejects dimensions that disagree with the environment', async () => {
    const path = await h5pyD4RLFile('dims.hdf5');
    expect(await rejection(readD4RL(path, { expect: { observationDim: 11 } }))).toMatchObject({
      code: 'dimension-mismatch',
      file: path,
      field: 'observations',
    });
    expect(await rejection(readD4RL(path, { expect: { observationDim: 3, actionDim: 3 } }))).toMatchObject({
      code: 'dimension-mismatch',
      field: 'actions',
    });
  });

  it('rejects a flag that is neither 0 nor 1', async () => {
    const path = join(dir, 'flag.hdf5');
    await writeD4RL(path, await readD4RL(await h5pyD4RLFile('flag-source.hdf5')));
    const file = new h5wasm.File(path, 'a');
    (file.get('terminals') as InstanceType<typeof h5wasm.Dataset>).write_slice([[2, 3]], Int8Array.of(3));
    file.close();
    expect(await rejection(readD4RL(path))).toMatchObject({ code: 'bad-value', field: 'terminals', row: 2 });
  });
});

suite('writeD4RL', () => {
  it('round-trips arrays, flags, episodes, infos and metadata, keeping element types', async () => {
    const read = await readD4RL(await h5pyD4RLFile('source.hdf5'));
    const size = read.size;
    const original = {
      ...read,
      infos: {
        ...read.infos,
        contact: { data: Uint8Array.from({ length: size }, (_, i) => i % 2), shape: [size] },
        step: { data: Int32Array.from({ length: size }, (_, i) => -i), shape: [size] },
        'nested/energy': { data: Float64Array.from({ length: size }, (_, i) => i / 3), shape: [size] },
      },
      metadata: { ...read.metadata, temperature: 0.1 },
    };
    const path = join(dir, 'written.hdf5');
    await writeD4RL(path, original);
    const back = await readD4RL(path);
    expect(back.infos['contact']!.data).toBeInstanceOf(Uint8Array);
    expect(back.infos['step']!.data).toBeInstanceOf(Int32Array);
    expect(back.infos['nested/energy']!.data).toBeInstanceOf(Float64Array);
    expect(back.infos['qpos']!.data).toBeInstanceOf(Float32Array);
    expect(back.metadata['temperature']).toBe(0.1); // float64 scalar, not rounded to float32
    for (const key of [
      'observations',
      'nextObservations',
      'actions',
      'rewards',
      'terminals',
      'timeouts',
    ] as const) {
      expect(back[key]).toEqual(original[key]);
    }
    expect(back.episodeEnds).toEqual(original.episodeEnds);
    expect(back.infos).toEqual(original.infos);
    expect(back.metadata).toEqual(original.metadata);
  });

  it('writes uncompressed when asked, and marks unflagged episode ends as timeouts', async () => {
    const q = await readD4RL(await h5pyD4RLFile('q-source.hdf5'), { qlearning: true });
    const path = join(dir, 'q-written.hdf5');
    await writeD4RL(path, q, { compression: false });
    const file = new h5wasm.File(path, 'r');
    expect((file.get('observations') as InstanceType<typeof h5wasm.Dataset>).filters).toEqual([]);
    file.close();
    const back = await readD4RL(path);
    expect(back.episodeEnds).toEqual(q.episodeEnds);
    // the cut at row 5 (before the dropped timeout) is now a timeout; the last row stays unflagged
    expect(Array.from(back.timeouts)).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
  });
});
