/**
 * Global-norm gradient clipping (Pascanu et al. 2013), as `torch.nn.utils.clip_grad_norm_`:
 *   n = √(Σ_leaves Σ g²),  g ← g · min(1, maxNorm / (n + 1e-6)).
 */
import { type Scalar, tf } from '../tf.js';
import { flattenTree, mapTree, type TensorTree } from '../tree.js';
import type { GradientTransform } from './optimizer.js';

/** √(Σ g²) over every leaf of the tree. */
export const globalNorm = (tree: TensorTree): Scalar =>
  tf.tidy(() => {
    const squares = flattenTree(tree).map(({ tensor }) => tf.sum(tf.square(tensor)));
    if (squares.length === 0) return tf.scalar(0);
    return tf.sqrt(squares.length === 1 ? squares[0]! : tf.addN(squares)) as Scalar;
  });

/** Scales the gradient tree so that its global norm is at most `maxNorm`; use in `chain(…)`. */
export const clipByGlobalNorm = (maxNorm: number): GradientTransform => {
  if (!(maxNorm > 0 && Number.isFinite(maxNorm))) {
    throw new RangeError(`clipByGlobalNorm: maxNorm must be positive and finite, got ${maxNorm}`);
  }
  return (grads) =>
    tf.tidy(() => {
      const scale = tf.minimum(1, tf.div(maxNorm, tf.add(globalNorm(grads), 1e-6)));
      return mapTree(grads, (g) => tf.mul(g, scale));
    });
};
