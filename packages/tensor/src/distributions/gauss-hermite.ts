/**
 * Gauss–Hermite quadrature: ∫ e^{−x²} f(x) dx ≈ Σ_k w_k f(x_k), exact for polynomials of degree < 2n.
 * For a normal variable, E[f(μ + σZ)] ≈ Σ_k (w_k/√π) f(μ + √2·σ·x_k).
 *
 * The nodes are the roots of the Hermite polynomial H_n, found by scanning for sign changes of the
 * orthonormal Hermite functions' recurrence and bisecting; the weights are w_k = 2 / p_n'(x_k)², where
 * p_n = H_n / √(2ⁿ n! √π) and p_n' = √(2n)·p_{n−1} (Golub & Welsch 1969 give the same values).
 */

export interface Quadrature {
  readonly nodes: readonly number[];
  readonly weights: readonly number[];
}

/** [p_n(x), p_{n−1}(x)] by the three-term recurrence of the orthonormal Hermite polynomials. */
const hermite = (n: number, x: number): [number, number] => {
  let previous = 0;
  let current = Math.PI ** -0.25;
  for (let j = 0; j < n; j++) {
    const next = x * Math.sqrt(2 / (j + 1)) * current - Math.sqrt(j / (j + 1)) * previous;
    previous = current;
    current = next;
  }
  return [current, previous];
};

export const gaussHermite = (n: number): Quadrature => {
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new RangeError(`gaussHermite: n must be in 1..64, got ${n}`);
  // All roots lie in |x| < √(2n + 1); the scan step is below the smallest gap between roots for n ≤ 64.
  const bound = Math.sqrt(2 * n + 1);
  const steps = 200 * n;
  const nodes: number[] = [];
  let a = -bound;
  let fa = hermite(n, a)[0];
  for (let i = 1; i <= steps; i++) {
    const b = -bound + (2 * bound * i) / steps;
    const fb = hermite(n, b)[0];
    if (fa === 0 || fa * fb < 0) {
      let low = a;
      let high = b;
      for (let k = 0; k < 100 && high - low > 1e-15; k++) {
        const mid = 0.5 * (low + high);
        if (hermite(n, low)[0] * hermite(n, mid)[0] <= 0) high = mid;
        else low = mid;
      }
      nodes.push(0.5 * (low + high));
    }
    a = b;
    fa = fb;
  }
  if (nodes.length !== n) throw new Error(`gaussHermite: found ${nodes.length} roots for n = ${n}`);
  const weights = nodes.map((x) => 2 / (2 * n * hermite(n, x)[1] ** 2));
  return { nodes, weights };
};
