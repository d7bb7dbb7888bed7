import { flattenTree, makeKey, tf } from '@offrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { deterministicBcActor } from './actor-parts.js';
import { iql } from './iql.js';
import { pendulum, trainAndEvaluate } from './learning.fixture.js';
import { pendulumScriptedDataset, type ScriptedDataset } from './scripted-dataset.js';
import { trainOffline } from './train-offline.js';

let data: ScriptedDataset;

beforeAll(async () => {
  data = await pendulumScriptedDataset({ episodes: 20, seed: 0 });
});

/** Small nets and a short horizon (γ 0.9, faster targets), so the critic settles within seconds. */
const testConfig = {
  hiddenSizes: [64, 64],
  actorLearningRate: 1e-3,
  criticLearningRate: 1e-3,
  valueLearningRate: 1e-3,
  discount: 0.9,
  polyak: 0.05,
  actorDecaySteps: 2000,
};

describe('iql on a scripted Pendulum dataset', () => {
  it('learns: the policy swings up far better than an untrained one', { timeout: 60_000 }, async () => {
    // β = 1 (the lecture's exp(Q − V)) and a faster actor: β = 3 needs about 3000 steps here (−700 at 3000).
    const recipe = iql(pendulum, { ...testConfig, temperature: 1, actorLearningRate: 3e-3 });
    const { before, after, lastMetrics } = await trainAndEvaluate(recipe, data.dataset, 2000);
    expect(lastMetrics['actor/weight']).toBeGreaterThan(0);
    // Untrained: about −1500; measured after 2000 steps: about −230 (the behaviour policy: −135).
    expect(after).toBeGreaterThan(-700);
    expect(after).toBeGreaterThan(before + 400);
  });

  it('mixes in one line: IQL’s critic with TD3+BC’s deterministic actor and BC penalty', {
    timeout: 60_000,
  }, async () => {
    const recipe = iql(
      pendulum,
      testConfig,
      deterministicBcActor(pendulum, { hiddenSizes: [64, 64], learningRate: 1e-3 }),
    );
    const { before, after, lastMetrics } = await trainAndEvaluate(recipe, data.dataset, 1500);
    expect(lastMetrics['actor/lambda']).toBeGreaterThan(0);
    // Measured after 1500 steps: about −240.
    expect(after).toBeGreaterThan(-700);
    expect(after).toBeGreaterThan(before + 400);
  });

  it('explores by sampling its Gaussian policy, and leaves a deterministic actor to the loop’s noise', () => {
    const recipe = iql(pendulum, testConfig);
    const state = recipe.init(makeKey(0));
    const observations = tf.tensor2d([[1, 0, 0]]);
    const draws = [1, 2, 3].map((seed) => recipe.explore!(state, observations, makeKey(seed)).dataSync()[0]!);
    // Different keys, different actions inside the box; the mode stays where it is.
    expect(new Set(draws).size).toBe(3);
    for (const a of draws) expect(Math.abs(a)).toBeLessThanOrEqual(2);
    const mix = iql(pendulum, testConfig, deterministicBcActor(pendulum, { hiddenSizes: [8] }));
    expect(mix.explore).toBeUndefined();
  });

  it('logs the value, actor and critic terms of one update', () => {
    const recipe = iql(pendulum, { hiddenSizes: [8] });
    const { state, lastMetrics } = trainOffline(recipe, data.dataset, {
      steps: 1,
      batchSize: 16,
      seed: 1,
      logEvery: 1,
    });
    expect(Object.keys(lastMetrics).sort()).toEqual(
      [
        'actor/advantage',
        'actor/logProb',
        'actor/loss',
        'actor/weight',
        'critic/loss',
        'critic/q',
        'value/loss',
        'value/v',
      ].sort(),
    );
    expect(state.step.dataSync()[0]).toBe(1);
  });

  it('does not leak tensors across steps', () => {
    const recipe = iql(pendulum, { hiddenSizes: [8] });
    const counts: number[] = [];
    const { state } = trainOffline(recipe, data.dataset, {
      steps: 30,
      batchSize: 16,
      logEvery: 10,
      onLog: () => counts.push(tf.memory().numTensors),
    });
    expect(new Set(counts).size).toBe(1);
    expect(flattenTree(state).length).toBeGreaterThan(0);
  });
});
