import { episodeReturns } from './episodes.js';
import { DatasetError } from './errors.js';
import type { TransitionDataset } from './transitions.js';

/** An affine reward transform r ← scale · r + shift. */
export interface RewardTransform {
  readonly scale: number;
  readonly shift: number;
}

/**
 * A copy of the dataset with r ← scale · r + shift (other arrays shared). Cal-QL's AntMaze recipe
 * uses scale 10, shift −5; IQL's AntMaze recipe scale 1, shift −1.
 */
export function transformRewards(
  dataset: TransitionDataset,
  { scale, shift }: RewardTransform,
): TransitionDataset {
  if (!Number.isFinite(scale) || !Number.isFinite(shift)) {
    throw new DatasetError('bad-argument', `scale ${scale} and shift ${shift} must be finite`, {
      field: 'rewards',
    });
  }
  const rewards = new Float32Array(dataset.size);
  for (let i = 0; i < dataset.size; i++) rewards[i] = scale * dataset.rewards[i]! + shift;
  return { ...dataset, rewards };
}

/**
 * IQL's locomotion reward scale (Kostrikov et al. 2022; official `train_offline.py::normalize`):
 *   scale = multiplier / (max episode return − min episode return),  multiplier = 1000,
 * over the dataset's episodes, undiscounted. Throws if all returns are equal.
 */
export function returnRangeScale(dataset: TransitionDataset, multiplier = 1000): RewardTransform {
  const returns = episodeReturns(dataset);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const r of returns) {
    min = Math.min(min, r);
    max = Math.max(max, r);
  }
  if (!(max > min)) {
    throw new DatasetError('bad-value', `episode returns span no range (min ${min}, max ${max})`, {
      file: dataset.source,
      field: 'rewards',
    });
  }
  return { scale: multiplier / (max - min), shift: 0 };
}
