import { describe, expect, it } from 'vitest';
import { gaussHermite } from './gauss-hermite.js';

describe('gaussHermite', () => {
  it('gives the known two-point rule: x = ±1/√2, w = √π/2', () => {
    const { nodes, weights } = gaussHermite(2);
    expect(nodes[0]).toBeCloseTo(-Math.SQRT1_2, 12);
    expect(nodes[1]).toBeCloseTo(Math.SQRT1_2, 12);
    for (const w of weights) expect(w).toBeCloseTo(Math.sqrt(Math.PI) / 2, 12);
  });

  it('integrates e^{−x²}·x^{2k} exactly up to degree 2n − 1', () => {
    // ∫ e^{−x²} x^{2k} dx = Γ(k + ½) = √π·(2k − 1)!!/2^k.
    const { nodes, weights } = gaussHermite(16);
    let doubleFactorial = 1;
    for (let k = 0; k < 16; k++) {
      if (k > 0) doubleFactorial *= 2 * k - 1;
      const exact = (Math.sqrt(Math.PI) * doubleFactorial) / 2 ** k;
      const sum = nodes.reduce((s, x, i) => s + weights[i]! * x ** (2 * k), 0);
      expect(Math.abs(sum - exact) / exact).toBeLessThan(1e-9);
    }
  });

  it('rejects bad n', () => {
    expect(() => gaussHermite(0)).toThrow(/1\.\.64/);
  });
});
