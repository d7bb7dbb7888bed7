/**
 * Tanh-squashed diagonal Gaussian (SAC, Haarnoja et al. 2018, appendix C): u ~ N(μ, diag σ²), a = tanh(u),
 *   log π(a) = log N(u; μ, σ) − Σ_d log(1 − tanh(u_d)²).
 * The log-det is computed in the overflow-free form
 *   log(1 − tanh(u)²) = 2(log 2 − u − softplus(−2u)),
 * exact for all u (the naive form gives log 0 = −∞ once tanh(u) rounds to ±1, near |u| ≈ 9 in float32).
 *
 * `logProbPreTanh(u)` is the exact density of a = tanh(u) given the pre-squash u (prefer it, or
 * `sampleWithLogProb`, for the policy's own samples). `logProb(a)` recovers u = atanh(a) from an action,
 * e.g. a dataset action for behaviour cloning; a is first clipped to [−1 + ε, 1 − ε] (ε = 1e-6 by
 * default, so |u| ≤ atanh(1 − 1e-6) ≈ 7.25) because actions at ±1 have infinite atanh.
 *
 * `entropy()` has no closed form. It is estimated deterministically by Gauss–Hermite quadrature with
 * 32 nodes per dimension:  H(a) = H(u) + E[Σ_d log(1 − tanh(u_d)²)], the expectation over each
 * u_d ~ N(μ_d, σ_d²). It is smooth in μ and σ. Its error per dimension, against a fine numerical
 * integral: below 1e-7 nats (before float32 rounding) for σ ≤ 1, 3e-3 at σ = 3 and 0.08 at σ = e² ≈ 7.4 (the quadrature
 * under-resolves log cosh's corner at large σ; the estimate is then slightly too low). For a sampled
 * estimate use −logProb of `sampleWithLogProb`.
 *
 * `mode()` is tanh(μ), the usual deterministic action (the squashed density's mode is not tanh(μ) in
 * general, but this is what SAC and CORL evaluate).
 */
import type { Key } from '../random.js';
import { type Tensor, tf } from '../tf.js';
import type { Distribution } from './distribution.js';
import { assertSameShape } from './distribution.js';
import { gaussHermite } from './gauss-hermite.js';
import { type DiagonalGaussian, diagonalGaussian, type GaussianParams } from './gaussian.js';

export interface TanhGaussianOptions {
  /** Clip of actions before atanh in `logProb`; default 1e-6. */
  readonly epsilon?: number;
}

export interface TanhGaussian extends Distribution {
  /** The Gaussian over pre-squash values u. */
  readonly base: DiagonalGaussian;
  /** A squashed draw with its log-density and the pre-squash value u. */
  sampleWithLogProb(key: Key): {
    readonly sample: Tensor;
    readonly logProb: Tensor;
    readonly preTanh: Tensor;
  };
  /** log π(tanh(u)) from the pre-squash value u. */
  logProbPreTanh(preTanh: Tensor): Tensor;
}

const QUADRATURE = gaussHermite(32);
const LOG_2 = Math.log(2);

/** log(1 − tanh(u)²) = 2(log 2 − u − softplus(−2u)), elementwise. */
export const logOneMinusTanhSquared = (u: Tensor): Tensor =>
  tf.tidy(() => tf.mul(2, tf.sub(tf.sub(LOG_2, u), tf.softplus(tf.mul(-2, u)))));

export const tanhGaussian = (params: GaussianParams, options: TanhGaussianOptions = {}): TanhGaussian => {
  const { epsilon = 1e-6 } = options;
  if (!(epsilon > 0 && epsilon < 1))
    throw new RangeError(`tanhGaussian: epsilon must be in (0, 1), got ${epsilon}`);
  const base = diagonalGaussian(params);
  const { loc, scale } = base;

  const logProbPreTanh = (preTanh: Tensor): Tensor => {
    assertSameShape(preTanh.shape, loc.shape, 'preTanh', 'tanhGaussian.logProbPreTanh');
    return tf.tidy(() => tf.sub(base.logProb(preTanh), tf.sum(logOneMinusTanhSquared(preTanh), -1)));
  };

  return {
    base,
    sample: (key) => tf.tidy(() => tf.tanh(base.sample(key))),
    sampleWithLogProb: (key) =>
      tf.tidy(() => {
        const preTanh = base.sample(key);
        return { sample: tf.tanh(preTanh), logProb: logProbPreTanh(preTanh), preTanh };
      }),
    logProbPreTanh,
    logProb: (action) => {
      assertSameShape(action.shape, loc.shape, 'action', 'tanhGaussian.logProb');
      return tf.tidy(() => {
        const a = tf.clipByValue(action, -1 + epsilon, 1 - epsilon);
        // atanh(a) = ½(log1p(a) − log1p(−a)), accurate near ±1 and built from ops every backend has.
        return logProbPreTanh(tf.mul(0.5, tf.sub(tf.log1p(a), tf.log1p(tf.neg(a)))));
      });
    },
    entropy: () =>
      tf.tidy(() => {
        const k = QUADRATURE.nodes.length;
        const nodeShape = [k, ...loc.shape.map(() => 1)];
        const nodes = tf.tensor(
          QUADRATURE.nodes.map((x) => Math.SQRT2 * x),
          nodeShape,
        );
        const weights = tf.tensor(
          QUADRATURE.weights.map((w) => w / Math.sqrt(Math.PI)),
          nodeShape,
        );
        // u_k = μ + √2·σ·x_k for every node: [K, ...loc.shape].
        const u = tf.add(
          tf.expandDims(loc, 0),
          tf.mul(tf.expandDims(tf.broadcastTo(scale, loc.shape), 0), nodes),
        );
        const expectedLogDet = tf.sum(tf.mul(weights, logOneMinusTanhSquared(u)), 0);
        return tf.add(base.entropy(), tf.sum(expectedLogDet, -1));
      }),
    mode: () => tf.tanh(loc),
  };
};
