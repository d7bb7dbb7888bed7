/**
 * `tensor.update-profile`: where the time of the IQL-shaped update (iql-shaped.ts, donated, wasm with
 * the default matMul provider) goes, by a kernel-timing shim: every kernel registered for wasm is
 * re-registered wrapped in a timer, and `engine.runKernel` is wrapped to time whole ops (the kernel plus
 * the engine's dispatch, tape and tensor bookkeeping). Prints a summary record (ms per update without
 * and with the shim, ops and kernel calls per update, ms in ops, ms in kernels that no other kernel
 * called, the part of it run outside ops (the fused MLP's kernels, nn/mlp-kernel.ts, are called directly,
 * not dispatched), and the rest: gradients' bookkeeping, scopes, disposal, tree handling) and one record
 * per kernel name, by time. Kernels called by other kernels (the products inside `OffrlDense`) are
 * counted in both records.
 */
import { initBackend } from '../backend.js';
import { tf } from '../tf.js';
import { disposeTree, type TensorTree } from '../tree.js';
import { iqlShapedUpdate } from './iql-shaped.js';

const WARMUP = 30;
const UPDATES = 100;

await initBackend({ backend: 'wasm', quiet: true });
const iql = iqlShapedUpdate();
let state = iql.init();
const update = () => {
  const next = tf.tidy(() => iql.step(state, { donate: true }));
  disposeTree(state as unknown as TensorTree);
  state = next;
};
const timed = (): number => {
  const start = performance.now();
  for (let i = 0; i < UPDATES; i++) update();
  return (performance.now() - start) / UPDATES;
};
for (let i = 0; i < WARMUP; i++) update();
const plain = timed();

const kernels = new Map<string, { calls: number; ms: number }>();
/** Kernels running now; time in kernels no other kernel called, and in those of them run outside ops. */
let kernelDepth = 0;
let outermostMs = 0;
let outsideOpsKernelMs = 0;
/** Ops (`runKernel` calls) running now. */
let depth = 0;
for (const config of tf.getKernelsForBackend('wasm')) {
  const inner = config.kernelFunc;
  tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel({
    ...config,
    kernelFunc: (args) => {
      const start = performance.now();
      const outermost = kernelDepth++ === 0;
      try {
        return inner(args);
      } finally {
        kernelDepth--;
        const ms = performance.now() - start;
        const entry = kernels.get(config.kernelName) ?? { calls: 0, ms: 0 };
        entry.calls++;
        entry.ms += ms;
        kernels.set(config.kernelName, entry);
        if (outermost) outermostMs += ms;
        if (outermost && depth === 0) outsideOpsKernelMs += ms;
      }
    },
  });
}
const engine = tf.engine();
const runKernel = engine.runKernel.bind(engine);
let ops = 0;
let opMs = 0;
engine.runKernel = ((...args: Parameters<typeof runKernel>) => {
  if (depth++ > 0) {
    try {
      return runKernel(...args);
    } finally {
      depth--;
    }
  }
  const start = performance.now();
  try {
    return runKernel(...args);
  } finally {
    depth--;
    ops++;
    opMs += performance.now() - start;
  }
}) as typeof engine.runKernel;
const shimmed = timed();

const rows = [...kernels.entries()].sort((a, b) => b[1].ms - a[1].ms);
const perUpdate = (value: number) => Number((value / UPDATES).toFixed(3));
console.log(
  JSON.stringify({
    name: 'tensor.update-profile.iql-update',
    backend: 'wasm',
    value: Number(plain.toFixed(3)),
    unit: 'ms',
    shimmedMs: Number(shimmed.toFixed(3)),
    opsPerUpdate: perUpdate(ops),
    kernelCallsPerUpdate: perUpdate(rows.reduce((sum, [, { calls }]) => sum + calls, 0)),
    opMs: perUpdate(opMs),
    kernelMs: perUpdate(outermostMs),
    kernelOutsideOpsMs: perUpdate(outsideOpsKernelMs),
    bookkeepingMs: Number((shimmed - (opMs + outsideOpsKernelMs) / UPDATES).toFixed(3)),
  }),
);
for (const [kernel, { calls, ms }] of rows)
  console.log(
    JSON.stringify({
      name: 'tensor.update-profile.kernel',
      kernel,
      callsPerUpdate: perUpdate(calls),
      value: perUpdate(ms),
      unit: 'ms',
    }),
  );
disposeTree(state as unknown as TensorTree);
iql.dispose();
process.exit(0);
