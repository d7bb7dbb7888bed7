import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { episodeReturns, type TransitionDataset } from '@offrl/datasets';
import { disposeTree, flattenTree, type TensorTree } from '@offrl/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../load-dataset.js';
import { runCli } from '../run-cli.fixture.js';
import { generateDataset } from './behaviour-datasets.js';
import { loadBehaviourState, readBehaviourInfo } from './behaviour-policy.js';
import { mediumIndex } from './behaviour-training.js';
import {
  behaviourFingerprint,
  builtinDataset,
  builtinDatasetPath,
  cacheDirectory,
  parseBuiltinId,
} from './builtin-datasets.js';
import { replayDatasetAt } from './pendulum-replay.js';

let cache: string;
const previousCache = process.env['OFFRL_CACHE'];

beforeAll(() => {
  // Never the user's cache: loadDataset reads OFFRL_CACHE.
  cache = mkdtempSync(join(tmpdir(), 'offrl-cache-'));
  process.env['OFFRL_CACHE'] = cache;
});

afterAll(() => {
  if (previousCache === undefined) delete process.env['OFFRL_CACHE'];
  else process.env['OFFRL_CACHE'] = previousCache;
  rmSync(cache, { recursive: true, force: true });
});

const arrays = (d: TransitionDataset) => ({
  observations: Array.from(d.observations),
  actions: Array.from(d.actions),
  rewards: Array.from(d.rewards),
  nextObservations: Array.from(d.nextObservations),
  terminals: Array.from(d.terminals),
  timeouts: Array.from(d.timeouts),
});

const meanReturn = (d: TransitionDataset) => {
  const returns = Array.from(episodeReturns(d));
  return returns.reduce((a, b) => a + b, 0) / returns.length;
};

describe('built-in Pendulum datasets', () => {
  it('parses ids with an optional episode count', () => {
    expect(parseBuiltinId('pendulum-medium-v0')).toEqual({
      id: 'pendulum-medium-v0',
      task: 'pendulum',
      kind: 'medium',
      envId: 'Pendulum-v1',
      episodes: 500,
      seed: 0,
    });
    expect(parseBuiltinId('pendulum-medium-expert-v0:20', 3)).toMatchObject({
      kind: 'medium-expert',
      episodes: 20,
      seed: 3,
    });
    expect(parseBuiltinId('pendulum-full-replay-v0')).toBeUndefined();
    expect(parseBuiltinId('hopper-medium-v0')).toMatchObject({
      task: 'hopper',
      envId: 'Hopper-v4',
      episodes: 100,
    });
    expect(parseBuiltinId('walker2d-expert-v0:3')).toMatchObject({ task: 'walker2d', episodes: 3 });
    expect(parseBuiltinId('ant-medium-v0')).toBeUndefined();
    expect(() => parseBuiltinId('pendulum-medium-replay-v0:5')).toThrow(/one size/);
    expect(cacheDirectory({ OFFRL_CACHE: '/x' })).toBe('/x');
    expect(cacheDirectory({})).toMatch(/\.cache[/\\]offrl$/);
  });

  it('picks medium as the checkpoint nearest a third of the expert score, at its first crossing', () => {
    // expert 0.9 → target 0.3: 0.28 (|−0.02|) is closer than 0.5 (0.2), so the checkpoint before.
    expect(mediumIndex([-0.2, 0.1, 0.28, 0.5, 0.2, 0.9], 0.9)).toBe(2);
    // 0.1 (0.2 away) vs 0.32 (0.02 away): the crossing itself.
    expect(mediumIndex([-0.2, 0.1, 0.32, 0.9], 0.9)).toBe(2);
    expect(mediumIndex([0.1, 0.2], 0.9)).toBe(-1);
  });

  it('loads the committed behaviour policies with the SAC actor structure', async () => {
    const info = await readBehaviourInfo('pendulum');
    for (const level of ['medium', 'expert'] as const) {
      const state = await loadBehaviourState('pendulum', level);
      // The expected-structure check in loadBehaviourState passed; here the sizes, worked out by hand:
      // 3·256 + 256 + 256·256 + 256 + 256·2 + 2 (mean and log-std) + 1 (log α) = 67 331.
      const leaves = flattenTree(state.actor as unknown as TensorTree);
      expect(leaves.reduce((n, { tensor }) => n + tensor.size, 0)).toBe(67_331);
      expect(leaves.map(({ tensor }) => tensor.shape)).toContainEqual([256, 256]);
      disposeTree(state as unknown as TensorTree);
    }
    // Medium is about a third of the way from random (0) to expert in normalised score.
    const target = info.expert.evaluationNormalizedScore / 3;
    expect(Math.abs(info.medium.evaluationNormalizedScore - target)).toBeLessThan(0.15);
    expect(info.medium.envSteps).toBeLessThan(info.expert.envSteps);
    expect(info.expert.sampledReturn).toBeGreaterThan(info.medium.sampledReturn + 300);
  });

  it('generates deterministically from the seed, with D4RL flags', async () => {
    const a = await generateDataset('pendulum', 'medium', { episodes: 3, seed: 5 });
    const b = await generateDataset('pendulum', 'medium', { episodes: 3, seed: 5 });
    const c = await generateDataset('pendulum', 'medium', { episodes: 3, seed: 6 });
    expect(arrays(a)).toEqual(arrays(b));
    expect(arrays(c).actions).not.toEqual(arrays(a).actions);
    expect(a.size).toBe(600);
    // Pendulum only truncates: a timeout every 200 steps, no terminals.
    expect(a.terminals.every((v) => v === 0)).toBe(true);
    expect(Array.from(a.timeouts.keys()).filter((i) => a.timeouts[i] === 1)).toEqual([199, 399, 599]);
  });

  it('orders returns expert ≫ medium ≫ random on a small variant', async () => {
    const [random, medium, expert] = await Promise.all(
      (['random', 'medium', 'expert'] as const).map((kind) =>
        generateDataset('pendulum', kind, { episodes: 10 }),
      ),
    );
    const [r, m, e] = [meanReturn(random!), meanReturn(medium!), meanReturn(expert!)];
    expect(m).toBeGreaterThan(r + 200);
    expect(e).toBeGreaterThan(m + 300);
    const stitched = await generateDataset('pendulum', 'medium-expert', { episodes: 10 });
    // D4RL's stitching: the medium rows, then the expert rows.
    const [stitchedRows, mediumRows, expertRows] = [stitched, medium!, expert!].map(arrays);
    for (const field of ['observations', 'actions', 'rewards', 'timeouts'] as const) {
      expect(stitchedRows![field]).toEqual([...mediumRows![field], ...expertRows![field]]);
    }
  });

  it('caches in OFFRL_CACHE and reads back what it generated', async () => {
    const request = parseBuiltinId('pendulum-expert-v0:2', 1)!;
    const made = await builtinDataset(request);
    expect(made.cached).toBe(false);
    const fingerprint = await behaviourFingerprint('pendulum');
    expect(fingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(await behaviourFingerprint('hopper')).not.toBe(fingerprint);
    // The behaviour record's hash is part of the name: retrained policies never hit a stale file.
    expect(made.path).toBe(join(cache, 'datasets', `pendulum-expert-v0-episodes2-seed1-${fingerprint}.hdf5`));
    expect(made.path).toBe(builtinDatasetPath(request, fingerprint, cache));
    const again = await builtinDataset(request);
    expect(again.cached).toBe(true);
    expect(arrays(again.dataset)).toEqual(arrays(made.dataset));
    const loaded = await loadDataset('pendulum-random-v0:2');
    expect(loaded).toMatchObject({ format: 'generated', envId: 'Pendulum-v1' });
    expect(loaded.dataset.size).toBe(400);
  });

  it('lists, generates and describes them from the command line', async () => {
    const list = await runCli('datasets', 'list');
    expect(list.output).toContain('pendulum-medium-replay-v0');
    const generate = await runCli('datasets', 'generate', 'pendulum-medium-v0:2', '--seed', '4');
    expect(generate.code).toBe(0);
    expect(generate.output).toMatch(
      /^generated 400 transitions: .*pendulum-medium-v0-episodes2-seed4-[0-9a-f]{12}\.hdf5$/,
    );
    expect((await runCli('datasets', 'generate', 'pendulum-medium-v0:2', '--seed', '4')).output).toMatch(
      /^cached/,
    );
    const unknown = await runCli('datasets', 'generate', 'pendulum-full-replay-v0');
    expect(unknown.code).toBe(2);
    expect(unknown.errors).toMatch(/not a built-in dataset; built-ins: pendulum-random-v0/);
    const info = JSON.parse((await runCli('datasets', 'info', 'pendulum-expert-v0:2', '--json')).output);
    expect(info).toMatchObject({
      format: 'generated',
      transitions: 400,
      episodes: 2,
      terminals: 0,
      timeouts: 2,
    });
  });

  it('rebuilds the replay buffer of the seeded behaviour run (early, warm-up steps only)', async () => {
    const a = await replayDatasetAt(400);
    const b = await replayDatasetAt(400);
    expect(a.size).toBe(400);
    expect(arrays(a)).toEqual(arrays(b));
    expect(Array.from(a.timeouts.keys()).filter((i) => a.timeouts[i] === 1)).toEqual([199, 399]);
  });
});
