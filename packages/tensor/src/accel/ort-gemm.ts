/**
 * A float32 GEMM with the bias and activation epilogues of tfjs's `_FusedMatMul`, run by ONNX Runtime's
 * CPU provider (MLAS: AVX-512/AVX2/NEON SGEMM kernels chosen at run time by ORT itself), through the
 * optional `onnxruntime-node` package:
 *
 *   y[m,n] = act(op(a)·op(b) + bias),  op(x) = x or xᵀ,  bias broadcast to [m,n].
 *
 * Each distinct (transposes, bias, activation) combination is one tiny ONNX graph (`Gemm` plus an
 * activation node) with symbolic m, n, k, built once and cached in the engine. Operands are passed as
 * Float32Array views (on the wasm heap, for the tfjs kernels): ORT reads inputs and writes the
 * preallocated output in place, so nothing is copied.
 *
 * `onnxruntime-node`'s public `InferenceSession.run` is async (it defers to `setImmediate`), and a tfjs
 * kernel must be synchronous, so the engine drives the package's synchronous native session
 * (`dist/binding.js`, the object the public API wraps). That is an internal path: the version is pinned
 * (`ORT_VERSION`) and checked on load, and anything unexpected makes the loader report a reason instead.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  FUSED_ACTIVATIONS,
  type FusedActivation,
  type GemmEngine,
  type GemmEngineLoad,
  messageOf,
} from './gemm-engine.js';
import { encodeOnnxModel, type OnnxGraph, type OnnxNode } from './onnx-model.js';

/** The onnxruntime-node version this engine was written and tested against. */
export const ORT_VERSION = '1.30.0';
export const ORT_PACKAGE = 'onnxruntime-node';

interface OrtTensor {
  readonly data: unknown;
}
type OrtTensorConstructor = new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, OrtTensor>, fetches: Record<string, OrtTensor>, options: object): unknown;
}
interface NativeBinding {
  readonly binding: { readonly InferenceSession: new () => NativeSession };
  readonly initOrt: () => void;
}

/** The product graph for one combination; inputs A, B (and C, S, P as needed), output Y. */
const gemmGraph = (key: {
  transposeA: boolean;
  transposeB: boolean;
  bias: boolean;
  activation: FusedActivation;
  alpha: number;
}): OnnxGraph => {
  const { transposeA, transposeB, bias, activation, alpha } = key;
  const product = activation === 'linear' ? 'Y' : 'Z';
  const nodes: OnnxNode[] = [
    {
      op: 'Gemm',
      inputs: bias ? ['A', 'B', 'C'] : ['A', 'B'],
      outputs: [product],
      attributes: [
        { name: 'transA', int: transposeA ? 1 : 0 },
        { name: 'transB', int: transposeB ? 1 : 0 },
      ],
    },
  ];
  const inputs = [
    { name: 'A', shape: transposeA ? ['k', 'm'] : ['m', 'k'] },
    { name: 'B', shape: transposeB ? ['n', 'k'] : ['k', 'n'] },
    ...(bias ? [{ name: 'C', shape: ['cm', 'cn'] }] : []),
  ];
  const activationNode: Record<Exclude<FusedActivation, 'linear'>, () => OnnxNode> = {
    relu: () => ({ op: 'Relu', inputs: ['Z'], outputs: ['Y'] }),
    // Clip's bounds are inputs since opset 11; they are fed as scalars L (0) and H (6).
    relu6: () => ({ op: 'Clip', inputs: ['Z', 'L', 'H'], outputs: ['Y'] }),
    elu: () => ({ op: 'Elu', inputs: ['Z'], outputs: ['Y'], attributes: [{ name: 'alpha', float: 1 }] }),
    sigmoid: () => ({ op: 'Sigmoid', inputs: ['Z'], outputs: ['Y'] }),
    leakyrelu: () => ({
      op: 'LeakyRelu',
      inputs: ['Z'],
      outputs: ['Y'],
      attributes: [{ name: 'alpha', float: alpha }],
    }),
    prelu: () => ({ op: 'PRelu', inputs: ['Z', 'P'], outputs: ['Y'] }),
  };
  if (activation !== 'linear') nodes.push(activationNode[activation]());
  if (activation === 'relu6') inputs.push({ name: 'L', shape: [] }, { name: 'H', shape: [] });
  if (activation === 'prelu') inputs.push({ name: 'P', shape: ['pm', 'pn'] });
  return { nodes, inputs, outputs: [{ name: 'Y', shape: ['m', 'n'] }] };
};

/**
 * Products below this many flops (2·m·n·k, here 2²⁴ ≈ 16.8 M) run on one thread even when more are
 * asked for: measured, a second thread paid 1.4× on 256×256×256 (33.6 M) and nothing or a loss (0.86–1.03×)
 * on the smaller products of RL nets, 256×23×256 to 256×128×256 (ACCELERATION.md, "Two threads").
 */
export const DEFAULT_PARALLEL_FLOPS = 2 ** 24;

/**
 * Loads onnxruntime-node (if installed) and returns a GEMM engine on `threads` ORT threads, or why it
 * cannot. Never throws. With `threads` > 1, products of fewer than `parallelFlops` flops run on a
 * one-thread session (each graph gets one session per thread count, made on first use).
 * `packageName` lets tests point it at a missing package.
 */
export const loadOrtGemm = (
  threads = 1,
  packageName = ORT_PACKAGE,
  parallelFlops = DEFAULT_PARALLEL_FLOPS,
): GemmEngineLoad => {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve(`${packageName}/package.json`);
  } catch {
    return { problem: `${packageName} is not installed (optional; 'npm i ${ORT_PACKAGE}@${ORT_VERSION}')` };
  }
  let native: NativeBinding;
  let Tensor: OrtTensorConstructor;
  let version: string;
  try {
    version = (require(packageJson) as { version: string }).version;
    if (version !== ORT_VERSION)
      return { problem: `${packageName} ${version} is installed; this build of offrl drives ${ORT_VERSION}` };
    native = require(join(dirname(packageJson), 'dist', 'binding.js')) as NativeBinding;
    Tensor = (createRequire(packageJson)('onnxruntime-common') as { Tensor: OrtTensorConstructor }).Tensor;
    native.initOrt();
  } catch (error) {
    return { problem: `${packageName} failed to load: ${messageOf(error)}` };
  }
  const options = (intraOpNumThreads: number) => ({
    intraOpNumThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    executionProviders: ['cpu'],
    // Idle pool threads sleep instead of spinning between the many short products of an update.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  const sessions = new Map<string, NativeSession>();
  const session = (key: Parameters<typeof gemmGraph>[0], sessionThreads: number): NativeSession => {
    const id = `${+key.transposeA}${+key.transposeB}${+key.bias}:${key.activation}:${key.alpha}:${sessionThreads}`;
    let found = sessions.get(id);
    if (found === undefined) {
      const bytes = encodeOnnxModel(gemmGraph(key));
      found = new native.binding.InferenceSession();
      found.loadModel(
        bytes.buffer as ArrayBuffer,
        bytes.byteOffset,
        bytes.byteLength,
        options(sessionThreads),
      );
      sessions.set(id, found);
    }
    return found;
  };
  const clipBounds = {
    L: new Tensor('float32', new Float32Array([0]), []),
    H: new Tensor('float32', new Float32Array([6]), []),
  };
  const engine: GemmEngine = {
    provider: 'ort',
    version,
    threads,
    activations: FUSED_ACTIVATIONS,
    scratchFloats: 0,
    gemm: (call) => {
      const { m, n, k, transposeA, transposeB, bias, prelu } = call;
      const activation = call.activation ?? 'linear';
      const alpha = activation === 'leakyrelu' ? (call.alpha ?? 0.2) : 0;
      const sessionThreads = 2 * m * n * k < parallelFlops ? 1 : threads;
      const run = session(
        { transposeA, transposeB, bias: bias !== undefined, activation, alpha },
        sessionThreads,
      );
      const feeds: Record<string, OrtTensor> = {
        A: new Tensor('float32', call.a, transposeA ? [k, m] : [m, k]),
        B: new Tensor('float32', call.b, transposeB ? [n, k] : [k, n]),
      };
      if (bias !== undefined) feeds['C'] = new Tensor('float32', bias.data, [bias.rows, bias.cols]);
      if (activation === 'relu6') Object.assign(feeds, clipBounds);
      if (activation === 'prelu') {
        if (prelu === undefined) throw new Error('gemm: prelu activation without slopes');
        feeds['P'] = new Tensor('float32', prelu.data, [prelu.rows, prelu.cols]);
      }
      run.run(feeds, { Y: new Tensor('float32', call.y, [m, n]) }, {});
    },
  };
  // A first product proves that the binary runs here (CPU features, libc) before any kernel relies on it.
  try {
    const probe = new Float32Array([1, 2, 3, 4]);
    const y = new Float32Array(4);
    engine.gemm({ a: probe, b: probe, y, m: 2, n: 2, k: 2, transposeA: false, transposeB: true });
    if (y[0] !== 5 || y[3] !== 25) return { problem: `${packageName} computed a wrong probe product` };
  } catch (error) {
    return { problem: `${packageName} failed its probe product: ${messageOf(error)}` };
  }
  return { engine };
};
