import { randomInt } from 'node:crypto';

/**
 * A small seeded generator for reset noise: xoshiro128** (Blackman & Vigna 2018) seeded through
 * splitmix32, doubles with 53 random bits. It does not reproduce numpy's PCG64 streams, so a seed
 * gives different start states here than in Gymnasium; it is bit-for-bit reproducible across
 * processes and platforms, which is what determinism tests need.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new Error(`Random: seed must be a non-negative safe integer, got ${seed}`);
    }
    // splitmix32 over both 32-bit halves of the seed fills the 128-bit state (never all zero).
    let state = (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32), 0x9e3779b9);
    const next = (): number => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    this.spareNormal = undefined;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotateLeft(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotateLeft(this.d, 11);
    return result;
  }

  /** A double uniform on [0, 1) with 53 random bits. */
  nextDouble(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Uniform on [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.nextDouble();
  }

  /** Standard normal by the Box–Muller transform (the second variate is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    const u1 = 1 - this.nextDouble(); // (0, 1]: log is finite
    const u2 = this.nextDouble();
    const radius = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  }
}

function rotateLeft(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A fresh seed from the OS entropy source, as Gymnasium does for a first `reset()` without a seed. */
export function entropySeed(): number {
  return randomInt(0, 2 ** 48 - 1);
}
