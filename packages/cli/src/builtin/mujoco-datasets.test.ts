import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { episodeReturns, readD4RL, type TransitionDataset } from '@offrl/datasets';
import { normalizedScore } from '@offrl/envs';
import { disposeTree, flattenTree, type TensorTree } from '@offrl/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from './behaviour-datasets.js';
import { loadBehaviourState, readBehaviourInfo, snapshotPath } from './behaviour-policy.js';
import { builtinDataset, parseBuiltinId } from './builtin-datasets.js';
import { mediumSnapshotIndex, mujocoBehaviourTraining, mujocoTasks } from './mujoco-behaviour-training.js';
import { replayIntervals } from './mujoco-replay.js';
import { datasetDigest } from './policy-recording.js';

let cache: string;
beforeAll(() => {
  cache = mkdtempSync(join(tmpdir(), 'offrl-cache-'));
});
afterAll(() => rmSync(cache, { recursive: true, force: true }));

const meanReturn = (d: TransitionDataset) => {
  const returns = Array.from(episodeReturns(d));
  return returns.reduce((a, b) => a + b, 0) / returns.length;
};

/** Row indices where an episode ends (a terminal or a timeout). */
const episodeEnds = (d: TransitionDataset) =>
  Array.from(d.terminals.keys()).filter((i) => d.terminals[i] === 1 || d.timeouts[i] === 1);

/** Actor parameters worked out by hand: S·64 + 64 + 64·64 + 64 + 64·2A + 2A (mean and log-std) + 1 (log α). */
const actorParameters = { hopper: 11 * 64 + 64 + 4160 + 64 * 6 + 6 + 1, halfcheetah: 6093, walker2d: 6093 };

describe('built-in MuJoCo datasets', () => {
  it('splits the replay run into warm-up and snapshot intervals', () => {
    const { snapshotEvery, warmupSteps } = mujocoBehaviourTraining;
    expect(snapshotEvery).toBe(2500);
    expect(warmupSteps).toBe(5000);
    expect(replayIntervals(12_500)).toEqual([
      { start: 0, policy: 'uniform' },
      { start: 2500, policy: 'uniform' },
      { start: 5000, policy: 5000 },
      { start: 7500, policy: 7500 },
      { start: 10_000, policy: 10_000 },
    ]);
    expect(() => replayIntervals(1000)).toThrow(/multiple of 2500/);
  });

  it('picks as medium the snapshot nearest a third of the expert score, the earlier on a tie', () => {
    // Walker2d's evaluations around its first crossing: target 0.215 / 3 ≈ 0.0717; distances 0.0587,
    // 0.0733, 0.0467, 0.0017, 0.0063: the fourth, though the second crossed first.
    expect(mediumSnapshotIndex([0.013, 0.145, 0.025, 0.07, 0.078], 0.215)).toBe(3);
    // target 0.25; 0.125 and 0.375 are both 0.125 away (exact in binary).
    expect(mediumSnapshotIndex([0.125, 0.375], 0.75)).toBe(0);
  });

  it.each(mujocoTasks)(
    '%s: committed policies load, medium is a third of expert, snapshots exist',
    async (task) => {
      const info = await readBehaviourInfo(task);
      for (const level of ['medium', 'expert'] as const) {
        const state = await loadBehaviourState(task, level);
        const leaves = flattenTree(state.actor as unknown as TensorTree);
        expect(leaves.reduce((n, { tensor }) => n + tensor.size, 0)).toBe(actorParameters[task]);
        disposeTree(state as unknown as TensorTree);
      }
      const target = info.expert.evaluationNormalizedScore / 3;
      expect(Math.abs(info.medium.evaluationNormalizedScore - target)).toBeLessThan(0.1);
      expect(info.medium.envSteps).toBeLessThan(info.expert.envSteps);
      expect(info.mediumReplay.rows).toBe(info.medium.envSteps);
      // Every interval after the warm-up has its snapshot committed.
      expect(info.mediumReplay.snapshots).toEqual(
        replayIntervals(info.medium.envSteps).flatMap(({ policy }) => (policy === 'uniform' ? [] : [policy])),
      );
      for (const steps of info.mediumReplay.snapshots!)
        expect(existsSync(snapshotPath(task, steps))).toBe(true);
    },
  );

  it.each(mujocoTasks)(
    '%s: expert ≫ medium ≫ random on a 4-episode variant',
    async (task) => {
      const info = await readBehaviourInfo(task);
      const [random, medium, expert] = await Promise.all(
        (['random', 'medium', 'expert'] as const).map((kind) => generateDataset(task, kind, { episodes: 4 })),
      );
      const score = (d: TransitionDataset) => normalizedScore(info.envId, meanReturn(d));
      const [r, m, e] = [score(random!), score(medium!), score(expert!)];
      // Medium sits near a third of the expert's score, random near 0: require half of each gap.
      const expertScore = info.expert.sampledNormalizedScore;
      expect(m - r).toBeGreaterThan(expertScore / 6);
      expect(e - m).toBeGreaterThan(expertScore / 3);
      for (const d of [random!, medium!, expert!]) expect(episodeEnds(d)).toHaveLength(4);
    },
    30_000,
  );

  it('generates deterministically from the seed, with D4RL terminals and timeouts', async () => {
    const a = await generateDataset('hopper', 'medium-expert', { episodes: 2, seed: 5 });
    const b = await generateDataset('hopper', 'medium-expert', { episodes: 2, seed: 5 });
    const c = await generateDataset('hopper', 'medium-expert', { episodes: 2, seed: 6 });
    expect(datasetDigest(a)).toBe(datasetDigest(b));
    expect(datasetDigest(c)).not.toBe(datasetDigest(a));
    // Each episode ends once, in its last row: a terminal (fell) or a timeout at Hopper's 1000 steps.
    const ends = episodeEnds(a);
    expect(ends).toHaveLength(4);
    expect(ends.at(-1)).toBe(a.size - 1);
    let start = 0;
    for (const end of ends) {
      const length = end - start + 1;
      expect(a.timeouts[end] === 1).toBe(length === 1000);
      expect(a.terminals[end] === 1).toBe(length < 1000);
      start = end + 1;
    }
    expect(a.metadata).toMatchObject({
      name: 'hopper-medium-expert-v0',
      env: 'Hopper-v4',
      episodes: 2,
      seed: 5,
    });
  }, 30_000);

  it('caches a variant as a D4RL file that reads back the same', async () => {
    const request = parseBuiltinId('walker2d-random-v0:3', 2)!;
    const made = await builtinDataset(request, cache);
    expect(made.cached).toBe(false);
    const file = await readD4RL(made.path);
    expect(datasetDigest(file)).toBe(datasetDigest(made.dataset));
    expect(file.observationDim).toBe(17);
    expect((await builtinDataset(request, cache)).cached).toBe(true);
  }, 30_000);

  it('regenerates hopper-medium-replay from the snapshots, spanning random to medium', async () => {
    const info = await readBehaviourInfo('hopper');
    const replay = await generateDataset('hopper', 'medium-replay');
    expect(replay.size).toBe(info.mediumReplay.rows);
    // Every 2500-row interval ends an episode (a cut is a timeout).
    for (let end = 2499; end < replay.size; end += 2500)
      expect(replay.terminals[end]! + replay.timeouts[end]!).toBe(1);
    const returns = Array.from(episodeReturns(replay));
    expect(Math.min(...returns)).toBeLessThan(50);
    expect(Math.max(...returns)).toBeGreaterThan(0.8 * info.medium.sampledReturn);
  }, 30_000);
});
