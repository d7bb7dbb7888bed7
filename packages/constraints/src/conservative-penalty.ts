/**
 * CQL's conservative critic penalty (Kumar et al. 2020, eq. 4), importance-sampled as in CORL
 * `algorithms/offline/cql.py` `_q_loss` (`cql_importance_sample=True`): for each member i,
 *   gap_i = mean_b [ T·logsumexp_j(x_ijb / T) − Q_i(s_b, a_b) ],
 *   x = {Q_i(s, a_unif) − log p_unif} ∪ {Q_i(s, a′~π(·|s′)) − log π(a′|s′)} ∪ {Q_i(s, a~π(·|s)) − log π(a|s)},
 * K samples of each (`cql_n_actions` = 10), p_unif the uniform density on the action box
 * (0.5^|A| on [−1, 1]^|A|), and the loss term α·Σ_i gap_i (CORL adds both members' terms to the TD
 * loss; `cql_alpha` = 10, `cql_temp` = 1). The policy's actions and log-densities are constants
 * (CORL detaches them): the caller evaluates Q on detached actions; log π is stopped here.
 *
 * Lagrange variant (`cql_lagrange=True`): the weight becomes α′·α with α′ = clip(exp(log α′), 0, 1e6)
 * learned by dual descent, so that the gap settles at `targetActionGap` (τ):
 *   critic term  Σ_i α′·α·(gap_i − τ)          (α′ held constant),
 *   α′ term      −mean_i α′·α·(gap_i − τ)      (gaps held constant; CORL's `alpha_prime_loss`).
 * Both are returned as one loss: they read disjoint parameters (critic, log α′), so one gradient
 * gives each its own update.
 *
 * Cal-QL (Nakamoto et al. 2023; official `conservative_sac.py` lines 228–240): with `lowerBound` [B]
 * (Monte-Carlo returns), the policy-action Q-values are first raised to max(Q, G_MC); uniform-action
 * terms are not.
 */
import { assertShape, type LossResult, type Scalar, stopGradient, type Tensor, tf } from '@offrl/tensor';

export interface ConservativePenaltyInputs {
  /** Q_i(s, a_unif) [N, K, B], a_unif uniform on the action box. */
  readonly uniformQ: Tensor;
  /** Q_i(s, a) [N, K, B] for a ~ π(· | s), and log π(a | s) [K, B]. */
  readonly currentQ: Tensor;
  readonly currentLogProb: Tensor;
  /** Q_i(s, a′) [N, K, B] for a′ ~ π(· | s′) (evaluated at s), and log π(a′ | s′) [K, B]. */
  readonly nextQ: Tensor;
  readonly nextLogProb: Tensor;
  /** Q_i(s, a) [N, B] of the dataset's actions. */
  readonly dataQ: Tensor;
  /** Cal-QL's Monte-Carlo return G(s) [B]; omit for CQL. */
  readonly lowerBound?: Tensor;
  /** log α′ (a scalar) of the Lagrange variant; omit for a fixed weight. */
  readonly logLagrangeMultiplier?: Tensor;
}

export interface ConservativePenaltyOptions {
  readonly actionDim: number;
  /** Half-width of the action box the uniform actions are drawn from; default 1. */
  readonly actionScale?: number;
  /** α (`cql_alpha`); default 10 (CORL). */
  readonly alpha?: number;
  /** T (`cql_temp`); default 1. */
  readonly temperature?: number;
  /** τ of the Lagrange variant (`cql_target_action_gap`); default −1 (CORL). */
  readonly targetActionGap?: number;
  /** Upper clip of α′; default 1e6 (CORL). */
  readonly maxLagrangeMultiplier?: number;
}

const where = 'conservativePenalty';

export const conservativePenalty = (
  inputs: ConservativePenaltyInputs,
  options: ConservativePenaltyOptions,
): LossResult => {
  const { uniformQ, currentQ, currentLogProb, nextQ, nextLogProb, dataQ, lowerBound } = inputs;
  const { actionDim, actionScale = 1, alpha = 10, temperature = 1 } = options;
  const { targetActionGap = -1, maxLagrangeMultiplier = 1e6 } = options;
  if (uniformQ.rank !== 3) throw new Error(`${where}: uniformQ must be [N, K, B], got [${uniformQ.shape}]`);
  const [n, k, b] = uniformQ.shape as [number, number, number];
  assertShape(where, 'currentQ', currentQ, [n, k, b]);
  assertShape(where, 'nextQ', nextQ, [n, k, b]);
  assertShape(where, 'currentLogProb', currentLogProb, [k, b]);
  assertShape(where, 'nextLogProb', nextLogProb, [k, b]);
  assertShape(where, 'dataQ', dataQ, [n, b]);
  if (lowerBound !== undefined) assertShape(where, 'lowerBound', lowerBound, [b]);
  const { logLagrangeMultiplier } = inputs;
  if (logLagrangeMultiplier !== undefined)
    assertShape(where, 'logLagrangeMultiplier', logLagrangeMultiplier, []);
  if (!(temperature > 0)) throw new RangeError(`${where}: temperature must be positive, got ${temperature}`);
  if (!(actionScale > 0)) throw new RangeError(`${where}: actionScale must be positive, got ${actionScale}`);
  return tf.tidy(() => {
    const bound = lowerBound === undefined ? undefined : stopGradient(lowerBound);
    const raise = (q: Tensor) => (bound === undefined ? q : tf.maximum(q, bound));
    // The uniform density on [−s, s]^|A| is (2s)^−|A|.
    const uniformLogDensity = -actionDim * Math.log(2 * actionScale);
    const set = tf.concat(
      [
        tf.sub(uniformQ, uniformLogDensity),
        tf.sub(raise(nextQ), stopGradient(nextLogProb)),
        tf.sub(raise(currentQ), stopGradient(currentLogProb)),
      ],
      1,
    );
    const scaled = temperature === 1 ? set : tf.div(set, temperature);
    const logSumExp = tf.logSumExp(scaled, 1);
    const pushDown = temperature === 1 ? logSumExp : tf.mul(logSumExp, temperature);
    const gaps = tf.mean(tf.sub(pushDown, dataQ), 1); // [N]
    const metrics = { 'cql/gap': tf.mean(gaps) as Scalar, 'cql/pushDown': tf.mean(pushDown) as Scalar };
    if (logLagrangeMultiplier === undefined) {
      return {
        loss: tf.mul(alpha, tf.sum(gaps)) as Scalar,
        metrics: { ...metrics, 'cql/alpha': tf.scalar(alpha) as Scalar },
      };
    }
    const multiplier = tf.clipByValue(tf.exp(logLagrangeMultiplier), 0, maxLagrangeMultiplier);
    const shortfall = tf.sub(gaps, targetActionGap);
    const criticTerm = tf.mul(tf.mul(stopGradient(multiplier), alpha), tf.sum(shortfall));
    const multiplierTerm = tf.neg(tf.mul(tf.mul(multiplier, alpha), tf.mean(stopGradient(shortfall))));
    return {
      loss: tf.add(criticTerm, multiplierTerm) as Scalar,
      metrics: {
        ...metrics,
        'cql/alpha': tf.mul(multiplier, alpha) as Scalar,
        'cql/lagrangeLoss': multiplierTerm as Scalar,
      },
    };
  });
};
