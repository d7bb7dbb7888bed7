/**
 * `tensor.mlp-update`: one critic update of a 2×256 ReLU MLP (23 → 256 → 256 → 1), batch 256, MSE,
 * Adam, in ms per update, on wasm and cpu. In the same run, interleaved round by round, the same
 * workload written the plain way (`tensor.mlp-update.naive`: `tf.matMul` + `tf.add` + `tf.relu`, tfjs
 * autodiff and `tf.train.adam`, as performance.md §5 "naive"). Medians over all timed updates; the fast
 * record carries `ratio` = naive / fast from the same run. Prints one JSON object per line.
 *
 * `OFFRL_WASM_THREADS=2` runs the wasm part on the threaded SIMD build (records carry `threads`).
 *
 * Fast path: `mlp` (on wasm with an accelerated matMul, the whole MLP as one tape node, mlp-kernel.ts;
 * elsewhere fused dense layers with their custom gradient; input gradient skipped), `valueAndGrad` and
 * the functional `adam` of src/optim. On wasm the same update also runs on the per-layer path
 * (`withPerLayerMlp`), interleaved: `tensor.mlp-update.per-layer`, whose `ratio` is per-layer / fast.
 */
import { initBackend } from '../backend.js';
import { valueAndGrad } from '../grad.js';
import { type MlpParams, mlp } from '../nn/mlp.js';
import { withPerLayerMlp } from '../nn/mlp-kernel.js';
import { adam } from '../optim/adam.js';
import { makeKey } from '../random.js';
import { type Scalar, type Tensor, tf } from '../tf.js';
import { disposeTree, flattenTree } from '../tree.js';

const INPUT = 23;
const HIDDEN = 256;
const BATCH = 256;
const LR = 3e-4;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** A timed update: runs one step and returns its duration in ms. */
type Update = () => number;

const fastUpdate = (x: Tensor, y: Tensor): { update: Update; dispose: () => void } => {
  const net = mlp({ inputSize: INPUT, hiddenSizes: [HIDDEN, HIDDEN], outputSize: 1 });
  const optimizer = adam({ learningRate: LR });
  let params = net.init(makeKey(1));
  let state = optimizer.init(params);
  const mse = (p: MlpParams) => ({
    loss: tf.mean(tf.square(tf.sub(net.apply(p, x, { stopInputGradient: true }), y))) as Scalar,
    metrics: {},
  });
  return {
    update: () => {
      const start = performance.now();
      const next = tf.tidy(() => {
        const { grads } = valueAndGrad(mse, params);
        return optimizer.update(grads, state, params);
      });
      const elapsed = performance.now() - start;
      disposeTree(params);
      disposeTree(state);
      params = next.params;
      state = next.state;
      return elapsed;
    },
    dispose: () => {
      disposeTree(params);
      disposeTree(state);
    },
  };
};

const naiveUpdate = (x: Tensor, y: Tensor): { update: Update; dispose: () => void } => {
  // The same initial parameters as the fast path, as tf.Variables.
  const init = mlp({ inputSize: INPUT, hiddenSizes: [HIDDEN, HIDDEN], outputSize: 1 }).init(makeKey(1));
  const v = Object.fromEntries(flattenTree(init).map(({ path, tensor }) => [path, tf.variable(tensor)]));
  disposeTree(init);
  const layer = (h: Tensor, name: string) => tf.add(tf.matMul(h, v[`${name}.kernel`]!), v[`${name}.bias`]!);
  const optimizer = tf.train.adam(LR);
  return {
    update: () => {
      const start = performance.now();
      tf.tidy(() => {
        optimizer.minimize(() => {
          const h = tf.relu(layer(tf.relu(layer(x, 'hidden0')), 'hidden1'));
          return tf.mean(tf.square(tf.sub(layer(h, 'output'), y))) as Scalar;
        });
      });
      return performance.now() - start;
    },
    dispose: () => {
      optimizer.dispose();
      for (const variable of Object.values(v)) variable.dispose();
    },
  };
};

const bench = async (backend: 'wasm' | 'cpu', warmup: number, rounds: number, perRound: number) => {
  const report = await initBackend({ backend, quiet: true });
  const x = tf.randomNormal([BATCH, INPUT], 0, 1, 'float32', 11);
  const y = tf.randomNormal([BATCH, 1], 0, 1, 'float32', 12);
  const fast = fastUpdate(x, y);
  const naive = naiveUpdate(x, y);
  const perLayer = fastUpdate(x, y);
  const perLayerUpdate = () => withPerLayerMlp(perLayer.update);
  const variants = backend === 'wasm' ? 3 : 2;
  for (let i = 0; i < warmup; i++) {
    fast.update();
    naive.update();
    if (variants === 3) perLayerUpdate();
  }
  const times = { fast: [] as number[], naive: [] as number[], perLayer: [] as number[] };
  const tensorsBefore = tf.memory().numTensors;
  // Alternate whole rounds, so that drift of the shared machine hits the variants alike.
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < perRound; i++) times.fast.push(fast.update());
    for (let i = 0; i < perRound; i++) times.naive.push(naive.update());
    if (variants === 3) for (let i = 0; i < perRound; i++) times.perLayer.push(perLayerUpdate());
  }
  const leaked = tf.memory().numTensors - tensorsBefore;
  fast.dispose();
  naive.dispose();
  perLayer.dispose();
  tf.dispose([x, y]);
  const fastMs = median(times.fast);
  const naiveMs = median(times.naive);
  const common = {
    backend,
    unit: 'ms',
    ...(report.threads === undefined ? {} : { threads: report.threads }),
    updates: times.fast.length,
    batch: BATCH,
    net: '23-256-256-1 relu',
  };
  console.log(
    JSON.stringify({
      name: 'tensor.mlp-update',
      ...common,
      value: Number(fastMs.toFixed(3)),
      ratio: Number((naiveMs / fastMs).toFixed(2)),
      optimizer: 'adam (src/optim)',
      leakedTensors: leaked,
    }),
  );
  console.log(
    JSON.stringify({
      name: 'tensor.mlp-update.naive',
      ...common,
      value: Number(naiveMs.toFixed(3)),
      optimizer: 'tf.train.adam',
    }),
  );
  if (variants === 3) {
    const perLayerMs = median(times.perLayer);
    console.log(
      JSON.stringify({
        name: 'tensor.mlp-update.per-layer',
        ...common,
        value: Number(perLayerMs.toFixed(3)),
        ratio: Number((perLayerMs / fastMs).toFixed(2)),
        matmul: report.matmul?.provider,
      }),
    );
  }
};

// The cpu backend is ~100× slower than wasm: few updates there.
await bench('wasm', 30, 10, 20);
await bench('cpu', 3, 4, 3);
