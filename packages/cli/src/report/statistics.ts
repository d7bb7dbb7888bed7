/**
 * Aggregate scores over seeds as rliable recommends (Agarwal et al. 2021, "Deep RL at the edge of the
 * statistical precipice"): the interquartile mean (the mean of the middle 50% of runs, scipy's
 * `trim_mean(x, 0.25)`: ⌊n/4⌋ runs dropped at each end) with a percentile bootstrap confidence interval,
 * next to the plain mean ± standard deviation.
 */
import { nextUint32, seedRng } from '@offrl/datasets';

export const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/** Sample standard deviation (n − 1), 0 for a single value. */
export const standardDeviation = (values: readonly number[]): number => {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1));
};

export const interquartileMean = (values: readonly number[]): number => {
  if (values.length === 0) throw new Error('interquartileMean: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const cut = Math.floor(sorted.length / 4);
  return mean(sorted.slice(cut, sorted.length - cut));
};

export interface ConfidenceInterval {
  readonly low: number;
  readonly high: number;
}

/**
 * Percentile bootstrap interval of `statistic` over resamples (with replacement) of `values`,
 * deterministic from `seed`.
 */
export const bootstrapInterval = (
  values: readonly number[],
  statistic: (sample: readonly number[]) => number,
  { resamples = 2000, confidence = 0.95, seed = 0 } = {},
): ConfidenceInterval => {
  if (values.length === 0) throw new Error('bootstrapInterval: no values');
  let rng = seedRng(seed);
  const estimates = new Float64Array(resamples);
  const sample = new Array<number>(values.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < values.length; i++) {
      const [word, next] = nextUint32(rng);
      rng = next;
      sample[i] = values[word % values.length]!;
    }
    estimates[r] = statistic(sample);
  }
  estimates.sort();
  const at = (q: number) => estimates[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))]!;
  return { low: at((1 - confidence) / 2), high: at(1 - (1 - confidence) / 2) };
};
