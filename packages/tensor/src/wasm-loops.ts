/**
 * Elementwise loops in WebAssembly SIMD-128 (native/wasm-loops/loops.c, built by its build.sh and
 * committed), instantiated on tfjs-backend-wasm's own memory (accel/wasm-heap.ts), so they read and
 * write the tensors' heap buffers: the optimiser updates of optim/kernels.ts (an Adam step over 285k
 * parameters, the IQL update's: 0.27 against 3.2 ms CPU for the JavaScript loop) and the ReLU derivative
 * and bias gradient of the dense backward (nn/dense-kernel.ts). They compute in float32, as tfjs's
 * elementwise kernels do.
 */
import { readFileSync } from 'node:fs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { wasmApi, wasmHeapMemory } from './accel/wasm-heap.js';

/** The exports of loops.c; pointers are byte addresses on the heap, sizes are element counts. */
export interface WasmLoops {
  /** The memory the loops were instantiated on. */
  readonly memory: object;
  adam(
    param: number,
    grad: number,
    mu: number,
    nu: number,
    paramOut: number,
    muOut: number,
    nuOut: number,
    size: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    stepSize: number,
    epsHat: number,
    decay: number,
  ): void;
  polyak(target: number, online: number, out: number, size: number, tau: number): void;
  /** out[j] = Σ_i x[i, j] of a row-major [rows, cols] matrix, summed from row 0 down. */
  column_sums(x: number, out: number, rows: number, cols: number): void;
  /** dz = dy ⊙ step(y) and db = its column sums. */
  relu_backward(dy: number, y: number, dz: number, db: number, rows: number, cols: number): void;
}

/** The committed binary (the same relative path from src and dist). */
export const wasmLoopsFile = new URL('../native/wasm-loops/loops.wasm', import.meta.url);

/**
 * The loops on `backend`'s heap, or undefined where they cannot run there: no exposed memory, the
 * threaded build's shared heap (the module imports an unshared one), or no wasm SIMD. The kernels then
 * keep their JavaScript loops or tfjs kernels.
 */
export const loadWasmLoops = (backend: BackendWasm): WasmLoops | undefined => {
  const memory = wasmHeapMemory(backend);
  if (memory === undefined || memory.buffer instanceof SharedArrayBuffer) return undefined;
  try {
    const module = new wasmApi.Module(readFileSync(wasmLoopsFile));
    const exports = new wasmApi.Instance(module, { env: { memory } }).exports as Omit<WasmLoops, 'memory'>;
    const { adam, polyak, column_sums, relu_backward } = exports;
    return { memory, adam, polyak, column_sums, relu_backward };
  } catch {
    return undefined;
  }
};
