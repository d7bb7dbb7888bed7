/**
 * The one-step temporal-difference target  y = r + γ·(1 − d)·v′,  with d = 1 only on true environment
 * termination (a time-limit truncation still bootstraps). `nextValues` is whatever the algorithm
 * bootstraps from: V(s′) in IQL, min_i Q̄_i(s′, a′) in TD3 and CQL, minus α·log π for SAC's entropy backup.
 */

import { assertShape, type Tensor1D, tf } from '@offrl/tensor';

export interface TdTargetInputs {
  readonly rewards: Tensor1D;
  readonly terminals: Tensor1D;
  readonly nextValues: Tensor1D;
}

export const tdTarget = ({ rewards, terminals, nextValues }: TdTargetInputs, discount: number): Tensor1D => {
  if (!(discount >= 0 && discount <= 1))
    throw new RangeError(`tdTarget: discount must be in [0, 1], got ${discount}`);
  assertShape('tdTarget', 'terminals', terminals, rewards.shape);
  assertShape('tdTarget', 'nextValues', nextValues, rewards.shape);
  return tf.tidy(() =>
    tf.add(rewards, tf.mul(tf.mul(discount, tf.sub(1, terminals)), nextValues)),
  ) as Tensor1D;
};
