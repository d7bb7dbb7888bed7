/**
 * Diagonal Gaussian N(μ, diag σ²) over the last axis:
 *   log p(x) = Σ_d [ −½((x_d − μ_d)/σ_d)² − log σ_d − ½ log 2π ]
 *   H = Σ_d [ ½ + ½ log 2π + log σ_d ]                                   (exact)
 *   sample = μ + σ·ε, ε ~ N(0, I) drawn from the key (reparameterised).
 * Give either `scale` (σ) or `logScale` (log σ, what policies usually output; used directly in
 * log p, which avoids log(exp(·))). σ may be shared across the batch ([D] or [1, D]).
 */
import { type Key, normal } from '../random.js';
import { type Tensor, tf } from '../tf.js';
import { assertBroadcastsTo, assertSameShape, type Distribution } from './distribution.js';

export type GaussianParams =
  | { readonly loc: Tensor; readonly scale: Tensor }
  | { readonly loc: Tensor; readonly logScale: Tensor };

export interface DiagonalGaussian extends Distribution {
  readonly loc: Tensor;
  readonly scale: Tensor;
  readonly logScale: Tensor;
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export const diagonalGaussian = (params: GaussianParams): DiagonalGaussian => {
  const { loc } = params;
  const where = 'diagonalGaussian';
  if (loc.rank < 1) throw new Error(`${where}: loc must have an event axis, got shape [${loc.shape}]`);
  const given = 'scale' in params ? params.scale : params.logScale;
  assertBroadcastsTo(given.shape, loc.shape, 'scale' in params ? 'scale' : 'logScale', where);
  const scale = 'scale' in params ? params.scale : tf.exp(params.logScale);
  const logScale = 'logScale' in params ? params.logScale : tf.log(params.scale);

  const logProb = (x: Tensor): Tensor => {
    assertSameShape(x.shape, loc.shape, 'x', `${where}.logProb`);
    return tf.tidy(() => {
      const z = tf.div(tf.sub(x, loc), scale);
      return tf.sub(
        tf.sum(tf.neg(tf.add(tf.mul(0.5, tf.square(z)), logScale)), -1),
        HALF_LOG_2PI * loc.shape.at(-1)!,
      );
    });
  };

  return {
    loc,
    scale,
    logScale,
    sample: (key: Key) => tf.tidy(() => tf.add(loc, tf.mul(scale, normal(key, loc.shape)))),
    sampleWithLogProb: (key: Key) =>
      tf.tidy(() => {
        const noise = normal(key, loc.shape);
        const sample = tf.add(loc, tf.mul(scale, noise));
        // z = ε exactly, but computed from the sample so that log p depends on μ and σ as the density does.
        return { sample, logProb: logProb(sample) };
      }),
    logProb,
    entropy: () =>
      tf.tidy(() =>
        tf.add(tf.sum(tf.broadcastTo(logScale, loc.shape), -1), (0.5 + HALF_LOG_2PI) * loc.shape.at(-1)!),
      ),
    mode: () => tf.clone(loc),
  };
};

/** Hard clamp of a log standard deviation (gradient zero outside), e.g. CORL's [−20, 2]. */
export const clampLogStd = (logStd: Tensor, min = -20, max = 2): Tensor => tf.clipByValue(logStd, min, max);

/**
 * Smooth clamp into (min, max): min + ½(max − min)(tanh(x) + 1), as CleanRL's SAC (defaults [−5, 2]);
 * keeps a gradient everywhere.
 */
export const softClampLogStd = (logStd: Tensor, min = -5, max = 2): Tensor =>
  tf.tidy(() => tf.add(min, tf.mul(0.5 * (max - min), tf.add(tf.tanh(logStd), 1))));
