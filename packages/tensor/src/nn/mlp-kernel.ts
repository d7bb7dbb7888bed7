/**
 * A ReLU MLP as ONE tape node, where the wasm backend's products run on an accelerated GEMM engine
 * (onnxruntime or offrl's wasm GEMM, src/accel). The per-layer path (one `OffrlDense` node per layer,
 * dense-kernel.ts) pays, per layer and per update, an engine dispatch, a tape node, three saved-tensor
 * clones, reshapes and one to three gradient kernels; here the engine's `gemm` and the SIMD loops
 * (wasm-loops.ts) are called directly on the heap, layer after layer:
 *
 *   forward:   h₀ = x,  hᵢ₊₁ = relu(hᵢ·Wᵢ + bᵢ),  y = f(h_L·W_L + b_L)
 *   backward:  dz_L = dy ⊙ f′(y),  dWᵢ = hᵢᵀ·dzᵢ,  dbᵢ = 1ᵀ·dzᵢ,  dzᵢ₋₁ = (dzᵢ·Wᵢᵀ) ⊙ step(hᵢ)
 *
 * The calls are those of the per-layer path (same engine, operands and flags, the same SIMD passes, the
 * same broadcast `Multiply` for a one-output layer's dx and ones-row product for a tanh output's db), so
 * the bits are the same.
 *
 * How it sits on the tape: the forward is computed first, off the tape, into y and the hidden
 * activations; then one `OffrlMlp<depth>` node takes x, the parameters, the hidden activations and y as
 * inputs and returns y (its buffer, shared), so the tape saves the hidden activations as inputs and sees
 * one output (tfjs would give every further output a zero-filled dy). Its gradient closures are lazy,
 * as the tape calls only those of inputs on the path to the loss: the first parameter closure runs one
 * kernel for all dW and db (a critic evaluated with constant parameters, an actor's Q(s, π(s)), runs
 * none), x's closure one kernel for dx (the chain again, where x and the parameters both need a gradient:
 * rare).
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { GemmEngine } from '../accel/gemm-engine.js';
import { acceleratedEngine } from '../accel/matmul-kernels.js';
import { wasmHeapMemory } from '../accel/wasm-heap.js';
import { type Tensor, type Tensor2D, tf } from '../tf.js';
import { loadWasmLoops, type WasmLoops } from '../wasm-loops.js';
import type { Activation } from './activation.js';
import { activationBackward } from './dense-kernel.js';

const MLP = 'OffrlMlp';
const MLP_FORWARD = 'OffrlMlpForward';
const MLP_BACKWARD = 'OffrlMlpBackward';

const kernelName = (layer: number) => `kernel${layer}`;
const biasName = (layer: number) => `bias${layer}`;
const hiddenName = (layer: number) => `hidden${layer}`;

/** The output activations the fused path takes: fused in the product's epilogue, or tanh after it. */
export const FUSED_OUTPUT_ACTIVATIONS = ['linear', 'relu', 'tanh'] as const;
type OutputActivation = (typeof FUSED_OUTPUT_ACTIVATIONS)[number];

export interface MlpLayer {
  readonly kernel: Tensor;
  readonly bias: Tensor;
}

interface MlpAttrs {
  readonly outputActivation: OutputActivation;
  /** Compute dx (otherwise its gradient is zero). */
  readonly inputGradient: boolean;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** When false, `mlpApply` takes the per-layer path everywhere (A/B benchmarks and equality tests). */
let fusedEnabled = true;

/** Runs `f` with the per-layer path, then restores the fused one. */
export const withPerLayerMlp = <T>(f: () => T): T => {
  const before = fusedEnabled;
  fusedEnabled = false;
  try {
    return f();
  } finally {
    fusedEnabled = before;
  }
};

let loopsCache: { readonly memory: object | undefined; readonly loops: WasmLoops | undefined } | undefined;

/** The SIMD loops on this backend's heap, loaded once per heap (undefined where they cannot run). */
const loopsOn = (wasm: BackendWasm): WasmLoops | undefined => {
  const memory = wasmHeapMemory(wasm);
  if (loopsCache === undefined || loopsCache.memory !== memory)
    loopsCache = { memory, loops: loadWasmLoops(wasm) };
  return loopsCache.loops;
};

interface Fused {
  readonly wasm: BackendWasm;
  readonly engine: GemmEngine;
  readonly loops: WasmLoops;
}

/** The engine and loops the fused kernels run on, or undefined where they cannot run. */
const fusedContext = (): Fused | undefined => {
  if (tf.getBackend() !== 'wasm') return undefined;
  const engine = acceleratedEngine();
  if (engine === undefined) return undefined;
  const wasm = tf.backend() as BackendWasm;
  const loops = loopsOn(wasm);
  return loops === undefined ? undefined : { wasm, engine, loops };
};

/** The wasm backend's kernel registered now under `name` (the profile shim wraps them). */
const runRegistered = (
  wasm: BackendWasm,
  name: string,
  inputs: KernelArgs['inputs'],
  attrs: object = {},
): tf.TensorInfo | tf.TensorInfo[] => {
  const config = tf.getKernel(name, 'wasm');
  if (config === undefined) throw new Error(`mlp: the wasm backend has no '${name}' kernel`);
  return config.kernelFunc({ inputs, attrs: attrs as tf.NamedAttrMap, backend: wasm }) as tf.TensorInfo;
};

/** The products and SIMD passes of one kernel call, on views taken at each call (the heap may grow). */
const heapOps = ({ wasm, engine, loops }: Fused) => {
  const view = (info: tf.TensorInfo) => wasm.typedArrayFromHeap(info) as Float32Array;
  const at = (info: tf.TensorInfo) => view(info).byteOffset;
  const scratch = engine.scratchFloats > 0 ? wasm.makeOutput([engine.scratchFloats], 'float32') : undefined;
  return {
    /** y = act(op(a)·op(b) + bias) as the matMul kernels would compute it for these 2-D operands. */
    gemm: (
      a: tf.TensorInfo,
      b: tf.TensorInfo,
      y: tf.TensorInfo,
      transposeA: boolean,
      transposeB: boolean,
      epilogue?: { readonly bias: tf.TensorInfo; readonly activation: 'linear' | 'relu' },
    ): void => {
      const [m, k] = transposeA ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
      const n = transposeB ? b.shape[0]! : b.shape[1]!;
      engine.gemm({
        a: view(a),
        b: view(b),
        y: view(y),
        m,
        n,
        k,
        transposeA,
        transposeB,
        ...(epilogue === undefined
          ? {}
          : { bias: { data: view(epilogue.bias), rows: 1, cols: n }, activation: epilogue.activation }),
        ...(scratch === undefined ? {} : { scratch: view(scratch) }),
      });
    },
    /** dz = dy ⊙ step(y) (in place when dz is dy) and db = its column sums. */
    reluBackward: (dy: tf.TensorInfo, y: tf.TensorInfo, dz: tf.TensorInfo, db: tf.TensorInfo): void => {
      const [rows, cols] = dy.shape as [number, number];
      loops.relu_backward(at(dy), at(y), at(dz), at(db), rows, cols);
    },
    fill: (info: tf.TensorInfo, value: number): void => {
      view(info).fill(value);
    },
    columnSums: (x: tf.TensorInfo, out: tf.TensorInfo): void => {
      const [rows, cols] = x.shape as [number, number];
      loops.column_sums(at(x), at(out), rows, cols);
    },
    /** Frees the engine's working space; call once, when the kernel is done. */
    release: (): void => {
      if (scratch !== undefined) wasm.disposeData(scratch.dataId);
    },
  };
};

const output = (wasm: BackendWasm, shape: readonly number[]): tf.TensorInfo =>
  wasm.makeOutput([...shape], 'float32');

/**
 * The forward as one kernel: inputs x [B, in], kernel0 … kernelL ([in, out]), bias0 … biasL ([out]);
 * outputs [y, h₁, …, h_L] (the hidden activations).
 */
const forward =
  (fused: () => Fused): tf.KernelFunc =>
  ({ inputs, attrs }) => {
    const context = fused();
    const { wasm } = context;
    const { depth, outputActivation } = attrs as unknown as {
      depth: number;
      outputActivation: OutputActivation;
    };
    const x = inputs['x'] as tf.TensorInfo;
    const layers = Array.from({ length: depth + 1 }, (_, i) => ({
      kernel: inputs[kernelName(i)] as tf.TensorInfo,
      bias: inputs[biasName(i)] as tf.TensorInfo,
    }));
    const batch = x.shape[0]!;
    const hidden = layers.slice(0, depth).map(({ kernel }) => output(wasm, [batch, kernel.shape[1]!]));
    const z = output(wasm, [batch, layers[depth]!.kernel.shape[1]!]);
    const ops = heapOps(context);
    try {
      let input = x;
      for (const [i, { kernel, bias }] of layers.entries()) {
        const out = hidden[i] ?? z;
        const activation = i < depth ? 'relu' : outputActivation === 'relu' ? 'relu' : 'linear';
        ops.gemm(input, kernel, out, false, false, { bias, activation });
        input = out;
      }
    } finally {
      ops.release();
    }
    if (outputActivation !== 'tanh') return [z, ...hidden];
    // Neither engine fuses tanh: the backend's kernel after the product, as in the per-layer path.
    const y = runRegistered(wasm, 'Tanh', { x: z }) as tf.TensorInfo;
    wasm.disposeData(z.dataId);
    return [y, ...hidden];
  };

interface BackwardAttrs {
  readonly depth: number;
  readonly outputActivation: OutputActivation;
  /** 'parameters': [dW₀, db₀, …, dW_L, db_L]; 'input': [dx]. */
  readonly want: 'parameters' | 'input';
}

/** The backward pass as one kernel: inputs dy, x, y, kernel0 … kernelL, hidden0 … hidden(L−1). */
const backward =
  (fused: () => Fused): tf.KernelFunc =>
  ({ inputs, attrs }) => {
    const context = fused();
    const { wasm } = context;
    const { depth, outputActivation, want } = attrs as unknown as BackwardAttrs;
    const { dy, x, y } = inputs as Record<'dy' | 'x' | 'y', tf.TensorInfo>;
    const kernels = Array.from({ length: depth + 1 }, (_, i) => inputs[`kernel${i}`] as tf.TensorInfo);
    const hidden = Array.from({ length: depth }, (_, i) => inputs[`hidden${i}`] as tf.TensorInfo);
    const parameters = want === 'parameters';
    const gradients = parameters
      ? kernels.flatMap((kernel) => [output(wasm, kernel.shape), output(wasm, [kernel.shape[1]!])])
      : [];
    const temporaries: tf.TensorInfo[] = [];
    const temporary = (shape: readonly number[]): tf.TensorInfo => {
      const info = output(wasm, shape);
      temporaries.push(info);
      return info;
    };
    // Bias gradients nobody asked for (dx only) go to one buffer as wide as the widest layer.
    const discarded = parameters ? undefined : temporary([Math.max(...kernels.map((k) => k.shape[1]!))]);
    const biasGradient = (layer: number): tf.TensorInfo =>
      discarded === undefined
        ? gradients[2 * layer + 1]!
        : { ...discarded, shape: [kernels[layer]!.shape[1]!] };
    const ops = heapOps(context);
    /** dz·Wᵀ of a layer; a one-output layer's is the outer product dz ⊙ wᵀ, a broadcast `Multiply` (as dense). */
    const inputGradientOf = (layer: number, dz: tf.TensorInfo, kept: boolean): tf.TensorInfo => {
      const kernel = kernels[layer]!;
      const [inputSize, width] = kernel.shape as [number, number];
      if (width === 1) {
        const row = { dataId: kernel.dataId, shape: [1, inputSize], dtype: kernel.dtype };
        const dh = runRegistered(wasm, 'Multiply', { a: dz, b: row }) as tf.TensorInfo;
        if (!kept) temporaries.push(dh);
        return dh;
      }
      const shape = [dz.shape[0]!, inputSize];
      const dh = kept ? output(wasm, shape) : temporary(shape);
      ops.gemm(dz, kernel, dh, false, true);
      return dh;
    };
    try {
      // dz of the output layer (dy itself when linear), with its db.
      let dz = dy;
      if (outputActivation === 'relu') {
        dz = temporary(dy.shape);
        ops.reluBackward(dy, y, dz, biasGradient(depth));
      } else if (outputActivation === 'tanh') {
        dz = activationBackward(wasm, dy, y, 'tanh');
        temporaries.push(dz);
        // As the dense path's tanh layer: db = 1ᵀ·dz, a ones-row product, for the same bits.
        if (parameters) {
          const ones = temporary([1, dy.shape[0]!]);
          ops.fill(ones, 1);
          ops.gemm(ones, dz, biasGradient(depth), false, false);
        }
      } else if (parameters) ops.columnSums(dz, biasGradient(depth));
      for (let layer = depth; ; layer--) {
        if (parameters)
          ops.gemm(layer === 0 ? x : hidden[layer - 1]!, dz, gradients[2 * layer]!, true, false);
        if (layer === 0 && parameters) return gradients;
        const dh = inputGradientOf(layer, dz, layer === 0);
        if (layer === 0) return [dh];
        ops.reluBackward(dh, hidden[layer - 1]!, dh, biasGradient(layer - 1));
        dz = dh;
      }
    } finally {
      ops.release();
      for (const info of temporaries) wasm.disposeData(info.dataId);
    }
  };

/**
 * Parameter gradients a backward kernel made whose closures the tape has not called (only where a
 * subset of an MLP's parameters is differentiated): freed when the next fused MLP's gradient starts.
 */
let unclaimed: { readonly wasm: BackendWasm; readonly infos: (tf.TensorInfo | undefined)[] } | undefined;

const releaseUnclaimed = (): void => {
  if (unclaimed === undefined) return;
  for (const info of unclaimed.infos)
    if (info !== undefined && unclaimed.wasm.dataIdMap.has(info.dataId))
      unclaimed.wasm.disposeData(info.dataId);
  unclaimed = undefined;
};

/** Lazy closures: all dW and db from one kernel on the first parameter's call, dx from one on x's. */
const mlpGradient =
  (depth: number): tf.GradConfig['gradFunc'] =>
  (dy, saved, attrs) => {
    const [x, ...rest] = saved as Tensor[];
    const { outputActivation, inputGradient } = attrs as unknown as MlpAttrs;
    releaseUnclaimed();
    const wasm = tf.backend() as BackendWasm;
    const inputs: Record<string, Tensor> = { dy: dy as Tensor, x: x!, y: rest[2 * depth + 1]! };
    for (let layer = 0; layer <= depth; layer++) inputs[kernelName(layer)] = rest[layer]!;
    for (let layer = 0; layer < depth; layer++) inputs[hiddenName(layer)] = rest[depth + 1 + layer]!;
    const run = (want: BackwardAttrs['want']): tf.TensorInfo[] =>
      runRegistered(wasm, MLP_BACKWARD, inputs, { depth, outputActivation, want }) as tf.TensorInfo[];
    const tensor = (info: tf.TensorInfo): Tensor => tf.engine().makeTensorFromTensorInfo(info);
    let parameterGradients: (tf.TensorInfo | undefined)[] | undefined;
    const claim = (index: number) => (): Tensor => {
      if (parameterGradients === undefined) {
        parameterGradients = run('parameters');
        unclaimed = { wasm, infos: parameterGradients };
      }
      const info = parameterGradients[index]!;
      parameterGradients[index] = undefined;
      return tensor(info);
    };
    const gradients: Record<string, () => Tensor> = {
      x: () => (inputGradient ? tensor(run('input')[0]!) : tf.zerosLike(x!)),
    };
    for (let layer = 0; layer <= depth; layer++) {
      gradients[kernelName(layer)] = claim(2 * layer);
      gradients[biasName(layer)] = claim(2 * layer + 1);
    }
    return gradients;
  };

/** The tape node's forward: y, computed before the node, returned by sharing its buffer. */
const passValue: tf.KernelFunc = ({ inputs, backend }) => {
  const value = inputs['value'] as tf.TensorInfo;
  (backend as BackendWasm).incRef(value.dataId);
  return { dataId: value.dataId, shape: [...value.shape], dtype: value.dtype };
};

const ensureRegistered = (depth: number): string => {
  const name = `${MLP}${depth}`;
  if (tf.getKernel(name, 'wasm') === undefined)
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: passValue });
  if (tf.getGradient(name) === undefined) {
    const layers = Array.from({ length: depth + 1 }, (_, layer) => layer);
    tf.registerGradient({
      kernelName: name,
      inputsToSave: [
        'x',
        ...layers.map(kernelName),
        ...layers.slice(1).map((l) => hiddenName(l - 1)),
        'value',
      ],
      gradFunc: mlpGradient(depth),
    });
  }
  return name;
};

/** The context of a fused kernel, which runs only where `fusedContext` found one. */
const requireFused = (): Fused => {
  const fused = fusedContext();
  if (fused === undefined) throw new Error('mlp: a fused MLP kernel ran without an accelerated engine');
  return fused;
};

/** Registers the forward and backward kernels on wasm, once. */
const ensureKernels = (): void => {
  for (const [kernelName, kernelFunc] of [
    [MLP_FORWARD, forward(requireFused)],
    [MLP_BACKWARD, backward(requireFused)],
  ] as const)
    if (tf.getKernel(kernelName, 'wasm') === undefined)
      tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
};

/**
 * f(…relu(x·W₀ + b₀)…·W_L + b_L) for x [B, in] with ReLU hidden layers, as one tape node, where it
 * applies (wasm backend, accelerated products, SIMD loops, float32, B ≥ 1, an output activation in
 * `FUSED_OUTPUT_ACTIVATIONS`); undefined elsewhere, and the caller takes the per-layer path. Shapes are
 * checked by the caller.
 */
export const fusedMlp = (
  x: Tensor,
  layers: readonly MlpLayer[],
  outputActivation: Activation,
  inputGradient: boolean,
): Tensor2D | undefined => {
  const activation = FUSED_OUTPUT_ACTIVATIONS.find((a) => a === outputActivation);
  if (activation === undefined || x.rank !== 2 || x.shape[0] === 0) return undefined;
  if ([x, ...layers.flatMap((l) => [l.kernel, l.bias])].some((t) => t.dtype !== 'float32')) return undefined;
  const fused = fusedEnabled ? fusedContext() : undefined;
  if (fused === undefined) return undefined;
  ensureKernels();
  const depth = layers.length - 1;
  const inputs: Record<string, Tensor> = { x };
  for (const [layer, { kernel, bias }] of layers.entries()) {
    inputs[kernelName(layer)] = kernel;
    inputs[biasName(layer)] = bias;
  }
  const [y, ...hidden] = runRegistered(fused.wasm, MLP_FORWARD, inputs, {
    depth,
    outputActivation: activation,
  }) as [tf.TensorInfo, ...tf.TensorInfo[]];
  const engine = tf.engine();
  const value = engine.makeTensorFromTensorInfo(y) as Tensor2D;
  if (!engine.isTapeOn()) {
    for (const info of hidden) fused.wasm.disposeData(info.dataId);
    return value;
  }
  inputs['value'] = value;
  const hiddenTensors = hidden.map((info) => engine.makeTensorFromTensorInfo(info));
  for (const [layer, h] of hiddenTensors.entries()) inputs[hiddenName(layer)] = h;
  const attrs: MlpAttrs = { outputActivation: activation, inputGradient };
  const out = engine.runKernel(
    ensureRegistered(depth),
    inputs as unknown as tf.NamedTensorMap,
    attrs as unknown as tf.NamedAttrMap,
  ) as Tensor2D;
  // The tape saved its own references to the hidden activations and y.
  for (const t of [value, ...hiddenTensors]) t.dispose();
  return out;
};
