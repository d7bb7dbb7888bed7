/**
 * Behaviour cloning for a deterministic policy: L = mean_b ‖π(s_b) − a_b‖² (summed over action
 * dimensions, averaged over the batch; d3rlpy's and CORL's BC), with the mean absolute error as a metric.
 */
import { type LossResult, type Scalar, type Tensor, tf } from '@offrl/tensor';

export const behaviourCloningMse = (policyActions: Tensor, dataActions: Tensor): LossResult => {
  if (policyActions.shape.join(',') !== dataActions.shape.join(',')) {
    throw new Error(
      `behaviourCloningMse: policy actions [${policyActions.shape}] and data actions [${dataActions.shape}] differ`,
    );
  }
  return tf.tidy(() => {
    const error = tf.sub(policyActions, dataActions);
    const loss = tf.mean(tf.sum(tf.square(error), -1)) as Scalar;
    return { loss, metrics: { 'bc/mse': loss.clone(), 'bc/mae': tf.mean(tf.abs(error)) as Scalar } };
  });
};

/**
 * Behaviour cloning for a stochastic policy: L = −mean_b log π(a_b | s_b) (maximum likelihood; BRAC's
 * behaviour policy, Gaussian BC). `logProb` [B] is the policy's log-density of the dataset actions.
 */
export const behaviourCloningLikelihood = (logProb: Tensor): LossResult => {
  if (logProb.rank !== 1)
    throw new Error(`behaviourCloningLikelihood: logProb must be [B], got [${logProb.shape}]`);
  return tf.tidy(() => {
    const mean = tf.mean(logProb) as Scalar;
    return { loss: tf.neg(mean) as Scalar, metrics: { 'bc/logProb': mean.clone() } };
  });
};
