/**
 * offrl's portable GEMM engine: a WebAssembly SIMD-128 kernel (native/wasm-gemm/gemm.c, built by its
 * build.sh and committed) instantiated on the wasm backend's own `WebAssembly.Memory`. tfjs-backend-wasm
 * 4.22's emscripten module exposes that memory as `Module.asm.memory`; the kernel imports it, so the
 * operands and the output are the tensors' own buffers (zero copy) and the kernel's working space is a
 * heap buffer the matMul kernel allocates per call. It runs wherever wasm SIMD does, so it is the
 * fallback where onnxruntime-node is not installed.
 *
 * Relaxed SIMD (a fused multiply-add: ~1.2× on this machine) is used when its build compiles and
 * computes a probe product correctly; Node 20 validates it only behind V8's
 * `--experimental-wasm-relaxed-simd`, which is set here when the first compile fails. Otherwise, and
 * when `simd: 'simd128'` is asked for, the plain SIMD-128 build runs.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf.js';
import type { FusedActivation, GemmEngine, GemmEngineLoad } from './gemm-engine.js';
import { messageOf } from './gemm-engine.js';
import { type WasmMemory, wasmApi, wasmHeapMemory } from './wasm-heap.js';

/** The two builds of the kernel: plain SIMD-128 and relaxed SIMD. */
export const WASM_SIMD_LEVELS = ['relaxed-simd', 'simd128'] as const;
export type WasmSimdLevel = (typeof WASM_SIMD_LEVELS)[number];

/** The committed binaries, next to their source (the same relative path from src/accel and dist/accel). */
export const wasmGemmFile = (level: WasmSimdLevel): URL =>
  new URL(`../../native/wasm-gemm/gemm-${level}.wasm`, import.meta.url);

/** The epilogues gemm.c fuses, by its activation code; elu and sigmoid (exp) are left to stock kernels. */
const EPILOGUE_CODE: Partial<Record<FusedActivation, number>> = {
  linear: 0,
  relu: 1,
  relu6: 2,
  leakyrelu: 3,
  prelu: 4,
};

interface KernelExports {
  gemm(
    a: number,
    b: number,
    y: number,
    m: number,
    n: number,
    k: number,
    transposeA: number,
    transposeB: number,
    bias: number,
    biasRowStride: number,
    biasColStride: number,
    activation: number,
    alpha: number,
    slopes: number,
    slopeRowStride: number,
    slopeColStride: number,
    scratch: number,
  ): void;
  gemm_scratch_floats(): number;
}

/** The parts of tfjs-backend-wasm's emscripten module used here. */
interface EmscriptenModule {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

/** Compiles one build; relaxed SIMD gets V8's flag (Node 20) when it does not validate without it. */
const compile = (level: WasmSimdLevel): object => {
  const bytes = readFileSync(wasmGemmFile(level));
  try {
    return new wasmApi.Module(bytes);
  } catch (error) {
    if (level !== 'relaxed-simd') throw error;
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    return new wasmApi.Module(bytes);
  }
};

/** The engine of one build on `memory`. */
const makeEngine = (level: WasmSimdLevel, memory: WasmMemory): GemmEngine => {
  const kernel = new wasmApi.Instance(compile(level), { env: { memory } })
    .exports as unknown as KernelExports;
  /** The byte address of a view, which must lie on the heap the kernel was instantiated on. */
  const at = (view: Float32Array, what: string): number => {
    if (view.buffer !== memory.buffer)
      throw new Error(`wasm GEMM: ${what} is not on the wasm backend's heap`);
    return view.byteOffset;
  };
  return {
    provider: 'wasm',
    version: level,
    threads: 1,
    activations: Object.keys(EPILOGUE_CODE) as FusedActivation[],
    scratchFloats: kernel.gemm_scratch_floats(),
    gemm: (call) => {
      const { m, n, k, bias, prelu } = call;
      const activation = call.activation ?? 'linear';
      const code = EPILOGUE_CODE[activation];
      if (code === undefined) throw new Error(`wasm GEMM: activation '${activation}' is not fused`);
      if (activation === 'prelu' && prelu === undefined) throw new Error('wasm GEMM: prelu without slopes');
      if (call.scratch === undefined) throw new Error('wasm GEMM: no scratch buffer');
      kernel.gemm(
        at(call.a, 'a'),
        at(call.b, 'b'),
        at(call.y, 'y'),
        m,
        n,
        k,
        +call.transposeA,
        +call.transposeB,
        bias === undefined ? 0 : at(bias.data, 'bias'),
        bias === undefined || bias.rows === 1 ? 0 : bias.cols,
        bias === undefined || bias.cols === 1 ? 0 : 1,
        code,
        call.alpha ?? 0.2,
        prelu === undefined ? 0 : at(prelu.data, 'prelu slopes'),
        prelu === undefined || prelu.rows === 1 ? 0 : prelu.cols,
        prelu === undefined || prelu.cols === 1 ? 0 : 1,
        at(call.scratch, 'scratch'),
      );
    },
  };
};

/** Runs [[1,2],[3,4]]·[[1,2],[3,4]]ᵀ + 1 on the heap: whether this build computes here. */
const probe = (engine: GemmEngine, module: EmscriptenModule, memory: WasmMemory): boolean => {
  const floats = 4 + 4 + 1 + engine.scratchFloats;
  const base = module._malloc(floats * 4);
  try {
    const heap = new Float32Array(memory.buffer, base, floats);
    heap.set([1, 2, 3, 4, 1]);
    const [a, y, scratch] = [heap.subarray(0, 4), heap.subarray(5, 9), heap.subarray(9)];
    const bias = { data: heap.subarray(4, 5), rows: 1, cols: 1 };
    engine.gemm({ a, b: a, y, m: 2, n: 2, k: 2, transposeA: false, transposeB: true, bias, scratch });
    return [...y].join() === '6,12,12,26';
  } finally {
    module._free(base);
  }
};

/**
 * The wasm GEMM on the started wasm backend's heap, in the best build that works here (or the one
 * asked for), or why it cannot run. Never throws.
 */
export const loadWasmGemm = (options: { readonly simd?: WasmSimdLevel } = {}): GemmEngineLoad => {
  const backend = tf.findBackend('wasm') as BackendWasm | null;
  if (backend === null) return { problem: 'the wasm backend is not started' };
  const module = backend.wasm as unknown as EmscriptenModule;
  const memory = wasmHeapMemory(backend);
  if (memory === undefined)
    return { problem: 'tfjs-backend-wasm does not expose its WebAssembly.Memory (Module.asm.memory)' };
  if (memory.buffer instanceof SharedArrayBuffer)
    return { problem: 'the threaded wasm build shares its heap; the wasm GEMM is built for an unshared one' };
  const problems: string[] = [];
  for (const level of options.simd === undefined ? WASM_SIMD_LEVELS : [options.simd]) {
    try {
      const engine = makeEngine(level, memory);
      if (probe(engine, module, memory)) return { engine };
      problems.push(`${level} computed a wrong probe product`);
    } catch (error) {
      problems.push(`${level}: ${messageOf(error)}`);
    }
  }
  return { problem: `the wasm GEMM cannot run here (${problems.join('; ')})` };
};
