/**
 * A small seeded generator for sampling: xoshiro128** (Blackman & Vigna 2018), state seeded from a
 * uint32 by splitmix32. The state is a plain value: `nextUint32` returns the new state instead of
 * mutating hidden state, so the same seed (or state) always gives the same draws, bit for bit.
 *
 * Samplers take a uint32 `seed` per call; a learner derives it from its own random key each step.
 */
export type RngState = readonly [number, number, number, number];

/** The generator state for a uint32 seed (non-integers and values ≥ 2³² are reduced mod 2³²). */
export function seedRng(seed: number): RngState {
  const words = new Uint32Array(4);
  seedInto(words, seed);
  return [words[0]!, words[1]!, words[2]!, words[3]!];
}

/** The next uint32 and the advanced state. */
export function nextUint32(state: RngState): [number, RngState] {
  const words = Uint32Array.from(state);
  const value = step(words);
  return [value, [words[0]!, words[1]!, words[2]!, words[3]!]];
}

/**
 * Fills `target[offset, offset + count)` with independent uniform integers in [0, bound) drawn from
 * `words` (a mutable xoshiro128** state, advanced in place). Lemire's multiply-and-reject method
 * (Lemire 2019, "Fast random integer generation in an interval"): exactly uniform, about one draw
 * per index, no allocation.
 */
export function fillUniformIndices(
  words: Uint32Array,
  target: Uint32Array,
  offset: number,
  count: number,
  bound: number,
): void {
  if (!(Number.isInteger(bound) && bound > 0 && bound <= 0x100000000)) {
    throw new RangeError(`index bound must be an integer in [1, 2^32], got ${bound}`);
  }
  const threshold = (0x100000000 - bound) % bound; // 2^32 mod bound: draws below it are biased
  for (let i = 0; i < count; i++) {
    for (;;) {
      const x = step(words);
      // x · bound as a 64-bit product from two exact ≤ 2^48 halves.
      const high = (x >>> 16) * bound;
      const low = (x & 0xffff) * bound;
      const product32 = (high % 0x10000) * 0x10000 + low; // (x·bound) mod 2^32, before the carry
      const lowWord = product32 % 0x100000000;
      if (lowWord >= threshold) {
        target[offset + i] = Math.floor((high + Math.floor(low / 0x10000)) / 0x10000);
        break;
      }
    }
  }
}

/** Writes the splitmix32 expansion of `seed` into a 4-word xoshiro128** state. */
export function seedInto(words: Uint32Array, seed: number): void {
  let x = seed >>> 0;
  for (let k = 0; k < 4; k++) {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    words[k] = (z ^ (z >>> 16)) >>> 0;
  }
  // xoshiro's all-zero state is a fixed point; splitmix32 cannot produce four zero words in a row,
  // but guard anyway so the invariant is local.
  if ((words[0]! | words[1]! | words[2]! | words[3]!) === 0) words[0] = 1;
}

/** One xoshiro128** step on a mutable state: returns the output and advances `s` in place. */
function step(s: Uint32Array): number {
  const s0 = s[0]!;
  const s1 = s[1]!;
  const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const t = s1 << 9;
  const s2 = s[2]! ^ s0;
  const s3 = s[3]! ^ s1;
  s[1] = s1 ^ s2;
  s[0] = s0 ^ s3;
  s[2] = s2 ^ t;
  s[3] = rotl(s3, 11);
  return result;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
