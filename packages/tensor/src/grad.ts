/**
 * Value and gradient of a loss over a parameter tree, as `jax.value_and_grad(f, has_aux=True)`.
 *
 * tfjs's `engine.gradients` runs the forward inside a tidy and lets only the loss out, so metric tensors
 * made by the loss would be freed. Inside the forward each metric is cloned (no data copy) and the clone
 * is `keep`-ed; after the backward pass each kept clone is cloned once more into the caller's scope and
 * the kept one disposed. The returned loss, metrics and gradients are therefore ordinary tensors of the
 * caller's scope: an enclosing `tf.tidy` frees them as usual, and outside one the caller disposes them.
 * Nothing stays `kept`, also when the loss throws.
 */
import type { LossResult, Metrics } from './loss.js';
import { type Scalar, type Tensor, tf } from './tf.js';
import { flattenTree, type TensorTree, unflattenTree } from './tree.js';

export interface ValueAndGradOptions {
  /**
   * Check that the loss and every gradient are finite and throw naming the first parameter path whose
   * gradient holds NaN or ±Inf. Costs one small device read per call. Default false.
   */
  readonly checkFinite?: boolean;
}

export interface ValueAndGradResult<P extends TensorTree> {
  readonly loss: Scalar;
  readonly metrics: Metrics;
  /** Same structure as the parameters; zeros for parameters the loss does not depend on (as JAX). */
  readonly grads: P;
}

export const valueAndGrad = <P extends TensorTree>(
  lossFn: (params: P) => LossResult,
  params: P,
  options: ValueAndGradOptions = {},
): ValueAndGradResult<P> => {
  const leaves = flattenTree(params);
  if (leaves.length === 0) throw new Error('valueAndGrad: the parameter tree has no tensors');
  const kept: Record<string, Tensor> = {};
  const disposeKept = () => {
    for (const tensor of Object.values(kept)) tensor.dispose();
  };
  let result: { value: Tensor; grads: Tensor[] };
  try {
    result = tf.engine().gradients(
      () => {
        const { loss, metrics } = lossFn(unflattenTree(leaves) as P);
        if (loss.rank !== 0)
          throw new Error(`valueAndGrad: the loss must be a scalar, got shape [${loss.shape}]`);
        for (const [name, metric] of Object.entries(metrics)) kept[name] = tf.keep(tf.clone(metric));
        return loss;
      },
      leaves.map((leaf) => leaf.tensor),
      undefined,
      true,
    );
  } catch (error) {
    disposeKept();
    releaseTape();
    throw error;
  }
  const metrics: Record<string, Scalar> = {};
  for (const [name, tensor] of Object.entries(kept)) metrics[name] = tf.clone(tensor) as Scalar;
  disposeKept();
  const grads = leaves.map((leaf, i) => result.grads[i] ?? tf.zerosLike(leaf.tensor));
  const loss = result.value as Scalar;
  if (options.checkFinite === true) {
    const problem = findNonFinite(
      loss,
      leaves.map((leaf) => leaf.path),
      grads,
    );
    if (problem !== undefined) {
      loss.dispose();
      for (const tensor of [...Object.values(metrics), ...grads]) tensor.dispose();
      throw new Error(`valueAndGrad: ${problem}`);
    }
  }
  return {
    loss,
    metrics,
    grads: unflattenTree(leaves.map((leaf, i) => ({ path: leaf.path, tensor: grads[i]! }))) as P,
  };
};

/**
 * When the forward throws, tfjs leaves its tape behind with the `keep`-ed tensors that ops saved for the
 * backward pass (it frees them only at the end of a backward pass). Free them, as that pass would.
 */
const releaseTape = (): void => {
  const state = tf.engine().state;
  if (state.gradientDepth !== 0 || state.activeTape == null) return;
  for (const node of state.activeTape) for (const tensor of node.saved ?? []) tensor.dispose();
  state.activeTape = null as unknown as typeof state.activeTape;
};

/** A message naming the first non-finite gradient (x·0 is 0 for finite x, NaN for NaN and ±Inf). */
const findNonFinite = (
  loss: Scalar,
  paths: readonly string[],
  grads: readonly Tensor[],
): string | undefined => {
  const sums = tf.tidy(() => tf.stack([tf.mul(loss, 0), ...grads.map((g) => tf.sum(tf.mul(g, 0)))]));
  const flags = sums.dataSync();
  sums.dispose();
  const bad = paths.filter((_, i) => !Number.isFinite(flags[i + 1]!));
  const lossText = Number.isFinite(flags[0]!) ? 'finite' : `${loss.dataSync()[0]}`;
  if (bad.length === 0) return Number.isFinite(flags[0]!) ? undefined : `the loss is ${lossText}`;
  const first = grads[paths.indexOf(bad[0]!)]!;
  const values = first.dataSync();
  let count = 0;
  for (const value of values) if (!Number.isFinite(value)) count++;
  const more = bad.length > 1 ? `; ${bad.length - 1} more parameter(s) too: ${bad.slice(1).join(', ')}` : '';
  return (
    `non-finite gradient for parameter '${bad[0]}' (${count} of ${values.length} entries NaN or ±Inf; ` +
    `loss ${lossText})${more}`
  );
};
