/**
 * `recipes.soak.<name>`: memory over a long run of updates (issue 8: "memory stays flat over 1M
 * updates"). IQL and TD3+BC at halfcheetah sizes with small networks (2×64, batch 64, so a million
 * updates fit in minutes), stepped as the training loops step them (`donate: true`, old state disposed),
 * on wasm with the default matMul provider. Every tenth of the run it samples tfjs's live tensor count
 * and bytes, the wasm heap's size and the process's resident set; the record says how much each grew
 * after the first tenth (warm-up: caches, the heap's first growth), and the process exits 1 when the
 * tensor count, tensor bytes or wasm heap grew.
 *   OFFRL_SOAK_UPDATES=1000000 node packages/recipes/dist/bench/soak.bench.js   (default 10 000)
 */
import { type Batch, disposeTree, initBackend, makeKey, type TensorTree, tf } from '@offrl/tensor';
import { iql } from '../iql.js';
import type { Recipe } from '../recipe.js';
import { td3bc } from '../td3bc.js';

const UPDATES = Number(process.env['OFFRL_SOAK_UPDATES'] ?? 10_000);
const SAMPLES = 10;
const BATCH = 64;
const HIDDEN = [64, 64];

await initBackend({ backend: 'wasm', quiet: true });
/** The wasm heap's size (tfjs-backend-wasm's emscripten module; only ever grows). */
const heapBytes = (): number =>
  (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;

interface Sample {
  readonly tensors: number;
  readonly bytes: number;
  readonly heap: number;
  readonly rss: number;
}
const sample = (): Sample => {
  const { numTensors, numBytes } = tf.memory();
  return { tensors: numTensors, bytes: numBytes, heap: heapBytes(), rss: process.memoryUsage().rss };
};

const batch: Batch = {
  observations: tf.randomNormal([BATCH, 17], 0, 1, 'float32', 1),
  actions: tf.randomUniform([BATCH, 6], -1, 1, 'float32', 2),
  rewards: tf.randomNormal([BATCH], 0, 1, 'float32', 3),
  nextObservations: tf.randomNormal([BATCH, 17], 0, 1, 'float32', 4),
  terminals: tf.zeros([BATCH]),
};

const soak = (recipe: Recipe): boolean => {
  let state = recipe.init(makeKey(0));
  const samples: Sample[] = [];
  const start = performance.now();
  for (let step = 0; step < UPDATES; step++) {
    const { state: next, metrics } = recipe.update(state, batch, { key: makeKey(step), step, donate: true });
    disposeTree(state);
    for (const metric of Object.values(metrics)) metric.dispose();
    state = next;
    if ((step + 1) % Math.ceil(UPDATES / SAMPLES) === 0) samples.push(sample());
  }
  const msPerUpdate = (performance.now() - start) / UPDATES;
  disposeTree(state);
  const [first, last] = [samples[0]!, samples.at(-1)!];
  const growth = {
    tensors: last.tensors - first.tensors,
    tensorBytes: last.bytes - first.bytes,
    wasmHeapBytes: last.heap - first.heap,
    rssMiB: Number(((last.rss - first.rss) / 2 ** 20).toFixed(1)),
  };
  console.log(
    JSON.stringify({
      name: `recipes.soak.${recipe.name}`,
      backend: 'wasm',
      value: growth.tensors,
      unit: 'tensors grown',
      updates: UPDATES,
      growth,
      first: { ...first, rss: Math.round(first.rss / 2 ** 20) },
      msPerUpdate: Number(msPerUpdate.toFixed(3)),
      batch: BATCH,
      hidden: HIDDEN,
    }),
  );
  return growth.tensors === 0 && growth.tensorBytes === 0 && growth.wasmHeapBytes === 0;
};

const dimensions = { observationDim: 17, actionDim: 6, actionScale: 1 };
const flat = [
  soak(iql(dimensions, { hiddenSizes: HIDDEN })),
  soak(td3bc(dimensions, { hiddenSizes: HIDDEN })),
];
disposeTree(batch as unknown as TensorTree);
if (!flat.every(Boolean)) {
  console.error('soak: memory grew during the run (see growth in the records above)');
  process.exit(1);
}
