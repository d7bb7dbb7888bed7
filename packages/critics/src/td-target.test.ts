import { tf } from '@offrl/tensor';
import { describe, expect, it } from 'vitest';
import { tdTarget } from './td-target.js';

describe('tdTarget', () => {
  it('bootstraps except on terminals', () => {
    // y = r + γ(1 − d)v′: [1 + 0.9·2, 0.5 + 0, −1 + 0.9·(−3)] = [2.8, 0.5, −3.7]
    const y = tdTarget(
      {
        rewards: tf.tensor1d([1, 0.5, -1]),
        terminals: tf.tensor1d([0, 1, 0]),
        nextValues: tf.tensor1d([2, 10, -3]),
      },
      0.9,
    );
    const values = Array.from(y.dataSync());
    for (const [i, expected] of [2.8, 0.5, -3.7].entries()) expect(values[i]).toBeCloseTo(expected, 6);
  });

  it('names the mismatched argument', () => {
    const inputs = { rewards: tf.zeros([3]), terminals: tf.zeros([2]), nextValues: tf.zeros([3]) };
    expect(() => tdTarget(inputs as never, 0.99)).toThrow(/terminals has shape \[2\], expected \[3\]/);
    expect(() => tdTarget({ ...inputs, terminals: tf.zeros([3]) } as never, 1.5)).toThrow(/discount/);
  });
});
