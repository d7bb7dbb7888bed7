/**
 * The optimiser loops of kernels.ts in WebAssembly SIMD-128 (native/optim-loops/loops.c, built by its
 * build.sh and committed), instantiated on tfjs-backend-wasm's own `WebAssembly.Memory` (which its
 * emscripten module exposes as `Module.asm.memory`), so they read and write the tensors' heap buffers
 * in place of the JavaScript loops: ~8× faster (0.2–0.4 against 2.8–3.4 ms for an Adam step over 285k
 * parameters, the IQL update's). They compute in float32, as the op-by-op form does.
 */
import { readFileSync } from 'node:fs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** The slice of the WebAssembly JS API used here (neither the ES2022 lib nor @types/node declares it). */
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: object };
  readonly Memory: abstract new (...args: never[]) => { readonly buffer: ArrayBuffer | SharedArrayBuffer };
}
const { WebAssembly: wasmApi } = globalThis as unknown as { WebAssembly: WasmApi };

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
}

/** The committed binary (the same relative path from src/optim and dist/optim). */
export const optimLoopsFile = new URL('../../native/optim-loops/loops.wasm', import.meta.url);

/** The memory of a started wasm backend, or undefined where it does not expose one. */
export const wasmHeapMemory = (backend: BackendWasm): object | undefined => {
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  return memory instanceof wasmApi.Memory ? memory : undefined;
};

/**
 * The loops on `backend`'s heap, or undefined where they cannot run there: no exposed memory, the
 * threaded build's shared heap (the module imports an unshared one), or no wasm SIMD. The kernels then
 * keep their JavaScript loops.
 */
export const loadWasmLoops = (backend: BackendWasm): WasmLoops | undefined => {
  const memory = wasmHeapMemory(backend);
  if (memory === undefined || (memory as { buffer: unknown }).buffer instanceof SharedArrayBuffer)
    return undefined;
  try {
    const module = new wasmApi.Module(readFileSync(optimLoopsFile));
    const exports = new wasmApi.Instance(module, { env: { memory } }).exports as Omit<WasmLoops, 'memory'>;
    return { memory, adam: exports.adam, polyak: exports.polyak };
  } catch {
    return undefined;
  }
};
