/**
 * The KL penalty on the actor against a behaviour policy π_β learned by BC (BRAC, Wu et al. 2019,
 * `brac_primal_agent.py` with `divergence_name='kl'`; the lecture's explicit policy constraint),
 * estimated by samples a_j (K per state) at each state s:
 *   reverse  KL(π ‖ π_β)(s) ≈ mean_j [log π(a_j|s) − log π_β(a_j|s)],  a_j ~ π(·|s) reparameterised;
 *   forward  KL(π_β ‖ π)(s) ≈ mean_j [log π_β(a_j|s) − log π(a_j|s)],  a_j ~ π_β(·|s) or the data's a.
 * In the reverse direction the gradient reaches π through the samples and log π, and through π_β's
 * density of the samples (π_β's parameters are the caller's constants). In the forward direction
 * log π_β is a constant and the penalty is a likelihood term, −mean log π(a_j|s) plus a constant, which
 * is why the lecture calls BC the forward-KL constraint.
 * The actor term is λ·mean_s D̂(s) (BRAC `alpha` = 1). BRAC's value penalty subtracts λ·D̂(s′) inside
 * the critic's backup instead (`value_penalty=True`); `klDivergence` gives that per-state estimate.
 */
import { assertShape, type LossResult, type Scalar, stopGradient, type Tensor, tf } from '@offrl/tensor';

export type KlDirection = 'forward' | 'reverse';

export interface KlPenaltyInputs {
  /** log π(a_j | s) [K, B] or [B] of the samples (see the direction). */
  readonly policyLogProb: Tensor;
  /** log π_β(a_j | s) of the same samples, same shape. */
  readonly behaviourLogProb: Tensor;
}

/** D̂(s) [B]: the sample estimate of the divergence at each state (mean over the K samples). */
export const klDivergence = (
  { policyLogProb, behaviourLogProb }: KlPenaltyInputs,
  direction: KlDirection,
): Tensor => {
  if (policyLogProb.rank !== 1 && policyLogProb.rank !== 2) {
    throw new Error(`klDivergence: policyLogProb must be [K, B] or [B], got [${policyLogProb.shape}]`);
  }
  assertShape('klDivergence', 'behaviourLogProb', behaviourLogProb, policyLogProb.shape);
  return tf.tidy(() => {
    const difference =
      direction === 'reverse'
        ? tf.sub(policyLogProb, behaviourLogProb)
        : tf.sub(stopGradient(behaviourLogProb), policyLogProb);
    return policyLogProb.rank === 2 ? tf.mean(difference, 0) : difference;
  });
};

/** The actor term λ·mean_s D̂(s), with metric `kl/divergence`. */
export const klActorPenalty =
  (weight: number, direction: KlDirection = 'reverse') =>
  (inputs: KlPenaltyInputs): LossResult => {
    if (!(weight >= 0)) throw new RangeError(`klActorPenalty: weight must be non-negative, got ${weight}`);
    return tf.tidy(() => {
      const divergence = tf.mean(klDivergence(inputs, direction)) as Scalar;
      return { loss: tf.mul(weight, divergence) as Scalar, metrics: { 'kl/divergence': divergence } };
    });
  };
