/**
 * Finite-difference gradient checking for tests of losses and layers: compares tfjs's gradients of a
 * scalar function with central differences (f(x + h·e_i) − f(x − h·e_i)) / 2h, entry by entry.
 * Use the cpu backend and small tensors: every entry costs two forward passes, and float32 roundoff
 * limits the agreement to about 1e-3 relative at h = 1e-2.
 */
import { type Tensor, tf } from './tf.js';

export interface GradientCheckOptions {
  /** h; default 1e-2. */
  readonly step?: number;
}

export interface GradientMismatch {
  /** Which argument of f, which flat entry of it. */
  readonly argument: number;
  readonly index: number;
  readonly analytic: number;
  readonly numeric: number;
  /** |analytic − numeric| / max(1, |numeric|). */
  readonly error: number;
}

/**
 * The entry where the analytic and numeric gradients of the scalar `f(...args)` differ most, with its
 * relative error (`error`); `args` are not disposed.
 */
export const checkGradients = (
  f: (...args: Tensor[]) => Tensor,
  args: readonly Tensor[],
  options: GradientCheckOptions = {},
): GradientMismatch => {
  const { step = 1e-2 } = options;
  const analytic = tf.tidy(() =>
    tf
      .grads((...xs: Tensor[]) => f(...xs))([...args])
      .map((g) => g.dataSync().slice()),
  );
  let worst: GradientMismatch | undefined;
  for (const [argument, arg] of args.entries()) {
    const base = arg.dataSync().slice();
    for (let index = 0; index < base.length; index++) {
      const at = (delta: number) =>
        tf.tidy(() => {
          const shifted = base.slice();
          shifted[index]! += delta;
          const moved = tf.tensor(shifted, arg.shape, arg.dtype);
          const value = f(...args.map((a, j) => (j === argument ? moved : a)));
          if (value.size !== 1)
            throw new Error(`checkGradients: f must return a scalar, got shape [${value.shape}]`);
          return value.dataSync()[0]!;
        });
      const numeric = (at(step) - at(-step)) / (2 * step);
      const value = analytic[argument]![index]!;
      const error = Math.abs(value - numeric) / Math.max(1, Math.abs(numeric));
      if (worst === undefined || !(error <= worst.error))
        worst = { argument, index, analytic: value, numeric, error };
    }
  }
  if (worst === undefined) throw new Error('checkGradients: no entries to check');
  return worst;
};
