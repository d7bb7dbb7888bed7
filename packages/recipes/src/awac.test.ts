import { beforeAll, describe, expect, it } from 'vitest';
import { awac } from './awac.js';
import { expectNoLeak, oneUpdate, pendulum, trainAndEvaluate } from './learning.fixture.js';
import { pendulumScriptedDataset, type ScriptedDataset } from './scripted-dataset.js';

let data: ScriptedDataset;

beforeAll(async () => {
  data = await pendulumScriptedDataset({ episodes: 20, seed: 0 });
});

const testConfig = {
  hiddenSizes: [64, 64],
  actorLearningRate: 3e-3,
  criticLearningRate: 1e-3,
  discount: 0.9,
  polyak: 0.05,
};

describe('awac', () => {
  it('logs the advantage weights and the critic', () => {
    const { names } = oneUpdate(awac(pendulum, { hiddenSizes: [8] }), data.dataset);
    expect(names).toEqual(
      [
        'actor/advantage',
        'actor/logProb',
        'actor/loss',
        'actor/weight',
        'critic/loss',
        'critic/q',
        'critic/target',
      ].sort(),
    );
  });

  it('learns from near-expert data: far better than untrained', { timeout: 60_000 }, async () => {
    const { before, after } = await trainAndEvaluate(awac(pendulum, testConfig), data.dataset, 800);
    // Measured: untrained ≈ −1500, after 800 steps ≈ −660 (the behaviour policy: −135).
    expect(after).toBeGreaterThan(before + 300);
  });

  it('does not leak tensors across steps', () => {
    expectNoLeak(awac(pendulum, { hiddenSizes: [8] }), data.dataset);
  });
});
