/**
 * `recipes.<name>.update`: ms per update of a recipe at the reference sizes (2×256 MLPs, batch 256,
 * halfcheetah dimensions: observations 17, actions 6), on wasm (and on cpu with `OFFRL_BENCH_CPU=1`,
 * where an update takes about a second). Random batches are made once, outside the timing. For
 * TD3+BC the median is over pairs of updates ÷ 2 (one critic-only, one with the actor), as
 * performance.md §5 reports it. Each record carries the PyTorch and the hand-written tfjs-wasm times of
 * performance.md (one thread) and the ratios to them. Prints one JSON object per line.
 */
import { type Batch, disposeTree, initBackend, makeKey, type TensorTree, tf } from '@offrl/tensor';
import { awac } from '../awac.js';
import { cql } from '../cql.js';
import { iql } from '../iql.js';
import type { Recipe } from '../recipe.js';
import { td3bc } from '../td3bc.js';

const dimensions = { observationDim: 17, actionDim: 6, actionScale: 1 };
const BATCH = 256;
/** performance.md §4–5, one thread: PyTorch 2.13 (MKL) and the careful tfjs-wasm port. */
const references: Record<string, { pytorch: number; tfjsPort: number | null }> = {
  iql: { pytorch: 6.5, tfjsPort: 27.5 },
  td3bc: { pytorch: 4.7, tfjsPort: 22.1 },
  awac: { pytorch: 11.0, tfjsPort: 55.5 },
  // CQL was not ported to tfjs in performance.md.
  cql: { pytorch: 124, tfjsPort: null },
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const randomBatch = (): Batch =>
  tf.tidy(() => ({
    observations: tf.randomNormal([BATCH, 17], 0, 1, 'float32', 1),
    actions: tf.randomUniform([BATCH, 6], -1, 1, 'float32', 2),
    rewards: tf.randomNormal([BATCH], 0, 1, 'float32', 3),
    nextObservations: tf.randomNormal([BATCH, 17], 0, 1, 'float32', 4),
    terminals: tf.zeros([BATCH]),
  })) as Batch;

/** Median ms of `updatesPerSample` consecutive updates ÷ that count, after `warmup` updates. */
const time = <S extends TensorTree>(recipe: Recipe<S>, warmup: number, samples: number, per: number) => {
  const batch = randomBatch();
  let state = recipe.init(makeKey(0));
  let step = 0;
  const run = () => {
    const { state: next, metrics } = recipe.update(state, batch, { key: makeKey(step), step, donate: true });
    for (const metric of Object.values(metrics)) metric.dispose();
    disposeTree(state);
    state = next;
    step++;
  };
  for (let i = 0; i < warmup; i++) run();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    for (let j = 0; j < per; j++) run();
    times.push((performance.now() - start) / per);
  }
  disposeTree(state);
  disposeTree(batch as unknown as TensorTree);
  return median(times);
};

const bench = async (backend: 'wasm' | 'cpu', warmup: number, samples: number) => {
  await initBackend({ backend, quiet: true });
  // Reference sizes: 2×256 (IQL, TD3+BC), CORL's 3×256 (AWAC, CQL with 10 sampled actions of each kind).
  const recipes = {
    iql: iql(dimensions),
    td3bc: td3bc(dimensions),
    awac: awac(dimensions),
    cql: cql(dimensions),
  };
  const only = process.env['OFFRL_BENCH_ONLY']?.split(',');
  for (const [name, recipe] of Object.entries(recipes)) {
    if (only !== undefined && !only.includes(name)) continue;
    // A CQL update is ~10× the others: fewer samples keep the run short.
    const [w, n] = name === 'cql' ? [Math.min(warmup, 5), Math.min(samples, 15)] : [warmup, samples];
    const ms = time(recipe as Recipe<TensorTree>, w, n, name === 'td3bc' ? 2 : 1);
    const reference = references[name]!;
    console.log(
      JSON.stringify({
        name: `recipes.${name}.update`,
        backend,
        value: Number(ms.toFixed(2)),
        unit: 'ms',
        batch: BATCH,
        // Whether tensor's native matMul accelerator may run (OFFRL_NATIVE unset: used when it loads).
        native: process.env['OFFRL_NATIVE'] ?? 'auto',
        hidden: name === 'awac' || name === 'cql' ? [256, 256, 256] : [256, 256],
        dims: [17, 6],
        pytorchMs: reference.pytorch,
        ratioToPytorch: Number((ms / reference.pytorch).toFixed(2)),
        tfjsPortMs: reference.tfjsPort,
        ratioToTfjsPort: reference.tfjsPort === null ? null : Number((ms / reference.tfjsPort).toFixed(2)),
      }),
    );
  }
};

await bench('wasm', 20, 60);
if (process.env['OFFRL_BENCH_CPU'] === '1') await bench('cpu', 2, 5);
process.exit(0);
