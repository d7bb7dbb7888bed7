import { describe, expect, it } from 'vitest';
import { foldIn, makeKey, normal, seedFromKey, splitKey, threefry2x32 } from './random.js';

const hex = (words: readonly number[]) => words.map((w) => w.toString(16).padStart(8, '0'));

describe('threefry2x32', () => {
  // Known-answer vectors of the Random123 suite (kat_vectors, threefry2x32 with 20 rounds).
  it('matches the published known answers', () => {
    expect(hex(threefry2x32(0, 0, 0, 0))).toEqual(['6b200159', '99ba4efe']);
    expect(hex(threefry2x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff))).toEqual([
      '1cb996fc',
      'bb002be7',
    ]);
    expect(hex(threefry2x32(0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3))).toEqual([
      'c4923a9c',
      '483df7a0',
    ]);
  });
});

describe('keys', () => {
  it('are pure functions of the seed', () => {
    expect(splitKey(makeKey(7), 3)).toEqual(splitKey(makeKey(7), 3));
    expect(foldIn(makeKey(7), 5)).toEqual(foldIn(makeKey(7), 5));
    expect(seedFromKey(makeKey(7))).toBe(seedFromKey(makeKey(7)));
  });

  it('give distinct streams for split, foldIn and different seeds', () => {
    const key = makeKey(1);
    const seeds = new Set([
      ...splitKey(key, 4).map(seedFromKey),
      ...[0, 1, 2].map((i) => seedFromKey(foldIn(key, i))),
      seedFromKey(makeKey(2)),
      seedFromKey(key),
    ]);
    expect(seeds.size).toBe(9);
  });

  it('rejects bad seeds with the value in the message', () => {
    expect(() => makeKey(-1)).toThrow(/-1/);
    expect(() => makeKey(1.5)).toThrow(/1.5/);
    expect(() => splitKey(makeKey(0), 0)).toThrow(/positive/);
  });

  it('draws the same normals from the same key and different ones from a split key', () => {
    const key = makeKey(3);
    const [a, b] = splitKey(key);
    const x = normal(key, [64]).dataSync();
    expect(normal(key, [64]).dataSync()).toEqual(x);
    expect(normal(a!, [64]).dataSync()).not.toEqual(normal(b!, [64]).dataSync());
    const mean = Array.from(x).reduce((s, v) => s + v, 0) / x.length;
    expect(Math.abs(mean)).toBeLessThan(0.5);
  });
});
