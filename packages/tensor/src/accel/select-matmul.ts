/**
 * Run-time choice of the engine behind the wasm backend's matMul kernels:
 * onnxruntime-node (ort-gemm.ts, when installed and working) > stock XNNPACK kernels.
 *
 * `OFFRL_NATIVE=0` (or `native: false`) keeps the stock kernels; `OFFRL_NATIVE=1` (or `native: true`)
 * requires the accelerator and throws with the reason when it cannot load; unset, it is used when it
 * loads and the reason is reported otherwise. `OFFRL_NATIVE_THREADS=N` (or `nativeThreads`) sets ORT's
 * threads (default 1: on a shared 2-core machine a second thread rarely pays, see ACCELERATION.md).
 */
import { installAcceleratedMatMul, uninstallAcceleratedMatMul } from './matmul-kernels.js';
import { loadOrtGemm } from './ort-gemm.js';

export interface MatMulReport {
  /** Who runs the wasm backend's products. */
  readonly provider: 'ort' | 'stock-wasm';
  /** onnxruntime-node's version, for 'ort'. */
  readonly version?: string;
  readonly threads?: number;
  /** Why the accelerator is not used, for 'stock-wasm'. */
  readonly reason?: string;
}

export interface MatMulOptions {
  /** true: require the accelerator; false: stock kernels; undefined: auto. */
  readonly native?: boolean;
  readonly threads?: number;
  /** The wasm heap is shared (threaded build): onnxruntime-node cannot read it, so keep stock kernels. */
  readonly sharedHeap?: boolean;
  /** The package to load (tests inject a missing one). */
  readonly packageName?: string;
}

/** Parses `OFFRL_NATIVE`: '0'/'false' → false, '1'/'true' → true, unset or '' → undefined. */
export const parseNativeFlag = (value: string | undefined): boolean | undefined => {
  if (value === undefined || value === '') return undefined;
  if (value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new Error(`OFFRL_NATIVE must be 0 or 1, got '${value}'`);
};

/** Installs the accelerated kernels on the (already started) wasm backend, or the stock ones. */
export const selectMatMul = (options: MatMulOptions = {}): MatMulReport => {
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1)
    throw new RangeError(`native threads must be a positive integer, got ${threads}`);
  if (options.native === false) {
    uninstallAcceleratedMatMul();
    return { provider: 'stock-wasm', reason: 'disabled (OFFRL_NATIVE=0)' };
  }
  if (options.sharedHeap === true) {
    uninstallAcceleratedMatMul();
    const problem =
      'the threaded wasm build shares its heap (SharedArrayBuffer), which onnxruntime-node cannot read';
    if (options.native === true) throw new Error(`the native matMul accelerator is unavailable: ${problem}`);
    return { provider: 'stock-wasm', reason: problem };
  }
  const load = loadOrtGemm(threads, options.packageName);
  if ('problem' in load) {
    uninstallAcceleratedMatMul();
    if (options.native === true)
      throw new Error(`the native matMul accelerator is unavailable: ${load.problem}`);
    return { provider: 'stock-wasm', reason: load.problem };
  }
  installAcceleratedMatMul(load.engine);
  return { provider: 'ort', version: load.engine.version, threads };
};
