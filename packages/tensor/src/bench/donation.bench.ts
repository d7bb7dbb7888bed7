/**
 * `tensor.donation.iql-update`: the IQL-shaped update (iql-shaped.ts) with the old parameters, Adam
 * state and Polyak targets donated (`{ donate: true }`: consumed, and written in place where
 * optim/kernels.ts allows) against the pure default, interleaved in rounds in one process, on wasm with
 * the default matMul provider. Records: ms per update (median over all timed updates) for each mode,
 * `cpuMs` (the process's CPU time per update: steadier than wall time on a shared, loaded machine),
 * `ratio` and `cpuRatio` = pure / donated from the same run, and whether in-place writes are allowed.
 */
import { initBackend } from '../backend.js';
import { inPlaceWritesSafe } from '../optim/kernels.js';
import { tf } from '../tf.js';
import { disposeTree, type TensorTree } from '../tree.js';
import { iqlShapedUpdate } from './iql-shaped.js';

const ROUNDS = 8;
const PER_ROUND = 25;
const WARMUP = 20;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** An IQL-shaped run that donates or not; `update()` returns the wall and CPU ms of one update. */
const run = (donate: boolean) => {
  const iql = iqlShapedUpdate();
  let state = iql.init();
  return {
    update: (): { wall: number; cpu: number } => {
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      const next = tf.tidy(() => iql.step(state, { donate }));
      disposeTree(state as unknown as TensorTree);
      state = next;
      const wall = performance.now() - start;
      const { user, system } = process.cpuUsage(cpuStart);
      return { wall, cpu: (user + system) / 1000 };
    },
    dispose: () => {
      disposeTree(state as unknown as TensorTree);
      iql.dispose();
    },
  };
};

const report = await initBackend({ backend: 'wasm', quiet: true });
const modes = { pure: run(false), donated: run(true) };
const times: Record<keyof typeof modes, { wall: number; cpu: number }[]> = { pure: [], donated: [] };
for (const mode of Object.values(modes)) for (let i = 0; i < WARMUP; i++) mode.update();
for (let round = 0; round < ROUNDS; round++) {
  // Alternate which mode goes first, so drift in the machine's load falls on both.
  const order = round % 2 === 0 ? (['pure', 'donated'] as const) : (['donated', 'pure'] as const);
  for (const name of order) for (let i = 0; i < PER_ROUND; i++) times[name].push(modes[name].update());
}
for (const mode of Object.values(modes)) mode.dispose();
const wall = (mode: keyof typeof modes) => median(times[mode].map((t) => t.wall));
const cpu = (mode: keyof typeof modes) => times[mode].reduce((sum, t) => sum + t.cpu, 0) / times[mode].length;
for (const mode of ['pure', 'donated'] as const) {
  console.log(
    JSON.stringify({
      name: 'tensor.donation.iql-update',
      backend: 'wasm',
      mode,
      value: Number(wall(mode).toFixed(3)),
      unit: 'ms',
      cpuMs: Number(cpu(mode).toFixed(3)),
      matmul: report.matmul?.provider,
      inPlace: inPlaceWritesSafe(),
      ...(mode === 'donated'
        ? {
            ratio: Number((wall('pure') / wall('donated')).toFixed(3)),
            cpuRatio: Number((cpu('pure') / cpu('donated')).toFixed(3)),
          }
        : {}),
    }),
  );
}
process.exit(0);
