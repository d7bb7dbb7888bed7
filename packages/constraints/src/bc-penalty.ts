/**
 * TD3+BC's actor objective (Fujimoto & Gu 2021, eq. 3): maximise Q while staying near the data,
 *   L = −λ · mean_b Q(s_b, π(s_b)) + BC,   λ = α / mean_b |Q(s_b, π(s_b))|,
 * with λ held constant (no gradient) so it only rescales Q to the BC term's units. α = 2.5 in the paper.
 * BC is `F.mse_loss(pi, action)` in the TD3_BC code, the mean over batch *and* action dimensions
 * (`reduction: 'mean'`, the default); ReBRAC sums over action dimensions (`'sum'`), |A| times larger.
 */
import { type LossResult, type Scalar, stopGradient, type Tensor, tf } from '@offrl/tensor';

export interface BcPenaltyInputs {
  /** Q(s, π(s)) [B], differentiable in the policy's parameters. */
  readonly q: Tensor;
  /** π(s) [B, A]. */
  readonly policyActions: Tensor;
  /** Dataset actions a [B, A]. */
  readonly dataActions: Tensor;
}

export interface BcPenaltyOptions {
  /** 'mean' over action dimensions (TD3_BC, default) or 'sum' (ReBRAC). */
  readonly reduction?: 'mean' | 'sum';
}

export const bcPenalty =
  (alpha = 2.5, { reduction = 'mean' }: BcPenaltyOptions = {}) =>
  ({ q, policyActions, dataActions }: BcPenaltyInputs): LossResult => {
    if (!(alpha >= 0)) throw new RangeError(`bcPenalty: alpha must be non-negative, got ${alpha}`);
    if (policyActions.shape.join(',') !== dataActions.shape.join(',')) {
      throw new Error(
        `bcPenalty: policy actions [${policyActions.shape}] and data actions [${dataActions.shape}] differ`,
      );
    }
    if (q.rank !== 1 || q.shape[0] !== policyActions.shape[0]) {
      throw new Error(`bcPenalty: q must be [${policyActions.shape[0]}], got [${q.shape}]`);
    }
    return tf.tidy(() => {
      const lambda = tf.div(alpha, tf.add(stopGradient(tf.mean(tf.abs(q))), 1e-8)) as Scalar;
      const qTerm = tf.mean(q) as Scalar;
      const squared = tf.square(tf.sub(policyActions, dataActions));
      const bcTerm = (reduction === 'sum' ? tf.mean(tf.sum(squared, -1)) : tf.mean(squared)) as Scalar;
      const loss = tf.add(tf.neg(tf.mul(lambda, qTerm)), bcTerm) as Scalar;
      return { loss, metrics: { 'actor/lambda': lambda, 'actor/q': qTerm, 'actor/bc': bcTerm } };
    });
  };
