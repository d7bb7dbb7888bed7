/**
 * Maximum-entropy actor and its temperature (SAC, Haarnoja et al. 2018b, eqs. 7 and 18):
 *   actor:        L_π = mean_b (α · log π(ã_b | s_b) − Q(s_b, ã_b)),   ã ~ π(· | s), α held constant;
 *   temperature:  L_α = −mean_b log α · (log π(ã_b | s_b) + H̄),        log π held constant,
 * where H̄ is the target entropy (−|A| in SAC and CQL; −|A|/2 in RLPD). The temperature is learned as
 * log α (CORL's `log_alpha`, d3rlpy's `log_temp`), which keeps α positive; the gradient of L_α
 * raises α when the policy's entropy −log π falls below H̄.
 */
import { type LossResult, type Scalar, stopGradient, type Tensor, tf } from '@offrl/tensor';

export interface MaxEntropyActorInputs {
  /** Q(s, ã) [B] of the policy's reparameterised sample, critic parameters fixed. */
  readonly q: Tensor;
  /** log π(ã | s) [B], differentiable in the policy's parameters. */
  readonly logProb: Tensor;
  /** α (a scalar tensor, e.g. exp(log α)); treated as a constant. */
  readonly alpha: Tensor;
}

const assertBatch = (where: string, q: Tensor, logProb: Tensor): void => {
  if (q.rank !== 1 || logProb.shape.join(',') !== q.shape.join(',')) {
    throw new Error(`${where}: q [${q.shape}] and logProb [${logProb.shape}] must both be [B]`);
  }
};

export const maxEntropyActorLoss = ({ q, logProb, alpha }: MaxEntropyActorInputs): LossResult => {
  assertBatch('maxEntropyActorLoss', q, logProb);
  return tf.tidy(() => {
    const a = stopGradient(alpha);
    const loss = tf.mean(tf.sub(tf.mul(a, logProb), q)) as Scalar;
    return {
      loss,
      metrics: {
        'actor/q': tf.mean(q) as Scalar,
        'actor/entropy': tf.neg(tf.mean(logProb)) as Scalar,
        'actor/alpha': tf.reshape(a, []) as Scalar,
      },
    };
  });
};

/** L_α for the parameter `logAlpha` (a scalar tensor). */
export const temperatureLoss = (logAlpha: Tensor, logProb: Tensor, targetEntropy: number): LossResult => {
  if (logProb.rank !== 1) throw new Error(`temperatureLoss: logProb must be [B], got [${logProb.shape}]`);
  return tf.tidy(() => {
    const gap = tf.mean(tf.add(stopGradient(logProb), targetEntropy));
    return {
      loss: tf.neg(tf.mul(tf.reshape(logAlpha, []), gap)) as Scalar,
      metrics: { 'temperature/alpha': tf.reshape(tf.exp(logAlpha), []) as Scalar },
    };
  });
};
