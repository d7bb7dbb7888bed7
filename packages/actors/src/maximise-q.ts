/**
 * The deterministic policy-gradient objective (DDPG, TD3): L = −mean_b Q(s_b, π(s_b)), where Q is
 * evaluated with the critic's parameters held fixed and differentiated through the action.
 */
import { type LossResult, type Scalar, type Tensor, tf } from '@offrl/tensor';

export const maximiseQ = (q: Tensor): LossResult => {
  if (q.rank !== 1) throw new Error(`maximiseQ: q must be [B], got [${q.shape}]`);
  return tf.tidy(() => {
    const mean = tf.mean(q) as Scalar;
    return { loss: tf.neg(mean) as Scalar, metrics: { 'actor/q': mean.clone() } };
  });
};
