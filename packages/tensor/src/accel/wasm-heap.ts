/**
 * tfjs-backend-wasm's heap as a `WebAssembly.Memory`, for offrl's own wasm modules that import it to
 * work on tensors' buffers in place (the matMul GEMM here; the same need as optim/wasm-loops.ts).
 * tfjs-backend-wasm 4.22's emscripten module exposes its memory as `Module.asm.memory`.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

/** The slice of the WebAssembly JS API used here (neither the ES2022 lib nor @types/node declares it). */
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: object };
  readonly Memory: abstract new (...args: never[]) => WasmMemory;
}
export const { WebAssembly: wasmApi } = globalThis as unknown as { WebAssembly: WasmApi };

/** The memory of a started wasm backend, or undefined where it does not expose one. */
export const wasmHeapMemory = (backend: BackendWasm): WasmMemory | undefined => {
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  return memory instanceof wasmApi.Memory ? memory : undefined;
};
