/**
 * `tensor.matmul-accel.*`: the wasm backend with its stock matMul kernels (XNNPACK) against the same
 * backend with `BatchMatMul`/`_FusedMatMul` on each engine of src/accel: onnxruntime-node on one and two
 * ORT threads, and offrl's wasm GEMM in its relaxed-SIMD and SIMD-128 builds. All variants run in one
 * process and are interleaved round by round (the machine is shared and drifts), and every record
 * carries `provider` (stock-wasm | ort | wasm), `threads` or `simd`, and `ratio` = stock / this.
 *
 * - `tensor.matmul-accel.gemm`: GFLOP/s of one m×k·k×n product, plain (NN), xᵀ·dz (TN), dz·Wᵀ (NT), for
 *   256×256×256, a first layer's 256×23×256 and a small 64×64×64.
 * - `tensor.matmul-accel.mlp-update`: the `tensor.mlp-update` step (23-256-256-1, batch 256, Adam), ms.
 * - `tensor.matmul-accel.iql-update`: an IQL-shaped step (performance.md §5): twin Q (23-256-256-1) with
 *   Polyak targets, V (17-256-256-1), Gaussian actor (17-256-256-6, tanh mean, state-independent log
 *   std), batch 256, expectile 0.7, β = 3, γ = 0.99, one tape for the three losses, Adam 3e-4, ms.
 */

import type { GemmEngineLoad } from '../accel/gemm-engine.js';
import { installAcceleratedMatMul, uninstallAcceleratedMatMul } from '../accel/matmul-kernels.js';
import { loadOrtGemm } from '../accel/ort-gemm.js';
import { loadWasmGemm } from '../accel/wasm-gemm.js';
import { initBackend } from '../backend.js';
import { valueAndGrad } from '../grad.js';
import { type MlpParams, mlp } from '../nn/mlp.js';
import { adam } from '../optim/adam.js';
import { makeKey } from '../random.js';
import { type Scalar, tf } from '../tf.js';
import { disposeTree, type TensorTree } from '../tree.js';
import { iqlShapedUpdate } from './iql-shaped.js';

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

interface Provider {
  readonly label: string;
  readonly record: { provider: 'stock-wasm' | 'ort' | 'wasm'; threads?: number; simd?: string };
  readonly use: () => void;
}

/** A workload: one timed call returns ms. */
type Timed = () => number;

/** Times `workload` under each provider, rounds interleaved; returns medians keyed by label. */
const interleave = (
  providers: readonly Provider[],
  make: () => { run: Timed; dispose: () => void },
  warmup: number,
  rounds: number,
  perRound: number,
): Map<string, number> => {
  const times = new Map(providers.map((p) => [p.label, [] as number[]]));
  const workload = make();
  for (const provider of providers) {
    provider.use();
    for (let i = 0; i < warmup; i++) workload.run();
  }
  for (let round = 0; round < rounds; round++) {
    for (const provider of providers) {
      provider.use();
      for (let i = 0; i < perRound; i++) times.get(provider.label)!.push(workload.run());
    }
  }
  workload.dispose();
  return new Map([...times].map(([label, values]) => [label, median(values)]));
};

const gemmWorkload = (m: number, k: number, n: number, transposeA: boolean, transposeB: boolean) => () => {
  const a = tf.randomNormal(transposeA ? [k, m] : [m, k], 0, 1, 'float32', 1);
  // A fresh weight tensor each call, as in training (XNNPACK re-packs weights per tensor id).
  return {
    run: () => {
      const b = tf.randomNormal(transposeB ? [n, k] : [k, n], 0, 1, 'float32', 2);
      const start = performance.now();
      const y = tf.matMul(a, b, transposeA, transposeB);
      y.dataSync();
      const elapsed = performance.now() - start;
      tf.dispose([b, y]);
      return elapsed;
    },
    dispose: () => a.dispose(),
  };
};

/** Runs `step` on a state value, replacing and disposing the old one; times the step only. */
const stepper =
  <S extends TensorTree>(init: () => S, step: (state: S) => S) =>
  () => {
    let state = init();
    return {
      run: () => {
        const start = performance.now();
        const next = tf.tidy(() => step(state));
        // Waiting for the values makes the time the whole update's on any backend.
        for (const leaf of Object.values(next)) if (leaf instanceof tf.Tensor) leaf.dataSync();
        const elapsed = performance.now() - start;
        disposeTree(state);
        state = next;
        return elapsed;
      },
      dispose: () => disposeTree(state),
    };
  };

const mlpUpdate = () => {
  const net = mlp({ inputSize: 23, hiddenSizes: [256, 256], outputSize: 1 });
  const optimizer = adam({ learningRate: 3e-4 });
  const x = tf.keep(tf.randomNormal([256, 23], 0, 1, 'float32', 11));
  const y = tf.keep(tf.randomNormal([256, 1], 0, 1, 'float32', 12));
  type State = { params: MlpParams; opt: TensorTree; loss: Scalar };
  const make = stepper<State>(
    () => {
      const params = net.init(makeKey(1));
      return { params, opt: optimizer.init(params), loss: tf.scalar(0) };
    },
    ({ params, opt }) => {
      const mse = (p: MlpParams) => ({
        loss: tf.mean(tf.square(tf.sub(net.apply(p, x, { stopInputGradient: true }), y))) as Scalar,
        metrics: {},
      });
      const { loss, grads } = valueAndGrad(mse, params);
      const next = optimizer.update(grads, opt as never, params);
      return { params: next.params, opt: next.state, loss };
    },
  );
  return () => {
    const inner = make();
    return {
      run: inner.run,
      dispose: () => {
        inner.dispose();
        tf.dispose([x, y]);
      },
    };
  };
};

const iqlWorkload = () => {
  const iql = iqlShapedUpdate();
  const make = stepper(iql.init, iql.step);
  return () => {
    const inner = make();
    return {
      run: inner.run,
      dispose: () => {
        inner.dispose();
        iql.dispose();
      },
    };
  };
};

const main = async () => {
  const report = await initBackend({ backend: 'wasm', quiet: true, matmul: 'stock' });
  const providers: Provider[] = [
    { label: 'stock-wasm', record: { provider: 'stock-wasm' }, use: uninstallAcceleratedMatMul },
  ];
  const engines: [string, Provider['record'], GemmEngineLoad][] = [
    ...[1, 2].map((threads): [string, Provider['record'], GemmEngineLoad] => [
      `ort-${threads}`,
      { provider: 'ort', threads },
      loadOrtGemm(threads),
    ]),
    ...(['relaxed-simd', 'simd128'] as const).map((simd): [string, Provider['record'], GemmEngineLoad] => [
      `wasm-${simd}`,
      { provider: 'wasm', simd },
      loadWasmGemm({ simd }),
    ]),
  ];
  for (const [label, record, load] of engines) {
    if ('problem' in load) {
      console.error(`matmul-accel bench: ${label} unavailable: ${load.problem}`);
      continue;
    }
    providers.push({ label, record, use: () => installAcceleratedMatMul(load.engine) });
  }
  const emit = (
    name: string,
    unit: string,
    medians: Map<string, number>,
    extra: object,
    toValue = (ms: number) => ms,
  ) => {
    const stock = medians.get('stock-wasm')!;
    for (const provider of providers) {
      const ms = medians.get(provider.label)!;
      console.log(
        JSON.stringify({
          name,
          backend: report.name,
          ...provider.record,
          value: Number(toValue(ms).toFixed(3)),
          unit,
          ratio: Number((stock / ms).toFixed(2)),
          ...extra,
        }),
      );
    }
  };
  for (const [m, k, n] of [
    [256, 256, 256],
    [256, 23, 256],
    [64, 64, 64],
  ] as const) {
    for (const [shape, ta, tb] of [
      ['NN', false, false],
      ['TN', true, false],
      ['NT', false, true],
    ] as const) {
      const medians = interleave(providers, gemmWorkload(m, k, n, ta, tb), 5, 5, 20);
      emit(
        'tensor.matmul-accel.gemm',
        'GFLOP/s',
        medians,
        { shape: `${m}x${k}x${n} ${shape}` },
        (ms) => (2 * m * k * n) / ms / 1e6,
      );
    }
  }
  emit('tensor.matmul-accel.mlp-update', 'ms', interleave(providers, mlpUpdate(), 20, 10, 20), {
    batch: 256,
    net: '23-256-256-1 relu',
  });
  emit('tensor.matmul-accel.iql-update', 'ms', interleave(providers, iqlWorkload(), 20, 10, 20), {
    batch: 256,
    nets: 'twin Q 23-256-256-1 + targets, V 17-256-256-1, actor 17-256-256-6',
  });
  uninstallAcceleratedMatMul();
};

await main();
