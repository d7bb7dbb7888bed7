/**
 * Layer normalisation (Ba, Kiros & Hinton 2016) over the last axis, with a learned scale γ and offset β:
 *   x̂ = (x − μ)·r,  r = 1/√(σ² + ε),  y = γ ⊙ x̂ + β   (μ, σ² per row; ε = 1e-5 as in PyTorch).
 * The 2-D case has a hand-written gradient, fewer ops than autodiff through `tf.moments`:
 *   g = dy ⊙ γ,  dx = r · (g − mean(g) − x̂ ⊙ mean(g ⊙ x̂)),  dγ = 1ᵀ(dy ⊙ x̂),  dβ = 1ᵀ dy.
 * Inputs of other ranks ([N, B, d] in a batched ensemble, with γ, β of shape [N, 1, d]) use autodiff.
 */
import type { Key } from '../random.js';
import { type Tensor, type Tensor1D, type Tensor2D, tf } from '../tf.js';
import type { TensorTree } from '../tree.js';
import { assertShape } from './shapes.js';

export interface LayerNormParams extends TensorTree {
  readonly scale: Tensor1D;
  readonly offset: Tensor1D;
}

export const LAYER_NORM_EPSILON = 1e-5;

/** scale = 1, offset = 0 (the key is unused; kept so every layer initialises alike). */
export const layerNormInit = (_key: Key, size: number): LayerNormParams => {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`layerNorm: size must be a positive integer, got ${size}`);
  return { scale: tf.ones([size]), offset: tf.zeros([size]) };
};

const normalize2d = (epsilon: number) =>
  tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [x, scale, offset, save] = args as [Tensor2D, Tensor1D, Tensor1D, tf.GradSaveFunc];
    const d = x.shape[1];
    const { normalized, rstd } = tf.tidy(() => {
      const mean = tf.mean(x, 1, true);
      const centered = tf.sub(x, mean);
      const variance = tf.mean(tf.square(centered), 1, true);
      const r = tf.rsqrt(tf.add(variance, epsilon));
      return { normalized: tf.mul(centered, r), rstd: r };
    });
    const y = tf.add(tf.mul(normalized, scale), offset);
    save([normalized, rstd, scale]);
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const [xHat, r, gamma] = saved as [Tensor2D, Tensor2D, Tensor1D];
        const g = tf.mul(dy, gamma);
        const meanG = tf.mean(g, 1, true);
        const meanGx = tf.mean(tf.mul(g, xHat), 1, true);
        const dx = tf.mul(r, tf.sub(tf.sub(g, meanG), tf.mul(xHat, meanGx)));
        const ones = tf.ones([1, xHat.shape[0]]);
        const dScale = tf.reshape(tf.matMul(ones, tf.mul(dy, xHat)), [d]);
        const dOffset = tf.reshape(tf.matMul(ones, dy as Tensor2D), [d]);
        return [dx, dScale, dOffset];
      },
    };
  });

/**
 * y = γ ⊙ x̂ + β over the last axis. For x [B, d], γ and β are [d]; for x [N, B, d] they may also be
 * [N, d] (one per ensemble member).
 */
export const layerNormApply = (
  params: LayerNormParams | { readonly scale: Tensor; readonly offset: Tensor },
  x: Tensor,
  options: { readonly name?: string; readonly epsilon?: number } = {},
): Tensor => {
  const name = options.name ?? 'layerNorm';
  const epsilon = options.epsilon ?? LAYER_NORM_EPSILON;
  const { scale, offset } = params;
  const d = scale.shape[scale.rank - 1]!;
  assertShape(name, 'offset', offset, scale.shape);
  if (x.rank === 2 && scale.rank === 1) {
    assertShape(name, 'input', x, [-1, d]);
    return normalize2d(epsilon)(x, scale, offset);
  }
  if (x.rank === 3 && scale.rank === 2) {
    assertShape(name, 'input', x, [scale.shape[0]!, -1, d]);
    const { mean, variance } = tf.moments(x, 2, true);
    const xHat = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
    return tf.add(tf.mul(xHat, tf.expandDims(scale, 1)), tf.expandDims(offset, 1));
  }
  throw new Error(
    `${name}: input has shape [${x.shape}] and scale [${scale.shape}]; expected x [B,d] with scale [d], or x [N,B,d] with scale [N,d]`,
  );
};

/** LayerNorm as a `Module` over inputs [B, size]. */
export const layerNorm = (spec: {
  readonly size: number;
  readonly epsilon?: number;
  readonly name?: string;
}) => ({
  spec,
  init: (key: Key): LayerNormParams => layerNormInit(key, spec.size),
  apply: (params: LayerNormParams, x: Tensor): Tensor =>
    layerNormApply(params, x, {
      name: spec.name ?? 'layerNorm',
      ...(spec.epsilon === undefined ? {} : { epsilon: spec.epsilon }),
    }),
});
