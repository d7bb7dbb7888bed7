/**
 * An ensemble of N MLPs of one architecture (2–10 critics, 7 dynamics models), evaluated together:
 * x [B, in] (shared by all members) or [N, B, in] (one batch per member) → [N, B, out].
 *
 * Parameters are ONE tree whose leaves carry a leading member axis (`hidden0.kernel` [N, in, h], …), so
 * an ensemble is saved, optimised and Polyak-averaged like any network, and `sliceMembers` picks a
 * random subset (REDQ's targets) as another tree of the same structure.
 *
 * Two formulations compute the same function:
 * - 'members': per-member 2-D fused GEMMs with the fast dense gradient, on slices of the stacked
 *   parameters, stacked at the end. On wasm a rank-3 batched `tf.matMul` takes a scalar path about 25×
 *   slower than N plain GEMMs (performance.md §2: 25.1 ms vs 2 × 1.0 ms for [2,256,256]²), and its
 *   autodiff needs transposed products, so this is the fast one there. Measured (bench/ensemble.bench.ts,
 *   value and gradient, 2×256 critics, batch 256, one loaded 2-core run): 5 members 91 vs 616 ms (6.7×),
 *   10 members 214 vs 1221 ms (5.7×) on wasm; on the JS cpu backend the two are equal (2 members, 0.99×).
 * - 'batched': one `tf.matMul` of [N, B, in] × [N, in, out] per layer with tfjs autodiff. Native
 *   TensorFlow (CPU or CUDA) runs it as one batched GEMM, where N separate small kernels would each pay
 *   a launch, so it is the default on the 'tensorflow' backends.
 * 'auto' picks 'batched' on the native backends and 'members' elsewhere (wasm, cpu: on the JS cpu
 * backend the two cost the same GEMM time and 'members' saves the transposes of autodiff).
 */
import { foldIn, type Key, splitKey } from '../random.js';
import { type Tensor, type Tensor3D, tf } from '../tf.js';
import { flattenTree, unflattenTree, zipTrees } from '../tree.js';
import { activate } from './activation.js';
import { dropoutMask } from './dropout.js';
import { layerNormApply } from './layer-norm.js';
import {
  checkMlpSpec,
  hiddenLayerName,
  layerParams,
  type MlpApplyOptions,
  type MlpParams,
  type MlpSpec,
  mlpApply,
  mlpInit,
  normLayerName,
  OUTPUT_LAYER,
} from './mlp.js';
import { assertShape, formatShape } from './shapes.js';

export type EnsembleFormulation = 'auto' | 'members' | 'batched';

export interface EnsembleSpec extends MlpSpec {
  /** Number of members N ≥ 1. */
  readonly members: number;
  /** Default 'auto' (see the file comment). */
  readonly formulation?: EnsembleFormulation;
}

export interface EnsembleApplyOptions extends MlpApplyOptions {
  /** Overrides the spec's formulation for this call. */
  readonly formulation?: EnsembleFormulation;
}

/** The member count of stacked parameters (the leading size shared by every leaf). */
export const memberCount = (params: MlpParams, name = 'ensemble'): number => {
  const leaves = flattenTree(params);
  const first = leaves[0];
  if (first === undefined) throw new Error(`${name}: parameters are empty`);
  const n = first.tensor.shape[0]!;
  for (const { path, tensor } of leaves) {
    if (tensor.rank < 2 || tensor.shape[0] !== n) {
      throw new Error(
        `${name}: '${path}' has shape ${formatShape(tensor.shape)}, expected a leading member axis of ${n} like '${first.path}'`,
      );
    }
  }
  return n;
};

/** Parameters of one member (leading axis removed), e.g. for acting with a single model. */
export const memberParams = (params: MlpParams, member: number): MlpParams => {
  const n = memberCount(params);
  if (!Number.isInteger(member) || member < 0 || member >= n) {
    throw new RangeError(`memberParams: member ${member} is out of range [0, ${n})`);
  }
  return unflattenTree(
    flattenTree(params).map(({ path, tensor }) => {
      const begin = tensor.shape.map((_, axis) => (axis === 0 ? member : 0));
      const size = tensor.shape.map((s, axis) => (axis === 0 ? 1 : s));
      return { path, tensor: tf.squeeze(tf.slice(tensor, begin, size), [0]) };
    }),
  ) as MlpParams;
};

/**
 * The members `indices` (e.g. a random subset of 2 of 10 critics for REDQ targets) as a stacked tree
 * with leading size indices.length. Differentiable (gather; wasm uses the fallback kernel of backend.ts).
 */
export const sliceMembers = (params: MlpParams, indices: readonly number[]): MlpParams => {
  const n = memberCount(params);
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= n)
      throw new RangeError(`sliceMembers: index ${i} is out of range [0, ${n})`);
  }
  return tf.tidy(() => {
    const ids = tf.tensor1d([...indices], 'int32');
    return unflattenTree(
      flattenTree(params).map(({ path, tensor }) => ({ path, tensor: tf.gather(tensor, ids) })),
    );
  }) as MlpParams;
};

/** N member trees from the stacked tree, by unstacking every leaf. */
const unstackMembers = (params: MlpParams, n: number): MlpParams[] => {
  const leaves = flattenTree(params).map(({ path, tensor }) => ({ path, slices: tf.unstack(tensor) }));
  return Array.from(
    { length: n },
    (_, m) => unflattenTree(leaves.map(({ path, slices }) => ({ path, tensor: slices[m]! }))) as MlpParams,
  );
};

const ensembleInit = (key: Key, spec: EnsembleSpec): MlpParams => {
  const members = splitKey(key, spec.members).map((memberKey) => mlpInit(memberKey, spec));
  const stacked = zipTrees<MlpParams>(members, (tensors) => tf.stack(tensors));
  for (const member of members) for (const { tensor } of flattenTree(member)) tensor.dispose();
  return stacked;
};

const checkInput = (name: string, x: Tensor, n: number, inputSize: number): void => {
  if (x.rank === 2) assertShape(name, 'input', x, [-1, inputSize]);
  else if (x.rank === 3) assertShape(name, 'input', x, [n, -1, inputSize]);
  else
    throw new Error(
      `${name}: input has shape ${formatShape(x.shape)}, expected [B,${inputSize}] or [${n},B,${inputSize}]`,
    );
};

/** Dropout key of member m: the same in both formulations, so they compute the same function. */
const memberKey = (key: Key | undefined, member: number): Key | undefined =>
  key === undefined ? undefined : foldIn(key, member);

const applyMembers = (
  spec: EnsembleSpec,
  params: MlpParams,
  x: Tensor,
  n: number,
  options: MlpApplyOptions,
) => {
  const inputs = x.rank === 3 ? tf.unstack(x) : undefined;
  const outputs = unstackMembers(params, n).map((member, m) =>
    mlpApply({ ...spec, name: `${spec.name ?? 'ensemble'}[${m}]` }, member, inputs?.[m] ?? x, {
      ...options,
      key: memberKey(options.key, m),
    }),
  );
  return tf.stack(outputs) as Tensor3D;
};

const applyBatched = (
  spec: EnsembleSpec,
  params: MlpParams,
  x: Tensor,
  n: number,
  options: MlpApplyOptions,
) => {
  const name = spec.name ?? 'ensemble';
  const activation = spec.activation ?? 'relu';
  const rate = spec.dropout ?? 0;
  const sizes = [spec.inputSize, ...spec.hiddenSizes, spec.outputSize];
  const layer = (h: Tensor, id: string, index: number, act: typeof activation, norm?: string): Tensor => {
    const { kernel, bias } = layerParams(params, id, name) as { kernel: Tensor; bias: Tensor };
    assertShape(`${name}.${id}`, 'kernel', kernel, [n, sizes[index]!, sizes[index + 1]!]);
    assertShape(`${name}.${id}`, 'bias', bias, [n, sizes[index + 1]!]);
    const z = tf.add(tf.matMul(h, kernel), tf.expandDims(bias, 1));
    if (norm === undefined) return activate(z, act);
    const normParams = layerParams(params, norm, name) as { scale: Tensor; offset: Tensor };
    return activate(layerNormApply(normParams, z, { name: `${name}.${norm}` }), act);
  };
  // A shared input is broadcast explicitly: matMul's own batch broadcasting has a wrong gradient in tfjs
  // 4.22 (it does not sum the broadcast axis back), while broadcastTo's gradient does.
  let h: Tensor = x.rank === 2 ? tf.broadcastTo(tf.expandDims(x, 0), [n, ...x.shape]) : x;
  for (let i = 0; i < spec.hiddenSizes.length; i++) {
    h = layer(h, hiddenLayerName(i), i, activation, spec.layerNorm === true ? normLayerName(i) : undefined);
    if (options.training === true && rate > 0) {
      if (options.key === undefined)
        throw new Error(`${name}.${hiddenLayerName(i)}: dropout in training mode needs a key`);
      const batch = h.shape[1]!;
      const width = h.shape[2]!;
      const masks = Array.from({ length: n }, (_, m) =>
        dropoutMask(foldIn(memberKey(options.key, m)!, i), [batch, width], rate),
      );
      h = tf.mul(h, tf.stack(masks));
    }
  }
  return layer(h, OUTPUT_LAYER, spec.hiddenSizes.length, spec.outputActivation ?? 'linear') as Tensor3D;
};

/** Which formulation 'auto' means on the active backend. */
export const resolveFormulation = (formulation: EnsembleFormulation = 'auto'): 'members' | 'batched' =>
  formulation !== 'auto' ? formulation : tf.getBackend() === 'tensorflow' ? 'batched' : 'members';

export interface Ensemble {
  readonly spec: EnsembleSpec;
  init(key: Key): MlpParams;
  /** x [B, in] or [N, B, in] → [N, B, out], N = the leading size of `params` (a slice may have fewer). */
  apply(params: MlpParams, x: Tensor, options?: EnsembleApplyOptions): Tensor3D;
}

/** An ensemble of `spec.members` MLPs with stacked parameters. */
export const ensemble = (spec: EnsembleSpec): Ensemble => {
  checkMlpSpec(spec);
  const name = spec.name ?? 'ensemble';
  if (!Number.isInteger(spec.members) || spec.members < 1) {
    throw new RangeError(`${name}: members must be a positive integer, got ${spec.members}`);
  }
  return {
    spec,
    init: (key) => ensembleInit(key, spec),
    apply: (params, x, options = {}) => {
      const n = memberCount(params, name);
      checkInput(name, x, n, spec.inputSize);
      const formulation = resolveFormulation(options.formulation ?? spec.formulation);
      return formulation === 'batched'
        ? applyBatched(spec, params, x, n, options)
        : applyMembers(spec, params, x, n, options);
    },
  };
};
