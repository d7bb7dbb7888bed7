import { makeKey, tf } from '@offrl/tensor';
import { describe, expect, it } from 'vitest';
import { dynamicsEnsemble } from './dynamics-ensemble.js';

describe('dynamicsEnsemble', () => {
  it('predicts bounded log-variances for (s′ − s, r) from every member', () => {
    const model = dynamicsEnsemble({ observationDim: 3, actionDim: 2, members: 5, hiddenSizes: [16] });
    const params = model.init(makeKey(0));
    const { mean, logVariance } = model.apply(params, tf.mul(tf.ones([4, 3]), 1e3), tf.ones([4, 2]));
    expect(mean.shape).toEqual([5, 4, 4]);
    const values = Array.from(logVariance.dataSync());
    // Soft bounds: the lower softplus may exceed the upper bound by float32 rounding only.
    expect(Math.max(...values)).toBeLessThanOrEqual(0.5 + 1e-4);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-10);
  });

  it('rejects inverted bounds and wrong input shapes', () => {
    expect(() =>
      dynamicsEnsemble({ observationDim: 3, actionDim: 2, minLogVariance: 1, maxLogVariance: 0 }),
    ).toThrow(/minLogVariance/);
    const model = dynamicsEnsemble({ observationDim: 3, actionDim: 2, members: 2, hiddenSizes: [4] });
    expect(() => model.apply(model.init(makeKey(1)), tf.ones([4, 2]), tf.ones([4, 2]))).toThrow(
      /observations \[4,2\]/,
    );
  });
});
