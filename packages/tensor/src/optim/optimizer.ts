/**
 * The optimiser interface, after optax's `GradientTransformation` (Babuschkin et al. 2020): an optimiser
 * is a pair of pure functions, and its state is a value that the caller holds, passes back and may save.
 *
 *   state0 = opt.init(params)
 *   { params: params1, state: state1 } = opt.update(grads, state0, params0)
 *
 * Unlike optax, `update` returns the new parameters rather than additive updates: it saves one
 * elementwise op per leaf and one tree of temporaries per step. Every returned leaf is a new tensor
 * (never an input), so the caller disposes the old `params`, `state` and `grads` trees afterwards.
 *
 * By default nothing is written into an existing tensor. A caller that owns the old `params` and
 * `state` and will not read them again may donate them (`{ donate: true }`, JAX's buffer donation):
 * the update then consumes them, disposing every donated leaf, and where it is safe (kernels.ts) writes
 * the new values into their buffers instead of allocating. The results are the same bits either way;
 * reading a donated tensor afterwards throws (it is disposed), and disposing it again is a no-op.
 */
import { type Tensor, tf } from '../tf.js';
import { flattenTree, type TensorTree, unflattenTree } from '../tree.js';

export type OptimizerStep<P extends TensorTree, S extends TensorTree> = {
  readonly params: P;
  readonly state: S;
};

export interface UpdateOptions {
  /**
   * The caller gives up `params` and `state`: the update disposes them and may reuse their buffers.
   * Default false (both are only read). `grads` are never donated.
   */
  readonly donate?: boolean;
}

export interface Optimizer<S extends TensorTree = TensorTree> {
  /** Fresh state for `params` (new tensors; `params` is only read). */
  init(params: TensorTree): S;
  /** One step: new parameters and state. Inputs are not disposed unless donated. */
  update<P extends TensorTree>(grads: P, state: S, params: P, options?: UpdateOptions): OptimizerStep<P, S>;
}

/**
 * A stateless transformation of a gradient tree (clipping, scaling). It returns a new tree and does not
 * dispose its input.
 */
export type GradientTransform = (grads: TensorTree) => TensorTree;

/**
 * `chain(t1, t2, …, optimizer)`: gradients pass through the transforms in order, then the optimiser.
 * The state is the optimiser's own, so a chained optimiser saves and loads like the bare one.
 */
export const chain = <S extends TensorTree>(
  ...parts: [...GradientTransform[], Optimizer<S>]
): Optimizer<S> => {
  const optimizer = parts[parts.length - 1] as Optimizer<S>;
  const transforms = parts.slice(0, -1) as GradientTransform[];
  return {
    init: (params) => optimizer.init(params),
    update: (grads, state, params, options) =>
      tf.tidy(() => {
        const transformed = transforms.reduce((g, transform) => transform(g), grads as TensorTree);
        return optimizer.update(transformed as typeof grads, state, params, options);
      }),
  };
};

/**
 * The leaves of several trees of one structure, aligned by path. Throws naming the first path where a
 * tree lacks a leaf or has another shape, and which tree (by `names`) it is.
 */
export const alignLeaves = (
  trees: readonly TensorTree[],
  names: readonly string[],
  where: string,
): { paths: string[]; columns: Tensor[][] } => {
  const flat = trees.map((tree) => flattenTree(tree));
  const reference = flat[0]!;
  const paths = reference.map((leaf) => leaf.path);
  for (const [i, leaves] of flat.entries()) {
    if (i === 0) continue;
    const have = new Set(leaves.map((leaf) => leaf.path));
    const missing = paths.find((path) => !have.has(path));
    if (missing !== undefined) throw new Error(`${where}: ${names[i]} has no '${missing}' (${names[0]} has)`);
    if (leaves.length !== paths.length) {
      const known = new Set(paths);
      const extra = leaves.find((leaf) => !known.has(leaf.path))!;
      throw new Error(`${where}: ${names[i]} has '${extra.path}', which ${names[0]} lacks`);
    }
    for (const [j, leaf] of leaves.entries()) {
      const expected = reference[j]!.tensor.shape;
      if (leaf.tensor.shape.join(',') !== expected.join(',')) {
        throw new Error(
          `${where}: '${leaf.path}' has shape [${leaf.tensor.shape}] in ${names[i]} but [${expected}] in ${names[0]}`,
        );
      }
    }
  }
  return { paths, columns: flat.map((leaves) => leaves.map((leaf) => leaf.tensor)) };
};

/** A tree from aligned paths and tensors. */
export const treeFromLeaves = <T extends TensorTree>(
  paths: readonly string[],
  tensors: readonly Tensor[],
): T => unflattenTree(paths.map((path, i) => ({ path, tensor: tensors[i]! }))) as T;
