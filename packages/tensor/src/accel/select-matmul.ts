/**
 * Run-time choice of the engine behind the wasm backend's matMul kernels, best first:
 * onnxruntime-node (ort-gemm.ts: native MLAS, when installed and working) > offrl's wasm SIMD GEMM
 * (wasm-gemm.ts: portable, always shipped) > the stock XNNPACK kernels. Unforced, each provider that
 * cannot run is skipped with its reason, which the report carries.
 *
 * `OFFRL_MATMUL=ort|wasm|stock` (or `provider`) forces one and throws with the reason when it cannot run.
 * `OFFRL_NATIVE` predates it and still works: `0` skips onnxruntime-node, `1` is `OFFRL_MATMUL=ort`.
 * `OFFRL_NATIVE_THREADS=N` (or `threads`) sets ORT's threads (default 1, see ACCELERATION.md), used for
 * products of at least `OFFRL_NATIVE_PARALLEL_FLOPS` (or `parallelFlops`) flops, smaller ones running on
 * one; the wasm GEMM runs on one.
 */
import type { GemmEngineLoad, GemmProvider } from './gemm-engine.js';
import { installAcceleratedMatMul, uninstallAcceleratedMatMul } from './matmul-kernels.js';
import { DEFAULT_PARALLEL_FLOPS, loadOrtGemm } from './ort-gemm.js';
import { loadWasmGemm } from './wasm-gemm.js';

/** The providers in order of preference. */
export const MATMUL_PROVIDERS = ['ort', 'wasm', 'stock'] as const;
export type MatMulProvider = (typeof MATMUL_PROVIDERS)[number];

export interface MatMulReport {
  /** Who runs the wasm backend's products. */
  readonly provider: GemmProvider | 'stock-wasm';
  /** onnxruntime-node's version for 'ort'; the instruction set ('relaxed-simd' | 'simd128') for 'wasm'. */
  readonly version?: string;
  readonly threads?: number;
  /** With more than one thread: products below this many flops run on one. */
  readonly parallelFlops?: number;
  /** Why the better-ranked providers are not used ('; '-separated), where any was skipped. */
  readonly reason?: string;
}

export interface MatMulOptions {
  /** Force a provider (throws where it cannot run); undefined: the best that runs. */
  readonly provider?: MatMulProvider;
  /** Legacy `OFFRL_NATIVE`: true is provider 'ort'; false skips it. */
  readonly native?: boolean;
  readonly threads?: number;
  /** Products below this many flops run on one thread; default `DEFAULT_PARALLEL_FLOPS`. */
  readonly parallelFlops?: number;
  /** The wasm heap is shared (threaded build): neither engine can use it, so keep stock kernels. */
  readonly sharedHeap?: boolean;
  /** The onnxruntime-node package to load (tests inject a missing one). */
  readonly packageName?: string;
}

/** Parses `OFFRL_NATIVE`: '0'/'false' → false, '1'/'true' → true, unset or '' → undefined. */
export const parseNativeFlag = (value: string | undefined): boolean | undefined => {
  if (value === undefined || value === '') return undefined;
  if (value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new Error(`OFFRL_NATIVE must be 0 or 1, got '${value}'`);
};

/** Parses `OFFRL_MATMUL`: one of `MATMUL_PROVIDERS`, or undefined when unset or ''. */
export const parseMatMulProvider = (value: string | undefined): MatMulProvider | undefined => {
  if (value === undefined || value === '') return undefined;
  const known = MATMUL_PROVIDERS.find((name) => name === value);
  if (known === undefined)
    throw new Error(`OFFRL_MATMUL must be one of ${MATMUL_PROVIDERS.join(', ')}, got '${value}'`);
  return known;
};

/** The engines to try, in order, before the stock kernels, and whether the choice is forced. */
const candidates = (options: MatMulOptions): { engines: readonly GemmProvider[]; forced: boolean } => {
  const { provider, native } = options;
  if (provider !== undefined && native !== undefined && native !== (provider === 'ort'))
    throw new Error(`OFFRL_MATMUL=${provider} contradicts OFFRL_NATIVE=${native ? 1 : 0}`);
  if (provider !== undefined) return { engines: provider === 'stock' ? [] : [provider], forced: true };
  if (native === true) return { engines: ['ort'], forced: true };
  return { engines: native === false ? ['wasm'] : ['ort', 'wasm'], forced: false };
};

const SHARED_HEAP =
  'the threaded wasm build shares its heap (SharedArrayBuffer), which the GEMM engines cannot use';

/** Installs the best (or the forced) provider's kernels on the already started wasm backend. */
export const selectMatMul = (options: MatMulOptions = {}): MatMulReport => {
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1)
    throw new RangeError(`native threads must be a positive integer, got ${threads}`);
  const parallelFlops = options.parallelFlops ?? DEFAULT_PARALLEL_FLOPS;
  if (!(parallelFlops >= 0))
    throw new RangeError(`native parallel flops must be a number ≥ 0, got ${options.parallelFlops}`);
  const { engines, forced } = candidates(options);
  const skipped: string[] = options.native === false ? ['ort: disabled (OFFRL_NATIVE=0)'] : [];
  for (const provider of engines) {
    const load: GemmEngineLoad =
      options.sharedHeap === true
        ? { problem: SHARED_HEAP }
        : provider === 'ort'
          ? loadOrtGemm(threads, options.packageName, parallelFlops)
          : loadWasmGemm();
    if ('problem' in load) {
      if (forced) {
        uninstallAcceleratedMatMul();
        throw new Error(`the ${provider} matMul provider is unavailable: ${load.problem}`);
      }
      skipped.push(`${provider}: ${load.problem}`);
      continue;
    }
    installAcceleratedMatMul(load.engine);
    const { version, threads: engineThreads } = load.engine;
    const reason = skipped.length > 0 ? { reason: skipped.join('; ') } : {};
    const parallel = provider === 'ort' && engineThreads > 1 ? { parallelFlops } : {};
    return { provider, version, threads: engineThreads, ...parallel, ...reason };
  }
  uninstallAcceleratedMatMul();
  return { provider: 'stock-wasm', reason: forced ? 'chosen (OFFRL_MATMUL=stock)' : skipped.join('; ') };
};

/** The matMul part of the backend's log line. */
export const describeMatMul = (report: MatMulReport): string => {
  const why = report.reason === undefined || report.reason === '' ? '' : `; ${report.reason}`;
  const threads =
    report.parallelFlops === undefined
      ? `${report.threads} thread${report.threads === 1 ? '' : 's'}`
      : `${report.threads} threads for products of ≥ ${report.parallelFlops} flops, 1 below`;
  switch (report.provider) {
    case 'ort':
      return `matMul on onnxruntime-node ${report.version} (${threads})`;
    case 'wasm':
      return `matMul on offrl's wasm GEMM (${report.version}${why})`;
    case 'stock-wasm':
      return `matMul on stock wasm kernels (${report.reason})`;
  }
};
