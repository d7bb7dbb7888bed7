/**
 * The advantage-weighted likelihood of AWR, AWAC and IQL (Peng et al. 2019; Nair et al. 2020;
 * Kostrikov et al. 2022, eq. 7): behaviour cloning of the data's actions, each weighted by how much
 * better it is than the policy's average,
 *   L = −mean_b w_b · log π(a_b | s_b),   w_b = min(exp(β · A_b), w_max),
 * with the advantage A held constant. β is the inverse temperature (IQL's `temperature` 3.0; AWAC's
 * 1/λ = 1); w_max = 100 is IQL's and CORL's `EXP_ADV_MAX`. Where A comes from is the caller's choice:
 * Q̄(s, a) − V(s) (IQL, AWR) or Q(s, a) − Q(s, π(s)) (AWAC).
 */
import { type LossResult, type Scalar, stopGradient, type Tensor, tf } from '@offrl/tensor';

export interface AdvantageWeightedOptions {
  /** β in exp(β·A). */
  readonly temperature: number;
  /** Clip of the weights; default 100. */
  readonly maxWeight?: number;
}

export interface AdvantageWeightedInputs {
  /** log π(a_b | s_b) [B] of the dataset actions, differentiable in the policy's parameters. */
  readonly logProb: Tensor;
  /** A(s_b, a_b) [B]; treated as a constant. */
  readonly advantage: Tensor;
}

export const advantageWeightedLikelihood = (
  { logProb, advantage }: AdvantageWeightedInputs,
  { temperature, maxWeight = 100 }: AdvantageWeightedOptions,
): LossResult => {
  if (!(temperature >= 0)) {
    throw new RangeError(`advantageWeightedLikelihood: temperature must be non-negative, got ${temperature}`);
  }
  if (!(maxWeight > 0)) {
    throw new RangeError(`advantageWeightedLikelihood: maxWeight must be positive, got ${maxWeight}`);
  }
  if (logProb.rank !== 1 || advantage.shape.join(',') !== logProb.shape.join(',')) {
    throw new Error(
      `advantageWeightedLikelihood: logProb [${logProb.shape}] and advantage [${advantage.shape}] must both be [B]`,
    );
  }
  return tf.tidy(() => {
    const a = stopGradient(advantage);
    const weights = tf.minimum(tf.exp(tf.mul(temperature, a)), maxWeight);
    const loss = tf.neg(tf.mean(tf.mul(weights, logProb))) as Scalar;
    return {
      loss,
      metrics: {
        'actor/advantage': tf.mean(a) as Scalar,
        'actor/weight': tf.mean(weights) as Scalar,
        'actor/logProb': tf.mean(logProb) as Scalar,
      },
    };
  });
};
