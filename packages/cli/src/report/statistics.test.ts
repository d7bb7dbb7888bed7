import { describe, expect, it } from 'vitest';
import { bootstrapInterval, interquartileMean, mean, standardDeviation } from './statistics.js';

describe('score statistics', () => {
  it('interquartile mean drops ⌊n/4⌋ runs at each end', () => {
    // n = 8: drop 2 each end of [1..8] → mean(3, 4, 5, 6) = 4.5; an outlier at the top does not move it
    expect(interquartileMean([8, 1, 7, 2, 6, 3, 5, 4])).toBe(4.5);
    expect(interquartileMean([1000, 1, 7, 2, 6, 3, 5, 4])).toBe(4.5);
    // n = 3: nothing dropped
    expect(interquartileMean([1, 2, 6])).toBe(3);
  });

  it('mean and sample standard deviation', () => {
    // [2, 4, 4, 4, 5, 5, 7, 9]: mean 5, Σ(x − 5)² = 32, s = √(32/7)
    expect(mean([2, 4, 4, 4, 5, 5, 7, 9])).toBe(5);
    expect(standardDeviation([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(standardDeviation([3])).toBe(0);
  });

  it('bootstrap intervals bracket the estimate, shrink with agreement and repeat from the seed', () => {
    const scores = [40, 45, 50, 55, 60, 65, 70, 75];
    const interval = bootstrapInterval(scores, interquartileMean, { seed: 1 });
    expect(interval.low).toBeLessThanOrEqual(interquartileMean(scores));
    expect(interval.high).toBeGreaterThanOrEqual(interquartileMean(scores));
    expect(interval.low).toBeGreaterThanOrEqual(40);
    expect(interval.high).toBeLessThanOrEqual(75);
    expect(bootstrapInterval(scores, interquartileMean, { seed: 1 })).toEqual(interval);
    expect(bootstrapInterval([50, 50, 50], mean)).toEqual({ low: 50, high: 50 });
  });
});
