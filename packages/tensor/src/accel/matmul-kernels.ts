/**
 * Replacements for tfjs-backend-wasm's `BatchMatMul` and `_FusedMatMul` kernels that run the products on
 * a faster GEMM engine (gemm-engine.ts: onnxruntime-node or offrl's wasm SIMD GEMM), zero-copy on the
 * wasm heap. Why: the stock kernels send only plain
 * 2-D products to XNNPACK (~30 GFLOP/s with weights that change every step); transposed operands take a
 * scalar path ~12× slower, and fused products with a transposed operand plus bias or activation return
 * WRONG values in 4.22 (shared/reference/performance.md §2, §9).
 *
 * Handled here: float32, any transposes, batch dimensions that are equal or where one side has a single
 * matrix, bias and PReLU slopes that broadcast as a matrix [1|m, 1|n], and the fused activations the engine lists.
 * Anything else goes to a correct fallback: other dtypes, batch broadcasting, or a shared heap (the
 * threaded wasm build) to the stock `BatchMatMul`, and other epilogues to product + stock `Add` + stock
 * activation kernel (never to the stock fused kernel with a transposed operand).
 *
 * `Identity` (`tf.clone`, and the engine's copy of every tensor a gradient saves: ~130 per IQL-shaped
 * update, 1.5–2 ms) is replaced too: the stock kernel allocates and copies the whole buffer; the
 * replacement shares it by reference count, as the cpu backend's `Identity` and the wasm `Reshape` do.
 * That is safe only without XNNPACK's matMul: its operator cache is keyed by buffer id, not shape, so a
 * saved weight sharing its buffer with a reshaped view of itself ([in,1] → [1,in], dense.ts) picks up
 * the wrong packed operator and reads out of bounds (reproduced on stock kernels).
 *
 * The kernel registry is the only state: the accelerated configs carry the stock config they replaced,
 * so `uninstallAcceleratedMatMul` restores it.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf.js';
import { type Broadcast, FUSED_ACTIVATIONS, type FusedActivation, type GemmEngine } from './gemm-engine.js';

const KERNELS = ['BatchMatMul', '_FusedMatMul', 'Identity'] as const;
type MatMulKernel = (typeof KERNELS)[number];

interface AcceleratedConfig extends tf.KernelConfig {
  readonly offrlAccelerated: { readonly provider: GemmEngine['provider']; readonly threads: number };
  /** The engine the kernels run on, for offrl's kernels that call it directly (nn/mlp-kernel.ts). */
  readonly engine: GemmEngine;
  readonly stock: tf.KernelConfig;
}

const acceleratedConfig = (name: MatMulKernel): AcceleratedConfig | undefined => {
  const config = tf.getKernel(name, 'wasm') as Partial<AcceleratedConfig> | undefined;
  return config?.offrlAccelerated === undefined ? undefined : (config as AcceleratedConfig);
};

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** m, n, k and batch layout of a product, or undefined where the batch dims need real broadcasting. */
interface ProductShape {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly batch: number;
  /** Per-output-batch matrix strides of a and b (0 where one matrix serves every batch). */
  readonly strideA: number;
  readonly strideB: number;
  readonly outShape: number[];
}

const productShape = (a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean) => {
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) return undefined;
  const [a0, a1] = [a.shape[ra - 2]!, a.shape[ra - 1]!];
  const [b0, b1] = [b.shape[rb - 2]!, b.shape[rb - 1]!];
  const [m, ka] = transposeA ? [a1, a0] : [a0, a1];
  const [kb, n] = transposeB ? [b1, b0] : [b0, b1];
  if (ka !== kb) return undefined; // the stock kernel throws tfjs's own message
  const outer = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = sizeOf(outer);
  const batchA = sizeOf(a.shape.slice(0, -2));
  const batchB = sizeOf(b.shape.slice(0, -2));
  if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return undefined;
  const shape: ProductShape = {
    m,
    n,
    k: ka,
    batch,
    strideA: batchA === 1 ? 0 : m * ka,
    strideB: batchB === 1 ? 0 : ka * n,
    outShape: [...outer, m, n],
  };
  return shape;
};

/** A tensor broadcast to [m, n] as a [rows, cols] matrix, or undefined where it is not one. */
const asBroadcast = (info: tf.TensorInfo, wasm: BackendWasm, m: number, n: number): Broadcast | undefined => {
  const shape = [...info.shape];
  while (shape.length > 2 && shape[0] === 1) shape.shift();
  if (shape.length > 2 || info.dtype !== 'float32') return undefined;
  const [rows, cols] = shape.length === 2 ? shape : [1, shape[0] ?? 1];
  if ((rows !== 1 && rows !== m) || (cols !== 1 && cols !== n)) return undefined;
  return { data: wasm.typedArrayFromHeap(info) as Float32Array, rows: rows!, cols: cols! };
};

interface Epilogue {
  readonly bias?: tf.TensorInfo;
  readonly prelu?: tf.TensorInfo;
  readonly activation: FusedActivation;
  readonly alpha?: number;
}

/** Runs the product (with its epilogue, when given) into a new output; undefined where not handled. */
const runProduct = (
  engine: GemmEngine,
  wasm: BackendWasm,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  epilogue?: Epilogue,
): tf.TensorInfo | undefined => {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  const shape = productShape(a, b, transposeA, transposeB);
  if (shape === undefined) return undefined;
  const { m, n, k, batch, strideA, strideB, outShape } = shape;
  // Left to the composed fallback: an empty inner sum with an epilogue, and epilogues the engine lacks.
  if (epilogue !== undefined && (k === 0 || !engine.activations.includes(epilogue.activation)))
    return undefined;
  // The threaded wasm build's heap is a SharedArrayBuffer, which neither engine can use.
  if (wasm.typedArrayFromHeap(a).buffer instanceof SharedArrayBuffer) return undefined;
  // Allocate first: growing the wasm memory detaches views taken earlier.
  const out = wasm.makeOutput(outShape, 'float32');
  if (batch * m * n === 0) return out;
  if (k === 0) {
    (wasm.typedArrayFromHeap(out) as Float32Array).fill(0);
    return out;
  }
  // The engine's working space (the wasm GEMM's packed panels), freed again when the product is done.
  const scratchInfo =
    engine.scratchFloats > 0 ? wasm.makeOutput([engine.scratchFloats], 'float32') : undefined;
  try {
    const y = wasm.typedArrayFromHeap(out) as Float32Array;
    const scratch =
      scratchInfo === undefined ? undefined : (wasm.typedArrayFromHeap(scratchInfo) as Float32Array);
    const bias = epilogue?.bias === undefined ? undefined : asBroadcast(epilogue.bias, wasm, m, n);
    const prelu = epilogue?.prelu === undefined ? undefined : asBroadcast(epilogue.prelu, wasm, m, n);
    if (
      (epilogue?.bias !== undefined && bias === undefined) ||
      (epilogue?.prelu !== undefined && prelu === undefined)
    ) {
      wasm.disposeData(out.dataId);
      return undefined;
    }
    const av = wasm.typedArrayFromHeap(a) as Float32Array;
    const bv = wasm.typedArrayFromHeap(b) as Float32Array;
    for (let i = 0; i < batch; i++) {
      engine.gemm({
        a: av.subarray(i * strideA, i * strideA + m * k),
        b: bv.subarray(i * strideB, i * strideB + k * n),
        y: y.subarray(i * m * n, (i + 1) * m * n),
        m,
        n,
        k,
        transposeA,
        transposeB,
        ...(bias === undefined ? {} : { bias }),
        ...(prelu === undefined ? {} : { prelu }),
        ...(epilogue === undefined ? {} : { activation: epilogue.activation }),
        ...(epilogue?.alpha === undefined ? {} : { alpha: epilogue.alpha }),
        ...(scratch === undefined ? {} : { scratch }),
      });
    }
    return out;
  } finally {
    if (scratchInfo !== undefined) wasm.disposeData(scratchInfo.dataId);
  }
};

type KernelArgs = Parameters<tf.KernelFunc>[0];

const runStock = (name: string, args: Omit<KernelArgs, 'backend'>, wasm: BackendWasm): tf.TensorInfo => {
  const config = tf.getKernel(name, 'wasm');
  if (config === undefined) throw new Error(`matmul fallback: tfjs-backend-wasm has no '${name}' kernel`);
  return config.kernelFunc({ ...args, backend: wasm }) as tf.TensorInfo;
};

/** Kernel names of the activations applied after a product in the composed fallback. */
const ACTIVATION_KERNEL: Record<Exclude<FusedActivation, 'linear'>, string> = {
  relu: 'Relu',
  relu6: 'Relu6',
  elu: 'Elu',
  sigmoid: 'Sigmoid',
  leakyrelu: 'LeakyRelu',
  prelu: 'Prelu',
};

const makeBatchMatMul =
  (engine: GemmEngine, stock: tf.KernelFunc): tf.KernelFunc =>
  (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const wasm = args.backend as BackendWasm;
    return runProduct(engine, wasm, a, b, transposeA, transposeB) ?? stock(args);
  };

const makeFusedMatMul =
  (engine: GemmEngine, stockBatchMatMul: tf.KernelFunc): tf.KernelFunc =>
  (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const { transposeA, transposeB, activation, leakyreluAlpha } = args.attrs as unknown as {
      transposeA: boolean;
      transposeB: boolean;
      activation: string;
      leakyreluAlpha?: number;
    };
    const wasm = args.backend as BackendWasm;
    const known = FUSED_ACTIVATIONS.find((name) => name === activation);
    if (known === undefined) throw new Error(`_FusedMatMul: activation '${activation}' is not supported`);
    const epilogue: Epilogue = {
      activation: known,
      ...(bias === undefined ? {} : { bias }),
      ...(preluActivationWeights === undefined ? {} : { prelu: preluActivationWeights }),
      ...(leakyreluAlpha === undefined ? {} : { alpha: leakyreluAlpha }),
    };
    const fused = runProduct(engine, wasm, a!, b!, transposeA, transposeB, epilogue);
    if (fused !== undefined) return fused;
    // Composed fallback: product, then bias, then activation, each by a correct kernel.
    const attrs = { transposeA, transposeB } as unknown as tf.NamedAttrMap;
    let value =
      runProduct(engine, wasm, a!, b!, transposeA, transposeB) ??
      (stockBatchMatMul({ inputs: { a: a!, b: b! }, backend: wasm, attrs }) as tf.TensorInfo);
    const replace = (next: tf.TensorInfo): void => {
      wasm.disposeData(value.dataId);
      value = next;
    };
    if (bias !== undefined) replace(runStock('Add', { inputs: { a: value, b: bias }, attrs: {} }, wasm));
    if (known === 'prelu')
      replace(runStock('Prelu', { inputs: { x: value, alpha: preluActivationWeights! }, attrs: {} }, wasm));
    else if (known !== 'linear')
      replace(
        runStock(
          ACTIVATION_KERNEL[known],
          { inputs: { x: value }, attrs: { alpha: leakyreluAlpha ?? 0.2 } },
          wasm,
        ),
      );
    return value;
  };

const makeIdentity =
  (stock: tf.KernelFunc): tf.KernelFunc =>
  (args) => {
    const x = args.inputs['x'] as tf.TensorInfo;
    if (x.dtype === 'string') return stock(args);
    (args.backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };

/**
 * Replaces the wasm backend's `BatchMatMul`, `_FusedMatMul` and `Identity` with kernels running on
 * `engine` (and sharing buffers).
 * Installing again (with another engine) replaces the earlier accelerated kernels.
 */
export const installAcceleratedMatMul = (engine: GemmEngine): void => {
  const module = (tf.findBackend('wasm') as BackendWasm | null)?.wasm as
    | { HEAPF32?: Float32Array }
    | undefined;
  if (module?.HEAPF32?.buffer instanceof SharedArrayBuffer)
    throw new Error(
      `installAcceleratedMatMul: the threaded wasm heap is shared, which the ${engine.provider} engine cannot use`,
    );
  uninstallAcceleratedMatMul();
  const stockBatchMatMul = tf.getKernel('BatchMatMul', 'wasm');
  const stockFused = tf.getKernel('_FusedMatMul', 'wasm');
  const stockIdentity = tf.getKernel('Identity', 'wasm');
  if (stockBatchMatMul === undefined || stockFused === undefined || stockIdentity === undefined)
    throw new Error('installAcceleratedMatMul: the wasm backend has no matMul kernels to replace');
  const offrlAccelerated = { provider: engine.provider, threads: engine.threads };
  const replacements: [MatMulKernel, tf.KernelFunc, tf.KernelConfig][] = [
    ['BatchMatMul', makeBatchMatMul(engine, stockBatchMatMul.kernelFunc), stockBatchMatMul],
    ['_FusedMatMul', makeFusedMatMul(engine, stockBatchMatMul.kernelFunc), stockFused],
    ['Identity', makeIdentity(stockIdentity.kernelFunc), stockIdentity],
  ];
  for (const [kernelName, kernelFunc, stock] of replacements) {
    tf.unregisterKernel(kernelName, 'wasm');
    const config: AcceleratedConfig = {
      kernelName,
      backendName: 'wasm',
      kernelFunc,
      offrlAccelerated,
      engine,
      stock,
    };
    tf.registerKernel(config);
  }
};

/** Puts the stock kernels back (a no-op when none are accelerated). */
export const uninstallAcceleratedMatMul = (): void => {
  for (const name of KERNELS) {
    const config = acceleratedConfig(name);
    if (config === undefined) continue;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(config.stock);
  }
};

/**
 * Runs `f` with the stock wasm matMul kernels and then puts the accelerated ones back (when there were
 * any): for tests of stock behaviour and for A/B benchmarks.
 */
export const withStockMatMul = <T>(f: () => T): T => {
  const accelerated = KERNELS.map(acceleratedConfig);
  uninstallAcceleratedMatMul();
  try {
    return f();
  } finally {
    for (const config of accelerated) {
      if (config === undefined) continue;
      tf.unregisterKernel(config.kernelName, 'wasm');
      tf.registerKernel(config);
    }
  }
};

/** The engine behind the wasm matMul kernels, or undefined when they are stock. */
export const acceleratedMatMul = (): AcceleratedConfig['offrlAccelerated'] | undefined =>
  acceleratedConfig('BatchMatMul')?.offrlAccelerated;

/** The GEMM engine itself (to call it without a kernel around each product), or undefined. */
export const acceleratedEngine = (): GemmEngine | undefined => acceleratedConfig('BatchMatMul')?.engine;

/**
 * Whether parameters may be overwritten in place (donated optimiser updates) on the current backend. On
 * wasm only while the matMul kernels are accelerated (either engine): stock XNNPACK keeps packed copies
 * of weight matrices keyed by buffer id and would go on multiplying by the stale copy. (Products the
 * accelerated kernels leave to the stock one, batch dims that need broadcasting or non-float32 operands,
 * are not weight products of offrl's layers.) Other backends keep no such cache.
 */
export const weightsMayBeMutatedInPlace = (): boolean =>
  tf.getBackend() !== 'wasm' || acceleratedMatMul() !== undefined;
