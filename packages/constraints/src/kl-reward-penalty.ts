/**
 * The KL reward penalty of the lecture notes and BRAC's value penalty with a reverse KL estimated on the
 * data's own action: r̂(s, a) = r(s, a) + λ·log π_β(a | s). Maximising r̂ also penalises future
 * divergence from the behaviour policy π_β, because the penalty is propagated through the Bellman backup.
 */
import { type Tensor, type Tensor1D, tf } from '@offrl/tensor';

export const klRewardPenalty = (rewards: Tensor, behaviourLogProbs: Tensor, lambda: number): Tensor1D => {
  if (!(lambda >= 0)) throw new RangeError(`klRewardPenalty: lambda must be non-negative, got ${lambda}`);
  if (rewards.rank !== 1 || behaviourLogProbs.shape.join(',') !== rewards.shape.join(',')) {
    throw new Error(
      `klRewardPenalty: rewards [${rewards.shape}] and behaviourLogProbs [${behaviourLogProbs.shape}] must both be [B]`,
    );
  }
  return tf.tidy(() => tf.add(rewards, tf.mul(lambda, behaviourLogProbs))) as Tensor1D;
};
