import type { TransitionDataset } from './transitions.js';
import { transitionsOrThrow } from './transitions.js';

/**
 * Rows whose next observation is not the following row's observation: ‖s_{i+1} − s'_i‖₂ > tolerance,
 * returned as episode ends (i + 1). These are episode breaks a file forgot to flag, e.g. the
 * unmarked timeouts of D4RL's medium-replay files (Farama-Foundation/D4RL#162). IQL splits
 * trajectories the same way (`split_into_trajectories`, tolerance 1e-6) before computing its
 * reward scale.
 */
export function discontinuityEnds(
  dataset: Pick<TransitionDataset, 'size' | 'observationDim' | 'observations' | 'nextObservations'>,
  tolerance = 1e-6,
): Uint32Array {
  const { size, observationDim: od, observations, nextObservations } = dataset;
  const ends: number[] = [];
  for (let row = 0; row < size - 1; row++) {
    let squared = 0;
    for (let k = 0; k < od; k++)
      squared += (observations[(row + 1) * od + k]! - nextObservations[row * od + k]!) ** 2;
    if (squared > tolerance * tolerance) ends.push(row + 1);
  }
  return Uint32Array.from(ends);
}

/**
 * The dataset with an extra, unflagged episode end at every discontinuity (see
 * `discontinuityEnds`); flags and rows are unchanged. An unflagged end bootstraps like a timeout.
 */
export function splitAtDiscontinuities(dataset: TransitionDataset, tolerance = 1e-6): TransitionDataset {
  const extra = discontinuityEnds(dataset, tolerance);
  if (extra.length === 0) return dataset;
  const merged = Array.from(new Set([...dataset.episodeEnds, ...extra])).sort((a, b) => a - b);
  return transitionsOrThrow({ ...dataset, episodeEnds: Uint32Array.from(merged) });
}
