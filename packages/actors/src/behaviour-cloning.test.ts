import { tf } from '@offrl/tensor';
import { describe, expect, it } from 'vitest';
import { behaviourCloningLikelihood, behaviourCloningMse } from './behaviour-cloning.js';

describe('behaviourCloningMse', () => {
  it('sums squared errors over action dimensions and averages over the batch', () => {
    // rows: (1−0)² + (−1−1)² = 5 and (0.5−0.5)² + (0−2)² = 4 → loss 4.5; mae (1 + 2 + 0 + 2)/4 = 1.25
    const { loss, metrics } = behaviourCloningMse(
      tf.tensor2d([
        [1, -1],
        [0.5, 0],
      ]),
      tf.tensor2d([
        [0, 1],
        [0.5, 2],
      ]),
    );
    expect(loss.dataSync()[0]).toBeCloseTo(4.5, 6);
    expect(metrics['bc/mae']!.dataSync()[0]).toBeCloseTo(1.25, 6);
  });

  it('names both shapes when they differ', () => {
    expect(() => behaviourCloningMse(tf.zeros([2, 3]), tf.zeros([2, 2]))).toThrow(/\[2,3\].*\[2,2\]/);
  });
});

describe('behaviourCloningLikelihood', () => {
  it('is −mean log π(a|s)', () => {
    // −(−1 − 3)/2 = 2
    const { loss, metrics } = behaviourCloningLikelihood(tf.tensor1d([-1, -3]));
    expect(loss.dataSync()[0]).toBe(2);
    expect(metrics['bc/logProb']!.dataSync()[0]).toBe(-2);
    expect(() => behaviourCloningLikelihood(tf.zeros([2, 1]))).toThrow(/\[B\]/);
  });
});
