import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../gradient-check.js';
import { makeKey } from '../random.js';
import { type Tensor, tf } from '../tf.js';
import { clampLogStd, diagonalGaussian, softClampLogStd } from './gaussian.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const read = (t: Tensor) => Array.from(t.dataSync());

describe('diagonalGaussian', () => {
  it('log-density and entropy by hand', () => {
    // μ = [0, 1], σ = [1, 2], x = [1, 1]:
    //   log p = (−½·1 − 0 − ½ log 2π) + (−0 − log 2 − ½ log 2π) = −0.5 − 0.6931472 − 1.8378771 = −3.0310243
    //   H = 2·(½ + ½ log 2π) + log 1 + log 2 = 2.8378771 + 0.6931472 = 3.5310243
    tf.tidy(() => {
      const dist = diagonalGaussian({ loc: tf.tensor2d([[0, 1]]), scale: tf.tensor2d([[1, 2]]) });
      expect(read(dist.logProb(tf.tensor2d([[1, 1]])))[0]).toBeCloseTo(-3.0310243, 5);
      expect(read(dist.entropy())[0]).toBeCloseTo(3.5310243, 5);
      expect(read(dist.mode())).toEqual([0, 1]);
    });
  });

  it('maps [B, D] parameters to [B] log-densities and entropies, with a shared [D] log-scale', () => {
    tf.tidy(() => {
      const dist = diagonalGaussian({ loc: tf.zeros([3, 2]), logScale: tf.tensor1d([0, Math.log(2)]) });
      expect(dist.logProb(tf.ones([3, 2])).shape).toEqual([3]);
      expect(read(dist.entropy())).toEqual(
        [3.5310243, 3.5310243, 3.5310243].map((v) => expect.closeTo(v, 5)),
      );
      expect(dist.sample(makeKey(1)).shape).toEqual([3, 2]);
    });
  });

  it('log-density gradients match finite differences in loc, logScale and x', () => {
    const loc = tf.tensor2d([0.3, -1, 0.5, 2, 0, -0.4], [2, 3]);
    const logScale = tf.tensor2d([0.1, -0.5, 0.3, 0, 0.7, -1], [2, 3]);
    const x = tf.tensor2d([1, -0.5, 0, 1.5, -1, 0.2], [2, 3]);
    const weights = tf.tensor1d([1, -0.7]);
    const density = checkGradients(
      (l, s, v) => tf.sum(tf.mul(weights, diagonalGaussian({ loc: l!, logScale: s! }).logProb(v!))),
      [loc, logScale, x],
    );
    expect(density.error).toBeLessThan(2e-3);
    // The reparameterised path: d/dμ log p(μ + σε) = 0 and d/dlogσ = −1 per dimension.
    const reparameterised = checkGradients(
      (l, s) => tf.sum(diagonalGaussian({ loc: l!, logScale: s! }).sampleWithLogProb(makeKey(4)).logProb),
      [loc, logScale],
    );
    expect(reparameterised.error).toBeLessThan(2e-3);
    tf.dispose([loc, logScale, x, weights]);
  });

  it('samples have the mean and standard deviation of the parameters', () => {
    // 20 000 draws: the standard error of the mean is σ/141, of the std about σ/200.
    const n = 20_000;
    tf.tidy(() => {
      const loc = tf.tile(tf.tensor2d([[1.5, -2]]), [n, 1]);
      const scale = tf.tensor1d([0.5, 3]);
      const samples = diagonalGaussian({ loc, scale }).sample(makeKey(9));
      const { mean, variance } = tf.moments(samples, 0);
      const [m0, m1] = read(mean);
      const [s0, s1] = read(tf.sqrt(variance));
      expect(Math.abs(m0! - 1.5)).toBeLessThan((4 * 0.5) / Math.sqrt(n));
      expect(Math.abs(m1! + 2)).toBeLessThan((4 * 3) / Math.sqrt(n));
      expect(Math.abs(s0! - 0.5)).toBeLessThan((4 * 0.5) / Math.sqrt(2 * n));
      expect(Math.abs(s1! - 3)).toBeLessThan((4 * 3) / Math.sqrt(2 * n));
    });
  });

  it('rejects mismatched shapes, naming them', () => {
    tf.tidy(() => {
      expect(() => diagonalGaussian({ loc: tf.zeros([3, 2]), scale: tf.ones([3]) })).toThrow(
        /scale shape \[3\] does not broadcast to the loc shape \[3,2\]/,
      );
      const dist = diagonalGaussian({ loc: tf.zeros([3, 2]), scale: tf.ones([2]) });
      expect(() => dist.logProb(tf.zeros([2, 3]))).toThrow(/logProb: x has shape \[2,3\], expected \[3,2\]/);
      expect(() => diagonalGaussian({ loc: tf.scalar(0), scale: tf.scalar(1) })).toThrow(/event axis/);
    });
  });
});

describe('log-std clamps', () => {
  it('clamp hard or smoothly', () => {
    tf.tidy(() => {
      expect(read(clampLogStd(tf.tensor1d([-30, 0, 5])))).toEqual([-20, 0, 2]);
      // tanh(0) = 0 → the midpoint −1.5; large |x| approaches the ends.
      expect(read(softClampLogStd(tf.tensor1d([0, 50, -50])))).toEqual([-1.5, 2, -5]);
    });
  });
});
