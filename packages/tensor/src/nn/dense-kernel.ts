/**
 * The dense layer y = f(x·W + b) as ONE registered tfjs kernel, `OffrlDense`, with a registered gradient,
 * instead of a `customGrad` around tfjs ops. Why:
 *
 * - Under a gradient tape, `tf.fused.matMul` with an activation falls back to three kernels (product,
 *   `Add`, activation; tfjs's `shouldFuse`), and `customGrad` adds a scope, closures and a nested kernel
 *   call per layer. `OffrlDense` calls the backend's `_FusedMatMul` kernel directly, so bias and
 *   activation run in the product's epilogue also while training, and the layer is one tape node.
 * - The kernels are looked up in the registry at call time (`_FusedMatMul`, `BatchMatMul`, `Reshape`,
 *   `Transpose`, `Tanh`), so the layer runs on whichever matMul kernels are installed: onnxruntime or
 *   offrl's wasm GEMM (src/accel), the stock XNNPACK ones, or any other backend's.
 *
 * The backward, with dz = dy ⊙ f′(z) (f′ written in terms of y, in `denseBackward`):
 *     dx = dz·Wᵀ  (skipped when `inputGradient` is off; see `stopInputGradient` in dense.ts)
 *     dW = xᵀ·dz
 *     db = 1ᵀ·dz  (a ones-row product: 10× faster than `tf.sum(dz, 0)` on stock wasm)
 * On wasm, ReLU and linear layers get dz and db from one SIMD pass instead (`relu_backward`,
 * `column_sums` of wasm-loops.ts) in place of `Step`, `Multiply`, a ones row and its product.
 * Where transposed operands are slow (stock XNNPACK takes a scalar path about 12× slower for them,
 * performance.md §2), the transposes are explicit: dx = dz·(Wᵀ), and dW = (xᵀ)·dz or (dzᵀ·x)ᵀ,
 * whichever moves fewer floats; with accelerated kernels they go into the product's flags.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { acceleratedMatMul } from '../accel/matmul-kernels.js';
import { wasmHeapMemory } from '../accel/wasm-heap.js';
import { type Tensor, type Tensor1D, type Tensor2D, tf } from '../tf.js';
import { loadWasmLoops, type WasmLoops } from '../wasm-loops.js';
import { type Activation, isFusable } from './activation.js';

const DENSE = 'OffrlDense';
const DENSE_BACKWARD = 'OffrlDenseBackward';

/** Whether transposed operands cost nothing extra: the wasm matMul kernels run on an accelerator. */
const transposesAreFast = (): boolean => tf.getBackend() === 'wasm' && acceleratedMatMul() !== undefined;

interface DenseAttrs {
  readonly activation: Activation;
  /** Compute dx (otherwise its gradient is zero). */
  readonly inputGradient: boolean;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];
/** What the kernels here use of a backend (every tfjs backend has it). */
interface Backend {
  disposeData(dataId: object): boolean;
  write(values: Float32Array, shape: number[], dtype: 'float32'): object;
}

/** Runs the kernel registered now under `name` for the current backend. */
const runRegistered = (
  name: string,
  backend: KernelArgs['backend'],
  inputs: KernelArgs['inputs'],
  attrs: Record<string, unknown> = {},
): tf.TensorInfo => {
  const config = tf.getKernel(name, tf.getBackend());
  if (config === undefined)
    throw new Error(`dense: the '${tf.getBackend()}' backend has no '${name}' kernel`);
  return config.kernelFunc({ inputs, attrs: attrs as tf.NamedAttrMap, backend }) as tf.TensorInfo;
};

/** y = f(x·W + b) through the backend's `_FusedMatMul` (3-D operands, as `tf.fused.matMul` passes them). */
const denseForward: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { x, kernel, bias } = inputs as { x: tf.TensorInfo; kernel: tf.TensorInfo; bias: tf.TensorInfo };
  const { activation } = attrs as unknown as DenseAttrs;
  const [batch, inputsSize] = x.shape as [number, number];
  const outputs = kernel.shape[1]!;
  const a = runRegistered('Reshape', backend, { x }, { shape: [1, batch, inputsSize] });
  const b = runRegistered('Reshape', backend, { x: kernel }, { shape: [1, inputsSize, outputs] });
  const product = runRegistered(
    '_FusedMatMul',
    backend,
    { a, b, bias },
    {
      transposeA: false,
      transposeB: false,
      activation: isFusable(activation) ? activation : 'linear',
      leakyreluAlpha: 0.2,
    },
  );
  const z = runRegistered('Reshape', backend, { x: product }, { shape: [batch, outputs] });
  for (const info of [a, b, product]) (backend as Backend).disposeData(info.dataId);
  if (isFusable(activation)) return z;
  const y = runRegistered('Tanh', backend, { x: z });
  (backend as Backend).disposeData(z.dataId);
  return y;
};

/**
 * The backward pass as one kernel: outputs [dW, db] or, with `inputGradient`, [dW, db, dx]. Every step
 * is a registered kernel called with the operands its tfjs op would pass, so the bits are those of the
 * op-by-op form.
 */
/**
 * dz and db by the SIMD loops (wasm, ReLU and linear layers: one pass instead of `Step`, `Multiply`, a
 * ones row and its product), or undefined where the kernels compute them.
 */
const loopsActivationAndBias = (
  loops: WasmLoops | undefined,
  backend: KernelArgs['backend'],
  { dy, y, activation }: { dy: tf.TensorInfo; y: tf.TensorInfo; activation: Activation },
): { dz: tf.TensorInfo; biasGradient: tf.TensorInfo } | undefined => {
  const wasm = backend as BackendWasm;
  if (loops === undefined || loops.memory !== wasmHeapMemory(wasm)) return undefined;
  if (activation !== 'relu' && activation !== 'linear') return undefined;
  const [rows, cols] = dy.shape as [number, number];
  const biasGradient = wasm.makeOutput([cols], 'float32');
  const dz = activation === 'relu' ? wasm.makeOutput([rows, cols], 'float32') : dy;
  // Addresses after the allocations: growing the heap moves nothing but detaches earlier views.
  const at = (info: tf.TensorInfo) => wasm.typedArrayFromHeap(info).byteOffset;
  if (activation === 'relu') loops.relu_backward(at(dy), at(y), at(dz), at(biasGradient), rows, cols);
  else loops.column_sums(at(dy), at(biasGradient), rows, cols);
  return { dz, biasGradient };
};

const denseBackward =
  (loops: WasmLoops | undefined): tf.KernelFunc =>
  ({ inputs, attrs, backend }) => {
    const { dy, x, kernel, y } = inputs as Record<'dy' | 'x' | 'kernel' | 'y', tf.TensorInfo>;
    const { activation, inputGradient } = attrs as unknown as DenseAttrs;
    const [batch, inputsSize] = x.shape as [number, number];
    const outputs = kernel.shape[1]!;
    const temporaries: tf.TensorInfo[] = [];
    const run = (name: string, operands: KernelArgs['inputs'], kernelAttrs: Record<string, unknown> = {}) =>
      runRegistered(name, backend, operands, kernelAttrs);
    const temporary = (info: tf.TensorInfo): tf.TensorInfo => {
      temporaries.push(info);
      return info;
    };
    const filled = (value: number, shape: number[]): tf.TensorInfo => {
      const values = new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value);
      return temporary({
        dataId: (backend as Backend).write(values, shape, 'float32'),
        shape,
        dtype: 'float32',
      });
    };
    const product = (a: tf.TensorInfo, b: tf.TensorInfo, transposeA = false, transposeB = false) =>
      run('BatchMatMul', { a, b }, { transposeA, transposeB });
    const transpose = (t: tf.TensorInfo) => run('Transpose', { x: t }, { perm: [1, 0] });
    const reshape = (t: tf.TensorInfo, shape: number[]) => run('Reshape', { x: t }, { shape });
    const times = (a: tf.TensorInfo, b: tf.TensorInfo) => run('Multiply', { a, b });
    try {
      // dz = dy ⊙ f′(z) by kernels, f′ from y:
      //   relu′ = step(y), tanh′ = 1 − y², elu′ = 1 + min(y, 0), sigmoid′ = y(1 − y).
      const kernelsDz = (): tf.TensorInfo => {
        const one = (): tf.TensorInfo => filled(1, []);
        switch (activation) {
          case 'linear':
            return dy;
          case 'relu':
            return temporary(times(dy, temporary(run('Step', { x: y }, { alpha: 0 }))));
          case 'tanh':
            return temporary(
              times(dy, temporary(run('Sub', { a: one(), b: temporary(run('Square', { x: y })) }))),
            );
          case 'elu': {
            const negative = temporary(run('Minimum', { a: y, b: filled(0, []) }));
            return temporary(times(dy, temporary(run('Add', { a: one(), b: negative }))));
          }
          case 'sigmoid':
            return temporary(times(dy, temporary(times(y, temporary(run('Sub', { a: one(), b: y }))))));
        }
      };
      const fromLoops = loopsActivationAndBias(loops, backend, { dy, y, activation });
      if (fromLoops !== undefined && fromLoops.dz !== dy) temporary(fromLoops.dz);
      const dz = fromLoops?.dz ?? kernelsDz();
      const fast = transposesAreFast();
      let kernelGradient: tf.TensorInfo;
      if (fast) kernelGradient = product(x, dz, true, false);
      else if (outputs === 1)
        // [1,B]·[B,in] → [1,in] → [in,1]: reshapes are free.
        kernelGradient = reshape(temporary(product(temporary(reshape(dz, [1, batch])), x)), [inputsSize, 1]);
      // Transposing x moves B·in floats; transposing dz and the product moves B·out + in·out.
      else if (batch * inputsSize <= batch * outputs + inputsSize * outputs)
        kernelGradient = product(temporary(transpose(x)), dz);
      else kernelGradient = transpose(temporary(product(temporary(transpose(dz)), x)));
      const biasGradient =
        fromLoops?.biasGradient ?? reshape(temporary(product(filled(1, [1, batch]), dz)), [outputs]);
      if (!inputGradient) return [kernelGradient, biasGradient];
      let inputGradientInfo: tf.TensorInfo;
      if (fast) inputGradientInfo = product(dz, kernel, false, true);
      else {
        const kernelT = outputs === 1 ? reshape(kernel, [1, inputsSize]) : transpose(kernel);
        inputGradientInfo = product(dz, temporary(kernelT));
      }
      return [kernelGradient, biasGradient, inputGradientInfo];
    } finally {
      for (const info of temporaries) (backend as Backend).disposeData(info.dataId);
    }
  };

const denseGradient: tf.GradConfig['gradFunc'] = (dy, saved, attrs) => {
  const [x, kernel, y] = saved as [Tensor2D, Tensor2D, Tensor2D];
  ensureRegistered(DENSE_BACKWARD, () =>
    denseBackward(tf.getBackend() === 'wasm' ? loadWasmLoops(tf.backend() as BackendWasm) : undefined),
  );
  const [kernelGradient, biasGradient, inputGradient] = tf
    .engine()
    .runKernel(DENSE_BACKWARD, { dy, x, kernel, y } as unknown as tf.NamedTensorMap, attrs) as Tensor[];
  return {
    x: () => inputGradient ?? tf.zerosLike(x),
    kernel: () => kernelGradient!,
    bias: () => biasGradient!,
  };
};

/** Registers the kernel `make` builds as `name` on the current backend, once (the engine's registry). */
const ensureRegistered = (name: string, make: () => tf.KernelFunc): void => {
  const backendName = tf.getBackend();
  if (tf.getKernel(name, backendName) === undefined)
    tf.registerKernel({ kernelName: name, backendName, kernelFunc: make() });
};

/** y = f(x·W + b) for x [B, in], W [in, out], b [out] (shapes checked by the caller). */
export const denseKernel = (
  x: Tensor2D,
  kernel: Tensor2D,
  bias: Tensor1D,
  activation: Activation,
  withInputGradient: boolean,
): Tensor2D => {
  ensureRegistered(DENSE, () => denseForward);
  if (tf.getGradient(DENSE) === undefined) {
    tf.registerGradient({
      kernelName: DENSE,
      inputsToSave: ['x', 'kernel'],
      outputsToSave: [true],
      gradFunc: denseGradient,
    });
  }
  const attrs: DenseAttrs = { activation, inputGradient: withInputGradient };
  return tf
    .engine()
    .runKernel(
      DENSE,
      { x, kernel, bias } as unknown as tf.NamedTensorMap,
      attrs as unknown as tf.NamedAttrMap,
    ) as Tensor as Tensor2D;
};
