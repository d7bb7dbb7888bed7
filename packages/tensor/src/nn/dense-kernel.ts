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
 * The backward, with dz = dy ⊙ f′(z) (f′ written in terms of y, in `denseActivationBackward`):
 *     dx = dz·Wᵀ  (zero when `inputGradient` is off; see `stopInputGradient` in dense.ts)
 *     dW = xᵀ·dz
 *     db = 1ᵀ·dz  (a ones-row product: 10× faster than `tf.sum(dz, 0)` on stock wasm)
 * dz is computed once per backward call; dx, dW and db are separate gradient closures, each one kernel,
 * so the products of inputs off the tape's path are never run (`denseGradient`).
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
const DENSE_ACTIVATION_BACKWARD = 'OffrlDenseActivationBackward';
const DENSE_KERNEL_BACKWARD = 'OffrlDenseKernelBackward';
const DENSE_BIAS_BACKWARD = 'OffrlDenseBiasBackward';
const DENSE_INPUT_BACKWARD = 'OffrlDenseInputBackward';

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

/** The registered kernel calls a backward kernel makes, and the temporaries it frees when done. */
interface BackwardOps {
  run(name: string, operands: KernelArgs['inputs'], attrs?: Record<string, unknown>): tf.TensorInfo;
  temporary(info: tf.TensorInfo): tf.TensorInfo;
  filled(value: number, shape: number[]): tf.TensorInfo;
  product(a: tf.TensorInfo, b: tf.TensorInfo, transposeA?: boolean, transposeB?: boolean): tf.TensorInfo;
  transpose(t: tf.TensorInfo): tf.TensorInfo;
  reshape(t: tf.TensorInfo, shape: number[]): tf.TensorInfo;
  times(a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo;
}

/**
 * A backward kernel whose body calls registered kernels with the operands their tfjs ops would pass (so
 * the bits are those of the op-by-op form); what it marks `temporary` is freed after it returns.
 */
const backwardKernel =
  (body: (args: KernelArgs, ops: BackwardOps) => tf.TensorInfo | tf.TensorInfo[]): tf.KernelFunc =>
  (args) => {
    const { backend } = args;
    const temporaries: tf.TensorInfo[] = [];
    const temporary = (info: tf.TensorInfo): tf.TensorInfo => {
      temporaries.push(info);
      return info;
    };
    const run: BackwardOps['run'] = (name, operands, attrs = {}) =>
      runRegistered(name, backend, operands, attrs);
    const ops: BackwardOps = {
      run,
      temporary,
      filled: (value, shape) => {
        const values = new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value);
        return temporary({
          dataId: (backend as Backend).write(values, shape, 'float32'),
          shape,
          dtype: 'float32',
        });
      },
      product: (a, b, transposeA = false, transposeB = false) =>
        run('BatchMatMul', { a, b }, { transposeA, transposeB }),
      transpose: (t) => run('Transpose', { x: t }, { perm: [1, 0] }),
      reshape: (t, shape) => run('Reshape', { x: t }, { shape }),
      times: (a, b) => run('Multiply', { a, b }),
    };
    try {
      return body(args, ops);
    } finally {
      for (const info of temporaries) (backend as Backend).disposeData(info.dataId);
    }
  };

/** The SIMD loops, when they run on this backend's heap (wasm), else undefined. */
const loopsOnHeap = (loops: WasmLoops | undefined, backend: KernelArgs['backend']): WasmLoops | undefined =>
  loops !== undefined && loops.memory === wasmHeapMemory(backend as BackendWasm) ? loops : undefined;

/** The heap address of a wasm tensor, read after all allocations (growing the heap detaches views). */
const heapAddress = (backend: KernelArgs['backend'], info: tf.TensorInfo): number =>
  (backend as BackendWasm).typedArrayFromHeap(info).byteOffset;

/**
 * dz = dy ⊙ f′(z) for a non-linear f, with f′ from y: relu′ = step(y), tanh′ = 1 − y², elu′ = 1 + min(y, 0),
 * sigmoid′ = y(1 − y). Outputs [dz], or [dz, db] where a ReLU layer's SIMD pass gives db with dz.
 */
const denseActivationBackward = (loops: WasmLoops | undefined): tf.KernelFunc =>
  backwardKernel(({ inputs, attrs, backend }, { run, temporary, filled, times }) => {
    const { dy, y } = inputs as Record<'dy' | 'y', tf.TensorInfo>;
    const { activation } = attrs as unknown as DenseAttrs;
    const simd = loopsOnHeap(loops, backend);
    if (simd !== undefined && activation === 'relu') {
      const [rows, cols] = dy.shape as [number, number];
      const wasm = backend as BackendWasm;
      const biasGradient = wasm.makeOutput([cols], 'float32');
      const dz = wasm.makeOutput([rows, cols], 'float32');
      const at = (info: tf.TensorInfo) => heapAddress(backend, info);
      simd.relu_backward(at(dy), at(y), at(dz), at(biasGradient), rows, cols);
      return [dz, biasGradient];
    }
    const one = (): tf.TensorInfo => filled(1, []);
    switch (activation) {
      case 'relu':
        return [times(dy, temporary(run('Step', { x: y }, { alpha: 0 })))];
      case 'tanh':
        return [times(dy, temporary(run('Sub', { a: one(), b: temporary(run('Square', { x: y })) })))];
      case 'elu': {
        const negative = temporary(run('Minimum', { a: y, b: filled(0, []) }));
        return [times(dy, temporary(run('Add', { a: one(), b: negative })))];
      }
      case 'sigmoid':
        return [times(dy, temporary(times(y, temporary(run('Sub', { a: one(), b: y })))))];
      case 'linear':
        throw new Error('dense: a linear layer has dz = dy');
    }
  });

/**
 * dW = xᵀ·dz. Where transposes are slow: (xᵀ)·dz or (dzᵀ·x)ᵀ, whichever moves fewer floats.
 */
const denseKernelBackward: tf.KernelFunc = backwardKernel(
  ({ inputs }, { temporary, product, transpose, reshape }) => {
    const { x, dz } = inputs as Record<'x' | 'dz', tf.TensorInfo>;
    const [batch, inputsSize] = x.shape as [number, number];
    const outputs = dz.shape[1]!;
    if (transposesAreFast()) return product(x, dz, true, false);
    // [1,B]·[B,in] → [1,in] → [in,1]: reshapes are free.
    if (outputs === 1)
      return reshape(temporary(product(temporary(reshape(dz, [1, batch])), x)), [inputsSize, 1]);
    // Transposing x moves B·in floats; transposing dz and the product moves B·out + in·out.
    if (batch * inputsSize <= batch * outputs + inputsSize * outputs)
      return product(temporary(transpose(x)), dz);
    return transpose(temporary(product(temporary(transpose(dz)), x)));
  },
);

/**
 * db = 1ᵀ·dz: a ones-row product (10× faster than `Sum` on stock wasm), or for a linear layer on wasm one
 * SIMD column-sum pass (tanh, ELU and sigmoid layers keep the product, and with it their bits).
 */
const denseBiasBackward = (loops: WasmLoops | undefined): tf.KernelFunc =>
  backwardKernel(({ inputs, attrs, backend }, { temporary, filled, product, reshape }) => {
    const { dz } = inputs as { dz: tf.TensorInfo };
    const { activation } = attrs as unknown as DenseAttrs;
    const [rows, cols] = dz.shape as [number, number];
    const simd = activation === 'linear' ? loopsOnHeap(loops, backend) : undefined;
    if (simd === undefined) return reshape(temporary(product(filled(1, [1, rows]), dz)), [cols]);
    const biasGradient = (backend as BackendWasm).makeOutput([cols], 'float32');
    simd.column_sums(heapAddress(backend, dz), heapAddress(backend, biasGradient), rows, cols);
    return biasGradient;
  });

/**
 * dx = dz·Wᵀ, with the transpose explicit where transposed operands are slow. A one-output layer (a Q or
 * V head) has dx = dz ⊙ wᵀ, an outer product: a broadcast `Multiply` gives the same bits (one product
 * per entry, nothing summed) about 10× faster than a K = 1 GEMM on onnxruntime (4 ms for 7936 rows).
 */
const denseInputBackward: tf.KernelFunc = backwardKernel(
  ({ inputs }, { temporary, product, transpose, reshape, times }) => {
    const { dz, kernel } = inputs as Record<'dz' | 'kernel', tf.TensorInfo>;
    const [inputsSize, outputs] = kernel.shape as [number, number];
    if (outputs === 1) return times(dz, temporary(reshape(kernel, [1, inputsSize])));
    if (transposesAreFast()) return product(dz, kernel, false, true);
    return product(dz, temporary(transpose(kernel)));
  },
);

/**
 * dz = dy ⊙ f′(z) of a tanh, ELU or sigmoid layer from its output y, the kernel the dense gradient runs
 * (for the fused MLP's output layer, nn/mlp-kernel.ts; it frees what it is given back).
 */
export const activationBackward = (
  backend: KernelArgs['backend'],
  dy: tf.TensorInfo,
  y: tf.TensorInfo,
  activation: 'tanh' | 'elu' | 'sigmoid',
): tf.TensorInfo => {
  registerBackwardKernels();
  const [dz] = [runRegistered(DENSE_ACTIVATION_BACKWARD, backend, { dy, y }, { activation })].flat();
  return dz!;
};

/** Runs a backward kernel through the engine (so its outputs are tracked tensors). */
const runBackward = (name: string, inputs: Record<string, Tensor>, attrs: object = {}): Tensor[] => {
  const out = tf
    .engine()
    .runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap);
  return Array.isArray(out) ? (out as Tensor[]) : [out as Tensor];
};

const registerBackwardKernels = (): void => {
  const loops = () => (tf.getBackend() === 'wasm' ? loadWasmLoops(tf.backend() as BackendWasm) : undefined);
  ensureRegistered(DENSE_ACTIVATION_BACKWARD, () => denseActivationBackward(loops()));
  ensureRegistered(DENSE_KERNEL_BACKWARD, () => denseKernelBackward);
  ensureRegistered(DENSE_BIAS_BACKWARD, () => denseBiasBackward(loops()));
  ensureRegistered(DENSE_INPUT_BACKWARD, () => denseInputBackward);
};

/**
 * The dz of the dense node whose gradient closures the tape runs now. tfjs's tape calls a node's
 * closures right after its gradient function, so when the next dense node's gradient starts, this one
 * is done with: freeing it then keeps one dz alive at a time, as when dz was a kernel's temporary (the
 * last one goes with the backward pass's scope; disposing a disposed tensor does nothing).
 */
let pendingDz: Tensor | undefined;

/**
 * dz, which every input's gradient needs, is computed here, once per backward call. The products run
 * inside the closures, and tfjs's tape calls only the closures of inputs on the path from the
 * differentiated tensors to the loss: a critic evaluated with constant parameters (an actor's
 * Q(s, π(s))) gets no dW or db products, a layer fed with constants no dx product.
 */
const denseGradient: tf.GradConfig['gradFunc'] = (dy, saved, attrs) => {
  const [x, kernel, y] = saved as [Tensor2D, Tensor2D, Tensor2D];
  const { activation, inputGradient } = attrs as unknown as DenseAttrs;
  registerBackwardKernels();
  pendingDz?.dispose();
  pendingDz = undefined;
  const [dz, biasGradient] =
    activation === 'linear'
      ? [dy as Tensor]
      : runBackward(DENSE_ACTIVATION_BACKWARD, { dy: dy as Tensor, y }, { activation });
  if (dz !== dy) pendingDz = dz;
  return {
    x: () => (inputGradient ? runBackward(DENSE_INPUT_BACKWARD, { dz: dz!, kernel })[0]! : tf.zerosLike(x)),
    kernel: () => runBackward(DENSE_KERNEL_BACKWARD, { x, dz: dz! })[0]!,
    bias: () => biasGradient ?? runBackward(DENSE_BIAS_BACKWARD, { dz: dz! }, { activation })[0]!,
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
