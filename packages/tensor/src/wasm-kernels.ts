/**
 * Kernels that offrl adds to or replaces in tfjs-backend-wasm 4.22 (registered when the wasm backend is
 * selected; the engine's kernel registry is the only state touched):
 *
 * - `UnsortedSegmentSum` (missing on wasm; `tf.gather`'s gradient needs it):
 *     out[s, j] = Σ_{i : ids[i] = s} x[i, j],  ids outside [0, numSegments) dropped as in TensorFlow.
 * - `Slice` and `Unpack` on the leading axis, the ensemble's way of taking member parameters. The
 *   stock kernels read the WHOLE source through `readSync`, a copy, for every slice (0.7 ms per
 *   [256,256] member of a [5,256,256] kernel, so unstacking is quadratic in members), and `Unpack`
 *   leaves each output's storage with the slice's rank, which `_FusedMatMul` rejects for a bias
 *   ("only supports rank-1 bias but got rank 2"). The replacements copy just the contiguous block
 *   from a heap view into an output allocated with the right shape; other cases go to the stock kernel.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from './tf.js';

/** Marks the kernel configs registered here, so registering twice is a no-op. */
interface OffrlKernelConfig extends tf.KernelConfig {
  readonly offrl: true;
}

const isOffrlKernel = (name: string): boolean =>
  (tf.getKernel(name, 'wasm') as Partial<OffrlKernelConfig> | undefined)?.offrl === true;

const register = (kernelName: string, kernelFunc: tf.KernelFunc): void => {
  if (tf.getKernel(kernelName, 'wasm') !== undefined) tf.unregisterKernel(kernelName, 'wasm');
  const config: OffrlKernelConfig = { kernelName, backendName: 'wasm', kernelFunc, offrl: true };
  tf.registerKernel(config);
};

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Copies `count` elements of x from element `offset` into a fresh output of `shape`. */
const copyBlock = (
  wasm: BackendWasm,
  x: tf.TensorInfo,
  offset: number,
  count: number,
  shape: number[],
): tf.TensorInfo => {
  const out = wasm.makeOutput(shape, x.dtype);
  // Views are taken after the allocation: growing the wasm memory detaches earlier views.
  const source = wasm.typedArrayFromHeap(x);
  wasm.typedArrayFromHeap(out).set(source.subarray(offset, offset + count));
  return out;
};

const segmentSum: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const wasm = backend as BackendWasm;
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = attrs as unknown as { numSegments: number };
  const rowShape = x.shape.slice(1);
  const rowSize = sizeOf(rowShape);
  const out = wasm.makeOutput([numSegments, ...rowShape], x.dtype);
  const source = wasm.typedArrayFromHeap(x);
  const ids = wasm.typedArrayFromHeap(segmentIds);
  const target = wasm.typedArrayFromHeap(out);
  target.fill(0);
  for (let row = 0; row < ids.length; row++) {
    const segment = ids[row]!;
    if (segment < 0 || segment >= numSegments) continue;
    const from = row * rowSize;
    const to = segment * rowSize;
    for (let j = 0; j < rowSize; j++) target[to + j]! += source[from + j]!;
  }
  return out;
};

const makeSlice =
  (stock: tf.KernelFunc): tf.KernelFunc =>
  (args) => {
    const x = args.inputs['x'] as tf.TensorInfo;
    const { begin, size } = args.attrs as unknown as { begin: number[]; size: number[] };
    if (x.dtype === 'string' || begin.length !== x.shape.length || size.length !== x.shape.length)
      return stock(args);
    const [start, extent] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size) as [
      number[],
      number[],
    ];
    if (!tf.slice_util.isSliceContinous(x.shape, start, extent)) return stock(args);
    const offset = tf.slice_util.computeFlatOffset(start, tf.util.computeStrides(x.shape));
    return copyBlock(args.backend as BackendWasm, x, offset, sizeOf(extent), extent);
  };

const makeUnpack =
  (stock: tf.KernelFunc): tf.KernelFunc =>
  (args) => {
    const value = args.inputs['value'] as tf.TensorInfo;
    const { axis } = args.attrs as unknown as { axis: number };
    if (value.dtype === 'string' || (axis !== 0 && axis !== -value.shape.length)) return stock(args);
    const [count, ...rest] = value.shape;
    const block = sizeOf(rest);
    return Array.from({ length: count! }, (_, i) =>
      copyBlock(args.backend as BackendWasm, value, i * block, block, [...rest]),
    );
  };

/**
 * `bias` itself, or a copy when its wasm storage is not rank 1. `_FusedMatMul` on wasm checks the
 * rank of the stored buffer, which a reshape (or a stock slice) does not change, and throws otherwise.
 */
export const withRank1Storage = (bias: tf.Tensor): tf.Tensor => {
  if (tf.getBackend() !== 'wasm') return bias;
  const stored = (tf.backend() as BackendWasm).dataIdMap.get(bias.dataId);
  return stored === undefined || stored.shape.length === 1 ? bias : tf.add(bias, 0);
};

/** Registers the kernels above on 'wasm'; safe to call repeatedly. */
export const registerWasmKernels = (): void => {
  if (!isOffrlKernel('UnsortedSegmentSum')) register('UnsortedSegmentSum', segmentSum);
  for (const [name, make] of [
    ['Slice', makeSlice],
    ['Unpack', makeUnpack],
  ] as const) {
    if (isOffrlKernel(name)) continue;
    const stock = tf.getKernel(name, 'wasm');
    if (stock === undefined)
      throw new Error(`registerWasmKernels: tfjs-backend-wasm has no '${name}' kernel to wrap`);
    register(name, make(stock.kernelFunc));
  }
};
