/**
 * `tensor.update-profile`: where the time of the IQL-shaped update (iql-shaped.ts, donated, wasm with
 * the default matMul provider) goes, by a kernel-timing shim: every kernel registered for wasm is
 * re-registered wrapped in a timer, and `engine.runKernel` is wrapped to time whole ops (the kernel plus
 * the engine's dispatch, tape and tensor bookkeeping). Prints a summary record (ms per update without
 * and with the shim, ops and kernel calls per update, ms in kernels, in dispatch, and outside ops:
 * gradients' bookkeeping, scopes, disposal, tree handling) and one record per kernel name, by time.
 * Kernels called by other kernels (the products inside `OffrlDense`) are counted in both.
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
for (const config of tf.getKernelsForBackend('wasm')) {
  const inner = config.kernelFunc;
  tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel({
    ...config,
    kernelFunc: (args) => {
      const start = performance.now();
      const out = inner(args);
      const entry = kernels.get(config.kernelName) ?? { calls: 0, ms: 0 };
      entry.calls++;
      entry.ms += performance.now() - start;
      kernels.set(config.kernelName, entry);
      return out;
    },
  });
}
const engine = tf.engine();
const runKernel = engine.runKernel.bind(engine);
let depth = 0;
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
// Top-level kernel time: ops whose kernels call others (OffrlDense…) would count the inner ones twice.
const nested = new Set(['_FusedMatMul', 'BatchMatMul', 'Reshape', 'Transpose', 'Tanh', 'Step', 'Multiply']);
const kernelMs = rows.reduce((sum, [name, { ms }]) => (nested.has(name) ? sum : sum + ms), 0);
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
    outsideOpsMs: Number((shimmed - opMs / UPDATES).toFixed(3)),
    note: `kernel ms of ops that are not nested: ${perUpdate(kernelMs)}`,
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
