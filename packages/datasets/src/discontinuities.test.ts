import { expect, it, describe as suite } from 'vitest';
import { discontinuityEnds, splitAtDiscontinuities } from './discontinuities.js';
import { episodeReturns } from './episodes.js';
import { transitionsOrThrow } from './transitions.js';

/**
 * Two episodes of three steps, 1-D observations: 0 → 1 → 2 → 3, then a reset to 10 → 11 → 12 → 13,
 * with the break between rows 2 and 3 not flagged (an unmarked timeout).
 */
const dataset = transitionsOrThrow({
  observationDim: 1,
  actionDim: 1,
  observations: Float32Array.of(0, 1, 2, 10, 11, 12),
  actions: new Float32Array(6),
  rewards: Float32Array.of(1, 1, 1, 5, 5, 5),
  nextObservations: Float32Array.of(1, 2, 3, 11, 12, 13),
});

suite('discontinuities', () => {
  it('finds rows whose next observation is not the next row', () => {
    expect(Array.from(discontinuityEnds(dataset))).toEqual([3]);
    // within tolerance: |10 − 3| = 7 is a break at tolerance 5, not at 10
    expect(Array.from(discontinuityEnds(dataset, 10))).toEqual([]);
  });

  it('splits episodes there without setting flags', () => {
    expect(Array.from(dataset.episodeEnds)).toEqual([6]);
    const split = splitAtDiscontinuities(dataset);
    expect(Array.from(split.episodeEnds)).toEqual([3, 6]);
    expect(Array.from(split.timeouts)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(episodeReturns(split))).toEqual([3, 15]);
  });
});
