/**
 * The divergence guard of the training loops: after every update the loop reads its metrics (one host
 * read per scalar: negligible on cpu/wasm, a device sync on a GPU) and stops at the first NaN or ±Inf,
 * naming the step and the terms, so a diverged run never goes on to save or evaluate a NaN policy.
 */
import { flattenTree, type Scalar, type TensorTree, tf } from '@offrl/tensor';

/** A run stopped because a loss term, a metric or a parameter became NaN or ±Inf. */
export class TrainingDivergedError extends Error {
  override readonly name = 'TrainingDivergedError';
  constructor(
    /** The 1-based update whose metrics (or resulting state) were not finite. */
    readonly step: number,
    /** The non-finite terms and their values (`state.<path>` for parameters). */
    readonly terms: Readonly<Record<string, number>>,
  ) {
    const named = Object.entries(terms)
      .map(([name, value]) => `'${name}' = ${value}`)
      .join(', ');
    super(`training diverged at update ${step}: ${named}`);
  }
}

/** Every metric's value, read to the host; the tensors stay owned by the caller. */
export const readMetrics = (metrics: Readonly<Record<string, Scalar>>): Record<string, number> =>
  Object.fromEntries(Object.entries(metrics).map(([name, value]) => [name, value.dataSync()[0]!]));

/** The NaN or ±Inf entries of `values`, or undefined when all are finite. */
export const nonFiniteTerms = (
  values: Readonly<Record<string, number>>,
): Record<string, number> | undefined => {
  const bad = Object.entries(values).filter(([, value]) => !Number.isFinite(value));
  return bad.length > 0 ? Object.fromEntries(bad) : undefined;
};

/**
 * Throws `TrainingDivergedError` naming the first parameters holding NaN or ±Inf (their first bad
 * entry), e.g. before a checkpoint is written. Float leaves only; one small read per leaf.
 */
export const assertFiniteState = (state: TensorTree, step: number): void => {
  const bad: Record<string, number> = {};
  for (const { path, tensor } of flattenTree(state)) {
    if (tensor.dtype !== 'float32') continue;
    const allFinite = tf.tidy(() => tf.all(tf.isFinite(tensor)));
    const ok = allFinite.dataSync()[0] === 1;
    allFinite.dispose();
    if (!ok) bad[`state.${path}`] = (tensor.dataSync() as Float32Array).find((v) => !Number.isFinite(v))!;
  }
  if (Object.keys(bad).length > 0) throw new TrainingDivergedError(step, bad);
};
