import { makeKey, splitKey, tf } from '@offrl/tensor';
import { describe, expect, it } from 'vitest';
import {
  ensembleLowerBound,
  ensembleMean,
  ensembleMin,
  randomMemberSubset,
  subsetMin,
} from './ensemble-reduce.js';

const q = () =>
  tf.tensor2d([
    [1, 5],
    [3, 2],
    [2, 8],
  ]);

describe('ensemble reductions', () => {
  it('min, mean and mean − k·std over members', () => {
    expect(Array.from(ensembleMin(q()).dataSync())).toEqual([1, 2]);
    expect(Array.from(ensembleMean(q()).dataSync())).toEqual([2, 5]);
    // column 0: mean 2, population std √(2/3); column 1: mean 5, std √6
    const lcb = Array.from(ensembleLowerBound(q(), 1).dataSync());
    expect(lcb[0]).toBeCloseTo(2 - Math.sqrt(2 / 3), 5);
    expect(lcb[1]).toBeCloseTo(5 - Math.sqrt(6), 5);
  });

  it('min over a chosen subset of members', () => {
    expect(Array.from(subsetMin(q(), [1, 2]).dataSync())).toEqual([2, 2]);
    expect(() => subsetMin(q(), [3])).toThrow(/member 3/);
  });

  it('draws distinct members, reproducibly, covering all of them across keys', () => {
    const key = makeKey(0);
    expect(randomMemberSubset(key, 10, 2)).toEqual(randomMemberSubset(key, 10, 2));
    const seen = new Set<number>();
    for (const k of splitKey(key, 50)) {
      const subset = randomMemberSubset(k, 10, 2);
      expect(new Set(subset).size).toBe(2);
      for (const i of subset) seen.add(i);
    }
    expect(seen.size).toBe(10);
    expect(() => randomMemberSubset(key, 10, 11)).toThrow(/size/);
  });
});
