import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from '../gradient-check.js';
import { makeKey } from '../random.js';
import { type Tensor, tf } from '../tf.js';
import { logOneMinusTanhSquared, tanhGaussian } from './tanh-gaussian.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const read = (t: Tensor) => Array.from(t.dataSync());

/** E[g(u)], u ~ N(μ, σ²), by the trapezoid rule on μ ± 12σ (float64 reference). */
const expectation = (g: (u: number) => number, mu: number, sigma: number, n = 200_000): number => {
  const low = mu - 12 * sigma;
  const h = (24 * sigma) / n;
  let total = 0;
  for (let i = 0; i <= n; i++) {
    const u = low + i * h;
    const density = Math.exp(-0.5 * ((u - mu) / sigma) ** 2) / (sigma * Math.sqrt(2 * Math.PI));
    total += (i === 0 || i === n ? 0.5 : 1) * g(u) * density;
  }
  return total * h;
};

/** log(1 − tanh²u) = −2·log cosh u, in a float64 form that does not overflow. */
const logSech2 = (u: number) => {
  const a = Math.abs(u);
  return 2 * (Math.log(2) - a - Math.log1p(Math.exp(-2 * a)));
};

describe('logOneMinusTanhSquared', () => {
  it('equals log(1 − tanh²u) and stays finite where tanh rounds to ±1', () => {
    tf.tidy(() => {
      const us = [-3, -0.5, 0, 0.5, 3, 20, -20, 100];
      const got = read(logOneMinusTanhSquared(tf.tensor1d(us)));
      for (const [i, u] of us.entries()) expect(got[i]).toBeCloseTo(logSech2(u), 4);
      // The naive form is already −∞ at u = 20 in float32.
      expect(read(tf.log(tf.sub(1, tf.square(tf.tanh(tf.scalar(20))))))[0]).toBe(Number.NEGATIVE_INFINITY);
      expect(got[5]).toBeCloseTo(2 * (Math.log(2) - 20), 4);
    });
  });
});

describe('tanhGaussian', () => {
  const params = () => ({
    loc: tf.tensor2d([0.3, -1, 0.5, 1.2, 0, -0.4], [2, 3]),
    logScale: tf.tensor2d([0.1, -0.5, 0.3, 0, -0.2, -1], [2, 3]),
  });

  it('log-density of an action equals that of its pre-squash value, and is finite at ±1', () => {
    tf.tidy(() => {
      const dist = tanhGaussian(params());
      const u = tf.tensor2d([0.2, -1.5, 2, 0, 0.7, -0.1], [2, 3]);
      const viaAction = read(dist.logProb(tf.tanh(u)));
      const viaPreTanh = read(dist.logProbPreTanh(u));
      for (const [i, v] of viaPreTanh.entries()) expect(viaAction[i]).toBeCloseTo(v, 3);
      // Hand check, one dimension: μ = 0, σ = 1, u = 0.5 → log N = −0.125 − 0.9189385 = −1.0439385;
      // log(1 − tanh²0.5) = log(1 − 0.2135523) = −0.2402290; log π = −1.0439385 + 0.2402290 = −0.8037095.
      const unit = tanhGaussian({ loc: tf.zeros([1, 1]), scale: tf.ones([1, 1]) });
      expect(read(unit.logProbPreTanh(tf.tensor2d([[0.5]])))[0]).toBeCloseTo(-0.8037095, 5);
      const edge = read(dist.logProb(tf.tensor2d([1, -1, 0, 1, 1, -1], [2, 3])));
      for (const v of edge) expect(Number.isFinite(v)).toBe(true);
    });
  });

  it('log-density gradients match finite differences (action, pre-squash and reparameterised sample)', () => {
    const { loc, logScale } = params();
    const action = tf.tensor2d([0.1, -0.8, 0.95, 0.3, -0.2, 0.5], [2, 3]);
    const u = tf.tensor2d([0.2, -1.5, 2, 0, 0.7, -0.1], [2, 3]);
    const weights = tf.tensor1d([1, -0.6]);
    const weighted = (t: Tensor) => tf.sum(tf.mul(weights, t));
    expect(
      checkGradients(
        (l, s) => weighted(tanhGaussian({ loc: l!, logScale: s! }).logProb(action)),
        [loc, logScale],
      ).error,
    ).toBeLessThan(2e-3);
    expect(
      checkGradients(
        (l, s, v) => weighted(tanhGaussian({ loc: l!, logScale: s! }).logProbPreTanh(v!)),
        [loc, logScale, u],
      ).error,
    ).toBeLessThan(2e-3);
    expect(
      checkGradients(
        (l, s) => weighted(tanhGaussian({ loc: l!, logScale: s! }).sampleWithLogProb(makeKey(5)).logProb),
        [loc, logScale],
      ).error,
    ).toBeLessThan(2e-3);
    expect(
      checkGradients((l, s) => tanhGaussian({ loc: l!, logScale: s! }).entropy().sum(), [loc, logScale])
        .error,
    ).toBeLessThan(2e-3);
    tf.dispose([loc, logScale, action, u, weights]);
  });

  it('samples have the mean and standard deviation of tanh(u)', () => {
    // 20 000 draws per dimension; tolerances are 4 standard errors.
    const n = 20_000;
    const settings = [
      [0.5, 0.8],
      [-1.5, 2],
    ] as const;
    tf.tidy(() => {
      const loc = tf.tile(tf.tensor2d([settings.map(([m]) => m)]), [n, 1]);
      const scale = tf.tensor1d(settings.map(([, s]) => s));
      const samples = tanhGaussian({ loc, scale }).sample(makeKey(11));
      const { mean, variance } = tf.moments(samples, 0);
      const means = read(mean);
      const stds = read(tf.sqrt(variance));
      for (const [d, [mu, sigma]] of settings.entries()) {
        const m = expectation(Math.tanh, mu, sigma);
        const sd = Math.sqrt(expectation((u) => (Math.tanh(u) - m) ** 2, mu, sigma));
        expect(Math.abs(means[d]! - m)).toBeLessThan((4 * sd) / Math.sqrt(n));
        expect(Math.abs(stds[d]! - sd)).toBeLessThan((4 * sd) / Math.sqrt(n));
      }
      expect(read(tanhGaussian({ loc: tf.tensor2d([[0.5]]), scale: tf.ones([1, 1]) }).mode())[0]).toBeCloseTo(
        Math.tanh(0.5),
        6,
      );
    });
  });

  it('entropy estimate matches a numerical integral and a sampled estimate', () => {
    // H(a) = Σ_d [½ log(2πe σ²) + E log(1 − tanh²u)].
    const cases = [
      [0, 0.3, 1e-4],
      [1.5, 1, 1e-4],
      [-0.5, 0.05, 1e-4],
      [0, 3, 5e-3],
    ] as const;
    tf.tidy(() => {
      const loc = tf.tensor2d([cases.map(([m]) => m)]);
      const scale = tf.tensor2d([cases.map(([, s]) => s)]);
      const perDimension = cases.map(([mu, sigma]) =>
        tanhGaussian({ loc: tf.tensor2d([[mu]]), scale: tf.tensor2d([[sigma]]) }),
      );
      for (const [d, [mu, sigma, tolerance]] of cases.entries()) {
        const exact = 0.5 * Math.log(2 * Math.PI * Math.E * sigma * sigma) + expectation(logSech2, mu, sigma);
        expect(Math.abs(read(perDimension[d]!.entropy())[0]! - exact)).toBeLessThan(tolerance);
      }
      // The whole row sums over dimensions; compare with −mean log π over 20 000 draws.
      const dist = tanhGaussian({ loc: tf.tile(loc, [20_000, 1]), scale: tf.tile(scale, [20_000, 1]) });
      const { logProb } = dist.sampleWithLogProb(makeKey(2));
      const { mean, variance } = tf.moments(tf.neg(logProb));
      const estimate = read(mean)[0]!;
      const standardError = Math.sqrt(read(variance)[0]! / 20_000);
      const rowEntropy = read(tanhGaussian({ loc, scale }).entropy())[0]!;
      expect(Math.abs(rowEntropy - estimate)).toBeLessThan(4 * standardError + 1e-2);
    });
  });

  it('rejects a misshapen action and a bad epsilon', () => {
    tf.tidy(() => {
      const dist = tanhGaussian(params());
      expect(() => dist.logProb(tf.zeros([3, 2]))).toThrow(/tanhGaussian.logProb: action has shape \[3,2\]/);
      expect(() => dist.logProbPreTanh(tf.zeros([2]))).toThrow(/preTanh has shape \[2\]/);
      expect(() => tanhGaussian(params(), { epsilon: 0 })).toThrow(/epsilon/);
    });
  });
});
