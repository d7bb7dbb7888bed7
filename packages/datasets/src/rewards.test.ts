import { expect, it, describe as suite } from 'vitest';
import { returnRangeScale, transformRewards } from './rewards.js';
import { transitionsOrThrow } from './transitions.js';

/** Two episodes: returns 1 + 2 = 3 and 5 + 6 = 11 (range 8). */
const dataset = transitionsOrThrow({
  observationDim: 1,
  actionDim: 1,
  observations: new Float32Array(4),
  actions: new Float32Array(4),
  rewards: Float32Array.of(1, 2, 5, 6),
  nextObservations: new Float32Array(4),
  terminals: Uint8Array.of(0, 1, 0, 1),
});

suite('reward transforms', () => {
  it("computes IQL's 1000 / (max return − min return)", () => {
    expect(returnRangeScale(dataset)).toEqual({ scale: 1000 / 8, shift: 0 });
    expect(returnRangeScale(dataset, 1).scale).toBe(1 / 8);
  });

  it('applies scale and shift to a copy', () => {
    const scaled = transformRewards(dataset, { scale: 10, shift: -5 });
    expect(Array.from(scaled.rewards)).toEqual([5, 15, 45, 55]);
    expect(Array.from(dataset.rewards)).toEqual([1, 2, 5, 6]);
    // IQL: returns rescaled to a range of exactly 1000
    const iql = transformRewards(dataset, returnRangeScale(dataset));
    expect(iql.rewards[2]! + iql.rewards[3]! - iql.rewards[0]! - iql.rewards[1]!).toBeCloseTo(1000, 3);
  });

  it('rejects a dataset whose returns are all equal', () => {
    const flat = transformRewards(dataset, { scale: 0, shift: 1 });
    expect(() => returnRangeScale(flat)).toThrow('span no range');
  });
});
