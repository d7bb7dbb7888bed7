/**
 * Fused elementwise kernels for the optimiser hot path on the cpu and wasm backends: one JavaScript loop
 * per parameter leaf computes the new parameter and moments together, instead of a dozen tfjs ops that
 * each allocate an intermediate tensor and pass over memory. On wasm the loop reads and writes the wasm
 * heap directly (no copies). The outputs are always new tensors; nothing is written in place (XNNPACK
 * caches packed weights by tensor id, `shared/reference/performance.md` §9).
 *
 * The arithmetic runs in float64 and is rounded to float32 once per stored value, so it is at least as
 * accurate as the op-by-op form, and it is identical on cpu and wasm.
 *
 * Kernels are registered on first use (registering is the tfjs engine's state, which this package alone
 * touches); other backends (tensorflow, webgl) use the op-by-op form.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { type Tensor, tf } from '../tf.js';

type Loop = (
  inputs: readonly Float32Array[],
  outputs: readonly Float32Array[],
  attrs: Record<string, number>,
) => void;

interface ElementwiseKernel {
  readonly name: string;
  /** Input names; the first gives the output shape. */
  readonly inputs: readonly string[];
  readonly outputs: number;
  readonly loop: Loop;
}

interface CpuBackendLike {
  readSync(dataId: object): unknown;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

const FUSED_BACKENDS = ['cpu', 'wasm'] as const;

const kernelFunc =
  (kernel: ElementwiseKernel, backendName: (typeof FUSED_BACKENDS)[number]): tf.KernelFunc =>
  ({ inputs, attrs, backend }) => {
    const infos = kernel.inputs.map((name) => inputs[name]!);
    const shape = [...infos[0]!.shape];
    const size = shape.reduce((a, b) => a * b, 1);
    const numbers = attrs as unknown as Record<string, number>;
    if (backendName === 'cpu') {
      const cpu = backend as unknown as CpuBackendLike;
      const ins = infos.map((info) => cpu.readSync(info.dataId) as Float32Array);
      const outs = Array.from({ length: kernel.outputs }, () => new Float32Array(size));
      kernel.loop(ins, outs, numbers);
      const outInfos = outs.map((values) => cpu.makeTensorInfo(shape, 'float32', values));
      return kernel.outputs === 1 ? outInfos[0]! : outInfos;
    }
    const wasm = backend as BackendWasm;
    // Allocate first: growing the heap detaches views taken earlier.
    const outInfos = Array.from({ length: kernel.outputs }, () => wasm.makeOutput(shape, 'float32'));
    const ins = infos.map((info) => wasm.typedArrayFromHeap(info) as Float32Array);
    const outs = outInfos.map((info) => wasm.typedArrayFromHeap(info) as Float32Array);
    kernel.loop(ins, outs, numbers);
    // The engine hands a one-element array back as an array: return a lone output bare.
    return kernel.outputs === 1 ? outInfos[0]! : outInfos;
  };

/** Whether the current backend runs fused kernels (registering them on first call). */
const fusedBackend = (kernel: ElementwiseKernel): boolean => {
  const backendName = tf.getBackend();
  const supported = FUSED_BACKENDS.find((name) => name === backendName);
  if (supported === undefined) return false;
  if (tf.getKernel(kernel.name, supported) === undefined) {
    tf.registerKernel({
      kernelName: kernel.name,
      backendName: supported,
      kernelFunc: kernelFunc(kernel, supported),
    });
  }
  return true;
};

const allFloat32 = (tensors: readonly Tensor[]): boolean => tensors.every((t) => t.dtype === 'float32');

/**
 * Adam/AdamW for one leaf; `scalars` = [s, ε̂, decay] (see adam.ts):
 *   m' = m + (1 − β1)(g − m);  v' = β2·v + (1 − β2)·g²;  p' = p·decay − s·m'/(√v' + ε̂).
 */
const ADAM: ElementwiseKernel = {
  name: 'OffrlAdamUpdate',
  inputs: ['param', 'grad', 'mu', 'nu', 'scalars'],
  outputs: 3,
  loop: ([p, g, m, v, scalars], [pOut, mOut, vOut], { beta1, beta2 }) => {
    const stepSize = scalars![0]!;
    const epsHat = scalars![1]!;
    const decay = scalars![2]!;
    const oneMinusBeta1 = 1 - beta1!;
    const oneMinusBeta2 = 1 - beta2!;
    for (let i = 0; i < p!.length; i++) {
      const gi = g![i]!;
      const mi = m![i]! + (gi - m![i]!) * oneMinusBeta1;
      const vi = beta2! * v![i]! + oneMinusBeta2 * gi * gi;
      mOut![i] = mi;
      vOut![i] = vi;
      pOut![i] = p![i]! * decay - (stepSize * mi) / (Math.sqrt(vi) + epsHat);
    }
  },
};

/** Polyak averaging for one leaf: t' = t + τ(o − t). */
const POLYAK: ElementwiseKernel = {
  name: 'OffrlPolyakUpdate',
  inputs: ['target', 'online'],
  outputs: 1,
  loop: ([t, o], [out], { tau }) => {
    for (let i = 0; i < t!.length; i++) out![i] = t![i]! + tau! * (o![i]! - t![i]!);
  },
};

export interface AdamLeafUpdate {
  readonly param: Tensor;
  readonly mu: Tensor;
  readonly nu: Tensor;
}

/**
 * The fused Adam update of one leaf, or undefined where the backend or dtypes have no fused kernel.
 * `scalars` is a float32 [3] tensor [s, ε̂, decay].
 */
export const fusedAdamLeaf = (
  leaf: { param: Tensor; grad: Tensor; mu: Tensor; nu: Tensor },
  scalars: Tensor,
  beta1: number,
  beta2: number,
): AdamLeafUpdate | undefined => {
  if (!allFloat32([leaf.param, leaf.grad, leaf.mu, leaf.nu, scalars]) || !fusedBackend(ADAM))
    return undefined;
  const [param, mu, nu] = tf
    .engine()
    .runKernel(ADAM.name, { ...leaf, scalars }, { beta1, beta2 } as unknown as tf.NamedAttrMap) as Tensor[];
  return { param: param!, mu: mu!, nu: nu! };
};

/** The fused Polyak update of one leaf, or undefined where the backend or dtypes have no fused kernel. */
export const fusedPolyakLeaf = (target: Tensor, online: Tensor, tau: number): Tensor | undefined => {
  if (!allFloat32([target, online]) || !fusedBackend(POLYAK)) return undefined;
  return tf
    .engine()
    .runKernel(POLYAK.name, { target, online }, { tau } as unknown as tf.NamedAttrMap) as Tensor;
};
