/**
 * Run-time choice of the TensorFlow.js backend: `tensorflow-gpu` (`@tensorflow/tfjs-node-gpu`) >
 * `tensorflow` (`@tensorflow/tfjs-node`) > `wasm` > `cpu`. The two native packages are optional peer
 * dependencies; where they are missing, or installed without their native binding (their install
 * script could not download libtensorflow), the next backend is taken and the reason is reported.
 *
 * `OFFRL_BACKEND=cpu|wasm|tensorflow|tensorflow-gpu` (or `initBackend({ backend })`) forces one and
 * throws if it is unavailable. Selecting wasm also registers offrl's wasm kernels (wasm-kernels.ts).
 * `OFFRL_QUIET=1` (or `quiet: true`) silences the one-line log on stderr.
 *
 * On wasm, the matMul kernels run on onnxruntime-node when it is installed, else on offrl's wasm SIMD
 * GEMM, else stock (accel/select-matmul.ts): `OFFRL_MATMUL=ort|wasm|stock` forces one, `OFFRL_NATIVE=0`
 * skips onnxruntime-node, `OFFRL_NATIVE_THREADS=N` sets its threads (for products of at least
 * `OFFRL_NATIVE_PARALLEL_FLOPS` flops; smaller ones run on one); the report says which runs and why.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import {
  describeMatMul,
  type MatMulProvider,
  type MatMulReport,
  parseMatMulProvider,
  parseNativeFlag,
  selectMatMul,
} from './accel/select-matmul.js';
import { tf } from './tf.js';
import { registerWasmKernels } from './wasm-kernels.js';
import { startThreadedWasm } from './wasm-threads.js';

/** Backend names in order of preference. */
export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The npm packages that provide the native backends. */
export interface NativePackages {
  readonly 'tensorflow-gpu': string;
  readonly tensorflow: string;
}

export const DEFAULT_NATIVE_PACKAGES: NativePackages = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
};

export interface BackendOptions {
  /** Force a backend; defaults to `env.OFFRL_BACKEND`, else the best available. */
  readonly backend?: string;
  /** No log line; defaults to `env.OFFRL_QUIET === '1'`. */
  readonly quiet?: boolean;
  /** Where the log line goes; defaults to stderr. */
  readonly log?: (line: string) => void;
  /** Environment to read `OFFRL_BACKEND` / `OFFRL_QUIET` from; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Package names of the native backends (tests inject missing ones). */
  readonly nativePackages?: NativePackages;
  /**
   * XNNPACK threads for the wasm backend (2–8) through its threaded SIMD build (wasm-threads.ts);
   * defaults to `env.OFFRL_WASM_THREADS`, else 1 (the stock single-threaded build).
   */
  readonly wasmThreads?: number;
  /**
   * The wasm backend's matMul provider ('ort' > 'wasm' > 'stock'): forced when given (throws where it
   * cannot run); defaults to `env.OFFRL_MATMUL`, else the best that runs.
   */
  readonly matmul?: MatMulProvider;
  /**
   * onnxruntime-node for the wasm matMul: true requires it, false skips it (then the wasm GEMM, else
   * stock); defaults to `env.OFFRL_NATIVE` (0/1), else used when it loads.
   */
  readonly native?: boolean;
  /** Threads of the matMul accelerator; defaults to `env.OFFRL_NATIVE_THREADS`, else 1. */
  readonly nativeThreads?: number;
  /**
   * With more than one native thread, products below this many flops (2·m·n·k) still run on one;
   * defaults to `env.OFFRL_NATIVE_PARALLEL_FLOPS`, else `DEFAULT_PARALLEL_FLOPS` (accel/ort-gemm.ts).
   */
  readonly nativeParallelFlops?: number;
}

export interface BackendReport {
  /** The backend in use. */
  readonly name: BackendName;
  /** Why each better-ranked backend was not used, keyed by package (or backend) name. */
  readonly skipped: Readonly<Record<string, string>>;
  /** For the native backends: whether TensorFlow really runs on a GPU ('gpu') or fell back to 'cpu'. */
  readonly device?: 'gpu' | 'cpu';
  /** Threads of the wasm backend's pool (1 in stock Node). */
  readonly threads?: number;
  /** For wasm: which engine runs matMul (`ort`, `wasm` or `stock-wasm`), and why better ones are not used. */
  readonly matmul?: MatMulReport;
  /** True when the backend was forced by option or environment. */
  readonly forced: boolean;
}

/** The tfjs engine name of each offrl backend name (both native packages register 'tensorflow'). */
const ENGINE_NAME: Record<BackendName, string> = {
  'tensorflow-gpu': 'tensorflow',
  tensorflow: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

const require = createRequire(import.meta.url);

/** `name` as a backend name, or an error that lists the valid ones. */
export const parseBackendName = (name: string): BackendName => {
  const found = BACKEND_NAMES.find((b) => b === name);
  if (found === undefined) {
    throw new Error(`unknown backend '${name}': valid names are ${BACKEND_NAMES.join(', ')}`);
  }
  return found;
};

/**
 * Why a native package cannot be used, without importing it: importing one whose binding is missing
 * takes ~0.7 s and registers its kernels on the shared engine as a side effect, so check the file first.
 * Returns undefined when `lib/<napi-vN>/tfjs_binding.node` exists.
 */
export const nativeBindingProblem = (pkg: string): string | undefined => {
  let root: string;
  try {
    root = dirname(require.resolve(`${pkg}/package.json`));
  } catch {
    return 'not installed';
  }
  const lib = join(root, 'lib');
  const present =
    existsSync(lib) && readdirSync(lib).some((dir) => existsSync(join(lib, dir, 'tfjs_binding.node')));
  return present
    ? undefined
    : `installed, but its native binding (lib/napi-v*/tfjs_binding.node) is missing (its install script did not run or failed): run 'npm rebuild ${pkg}'`;
};

const messageOf = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';

/** Tries one backend; returns the reason it is unusable, or undefined once it is the active backend. */
const tryBackend = async (
  name: BackendName,
  packages: NativePackages,
  wasmThreads: number,
): Promise<{ problem: string } | { device?: 'gpu' | 'cpu' }> => {
  if (name === 'tensorflow-gpu' || name === 'tensorflow') {
    const pkg = packages[name];
    const problem = nativeBindingProblem(pkg);
    if (problem !== undefined) return { problem };
    try {
      // Through a variable, so that tsc and bundlers never need the optional package.
      await import(pkg);
      if (!(await tf.setBackend(ENGINE_NAME[name])))
        return { problem: 'the tensorflow backend failed to start' };
    } catch (error) {
      return { problem: `loading failed: ${messageOf(error)}` };
    }
    // tfjs-node-gpu only warns and runs on the CPU when the CUDA libraries are missing.
    const usesGpu = (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true;
    return { device: usesGpu ? 'gpu' : 'cpu' };
  }
  if (name === 'wasm' && wasmThreads > 1) {
    // An explicit request: a failure here is an error, not a reason to fall back silently.
    await startThreadedWasm(wasmThreads);
  }
  try {
    if (!(await tf.setBackend(name))) return { problem: `the ${name} backend failed to initialise` };
    await tf.ready();
  } catch (error) {
    return { problem: messageOf(error) };
  }
  if (name === 'wasm') registerWasmKernels();
  return {};
};

const describe = (report: BackendReport): string => {
  const skipped = Object.entries(report.skipped).map(([pkg, why]) => `${pkg}: ${why}`);
  const device = report.device === undefined ? '' : ` on ${report.device}`;
  const threads =
    report.threads === undefined ? '' : ` (${report.threads} thread${report.threads > 1 ? 's' : ''})`;
  const how = report.forced ? 'forced' : 'selected';
  const matmul = report.matmul === undefined ? '' : `; ${describeMatMul(report.matmul)}`;
  return `offrl/tensor: backend '${report.name}'${device}${threads} ${how}${matmul}${skipped.length > 0 ? `; skipped ${skipped.join('; ')}` : ''}`;
};

/**
 * Selects and activates a backend now, without the cache of `initBackend` (tests inject packages here).
 * Auto mode walks `BACKEND_NAMES` and records why each better one was skipped; forced mode throws
 * `backend 'X' is unavailable: <reason>`.
 */
export const selectBackend = async (options: BackendOptions = {}): Promise<BackendReport> => {
  const env = options.env ?? process.env;
  const requested = options.backend ?? (env['OFFRL_BACKEND'] || undefined);
  const forced = requested === undefined ? undefined : parseBackendName(requested);
  const packages = options.nativePackages ?? DEFAULT_NATIVE_PACKAGES;
  const quiet = options.quiet ?? env['OFFRL_QUIET'] === '1';
  const native = options.native ?? parseNativeFlag(env['OFFRL_NATIVE']);
  const matmulProvider = options.matmul ?? parseMatMulProvider(env['OFFRL_MATMUL']);
  const nativeThreads = options.nativeThreads ?? Number(env['OFFRL_NATIVE_THREADS'] || 1);
  const parallelFlops =
    options.nativeParallelFlops ??
    (env['OFFRL_NATIVE_PARALLEL_FLOPS'] ? Number(env['OFFRL_NATIVE_PARALLEL_FLOPS']) : undefined);
  const wasmThreads = options.wasmThreads ?? Number(env['OFFRL_WASM_THREADS'] || 1);
  if (!Number.isInteger(wasmThreads) || wasmThreads < 1) {
    throw new RangeError(
      `wasm threads must be a positive integer, got ${options.wasmThreads ?? env['OFFRL_WASM_THREADS']}`,
    );
  }
  // Silences the "Hi, looks like you are running TensorFlow.js in Node.js" banner.
  tf.env().set('PROD', true);

  const skipped: Record<string, string> = {};
  let chosen: { name: BackendName; device?: 'gpu' | 'cpu' } | undefined;
  for (const name of forced === undefined ? BACKEND_NAMES : [forced]) {
    const outcome = await tryBackend(name, packages, wasmThreads);
    if ('problem' in outcome) {
      const label = name === 'tensorflow-gpu' || name === 'tensorflow' ? packages[name] : name;
      if (forced !== undefined)
        throw new Error(`backend '${name}' (${label}) is unavailable: ${outcome.problem}`);
      skipped[label] = outcome.problem;
      continue;
    }
    chosen = { name, ...outcome };
    break;
  }
  if (chosen === undefined) throw new Error(`no backend could be started: ${JSON.stringify(skipped)}`);
  const report: BackendReport = {
    name: chosen.name,
    skipped,
    forced: forced !== undefined,
    ...(chosen.device === undefined ? {} : { device: chosen.device }),
    ...(chosen.name === 'wasm'
      ? {
          threads: getThreadsCount(),
          matmul: selectMatMul({
            threads: nativeThreads,
            ...(parallelFlops === undefined ? {} : { parallelFlops }),
            sharedHeap: wasmThreads > 1,
            ...(native === undefined ? {} : { native }),
            ...(matmulProvider === undefined ? {} : { provider: matmulProvider }),
          }),
        }
      : {}),
  };
  if (!quiet) (options.log ?? ((line: string) => process.stderr.write(`${line}\n`)))(describe(report));
  return report;
};

// The one piece of module state the house rules allow: the pending or finished selection.
let selection: { readonly key: BackendName | 'auto'; readonly report: Promise<BackendReport> } | undefined;

/**
 * Selects the backend once per process and returns the same report on every later call. A later call
 * that forces a different backend switches to it (and returns its report); an unforced call, or one
 * forcing the backend already chosen, returns the cached report. A failed selection is not cached.
 */
export const initBackend = (options: BackendOptions = {}): Promise<BackendReport> => {
  const env = options.env ?? process.env;
  const requested = options.backend ?? (env['OFFRL_BACKEND'] || undefined);
  let key: BackendName | 'auto';
  try {
    key = requested === undefined ? 'auto' : parseBackendName(requested);
  } catch (error) {
    return Promise.reject(error);
  }
  if (selection !== undefined) {
    const current = selection;
    const reuse = key === 'auto' || key === current.key;
    if (reuse) return current.report;
    return current.report.then(
      (report) =>
        report.name === key && tf.getBackend() === ENGINE_NAME[key] ? report : startSelection(key, options),
      () => startSelection(key, options),
    );
  }
  return startSelection(key, options);
};

const startSelection = (key: BackendName | 'auto', options: BackendOptions): Promise<BackendReport> => {
  const report = selectBackend(options);
  const entry = { key, report };
  selection = entry;
  // Forget a failed selection so that a later call can try again (e.g. with another backend).
  report.catch(() => {
    if (selection === entry) selection = undefined;
  });
  return report;
};
