/**
 * `datasets.sample`: the cost of one uniform batch (256 rows, observation 17, action 6: the
 * halfcheetah shape) from a 1M-row dataset into a preallocated batch, and of one 50/50 mixed
 * offline/online batch. PyTorch (CORL's ReplayBuffer.sample) spends about 0.17 ms on such a batch
 * on this machine (shared/reference/performance.md). Prints one JSON object per line.
 */
import { loadavg } from 'node:os';
import { sampleMixedInto } from '../mixed-sampler.js';
import { ReplayBuffer } from '../replay-buffer.js';
import { createBatch, sampleInto } from '../sampler.js';
import { transitionsOrThrow } from '../transitions.js';

const ROWS = 1_000_000;
const OBSERVATION_DIM = 17;
const ACTION_DIM = 6;
const BATCH = 256;

function filled(length: number, seed: number): Float32Array {
  const values = new Float32Array(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0; // LCG: cheap fill, content does not matter
    values[i] = x / 2 ** 32 - 0.5;
  }
  return values;
}

/**
 * Median and minimum over `repeats` of the mean time per call of `calls` calls, in milliseconds.
 * The minimum is the least disturbed by other processes on a shared machine.
 */
function timeMs(run: (i: number) => void, calls: number, repeats: number): { median: number; min: number } {
  for (let i = 0; i < calls; i++) run(i); // warm-up: JIT and caches
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) run(r * calls + i);
    times.push(Number(process.hrtime.bigint() - start) / 1e6 / calls);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, min: times[0]! };
}

const dataset = transitionsOrThrow({
  observationDim: OBSERVATION_DIM,
  actionDim: ACTION_DIM,
  observations: filled(ROWS * OBSERVATION_DIM, 1),
  actions: filled(ROWS * ACTION_DIM, 2),
  rewards: filled(ROWS, 3),
  nextObservations: filled(ROWS * OBSERVATION_DIM, 4),
  terminals: Uint8Array.from({ length: ROWS }, (_, i) => (i % 1000 === 999 ? 1 : 0)),
});
const online = new ReplayBuffer({
  capacity: 100_000,
  observationDim: OBSERVATION_DIM,
  actionDim: ACTION_DIM,
});
online.addMany({
  observations: dataset.observations.subarray(0, 100_000 * OBSERVATION_DIM),
  actions: dataset.actions.subarray(0, 100_000 * ACTION_DIM),
  rewards: dataset.rewards.subarray(0, 100_000),
  nextObservations: dataset.nextObservations.subarray(0, 100_000 * OBSERVATION_DIM),
  terminals: dataset.terminals.subarray(0, 100_000),
});
const batch = createBatch({ size: BATCH, observationDim: OBSERVATION_DIM, actionDim: ACTION_DIM });

const shape = { batch: BATCH, observationDim: OBSERVATION_DIM, actionDim: ACTION_DIM, rows: ROWS };
const uniform = timeMs((i) => sampleInto(batch, dataset, i), 2000, 15);
const context = { loadAverage: loadavg()[0], pytorchMs: 0.17 };
console.log(
  JSON.stringify({
    name: 'datasets.sample',
    backend: 'none',
    value: uniform.median,
    unit: 'ms',
    minMs: uniform.min,
    ...shape,
    ...context,
  }),
);
const mixed = timeMs((i) => sampleMixedInto(batch, dataset, online, i), 2000, 15);
console.log(
  JSON.stringify({
    name: 'datasets.sample-mixed',
    backend: 'none',
    value: mixed.median,
    unit: 'ms',
    minMs: mixed.min,
    ...shape,
    offlineFraction: 0.5,
    ...context,
  }),
);
