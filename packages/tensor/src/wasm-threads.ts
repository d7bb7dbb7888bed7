/**
 * The threaded SIMD build of tfjs-backend-wasm 4.22 in Node (performance.md §5: GEMM 1.6–1.9×, whole
 * updates 1.26–1.49× with 2 threads). Opt-in: `initBackend({ wasmThreads: 2 })` or `OFFRL_WASM_THREADS=2`.
 *
 * Stock tfjs refuses threads in Node (tfjs#3830). Making it load takes four temporary patches, all
 * undone as soon as the backend has started:
 * 1. `WASM_HAS_MULTITHREAD_SUPPORT` is forced on and `setThreadsCount(n)` requested.
 * 2. tfjs hands Emscripten `URL.createObjectURL(Blob)` for the pthread worker script; Node's
 *    `worker_threads` cannot load `blob:` URLs. A recording `Blob` and `createObjectURL` write such a
 *    Blob to a temporary `.cjs` file instead and return its path.
 * 3. The main script that each worker imports (message `cmd: 'load'`, field `urlOrBlob`) is a Blob of
 *    a bundler-mangled factory that fails in a worker; `Worker.prototype.postMessage` swaps in the
 *    package's unbundled `wasm-out/tfjs-backend-wasm-threaded-simd.js`.
 * 4. The C++ side caps the pool at (logical cores)/2, assuming hyperthreads, which is 1 on a 2-vCPU
 *    machine; `os.cpus()` reports 2·n entries while the backend starts.
 * Afterwards every pthread worker is `unref`-ed: they only run while the main thread waits on a kernel,
 * and a ref-ed one would keep the process alive after its work is done.
 * These lean on Emscripten-glue internals of 4.22.0; any other version is refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  type BackendWasm,
  getThreadsCount,
  setThreadsCount,
  version_wasm,
} from '@tensorflow/tfjs-backend-wasm';
import { tf } from './tf.js';

const SUPPORTED_VERSION = '4.22.0';

interface PThreadPool {
  readonly unusedWorkers: readonly Worker[];
  readonly runningWorkers: readonly Worker[];
}

/** The unbundled Emscripten factory of the threaded build, shipped in the package. */
const threadedScriptPath = (): string => {
  const require = createRequire(import.meta.url);
  return join(
    dirname(require.resolve('@tensorflow/tfjs-backend-wasm')),
    '..',
    'wasm-out',
    'tfjs-backend-wasm-threaded-simd.js',
  );
};

/**
 * Starts the wasm backend with `threads` XNNPACK threads and returns the count it reports. Must run
 * before the wasm backend is first initialised in this process.
 */
export const startThreadedWasm = async (threads: number): Promise<number> => {
  if (!Number.isInteger(threads) || threads < 2 || threads > 8) {
    throw new RangeError(`threaded wasm: threads must be an integer in [2, 8], got ${threads}`);
  }
  if (version_wasm !== SUPPORTED_VERSION) {
    throw new Error(
      `threaded wasm: verified with tfjs-backend-wasm ${SUPPORTED_VERSION} only, found ${version_wasm}`,
    );
  }
  if ((tf.engine() as unknown as { registry: Record<string, unknown> }).registry['wasm'] !== undefined) {
    throw new Error(
      'threaded wasm: the wasm backend already started single-threaded in this process; ask for threads on the first initBackend call',
    );
  }
  const directory = mkdtempSync(join(os.tmpdir(), 'offrl-wasm-threads-'));
  const script = threadedScriptPath();
  const parts = new WeakMap<Blob, readonly unknown[]>();
  const stock = {
    Blob: globalThis.Blob,
    createObjectURL: URL.createObjectURL,
    postMessage: Worker.prototype.postMessage,
    cpus: os.cpus,
  };
  let files = 0;
  globalThis.Blob = class RecordingBlob extends stock.Blob {
    constructor(...args: ConstructorParameters<typeof Blob>) {
      super(...args);
      parts.set(this, args[0] ?? []);
    }
  };
  URL.createObjectURL = (blob: Blob): string => {
    const recorded = parts.get(blob);
    if (recorded === undefined || !recorded.every((part) => typeof part === 'string'))
      return stock.createObjectURL(blob);
    const file = join(directory, `blob-${files++}.cjs`);
    writeFileSync(file, recorded.join(''));
    return file;
  };
  Worker.prototype.postMessage = function postMessage(this: Worker, message: unknown, ...rest: unknown[]) {
    const load =
      typeof message === 'object' && message !== null && (message as { cmd?: unknown }).cmd === 'load'
        ? { ...message, urlOrBlob: script }
        : message;
    return (stock.postMessage as (this: Worker, ...args: unknown[]) => void).call(this, load, ...rest);
  };
  const cpus = stock.cpus();
  os.cpus = () => Array.from({ length: 2 * threads }, (_, i) => cpus[i % cpus.length]!);
  try {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    setThreadsCount(threads);
    if (!(await tf.setBackend('wasm'))) throw new Error('threaded wasm: the backend failed to initialise');
  } finally {
    globalThis.Blob = stock.Blob;
    URL.createObjectURL = stock.createObjectURL;
    Worker.prototype.postMessage = stock.postMessage;
    os.cpus = stock.cpus;
    // The workers have read their scripts by the time the backend is up.
    rmSync(directory, { recursive: true, force: true });
  }
  const pool = (tf.backend() as BackendWasm).wasm as unknown as { PThread?: PThreadPool };
  if (pool.PThread === undefined)
    throw new Error('threaded wasm: the threaded build did not load (no PThread pool)');
  for (const worker of [...pool.PThread.unusedWorkers, ...pool.PThread.runningWorkers]) worker.unref();
  return getThreadsCount();
};
