import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import h5wasm from 'h5wasm/node';
import { afterAll, expect, it, describe as suite } from 'vitest';
import { readD4RL, writeD4RL } from './d4rl.js';
import { describe } from './describe.js';
import { readMinari, readMinariEither, resolveMinariDataDir, writeMinari } from './minari.js';
import { parsePythonJson } from './python-json.js';
import { createFixtureFile, h5pyBool, patchH5pyBools, temporaryDirectory } from './testing/h5py.fixture.js';
import { rejection } from './testing/rejection.fixture.js';

const { dir, cleanup } = temporaryDirectory();
afterAll(cleanup);

/** Episode e has length 2 + (e mod 3); the last 4 episodes are truncated, the others terminate. */
const EPISODES = 12;
const lengthOf = (e: number) => 2 + (e % 3);
const OBSERVATION_DIM = 2;

interface MinariFixtureOptions {
  /** Write this episode's observations with T rows instead of T + 1. */
  readonly shortObservations?: number;
  /** Put a NaN in the reward of (episode, step). */
  readonly nanReward?: readonly [number, number];
  /** Override metadata.json keys. */
  readonly metadata?: Record<string, unknown>;
}

/**
 * A Minari HDF5 dataset as Minari writes it through h5py: `track_order` file, `episode_<i>` groups
 * with int64 attributes, float64 observations with T + 1 rows, float32 actions, float64 rewards,
 * bool-enum terminations/truncations, an `infos` group with T + 1 rows, and a metadata.json with
 * bare Infinity inside the space strings. Observation (e, t) = (100e + t, −t).
 */
async function h5pyMinariDataset(name: string, options: MinariFixtureOptions = {}): Promise<string> {
  const root = join(dir, name);
  const dataDir = join(root, 'data');
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'main_data.hdf5');
  const file = await createFixtureFile(path, true);
  let total = 0;
  for (let e = 0; e < EPISODES; e++) {
    const steps = lengthOf(e);
    total += steps;
    const group = file.create_group(`episode_${e}`, true);
    group.create_attribute('id', e, null, '<q');
    group.create_attribute('total_steps', steps, null, '<q');
    group.create_attribute('seed', 1000 + e, null, '<q');
    const rows = options.shortObservations === e ? steps : steps + 1;
    const observations = new Float64Array(rows * OBSERVATION_DIM);
    for (let t = 0; t < rows; t++) observations.set([100 * e + t, -t], t * OBSERVATION_DIM);
    group.create_dataset({
      name: 'observations',
      data: observations,
      shape: [rows, OBSERVATION_DIM],
      dtype: '<d',
      maxshape: [null, OBSERVATION_DIM],
      chunks: [8, OBSERVATION_DIM],
    });
    group.create_dataset({
      name: 'actions',
      data: Float32Array.from({ length: steps }, (_, t) => t / 4),
      shape: [steps, 1],
      dtype: '<f',
      maxshape: [null, 1],
      chunks: [8, 1],
    });
    const rewards = Float64Array.from({ length: steps }, (_, t) => e + t / 10);
    if (options.nanReward?.[0] === e) rewards[options.nanReward[1]] = Number.NaN;
    group.create_dataset({
      name: 'rewards',
      data: rewards,
      shape: [steps],
      dtype: '<d',
      maxshape: [null],
      chunks: [8],
    });
    const truncated = e >= EPISODES - 4;
    h5pyBool(
      group,
      'terminations',
      Array.from({ length: steps }, (_, t) => !truncated && t === steps - 1),
    );
    h5pyBool(
      group,
      'truncations',
      Array.from({ length: steps }, (_, t) => truncated && t === steps - 1),
    );
    const infos = group.create_group('infos', true);
    // T + 1 rows: row 0 is the reset info, row t + 1 the info of step t
    infos.create_dataset({
      name: 'x_position',
      data: Float64Array.from({ length: steps + 1 }, (_, t) => 10 * e + t),
      shape: [steps + 1],
      dtype: '<d',
    });
  }
  file.close();
  patchH5pyBools(path);
  const box = (low: string, high: string) =>
    `{"type": "Box", "dtype": "float64", "shape": [${OBSERVATION_DIM}], "low": [${low}, ${low}], "high": [${high}, ${high}]}`;
  const metadata = {
    dataset_id: 'test/point/simple-v0',
    total_episodes: EPISODES,
    total_steps: total,
    data_format: 'hdf5',
    observation_space: box('-Infinity', 'Infinity'),
    action_space: '{"type": "Box", "dtype": "float32", "shape": [1], "low": [-1.0], "high": [1.0]}',
    author: ['A. Author'],
    minari_version: '0.5.3',
    ref_min_score: -5.5,
    ...options.metadata,
  };
  // Python's json.dumps writes a bare Infinity for ref scores of unbounded tasks
  writeFileSync(
    join(dataDir, 'metadata.json'),
    JSON.stringify(metadata).replace('"ref_min_score":-5.5', '"ref_min_score":-Infinity'),
  );
  return root;
}

suite('readMinari', () => {
  it('reads an h5py-written Minari HDF5 dataset, episodes in numeric order', async () => {
    const root = await h5pyMinariDataset('simple');
    const file = new h5wasm.File(join(root, 'data', 'main_data.hdf5'), 'r');
    // the fixture mirrors Minari's MuJoCo files: float64 observations
    expect((file.get('episode_0/observations') as InstanceType<typeof h5wasm.Dataset>).metadata.size).toBe(8);
    file.close();
    const dataset = await readMinari(root);
    const lengths = Array.from({ length: EPISODES }, (_, e) => lengthOf(e));
    const size = lengths.reduce((a, b) => a + b, 0);
    expect(dataset.size).toBe(size);
    expect(dataset.observationDim).toBe(2);
    expect(dataset.actionDim).toBe(1);
    expect(dataset.episodeEnds.length).toBe(EPISODES);
    // episode 10 starts after episodes 0..9, not after episode 1 (lexical order would put it third)
    const start10 = lengths.slice(0, 10).reduce((a, b) => a + b, 0);
    expect(Array.from(dataset.observations.slice(start10 * 2, start10 * 2 + 2))).toEqual([1000, -0]); // −t with t = 0
    // s'_t is observation row t + 1, including the final observation of each episode
    const end10 = start10 + lengthOf(10);
    expect(Array.from(dataset.nextObservations.slice((end10 - 1) * 2, end10 * 2))).toEqual([
      1000 + lengthOf(10),
      -lengthOf(10),
    ]);
    expect(dataset.rewards[start10 + 1]).toBe(Math.fround(10.1));
    // flags: episodes 0..7 terminate, 8..11 are truncated
    const t = describe(dataset);
    expect([t.terminals, t.timeouts]).toEqual([8, 4]);
    expect(dataset.terminals[lengths[0]! - 1]).toBe(1);
    // infos keep rows 1..T: the info of each step
    expect(dataset.infos['x_position']!.shape).toEqual([size]);
    expect(Array.from(dataset.infos['x_position']!.data.slice(0, 2))).toEqual([1, 2]);
    expect(dataset.metadata['dataset_id']).toBe('test/point/simple-v0');
    expect(dataset.metadata['ref_min_score']).toBe(Number.NEGATIVE_INFINITY);
    expect(dataset.metadata['author']).toBe('["A. Author"]');
    expect(parsePythonJson(dataset.metadata['observation_space'] as string)).toMatchObject({
      low: [-Infinity, -Infinity],
    });
  });

  it('finds a dataset by id under $MINARI_DATASETS_PATH, or by its data directory', async () => {
    const root = join(dir, 'registry');
    const datasetDir = await h5pyMinariDataset(join('registry', 'test', 'point', 'simple-v0'));
    const byId = await readMinari('test/point/simple-v0', { env: { MINARI_DATASETS_PATH: root } });
    const byData = await readMinari(join(datasetDir, 'data'));
    expect(byId.observations).toEqual(byData.observations);
    expect(() => resolveMinariDataDir('test/point/other-v0', { MINARI_DATASETS_PATH: root })).toThrow(
      'no Minari dataset',
    );
  });

  it('returns errors as values from readMinariEither', async () => {
    const result = await readMinariEither(join(dir, 'nowhere'));
    expect(E.isLeft(result) && result.left.code).toBe('not-found');
  });
});

suite('readMinari on bad input', () => {
  it('names the episode whose observations are not T + 1 rows', async () => {
    const root = await h5pyMinariDataset('short', { shortObservations: 5 });
    expect(await rejection(readMinari(root))).toMatchObject({
      code: 'row-count-mismatch',
      field: 'episode_5/observations',
    });
  });

  it('names the episode, field and step of a NaN reward', async () => {
    const root = await h5pyMinariDataset('nan', { nanReward: [3, 1] });
    const error = await rejection(readMinari(root));
    expect(error).toMatchObject({ code: 'non-finite', field: 'episode_3/rewards', row: 1 });
    expect(error.file).toBe(join(root, 'data', 'main_data.hdf5'));
  });

  it('rejects metadata that disagrees with the episodes', async () => {
    const root = await h5pyMinariDataset('count', { metadata: { total_steps: 3 } });
    expect(await rejection(readMinari(root))).toMatchObject({ code: 'bad-metadata', field: 'total_steps' });
  });

  it('rejects other storage formats as unsupported, naming the field', async () => {
    const root = await h5pyMinariDataset('parquet', { metadata: { data_format: 'parquet' } });
    expect(await rejection(readMinari(root))).toMatchObject({ code: 'unsupported', field: 'data_format' });
  });

  it('rejects Dict observation spaces (a group per key) as unsupported, naming the episode', async () => {
    const root = join(dir, 'dict');
    mkdirSync(join(root, 'data'), { recursive: true });
    const file = await createFixtureFile(join(root, 'data', 'main_data.hdf5'), true);
    const episode = file.create_group('episode_0', true);
    episode
      .create_group('observations', true)
      .create_dataset({ name: 'position', data: new Float64Array(3), shape: [3, 1] });
    episode.create_dataset({ name: 'actions', data: new Float32Array(2), shape: [2, 1] });
    episode.create_dataset({ name: 'rewards', data: new Float64Array(2), shape: [2] });
    file.close();
    writeFileSync(join(root, 'data', 'metadata.json'), '{"data_format": "hdf5"}');
    expect(await rejection(readMinari(root))).toMatchObject({
      code: 'unsupported',
      field: 'episode_0/observations',
    });
  });

  it('rejects an unparsable metadata.json', async () => {
    const root = await h5pyMinariDataset('badjson');
    writeFileSync(join(root, 'data', 'metadata.json'), '{"total_steps": ');
    expect(await rejection(readMinari(root))).toMatchObject({
      code: 'bad-metadata',
      file: join(root, 'data', 'metadata.json'),
    });
  });

  it('rejects dimensions that disagree with the environment', async () => {
    const root = await h5pyMinariDataset('dims');
    expect(await rejection(readMinari(root, { expect: { actionDim: 6 } }))).toMatchObject({
      code: 'dimension-mismatch',
      field: 'actions',
    });
  });
});

suite('writeMinari', () => {
  it('round-trips episodes, flags, infos and metadata', async () => {
    const original = await readMinari(await h5pyMinariDataset('round-source'));
    const target = join(dir, 'round-written');
    await writeMinari(target, original);
    const back = await readMinari(target);
    for (const key of [
      'observations',
      'nextObservations',
      'actions',
      'rewards',
      'terminals',
      'timeouts',
      'episodeEnds',
    ] as const) {
      expect(back[key]).toEqual(original[key]);
    }
    expect(back.infos).toEqual(original.infos);
    expect(back.metadata['observation_space']).toBe(original.metadata['observation_space']);
    expect(back.metadata['minari_version']).toBe('0.5.3');
    // metadata.json is Python-flavoured JSON: bare -Infinity survives
    const text = readFileSync(join(target, 'data', 'metadata.json'), 'utf8');
    expect(text).toContain('"ref_min_score":-Infinity');
    // the file layout Minari expects: int64 attributes, resizable arrays
    const file = new h5wasm.File(join(target, 'data', 'main_data.hdf5'), 'r');
    const episode = file.get('episode_3') as InstanceType<typeof h5wasm.Group>;
    expect(episode.attrs['total_steps']!.value).toBe(BigInt(lengthOf(3)));
    const observations = episode.get('observations') as InstanceType<typeof h5wasm.Dataset>;
    // float32 observations, float64 rewards (as Minari), bool-like int8 flags
    expect(observations.metadata).toMatchObject({ type: 1, size: 4 });
    expect((episode.get('rewards') as InstanceType<typeof h5wasm.Dataset>).metadata).toMatchObject({
      type: 1,
      size: 8,
    });
    expect((episode.get('terminations') as InstanceType<typeof h5wasm.Dataset>).metadata).toMatchObject({
      type: 0,
      size: 1,
    });
    expect(observations.shape).toEqual([lengthOf(3) + 1, 2]);
    // maxshape (None, 2): HDF5's H5S_UNLIMITED is 2^64 − 1
    expect(observations.metadata.maxshape).toEqual([2 ** 64, 2]);
    file.close();
  });

  it('converts a D4RL dataset to Minari and back', async () => {
    const minari = await readMinari(await h5pyMinariDataset('cross-source'));
    const d4rlPath = join(dir, 'cross.hdf5');
    await writeD4RL(d4rlPath, minari);
    const fromD4RL = await readD4RL(d4rlPath);
    expect(fromD4RL.episodeEnds).toEqual(minari.episodeEnds);
    const target = join(dir, 'cross-minari');
    await writeMinari(target, fromD4RL, { datasetId: 'test/point/converted-v0' });
    const back = await readMinari(target);
    expect(back.observations).toEqual(minari.observations);
    expect(back.metadata['dataset_id']).toBe('test/point/converted-v0');
    // the spaces travelled through the D4RL file's metadata/* keys
    expect(parsePythonJson(back.metadata['action_space'] as string)).toMatchObject({
      shape: [1],
      low: [-1],
      high: [1],
    });
    // without them, writeMinari declares an unbounded float32 Box
    const bare = join(dir, 'cross-bare');
    await writeMinari(bare, { ...fromD4RL, metadata: {} });
    const space = parsePythonJson((await readMinari(bare)).metadata['action_space'] as string);
    expect(space).toEqual({
      type: 'Box',
      dtype: 'float32',
      shape: [1],
      low: [Number.NEGATIVE_INFINITY],
      high: [Number.POSITIVE_INFINITY],
    });
  });

  it('rejects episodes whose next observations break the sequence', async () => {
    const dataset = await readMinari(await h5pyMinariDataset('broken-source'));
    const broken = { ...dataset, nextObservations: dataset.nextObservations.slice() };
    broken.nextObservations[0] = 99;
    const error = await rejection(writeMinari(join(dir, 'broken'), broken));
    expect(error).toMatchObject({ code: 'bad-episodes', field: 'nextObservations', row: 0 });
  });
});
