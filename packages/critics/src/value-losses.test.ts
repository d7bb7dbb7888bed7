import { tf } from '@offrl/tensor';
import { describe, expect, it } from 'vitest';
import { expectileLoss, tdRegressionLoss } from './value-losses.js';

describe('expectileLoss', () => {
  it('weights positive and negative errors by τ and 1 − τ', () => {
    // u = target − prediction = [1, −2], τ = 0.7 → (0.7·1 + 0.3·4)/2 = 0.95
    const loss = expectileLoss(tf.tensor1d([0, 2]), tf.tensor1d([1, 0]), 0.7);
    expect(loss.dataSync()[0]).toBeCloseTo(0.95, 6);
  });

  it('has the gradient 2·w·(prediction − target)/B and none through the target', () => {
    const target = tf.tensor1d([1, 0]);
    const [dPrediction, dTarget] = tf.grads((p: tf.Tensor, t: tf.Tensor) => expectileLoss(p, t, 0.7))([
      tf.tensor1d([0, 2]),
      target,
    ]);
    // d/dp of w·(t − p)²/2 = −w·(t − p): [−0.7·1, −0.3·(−2)] = [−0.7, 0.6]
    expect(Array.from(dPrediction!.dataSync()).map((v) => Number(v.toFixed(6)))).toEqual([-0.7, 0.6]);
    expect(Array.from(dTarget!.dataSync())).toEqual([0, 0]);
  });

  it('rejects τ outside (0, 1) and mismatched shapes', () => {
    expect(() => expectileLoss(tf.zeros([2]), tf.zeros([2]), 1)).toThrow(/tau/);
    expect(() => expectileLoss(tf.zeros([2]), tf.zeros([3]), 0.7)).toThrow(/target has shape \[3\]/);
  });
});

describe('tdRegressionLoss', () => {
  it('sums the members’ mean squared errors', () => {
    // member 0: ((1−0)² + (2−0)²)/2 = 2.5; member 1: ((0−0)² + (−1−0)²)/2 = 0.5 → 3
    const loss = tdRegressionLoss(
      tf.tensor2d([
        [1, 2],
        [0, -1],
      ]),
      tf.tensor1d([0, 0]),
    );
    expect(loss.dataSync()[0]).toBeCloseTo(3, 6);
  });

  it('accepts a single critic and checks the target shape', () => {
    expect(tdRegressionLoss(tf.tensor1d([1, 3]), tf.tensor1d([0, 1])).dataSync()[0]).toBeCloseTo(2.5, 6);
    expect(() => tdRegressionLoss(tf.zeros([2, 4]), tf.zeros([3]))).toThrow(
      /target has shape \[3\], expected \[4\]/,
    );
  });
});
