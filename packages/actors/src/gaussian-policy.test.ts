import { makeKey, mapTree, tf } from '@offrl/tensor';
import { describe, expect, it } from 'vitest';
import { gaussianPolicy } from './gaussian-policy.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

describe('gaussianPolicy (IQL)', () => {
  it('has a tanh mean inside the box and a state-independent σ starting at 1', () => {
    const policy = gaussianPolicy({ observationDim: 3, actionDim: 2, hiddenSizes: [8], actionScale: 2 });
    const params = policy.init(makeKey(0));
    const observations = tf.mul(tf.randomNormal([16, 3], 0, 1, 'float32', 1), 50);
    const mean = policy.apply(params, observations);
    expect(Math.max(...Array.from(mean.dataSync()).map(Math.abs))).toBeLessThanOrEqual(2);
    // log N(μ; μ, 1) = −A·½log 2π for every state
    const logProb = policy.distribution(params, observations).logProb(mean).dataSync();
    for (const value of logProb) expect(value).toBeCloseTo(-2 * HALF_LOG_2PI, 5);
  });

  it('clips log σ to [−5, 2] and learns it by gradient', () => {
    const policy = gaussianPolicy({ observationDim: 1, actionDim: 1, hiddenSizes: [4] });
    const zeroed = mapTree(policy.init(makeKey(1)), (t) => tf.zerosLike(t));
    // μ = tanh(0) = 0. log σ = −9 is clipped to −5: log N(0; 0, e^−5) = 5 − ½log 2π
    const low = { ...zeroed, logStd: tf.tensor1d([-9]) };
    const observation = tf.zeros([1, 1]);
    expect(
      policy
        .distribution(low, observation)
        .logProb(tf.zeros([1, 1]))
        .dataSync()[0],
    ).toBeCloseTo(5 - HALF_LOG_2PI, 4);
    // d/dlog σ of log N(a; 0, σ) at a = 1, log σ = 0: (a/σ)² − 1 = 0; at a = 2: 4 − 1 = 3
    const [g] = tf.grads((logStd: tf.Tensor) =>
      tf.sum(policy.distribution({ ...zeroed, logStd }, observation).logProb(tf.tensor2d([[2]]))),
    )([tf.tensor1d([0])]);
    expect(g!.dataSync()[0]).toBeCloseTo(3, 5);
  });
});

describe('gaussianPolicy.sampleMany', () => {
  it('draws K actions per state whose log π matches the density', () => {
    const policy = gaussianPolicy({ observationDim: 3, actionDim: 2, hiddenSizes: [8] });
    const params = policy.init(makeKey(5));
    const observations = tf.randomNormal([4, 3], 0, 1, 'float32', 6);
    const { actions, logProb } = policy.sampleMany(params, observations, makeKey(7), 5);
    expect(actions.shape).toEqual([5, 4, 2]);
    expect(logProb.shape).toEqual([5, 4]);
    // row k of the draws, scored by the single-state density, gives row k of logProb
    const again = policy
      .distribution(params, observations)
      .logProb(tf.squeeze(tf.slice(actions, [2, 0, 0], [1, 4, 2]), [0]))
      .dataSync();
    const expected = logProb.arraySync()[2]!;
    for (const [b, value] of expected.entries()) expect(again[b]).toBeCloseTo(value, 4);
    expect(() => policy.sampleMany(params, observations, makeKey(7), 0)).toThrow(/count/);
  });
});
