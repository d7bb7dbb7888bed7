import { DatasetError } from './errors.js';
import type { TransitionDataset } from './transitions.js';

/** The dataset fields episode utilities read. */
export type EpisodeView = Pick<TransitionDataset, 'size' | 'rewards' | 'terminals' | 'episodeEnds'>;

/** Start row of each episode: 0 followed by every end but the last. */
export function episodeStarts(dataset: Pick<TransitionDataset, 'episodeEnds'>): Uint32Array {
  const ends = dataset.episodeEnds;
  const starts = new Uint32Array(ends.length);
  for (let k = 1; k < ends.length; k++) starts[k] = ends[k - 1]!;
  return starts;
}

/** Length of each episode in rows. */
export function episodeLengths(dataset: Pick<TransitionDataset, 'episodeEnds'>): Uint32Array {
  const ends = dataset.episodeEnds;
  const lengths = new Uint32Array(ends.length);
  for (let k = 0; k < ends.length; k++) lengths[k] = ends[k]! - (k === 0 ? 0 : ends[k - 1]!);
  return lengths;
}

/** Episode index of every row. */
export function episodeIndexOfRows(dataset: Pick<TransitionDataset, 'size' | 'episodeEnds'>): Uint32Array {
  const index = new Uint32Array(dataset.size);
  let start = 0;
  dataset.episodeEnds.forEach((end, k) => {
    index.fill(k, start, end);
    start = end;
  });
  return index;
}

/**
 * Return of each episode, R = Σ_t γ^t r_t (γ = 1 by default, the undiscounted sum that D4RL
 * scores and the BC-x% filter use). Summed in float64.
 */
export function episodeReturns(dataset: EpisodeView, discount = 1): Float64Array {
  const returns = new Float64Array(dataset.episodeEnds.length);
  let start = 0;
  dataset.episodeEnds.forEach((end, k) => {
    let total = 0;
    let weight = 1;
    for (let row = start; row < end; row++) {
      total += weight * dataset.rewards[row]!;
      weight *= discount;
    }
    returns[k] = total;
    start = end;
  });
  return returns;
}

/**
 * Returns-to-go within each episode: G_t = Σ_{k=t}^{end−1} γ^{k−t} r_k (Decision Transformer uses
 * γ = 1). The sum restarts at every episode boundary and never looks past the episode's last row,
 * whether that row is a terminal, a timeout or a cut-off tail.
 */
export function returnsToGo(dataset: EpisodeView, discount = 1): Float32Array {
  const result = new Float32Array(dataset.size);
  let start = 0;
  for (const end of dataset.episodeEnds) {
    let running = 0;
    for (let row = end - 1; row >= start; row--) {
      running = dataset.rewards[row]! + discount * running;
      result[row] = running;
    }
    start = end;
  }
  return result;
}

/** Options of `monteCarloReturns`. */
export interface MonteCarloOptions {
  /** γ in G_t = r_t + γ (1 − d_t) G_{t+1}. */
  readonly discount: number;
  /**
   * Sparse-reward failure value (Cal-QL). When set, an episode whose every reward equals it is a
   * failure that never ends well: all its rows get G = r_fail / (1 − γ), the return of failing
   * forever, instead of a sum truncated by the episode's length (CORL `get_return_to_go`;
   * d3rlpy `SparseRewardTransitionPicker`).
   */
  readonly failureReward?: number | undefined;
}

/**
 * Discounted Monte-Carlo returns for Cal-QL's lower bound (Nakamoto et al. 2023, eq. 4):
 *   G_t = r_t + γ (1 − d_t) G_{t+1},  G_end = 0,
 * within each episode, d_t = terminals[t]. A timeout or cut-off tail ends the sum without a
 * bootstrap value (there is no critic here), as in CORL and the official Cal-QL code.
 */
export function monteCarloReturns(dataset: EpisodeView, options: MonteCarloOptions): Float32Array {
  const { discount, failureReward } = options;
  const upper = failureReward === undefined ? 1 : 1 - Number.EPSILON; // r/(1 − γ) needs γ < 1
  if (!(discount >= 0 && discount <= upper)) {
    throw new DatasetError(
      'bad-argument',
      `discount ${discount} is outside [0, 1] (or is 1 with failureReward)`,
      {
        field: 'discount',
      },
    );
  }
  const result = new Float32Array(dataset.size);
  let start = 0;
  for (const end of dataset.episodeEnds) {
    if (failureReward !== undefined && allEqual(dataset.rewards, start, end, failureReward)) {
      result.fill(failureReward / (1 - discount), start, end);
    } else {
      let running = 0;
      for (let row = end - 1; row >= start; row--) {
        running = dataset.rewards[row]! + discount * (1 - dataset.terminals[row]!) * running;
        result[row] = running;
      }
    }
    start = end;
  }
  return result;
}

/** The dataset with `mcReturns` filled by `monteCarloReturns`, so samplers put them in batches. */
export function withMonteCarloReturns<T extends TransitionDataset>(
  dataset: T,
  options: MonteCarloOptions,
): T {
  return { ...dataset, mcReturns: monteCarloReturns(dataset, options) };
}

function allEqual(values: Float32Array, start: number, end: number, target: number): boolean {
  const expected = Math.fround(target); // rewards are float32: compare in float32
  for (let i = start; i < end; i++) if (values[i] !== expected) return false;
  return true;
}

/** Min, mean, max and (population) standard deviation of a list; NaN for an empty list. */
export interface Summary {
  readonly min: number;
  readonly mean: number;
  readonly max: number;
  readonly std: number;
}

/** Summary statistics of `values` (two passes, float64). */
export function summarise(values: ArrayLike<number>): Summary {
  if (values.length === 0) return { min: Number.NaN, mean: Number.NaN, max: Number.NaN, std: Number.NaN };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! - mean) ** 2;
  return { min, mean, max, std: Math.sqrt(squares / values.length) };
}

/** Statistics of a dataset's episodes. */
export interface EpisodeStatistics {
  readonly transitions: number;
  readonly episodes: number;
  readonly returns: Summary;
  readonly lengths: Summary;
}

/** Transitions, episodes, and summaries of episode returns (undiscounted) and lengths. */
export function episodeStatistics(dataset: EpisodeView): EpisodeStatistics {
  return {
    transitions: dataset.size,
    episodes: dataset.episodeEnds.length,
    returns: summarise(episodeReturns(dataset)),
    lengths: summarise(episodeLengths(dataset)),
  };
}
