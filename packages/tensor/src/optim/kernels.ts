/**
 * Fused elementwise kernels for the optimiser hot path on the cpu and wasm backends: one JavaScript loop
 * per parameter leaf computes the new parameter and moments together, instead of a dozen tfjs ops that
 * each allocate an intermediate tensor and pass over memory. On wasm the loop reads and writes the wasm
 * heap directly (no copies).
 *
 * In-place writes (buffer donation, as JAX's `donate_argnums`): when the caller donates the old state
 * (`{ donate: true }`), an output reuses the buffer of the input it replaces, provided that
 *  - the input's buffer has no other reference (backend refCount 1: no clone, reshape or saved copy of
 *    it is alive), so nothing else can observe the write, and
 *  - the backend is wasm with accelerated matMul kernels (src/accel: onnxruntime or offrl's wasm GEMM,
 *    which read the operands afresh on every call). Stock XNNPACK caches its packed fully-connected
 *    operator per weight buffer id (`shared/reference/performance.md` §9), so a kernel overwritten in
 *    place would be multiplied with its stale packed copy. On cpu, a contiguous `Slice` is a view
 *    (subarray) of its source under a new buffer id, invisible to the refCount, so cpu never writes in
 *    place either.
 * Everywhere else the outputs are fresh buffers. Each loop reads an element before writing it, so both
 * forms give the same bits.
 *
 * On cpu the JavaScript loops compute in float64 and round to float32 once per stored value (at least
 * as accurate as the op-by-op form); on wasm the same loops run in WebAssembly SIMD (../wasm-loops.ts,
 * ~8× faster) in float32, as the op-by-op form does, with the JavaScript loops as the fallback where
 * they cannot load. So the two backends differ in the last bits, as they do in every other op.
 *
 * Kernels are registered on first use (registering is the tfjs engine's state, which this package alone
 * touches); other backends (tensorflow, webgl) use the op-by-op form.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { weightsMayBeMutatedInPlace } from '../accel/matmul-kernels.js';
import { wasmHeapMemory } from '../accel/wasm-heap.js';
import { type Tensor, tf } from '../tf.js';
import { loadWasmLoops, type WasmLoops } from '../wasm-loops.js';

type Loop = (
  inputs: readonly Float32Array[],
  outputs: readonly Float32Array[],
  attrs: Record<string, number>,
) => void;

interface ElementwiseKernel {
  readonly name: string;
  /** Input names; the first gives the output shape. */
  readonly inputs: readonly string[];
  /** For each output, the index of the input whose buffer it may take over when donated. */
  readonly replaces: readonly number[];
  readonly loop: Loop;
  /** The same loop in ../wasm-loops.ts, on heap byte addresses (wasm backend). */
  readonly simd: (
    loops: WasmLoops,
    inputs: readonly number[],
    outputs: readonly number[],
    size: number,
    attrs: Record<string, number>,
  ) => void;
}

interface CpuBackendLike {
  readSync(dataId: object): unknown;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

const FUSED_BACKENDS = ['cpu', 'wasm'] as const;

/**
 * Whether a donated buffer may be overwritten on the current backend: wasm, while its matMul kernels
 * keep no packed copies of weights (accel's `weightsMayBeMutatedInPlace`; see the file comment for cpu).
 */
export const inPlaceWritesSafe = (): boolean => tf.getBackend() === 'wasm' && weightsMayBeMutatedInPlace();

const kernelFunc =
  (
    kernel: ElementwiseKernel,
    backendName: (typeof FUSED_BACKENDS)[number],
    loops: WasmLoops | undefined,
  ): tf.KernelFunc =>
  ({ inputs, attrs, backend }) => {
    const infos = kernel.inputs.map((name) => inputs[name]!);
    const shape = [...infos[0]!.shape];
    const size = shape.reduce((a, b) => a * b, 1);
    const numbers = attrs as unknown as Record<string, number>;
    if (backendName === 'cpu') {
      const cpu = backend as unknown as CpuBackendLike;
      const ins = infos.map((info) => cpu.readSync(info.dataId) as Float32Array);
      const outs = kernel.replaces.map(() => new Float32Array(size));
      kernel.loop(ins, outs, numbers);
      const outInfos = outs.map((values) => cpu.makeTensorInfo(shape, 'float32', values));
      return outInfos.length === 1 ? outInfos[0]! : outInfos;
    }
    const wasm = backend as BackendWasm;
    // Allocate first: growing the heap detaches views taken earlier (byte addresses stay valid).
    const outInfos = kernel.replaces.map((index): tf.TensorInfo => {
      const source = infos[index]!;
      if (numbers['inPlace'] !== 1 || wasm.refCount(source.dataId) !== 1)
        return wasm.makeOutput(shape, 'float32');
      // The output shares the donated buffer; the caller then disposes the donated tensor.
      wasm.incRef(source.dataId);
      return { dataId: source.dataId, shape, dtype: 'float32' };
    });
    const ins = infos.map((info) => wasm.typedArrayFromHeap(info) as Float32Array);
    const outs = outInfos.map((info) => wasm.typedArrayFromHeap(info) as Float32Array);
    // The loops were instantiated on the heap of the backend that registered the kernel.
    if (loops !== undefined && loops.memory === wasmHeapMemory(wasm)) {
      const address = (view: Float32Array) => view.byteOffset;
      kernel.simd(loops, ins.map(address), outs.map(address), size, numbers);
    } else kernel.loop(ins, outs, numbers);
    // The engine hands a one-element array back as an array: return a lone output bare.
    return outInfos.length === 1 ? outInfos[0]! : outInfos;
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
      kernelFunc: kernelFunc(
        kernel,
        supported,
        supported === 'wasm' ? loadWasmLoops(tf.backend() as BackendWasm) : undefined,
      ),
    });
  }
  return true;
};

/**
 * Adam/AdamW for one leaf, with the scalars of adam.ts (s, ε̂, decay) as attributes:
 *   m' = m + (1 − β1)(g − m);  v' = β2·v + (1 − β2)·g²;  p' = p·decay − s·m'/(√v' + ε̂).
 */
const ADAM: ElementwiseKernel = {
  name: 'OffrlAdamUpdate',
  inputs: ['param', 'grad', 'mu', 'nu'],
  replaces: [0, 2, 3],
  loop: ([p, g, m, v], [pOut, mOut, vOut], { beta1, beta2, stepSize, epsHat, decay }) => {
    const oneMinusBeta1 = 1 - beta1!;
    const oneMinusBeta2 = 1 - beta2!;
    for (let i = 0; i < p!.length; i++) {
      const gi = g![i]!;
      const mi = m![i]! + (gi - m![i]!) * oneMinusBeta1;
      const vi = beta2! * v![i]! + oneMinusBeta2 * gi * gi;
      mOut![i] = mi;
      vOut![i] = vi;
      pOut![i] = p![i]! * decay! - (stepSize! * mi) / (Math.sqrt(vi) + epsHat!);
    }
  },
  simd: (loops, [p, g, m, v], [pOut, mOut, vOut], size, { beta1, beta2, stepSize, epsHat, decay }) =>
    loops.adam(
      p!,
      g!,
      m!,
      v!,
      pOut!,
      mOut!,
      vOut!,
      size,
      1 - beta1!,
      beta2!,
      1 - beta2!,
      stepSize!,
      epsHat!,
      decay!,
    ),
};

/** Polyak averaging for one leaf: t' = t + τ(o − t). */
const POLYAK: ElementwiseKernel = {
  name: 'OffrlPolyakUpdate',
  inputs: ['target', 'online'],
  replaces: [0],
  loop: ([t, o], [out], { tau }) => {
    for (let i = 0; i < t!.length; i++) out![i] = t![i]! + tau! * (o![i]! - t![i]!);
  },
  simd: (loops, [t, o], [out], size, { tau }) => loops.polyak(t!, o!, out!, size, tau!),
};

/** Whether the fused kernels run here for these tensors (float32 on cpu or wasm). */
export const fusedKernelsApply = (tensors: readonly Tensor[]): boolean =>
  tensors.every((t) => t.dtype === 'float32') && FUSED_BACKENDS.some((name) => name === tf.getBackend());

/** The per-update scalars of adam.ts, computed once per update on the host. */
export interface AdamScalars {
  readonly beta1: number;
  readonly beta2: number;
  readonly stepSize: number;
  readonly epsHat: number;
  readonly decay: number;
}

export interface AdamLeafUpdate {
  readonly param: Tensor;
  readonly mu: Tensor;
  readonly nu: Tensor;
}

/**
 * The fused Adam update of one leaf (call only where `fusedKernelsApply` holds). With `inPlace`, the
 * outputs may take over the buffers of param, mu and nu (see the file comment); the caller disposes
 * those tensors afterwards either way.
 */
export const fusedAdamLeaf = (
  leaf: { param: Tensor; grad: Tensor; mu: Tensor; nu: Tensor },
  scalars: AdamScalars,
  inPlace: boolean,
): AdamLeafUpdate => {
  fusedBackend(ADAM);
  const attrs = { ...scalars, inPlace: inPlace ? 1 : 0 };
  const [param, mu, nu] = tf
    .engine()
    .runKernel(ADAM.name, leaf, attrs as unknown as tf.NamedAttrMap) as Tensor[];
  return { param: param!, mu: mu!, nu: nu! };
};

/** The fused Polyak update of one leaf (call only where `fusedKernelsApply` holds); `inPlace` as above. */
export const fusedPolyakLeaf = (target: Tensor, online: Tensor, tau: number, inPlace: boolean): Tensor => {
  fusedBackend(POLYAK);
  const attrs = { tau, inPlace: inPlace ? 1 : 0 };
  return tf
    .engine()
    .runKernel(POLYAK.name, { target, online }, attrs as unknown as tf.NamedAttrMap) as Tensor;
};
