import { expect, it, describe as suite } from 'vitest';
import { fillUniformIndices, nextUint32, seedInto, seedRng } from './rng.js';

suite('xoshiro128**', () => {
  it('matches the reference output for state [1, 2, 3, 4]', () => {
    // result = rotl(s1 · 5, 7) · 9 = rotl(10, 7) · 9 = 1280 · 9 = 11520
    const [first, state] = nextUint32([1, 2, 3, 4]);
    expect(first).toBe(11520);
    // reference state update: s2 ^= s0 → 2; s3 ^= s1 → 6; s1 ^= s2 → 0; s0 ^= s3 → 7; s2 ^= s1<<9 → 1026;
    // s3 = rotl(6, 11) = 12288
    expect(state).toEqual([7, 0, 1026, 12288]);
  });

  it('is a pure function of the state', () => {
    const state = seedRng(42);
    expect(nextUint32(state)).toEqual(nextUint32(state));
    expect(seedRng(42)).toEqual(state);
    expect(seedRng(43)).not.toEqual(state);
  });
});

suite('fillUniformIndices', () => {
  it('gives the same indices for the same seed', () => {
    const draw = (seed: number) => {
      const words = new Uint32Array(4);
      seedInto(words, seed);
      const out = new Uint32Array(100);
      fillUniformIndices(words, out, 0, 100, 1000);
      return out;
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('stays in range and is close to uniform (chi-square over 10 bins)', () => {
    const words = new Uint32Array(4);
    seedInto(words, 1);
    const n = 100_000;
    const out = new Uint32Array(n);
    fillUniformIndices(words, out, 0, n, 10);
    const counts = new Array<number>(10).fill(0);
    for (const i of out) counts[i]!++;
    const expected = n / 10;
    const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
    // 9 degrees of freedom: P(χ² > 27.9) = 0.001
    expect(chi2).toBeLessThan(27.9);
  });

  it('handles bounds up to 2^32 and bound 1', () => {
    const words = new Uint32Array(4);
    seedInto(words, 3);
    const out = new Uint32Array(1000);
    fillUniformIndices(words, out, 0, 1000, 2 ** 32);
    expect(out.some((v) => v > 2 ** 31)).toBe(true);
    fillUniformIndices(words, out, 0, 1000, 1);
    expect(out.every((v) => v === 0)).toBe(true);
    expect(() => fillUniformIndices(words, out, 0, 1, 0)).toThrow('bound');
  });
});
