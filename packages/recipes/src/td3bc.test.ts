import { flattenTree, tf } from '@offrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { advantageWeightedActor } from './actor-parts.js';
import { expectExactResume, pendulum, trainAndEvaluate } from './learning.fixture.js';
import { pendulumScriptedDataset, type ScriptedDataset } from './scripted-dataset.js';
import { td3bc } from './td3bc.js';
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
  discount: 0.9,
  polyak: 0.05,
};

describe('td3bc on a scripted Pendulum dataset', () => {
  it('learns: the policy swings up far better than an untrained one', { timeout: 60_000 }, async () => {
    const recipe = td3bc(pendulum, testConfig);
    const { before, after, lastMetrics } = await trainAndEvaluate(recipe, data.dataset, 1500);
    expect(lastMetrics['actor/lambda']).toBeGreaterThan(0);
    // Untrained: about −1300 to −1600; measured after 1500 steps: about −850 (the behaviour policy: −135).
    expect(after).toBeGreaterThan(-1050);
    expect(after).toBeGreaterThan(before + 400);
  });

  it('updates the actor and the targets only every second step', () => {
    const recipe = td3bc(pendulum, { hiddenSizes: [8] });
    const first = trainOffline(recipe, data.dataset, { steps: 1, batchSize: 16, seed: 3, logEvery: 1 });
    expect(Object.keys(first.lastMetrics)).not.toContain('actor/loss');
    const second = trainOffline(recipe, data.dataset, { steps: 2, batchSize: 16, seed: 3, logEvery: 1 });
    expect(Object.keys(second.lastMetrics)).toContain('actor/loss');
    expect(second.state.step.dataSync()[0]).toBe(2);
  });

  it('resumes bit for bit: 5 steps equal 3 steps then 2 more', () => {
    const recipe = td3bc(pendulum, { hiddenSizes: [8] });
    expectExactResume(recipe, data.dataset, 3, 5);
    const options = { batchSize: 16, seed: 5 };
    const again = trainOffline(recipe, data.dataset, { ...options, steps: 3 }).state;
    expect(() =>
      trainOffline(recipe, data.dataset, { ...options, steps: 5, resume: { state: again, step: 2 } }),
    ).toThrow(/resume.step is 2 but the state has made 3 updates/);
  });

  it('does not leak tensors across steps', () => {
    const recipe = td3bc(pendulum, { hiddenSizes: [8] });
    const counts: number[] = [];
    const { state } = trainOffline(recipe, data.dataset, {
      steps: 40,
      batchSize: 16,
      logEvery: 10,
      onLog: () => counts.push(tf.memory().numTensors),
    });
    expect(new Set(counts).size).toBe(1);
    expect(flattenTree(state).length).toBeGreaterThan(0);
  });

  it('refuses an actor that needs a value function, in the type checker and at build time', () => {
    // @ts-expect-error TD3+BC's critic offers no advantage, which the advantage-weighted actor reads.
    const refused = () => td3bc(pendulum, {}, advantageWeightedActor(pendulum));
    expect(refused).toThrow(/actor 'advantageWeighted' needs a state-value function/);
  });
});
