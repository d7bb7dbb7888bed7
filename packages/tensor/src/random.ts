/**
 * A splittable, seeded random key in the style of JAX (`jax.random`): a key is an immutable pair of
 * uint32 words; `splitKey` and `foldIn` derive independent keys with the Threefry-2x32 block cipher
 * (Salmon et al. 2011, "Parallel random numbers: as easy as 1, 2, 3"; 20 rounds). Every random draw in
 * offrl comes from a key, so a run is a pure function of its seed.
 */
import { type Tensor, tf } from './tf.js';

/** Two uint32 words. Treat as opaque; make one with `makeKey(seed)`. */
export type Key = readonly [number, number] & { readonly __brand: 'offrl.Key' };

const ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24] as const;
const PARITY = 0x1bd11bda;

const rotl = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;

/** Threefry-2x32 with 20 rounds: encrypts the counter pair `(c0, c1)` under the key `(k0, k1)`. */
export const threefry2x32 = (k0: number, k1: number, c0: number, c1: number): [number, number] => {
  const ks = [k0 >>> 0, k1 >>> 0, (PARITY ^ k0 ^ k1) >>> 0];
  let x0 = (c0 + ks[0]!) >>> 0;
  let x1 = (c1 + ks[1]!) >>> 0;
  for (let block = 0; block < 5; block++) {
    for (let round = 0; round < 4; round++) {
      x0 = (x0 + x1) >>> 0;
      x1 = rotl(x1, ROTATIONS[(block % 2) * 4 + round]!) ^ x0;
    }
    // Key injection after every four rounds.
    x0 = (x0 + ks[(block + 1) % 3]!) >>> 0;
    x1 = (x1 + ks[(block + 2) % 3]! + block + 1) >>> 0;
  }
  return [x0, x1];
};

const asKey = (words: readonly [number, number]): Key =>
  Object.freeze([words[0], words[1]]) as unknown as Key;

/** A key from a non-negative integer seed below 2^53. */
export const makeKey = (seed: number): Key => {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`makeKey: seed must be a non-negative safe integer, got ${seed}`);
  }
  return asKey([Math.floor(seed / 2 ** 32) >>> 0, seed >>> 0]);
};

// Domain tags keep the key streams of split, foldIn and seed extraction disjoint.
const SPLIT = 0x53504c54;
const FOLD = 0x464f4c44;
const SEED = 0x53454544;

/** `n` independent keys derived from `key`. */
export const splitKey = (key: Key, n = 2): Key[] => {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`splitKey: n must be a positive integer, got ${n}`);
  return Array.from({ length: n }, (_, i) => asKey(threefry2x32(key[0], key[1], SPLIT, i)));
};

/** A key derived from `key` and an integer (a step counter, a seed index): `foldIn(k, 3)` is stable. */
export const foldIn = (key: Key, data: number): Key => {
  if (!Number.isInteger(data)) throw new RangeError(`foldIn: data must be an integer, got ${data}`);
  return asKey(threefry2x32(key[0], key[1], FOLD, data >>> 0));
};

/**
 * A uint32 seed in [1, 2^32) for APIs that take a number (tfjs's seeded ops, where 0 means "unseeded";
 * the typed-array samplers of `@offrl/datasets`).
 */
export const seedFromKey = (key: Key): number => threefry2x32(key[0], key[1], SEED, 0)[0] || 1;

/** Standard normal draws; identical on the cpu and wasm backends (tfjs generates them in JS). */
export const normal = (key: Key, shape: readonly number[]): Tensor =>
  tf.randomNormal([...shape], 0, 1, 'float32', seedFromKey(key));

/** Uniform draws in [low, high). */
export const uniform = (key: Key, shape: readonly number[], low = 0, high = 1): Tensor =>
  tf.randomUniform([...shape], low, high, 'float32', seedFromKey(key));
