/**
 * Reductions of an ensemble's predictions q [N, B] (members × batch) to one value per sample: the
 * pessimistic targets of clipped double Q-learning (min; Fujimoto et al. 2018), REDQ/RLPD's min over a
 * random subset of members (Chen et al. 2021; Ball et al. 2023), the mean, and mean − k·std
 * (uncertainty-penalised targets as in EDAC/SAC-N style analyses).
 */

import { type Key, seedFromKey, type Tensor, type Tensor1D, tf } from '@offrl/tensor';
import { assertRank } from './shapes.js';

export const ensembleMin = (q: Tensor): Tensor1D => {
  assertRank('ensembleMin', 'q', q, 2);
  return tf.min(q, 0) as Tensor1D;
};

export const ensembleMean = (q: Tensor): Tensor1D => {
  assertRank('ensembleMean', 'q', q, 2);
  return tf.mean(q, 0) as Tensor1D;
};

/** mean_i q_i − k·std_i q_i (population std over members). */
export const ensembleLowerBound = (q: Tensor, k: number): Tensor1D => {
  assertRank('ensembleLowerBound', 'q', q, 2);
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(q, 0);
    return tf.sub(mean, tf.mul(k, tf.sqrt(variance)));
  }) as Tensor1D;
};

/**
 * Indices of `size` distinct members out of `members`, drawn from `key` (a partial Fisher–Yates shuffle
 * driven by the key's seed), shared by the whole batch as in REDQ and RLPD.
 */
export const randomMemberSubset = (key: Key, members: number, size: number): number[] => {
  if (!Number.isInteger(size) || size < 1 || size > members) {
    throw new RangeError(`randomMemberSubset: size must be in [1, ${members}], got ${size}`);
  }
  const order = Array.from({ length: members }, (_, i) => i);
  let state = seedFromKey(key);
  for (let i = 0; i < size; i++) {
    // xorshift32 steps: a cheap deterministic stream from the key's seed.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const j = i + (state % (members - i));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.slice(0, size).sort((a, b) => a - b);
};

/** min over the members `subset` of q [N, B]. */
export const subsetMin = (q: Tensor, subset: readonly number[]): Tensor1D => {
  assertRank('subsetMin', 'q', q, 2);
  for (const i of subset) {
    if (!Number.isInteger(i) || i < 0 || i >= q.shape[0]!) {
      throw new RangeError(`subsetMin: member ${i} is outside [0, ${q.shape[0]})`);
    }
  }
  return tf.tidy(() => tf.min(tf.gather(q, [...subset], 0), 0)) as Tensor1D;
};
