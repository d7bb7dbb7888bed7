import { makeKey, tf } from '@offrl/tensor';
import { describe, expect, it } from 'vitest';
import { deterministicPolicy } from './deterministic-policy.js';

describe('deterministicPolicy', () => {
  it('keeps actions inside the scaled box', () => {
    const policy = deterministicPolicy({
      observationDim: 3,
      actionDim: 2,
      hiddenSizes: [16],
      actionScale: 2,
    });
    const params = policy.init(makeKey(0));
    const actions = policy.apply(params, tf.mul(tf.randomNormal([64, 3], 0, 1, 'float32', 3), 100));
    expect(actions.shape).toEqual([64, 2]);
    const values = Array.from(actions.dataSync());
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(2);
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(1);
  });

  it('rejects a non-positive action scale', () => {
    expect(() => deterministicPolicy({ observationDim: 3, actionDim: 2, actionScale: 0 })).toThrow(
      /actionScale/,
    );
  });
});
