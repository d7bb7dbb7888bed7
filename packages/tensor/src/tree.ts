/**
 * Parameters, optimiser state and gradients are plain named trees of tensors. Paths join names with
 * '.', which is also the key used in safetensors files (`critic.layers.0.kernel`).
 */
import type { Tensor } from './tf.js';

export interface TensorTree {
  readonly [name: string]: Tensor | TensorTree;
}

export interface TreeLeaf {
  readonly path: string;
  readonly tensor: Tensor;
}

const isTensorLike = (value: unknown): value is Tensor =>
  typeof value === 'object' && value !== null && 'dataId' in value && 'shape' in value && 'dtype' in value;

/** The leaves in a stable order (keys sorted), so two trees of one structure line up. */
export const flattenTree = (tree: TensorTree, prefix = ''): TreeLeaf[] => {
  const leaves: TreeLeaf[] = [];
  for (const name of Object.keys(tree).sort()) {
    if (name.includes('.'))
      throw new Error(`tensor tree: name '${name}' under '${prefix}' must not contain '.'`);
    const path = prefix === '' ? name : `${prefix}.${name}`;
    const value = tree[name]!;
    if (isTensorLike(value)) leaves.push({ path, tensor: value });
    else leaves.push(...flattenTree(value, path));
  }
  return leaves;
};

/** Rebuilds a tree from '.'-joined paths. */
export const unflattenTree = (leaves: readonly TreeLeaf[]): TensorTree => {
  const root: Record<string, unknown> = {};
  for (const { path, tensor } of leaves) {
    const names = path.split('.');
    let node = root;
    for (const name of names.slice(0, -1)) {
      const child = node[name];
      if (child === undefined) node[name] = {};
      else if (isTensorLike(child))
        throw new Error(`tensor tree: '${path}' nests under the tensor '${name}'`);
      node = node[name] as Record<string, unknown>;
    }
    const last = names[names.length - 1]!;
    if (node[last] !== undefined) throw new Error(`tensor tree: duplicate path '${path}'`);
    node[last] = tensor;
  }
  return root as TensorTree;
};

/** Applies `f` to every leaf, keeping the structure. */
export const mapTree = <T extends TensorTree>(tree: T, f: (tensor: Tensor, path: string) => Tensor): T =>
  unflattenTree(flattenTree(tree).map(({ path, tensor }) => ({ path, tensor: f(tensor, path) }))) as T;

/**
 * Applies `f` to matching leaves of trees with one structure (params, grads, moments); throws naming
 * the first path where the structures or shapes differ.
 */
export const zipTrees = <T extends TensorTree>(
  trees: readonly TensorTree[],
  f: (tensors: Tensor[], path: string) => Tensor,
): T => {
  const [first, ...rest] = trees.map((t) => flattenTree(t));
  if (first === undefined) throw new Error('zipTrees: no trees given');
  for (const [i, other] of rest.entries()) {
    if (other.length !== first.length) {
      throw new Error(`zipTrees: tree ${i + 1} has ${other.length} leaves, tree 0 has ${first.length}`);
    }
  }
  return unflattenTree(
    first.map((leaf, j) => {
      const tensors = [leaf.tensor];
      for (const [i, other] of rest.entries()) {
        const o = other[j]!;
        if (o.path !== leaf.path)
          throw new Error(`zipTrees: tree ${i + 1} has '${o.path}' where tree 0 has '${leaf.path}'`);
        if (o.tensor.shape.join(',') !== leaf.tensor.shape.join(',')) {
          throw new Error(
            `zipTrees: '${leaf.path}' has shape [${o.tensor.shape}] in tree ${i + 1} but [${leaf.tensor.shape}] in tree 0`,
          );
        }
        tensors.push(o.tensor);
      }
      return { path: leaf.path, tensor: f(tensors, leaf.path) };
    }),
  ) as T;
};

/** Total number of scalar entries. */
export const treeSize = (tree: TensorTree): number =>
  flattenTree(tree).reduce((n, { tensor }) => n + tensor.size, 0);

/** Frees every tensor of the tree. */
export const disposeTree = (tree: TensorTree): void => {
  for (const { tensor } of flattenTree(tree)) tensor.dispose();
};
