import { describe, expect, it } from 'vitest';
import { Random } from './random.js';

describe('Random', () => {
  it('repeats its stream for the same seed and differs for another seed', () => {
    const draw = (seed: number) => {
      const random = new Random(seed);
      return Array.from({ length: 8 }, () => random.nextDouble());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    // Seeds that differ only above bit 32 give different streams too.
    expect(draw(1)).not.toEqual(draw(1 + 2 ** 32));
  });

  it('draws uniforms inside [low, high) with the right mean', () => {
    const random = new Random(0);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) {
      const value = random.uniform(-0.005, 0.005);
      expect(value).toBeGreaterThanOrEqual(-0.005);
      expect(value).toBeLessThan(0.005);
      sum += value;
    }
    // Standard error of the mean: 0.01/√12/√20000 ≈ 2e-5.
    expect(Math.abs(sum / 20_000)).toBeLessThan(1e-4);
  });

  it('draws standard normals (mean 0, variance 1 within sampling error)', () => {
    const random = new Random(3);
    const n = 20_000;
    let sum = 0;
    let sumSquares = 0;
    for (let i = 0; i < n; i++) {
      const value = random.normal();
      sum += value;
      sumSquares += value * value;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.03); // 4 standard errors
    expect(Math.abs(sumSquares / n - 1)).toBeLessThan(0.05);
  });

  it('rejects seeds that are not non-negative safe integers', () => {
    expect(() => new Random(-1)).toThrow(/seed must be a non-negative safe integer, got -1/);
    expect(() => new Random(0.5)).toThrow(/got 0.5/);
  });
});
