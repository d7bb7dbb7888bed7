import { episodeReturns, summarise } from './episodes.js';
import type { TransitionDataset } from './transitions.js';

/** What `describe` reports; the same fields `offrl datasets info --json` prints. */
export interface DatasetDescription {
  readonly transitions: number;
  readonly episodes: number;
  readonly observationDim: number;
  readonly actionDim: number;
  /** Number of rows with `terminals = 1`. */
  readonly terminals: number;
  /** Number of rows with `timeouts = 1`. */
  readonly timeouts: number;
  /** Undiscounted episode returns (NaN for an empty dataset). */
  readonly returns: { readonly min: number; readonly mean: number; readonly max: number };
}

/** A one-screen summary of a dataset. */
export function describe(dataset: TransitionDataset): DatasetDescription {
  const { min, mean, max } = summarise(episodeReturns(dataset));
  return {
    transitions: dataset.size,
    episodes: dataset.episodeEnds.length,
    observationDim: dataset.observationDim,
    actionDim: dataset.actionDim,
    terminals: countOnes(dataset.terminals),
    timeouts: countOnes(dataset.timeouts),
    returns: { min, mean, max },
  };
}

function countOnes(flags: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < flags.length; i++) count += flags[i]!;
  return count;
}
