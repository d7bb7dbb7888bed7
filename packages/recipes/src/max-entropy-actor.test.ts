import { tanhGaussianPolicy } from '@offrl/actors';
import { makeKey, type Tensor1D, type Tensor2D, tf } from '@offrl/tensor';
import { describe, expect, it } from 'vitest';
import { pendulum } from './learning.fixture.js';
import { maxEntropyActor } from './max-entropy-actor.js';

describe('maxEntropyActor', () => {
  it('clones the data’s actions by likelihood for its first bcSteps updates, then follows Q (CORL bc_steps)', () => {
    const part = maxEntropyActor(pendulum, { hiddenSizes: [8], bcSteps: 1 });
    const params = part.init(makeKey(0));
    const observations = tf.randomNormal([16, 3], 0, 1, 'float32', 1) as Tensor2D;
    const actions = tf.randomUniform([16, 1], -1.5, 1.5, 'float32', 2) as Tensor2D;
    const q = (policyActions: Tensor2D) => tf.fill([policyActions.shape[0]], 5) as Tensor1D;
    const signals = { observations, actions, q };
    // Same key, so the same sample ã and temperature term: the losses differ by Q's place only.
    const cloning = part.loss(params, signals, { key: makeKey(3), step: 0 }).loss.dataSync()[0]!;
    const following = part.loss(params, signals, { key: makeKey(3), step: 1 }).loss.dataSync()[0]!;
    const policy = tanhGaussianPolicy({ ...pendulum, hiddenSizes: [8] });
    const likelihood = tf.mean(policy.logProb(params.policy, observations, actions)).dataSync()[0]!;
    expect(cloning - following).toBeCloseTo(5 - likelihood, 4);
  });
});
