/**
 * Regression losses for critics. Targets are constants: their gradient is stopped explicitly, so a
 * target computed from the same parameters (as in SAC's entropy backup) cannot leak a gradient.
 */

import { assertShape, type Scalar, stopGradient, type Tensor, tf } from '@offrl/tensor';

/**
 * TD regression for one critic or an ensemble: predictions [B] or [N, B], target [B];
 *   L = Σ_i mean_b (Q_i(s_b, a_b) − y_b)²,
 * summed over members as CORL and the IQL/CQL references sum their twin critics' losses.
 */
export const tdRegressionLoss = (predictions: Tensor, target: Tensor): Scalar => {
  const batch = predictions.shape[predictions.rank - 1]!;
  assertShape('tdRegressionLoss', 'target', target, [batch]);
  if (predictions.rank !== 1 && predictions.rank !== 2) {
    throw new Error(`tdRegressionLoss: predictions must be [B] or [N, B], got [${predictions.shape}]`);
  }
  return tf.tidy(() => {
    const squared = tf.square(tf.sub(predictions, stopGradient(target)));
    return tf.sum(tf.mean(squared, -1));
  }) as Scalar;
};

/**
 * Expectile regression (IQL, Kostrikov et al. 2022, eq. 5):
 *   L = mean |τ − 1(u < 0)| · u²,  u = target − prediction.
 * τ = 0.5 is half the mean squared error; τ → 1 approaches the maximum of the target over the data.
 */
export const expectileLoss = (prediction: Tensor, target: Tensor, tau: number): Scalar => {
  if (!(tau > 0 && tau < 1)) throw new RangeError(`expectileLoss: tau must be in (0, 1), got ${tau}`);
  assertShape('expectileLoss', 'target', target, prediction.shape);
  return tf.tidy(() => {
    const u = tf.sub(stopGradient(target), prediction);
    // |τ − 1(u < 0)| = τ − (2τ − 1)·step(−u); comparisons have no gradient in tfjs, step does (zero).
    const weight = tf.sub(tau, tf.mul(2 * tau - 1, tf.step(tf.neg(u))));
    return tf.mean(tf.mul(weight, tf.square(u)));
  }) as Scalar;
};
