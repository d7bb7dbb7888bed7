/**
 * Negative log-likelihood of targets under diagonal Gaussians, averaged over every entry:
 *   NLL = mean ½·[(y − μ)²·exp(−log σ²) + log σ² + log 2π].
 * The loss of probabilistic dynamics ensembles (PETS, Chua et al. 2018; MBPO; MOPO), where each member
 * predicts μ and log σ² of the next-state change and reward.
 */
import { type Scalar, type Tensor, tf } from '@offrl/tensor';

const LOG_TWO_PI = Math.log(2 * Math.PI);

export const gaussianNll = (mean: Tensor, logVariance: Tensor, target: Tensor): Scalar => {
  const shape = mean.shape.join(',');
  if (logVariance.shape.join(',') !== shape) {
    throw new Error(`gaussianNll: logVariance [${logVariance.shape}] differs from mean [${mean.shape}]`);
  }
  // A shared target [B, D] broadcasts over an ensemble's leading member axis [N, B, D].
  if (target.shape.join(',') !== shape && target.shape.join(',') !== mean.shape.slice(1).join(',')) {
    throw new Error(
      `gaussianNll: target [${target.shape}] matches neither mean [${mean.shape}] nor one member`,
    );
  }
  return tf.tidy(() => {
    const squared = tf.mul(tf.square(tf.sub(target, mean)), tf.exp(tf.neg(logVariance)));
    return tf.mul(0.5, tf.add(tf.mean(tf.add(squared, logVariance)), LOG_TWO_PI));
  }) as Scalar;
};
