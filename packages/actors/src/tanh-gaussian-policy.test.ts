import { makeKey, mapTree, tf } from '@offrl/tensor';
import { describe, expect, it } from 'vitest';
import { tanhGaussianPolicy } from './tanh-gaussian-policy.js';

describe('tanhGaussianPolicy', () => {
  it('includes the scale’s Jacobian in log π', () => {
    const policy = tanhGaussianPolicy({ observationDim: 2, actionDim: 1, hiddenSizes: [4], actionScale: 2 });
    // zero parameters: μ = 0, log σ = 0. At a = 0 (u = 0): log N(0; 0, 1) − log(1 − 0) − log 2
    const zeroed = mapTree(policy.init(makeKey(0)), (t) => tf.zerosLike(t));
    const logProb = policy.logProb(zeroed, tf.zeros([1, 2]), tf.zeros([1, 1])).dataSync()[0]!;
    expect(logProb).toBeCloseTo(-0.5 * Math.log(2 * Math.PI) - Math.log(2), 5);
    expect(Array.from(policy.apply(zeroed, tf.zeros([1, 2])).dataSync())).toEqual([0]);
  });

  it('adds the log-σ offset before the density (CORL CQL’s −1)', () => {
    const policy = tanhGaussianPolicy({
      observationDim: 2,
      actionDim: 1,
      hiddenSizes: [4],
      logStdOffset: -1,
    });
    // zero parameters: μ = 0, log σ = −1. At a = 0: log N(0; 0, e⁻¹) = −½ log 2π + 1
    const zeroed = mapTree(policy.init(makeKey(0)), (t) => tf.zerosLike(t));
    const logProb = policy.logProb(zeroed, tf.zeros([1, 2]), tf.zeros([1, 1])).dataSync()[0]!;
    expect(logProb).toBeCloseTo(-0.5 * Math.log(2 * Math.PI) + 1, 5);
  });

  it('starts its output layer within Xavier’s bound ×10⁻² with zero bias when asked (CORL)', () => {
    const spec = { observationDim: 3, actionDim: 2, hiddenSizes: [16] };
    const small = tanhGaussianPolicy({ ...spec, outputInit: 'small' }).init(makeKey(7));
    const kernel = Array.from(small['output']!['kernel']!.dataSync());
    // kernel [16, 4]: U(±0.01·√(6/20)) = U(±0.005477)
    const largest = Math.max(...kernel.map(Math.abs));
    expect(largest).toBeLessThanOrEqual(0.01 * Math.sqrt(6 / 20));
    expect(largest).toBeGreaterThan(0.004);
    expect(Array.from(small['output']!['bias']!.dataSync())).toEqual([0, 0, 0, 0]);
    // The hidden layer keeps PyTorch's init: the same draw as the default policy's.
    const plain = tanhGaussianPolicy(spec).init(makeKey(7));
    expect(Array.from(small['hidden0']!['kernel']!.dataSync())).toEqual(
      Array.from(plain['hidden0']!['kernel']!.dataSync()),
    );
  });

  it('gives samples inside the box whose log π matches logProb of the same actions', () => {
    const policy = tanhGaussianPolicy({ observationDim: 3, actionDim: 2, hiddenSizes: [16], actionScale: 2 });
    const params = policy.init(makeKey(1));
    const observations = tf.randomNormal([32, 3], 0, 1, 'float32', 2);
    const { actions, logProb } = policy.sample(params, observations, makeKey(3));
    expect(actions.shape).toEqual([32, 2]);
    expect(Math.max(...Array.from(actions.dataSync()).map(Math.abs))).toBeLessThan(2);
    const again = policy.logProb(params, observations, actions).dataSync();
    for (const [i, value] of logProb.dataSync().entries()) expect(again[i]).toBeCloseTo(value, 2);
  });
});

describe('tanhGaussianPolicy.sampleMany', () => {
  it('draws K squashed actions per state, with log π (scale Jacobian included) matching logProb', () => {
    const policy = tanhGaussianPolicy({ observationDim: 3, actionDim: 2, hiddenSizes: [8], actionScale: 2 });
    const params = policy.init(makeKey(4));
    const observations = tf.randomNormal([6, 3], 0, 1, 'float32', 5);
    const { actions, logProb } = policy.sampleMany(params, observations, makeKey(6), 3);
    expect(actions.shape).toEqual([3, 6, 2]);
    expect(Math.max(...Array.from(actions.dataSync()).map(Math.abs))).toBeLessThan(2);
    const first = tf.squeeze(tf.slice(actions, [1, 0, 0], [1, 6, 2]), [0]);
    const again = policy.logProb(params, observations, first).dataSync();
    for (const [b, value] of logProb.arraySync()[1]!.entries()) expect(again[b]).toBeCloseTo(value, 2);
  });
});
