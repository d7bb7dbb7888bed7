/**
 * What a Q-learning target bootstraps from when the next action is sampled from a policy:
 * - the entropy (soft) backup of SAC (Haarnoja et al. 2018, eq. 3):  v′ = Q̄(s′, a′) − α·log π(a′|s′);
 * - CQL's max-Q backup (`cql_max_target_backup`, CORL `cql.py`): v′ = max_j Q̄(s′, a′_j) over K
 *   policy samples a′_j, each Q̄ already reduced over the ensemble (min), as in the official code.
 * Both feed `tdTarget`'s `nextValues`.
 */
import { assertShape, type Tensor, type Tensor1D, tf } from '@offrl/tensor';
import { assertRank } from './shapes.js';

/** Q̄(s′, a′) − α·log π(a′|s′), all [B]; α a number or a scalar tensor (held constant by the caller). */
export const entropyBackup = (nextQ: Tensor, nextLogProb: Tensor, alpha: number | Tensor): Tensor1D => {
  assertRank('entropyBackup', 'nextQ', nextQ, 1);
  assertShape('entropyBackup', 'nextLogProb', nextLogProb, nextQ.shape);
  return tf.tidy(() => tf.sub(nextQ, tf.mul(alpha, nextLogProb))) as Tensor1D;
};

/** max over the K samples of q [K, B] → [B]. */
export const maxOverSamples = (q: Tensor): Tensor1D => {
  assertRank('maxOverSamples', 'q', q, 2);
  return tf.max(q, 0) as Tensor1D;
};
