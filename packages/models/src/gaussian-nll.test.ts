import { tf } from '@offrl/tensor';
import { describe, expect, it } from 'vitest';
import { gaussianNll } from './gaussian-nll.js';

describe('gaussianNll', () => {
  it('equals the Gaussian negative log-density worked by hand', () => {
    // entry 1: μ=0, log σ²=0, y=1 → ½(1 + 0 + log 2π); entry 2: μ=1, log σ²=log 4, y=3 → ½(4/4 + log 4 + log 2π)
    const nll = gaussianNll(tf.tensor1d([0, 1]), tf.tensor1d([0, Math.log(4)]), tf.tensor1d([1, 3]));
    const expected =
      (0.5 * (1 + Math.log(2 * Math.PI)) + 0.5 * (1 + Math.log(4) + Math.log(2 * Math.PI))) / 2;
    expect(nll.dataSync()[0]).toBeCloseTo(expected, 5);
  });

  it('is minimised by the true variance', () => {
    // For residual² = 4 the NLL in log σ² is ½(4e^{−v} + v): smallest at v = log 4.
    const at = (v: number) =>
      gaussianNll(tf.tensor1d([0]), tf.tensor1d([v]), tf.tensor1d([2])).dataSync()[0]!;
    expect(at(Math.log(4))).toBeLessThan(at(Math.log(3)));
    expect(at(Math.log(4))).toBeLessThan(at(Math.log(5)));
  });

  it('broadcasts a shared target over ensemble members and rejects other shapes', () => {
    expect(gaussianNll(tf.zeros([3, 2, 4]), tf.zeros([3, 2, 4]), tf.zeros([2, 4])).shape).toEqual([]);
    expect(() => gaussianNll(tf.zeros([3, 2, 4]), tf.zeros([3, 2, 4]), tf.zeros([2, 5]))).toThrow(
      /target \[2,5\]/,
    );
  });
});
