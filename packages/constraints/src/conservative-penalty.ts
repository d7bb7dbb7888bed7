/**
 * CQL's conservative critic penalty (Kumar et al. 2020, eq. 4), importance-sampled as in CORL
 * `algorithms/offline/cql.py` `_q_loss` (`cql_importance_sample=True`): for each member i,
 *   P_i = mean_b [ T·logsumexp_j(x_ibj / T) − Q_i(s_b, a_b) ],
 *   x = {Q_i(s, a_unif) − log 0.5^|A|} ∪ {Q_i(s, a′~π(·|s′)) − log π(a′|s′)} ∪ {Q_i(s, a~π(·|s)) − log π(a|s)},
 * K samples of each (`cql_n_actions` = 10), and the loss term α·Σ_i P_i (CORL adds both members' terms to
 * the TD loss; `cql_alpha` = 10, `cql_temp` = 1). The policy's actions and log-densities are constants
 * (CORL detaches them): the caller evaluates Q on detached actions; log π is stopped here.
 *
 * Cal-QL (Nakamoto et al. 2023; official `conservative_sac.py` lines 228–240): with `lowerBound` [B]
 * (Monte-Carlo returns), the policy-action Q-values are first raised to max(Q, G_MC); uniform-action
 * terms are not.
 */
import { type LossResult, type Scalar, stopGradient, type Tensor, tf } from '@offrl/tensor';

export interface ConservativePenaltyInputs {
  /** Q_i(s, a_unif) [N, B, K], a_unif ~ U[−1, 1]^|A|. */
  readonly uniformQ: Tensor;
  /** Q_i(s, a) [N, B, K] for a ~ π(· | s), and log π(a | s) [B, K]. */
  readonly currentQ: Tensor;
  readonly currentLogProb: Tensor;
  /** Q_i(s, a′) [N, B, K] for a′ ~ π(· | s′) (evaluated at s), and log π(a′ | s′) [B, K]. */
  readonly nextQ: Tensor;
  readonly nextLogProb: Tensor;
  /** Q_i(s, a) [N, B] of the dataset's actions. */
  readonly dataQ: Tensor;
  /** Cal-QL's Monte-Carlo return G(s) [B]; omit for CQL. */
  readonly lowerBound?: Tensor;
}

export interface ConservativePenaltyOptions {
  readonly actionDim: number;
  /** α (`cql_alpha`); default 10 (CORL). */
  readonly alpha?: number;
  /** T (`cql_temp`); default 1. */
  readonly temperature?: number;
}

const assertShape = (name: string, tensor: Tensor, shape: readonly number[]): void => {
  if (tensor.shape.join(',') !== shape.join(',')) {
    throw new Error(`conservativePenalty: ${name} has shape [${tensor.shape}], expected [${shape}]`);
  }
};

export const conservativePenalty = (
  inputs: ConservativePenaltyInputs,
  { actionDim, alpha = 10, temperature = 1 }: ConservativePenaltyOptions,
): LossResult => {
  const { uniformQ, currentQ, currentLogProb, nextQ, nextLogProb, dataQ, lowerBound } = inputs;
  if (uniformQ.rank !== 3)
    throw new Error(`conservativePenalty: uniformQ must be [N, B, K], got [${uniformQ.shape}]`);
  const [n, b, k] = uniformQ.shape as [number, number, number];
  assertShape('currentQ', currentQ, [n, b, k]);
  assertShape('nextQ', nextQ, [n, b, k]);
  assertShape('currentLogProb', currentLogProb, [b, k]);
  assertShape('nextLogProb', nextLogProb, [b, k]);
  assertShape('dataQ', dataQ, [n, b]);
  if (lowerBound !== undefined) assertShape('lowerBound', lowerBound, [b]);
  if (!(temperature > 0))
    throw new RangeError(`conservativePenalty: temperature must be positive, got ${temperature}`);
  return tf.tidy(() => {
    const bound = lowerBound === undefined ? undefined : tf.reshape(stopGradient(lowerBound), [1, b, 1]);
    const raise = (q: Tensor) => (bound === undefined ? q : tf.maximum(q, bound));
    // log density of U[−1, 1]^|A| is log 0.5^|A|.
    const uniformLogDensity = actionDim * Math.log(0.5);
    const set = tf.concat(
      [
        tf.sub(uniformQ, uniformLogDensity),
        tf.sub(raise(nextQ), stopGradient(nextLogProb)),
        tf.sub(raise(currentQ), stopGradient(currentLogProb)),
      ],
      2,
    );
    const pushDown = tf.mul(tf.logSumExp(tf.div(set, temperature), 2), temperature);
    const gaps = tf.mean(tf.sub(pushDown, dataQ), 1); // [N]
    return {
      loss: tf.mul(alpha, tf.sum(gaps)) as Scalar,
      metrics: {
        'cql/gap': tf.mean(gaps) as Scalar,
        'cql/pushDown': tf.mean(pushDown) as Scalar,
        'cql/alpha': tf.scalar(alpha) as Scalar,
      },
    };
  });
};
