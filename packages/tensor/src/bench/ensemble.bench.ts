/**
 * `tensor.ensemble-grad`: value and gradient of an MSE loss through an ensemble of 2×256 ReLU critics
 * (23 → 256 → 256 → 1, batch 256, shared input), in ms, for each formulation of nn/ensemble.ts
 * ('members': per-member 2-D GEMMs with the fast dense gradient; 'batched': rank-3 matMul with
 * autodiff), on wasm and cpu, interleaved round by round; medians. The 'members' record carries
 * `ratio` = batched / members. This is the measurement behind the formulation that 'auto' picks.
 */
import { initBackend } from '../backend.js';
import { valueAndGrad } from '../grad.js';
import { type EnsembleFormulation, ensemble } from '../nn/ensemble.js';
import type { MlpParams } from '../nn/mlp.js';
import { makeKey } from '../random.js';
import { type Scalar, tf } from '../tf.js';
import { disposeTree } from '../tree.js';

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const bench = async (
  backend: 'wasm' | 'cpu',
  members: number,
  warmup: number,
  rounds: number,
  perRound: number,
) => {
  await initBackend({ backend, quiet: true });
  const net = ensemble({ inputSize: 23, hiddenSizes: [256, 256], outputSize: 1, members });
  const params = net.init(makeKey(1));
  const x = tf.randomNormal([256, 23], 0, 1, 'float32', 2);
  const y = tf.randomNormal([members, 256, 1], 0, 1, 'float32', 3);
  const run = (formulation: EnsembleFormulation): number => {
    const start = performance.now();
    tf.tidy(() => {
      const loss = (p: MlpParams) => ({
        loss: tf.mean(
          tf.square(tf.sub(net.apply(p, x, { formulation, stopInputGradient: true }), y)),
        ) as Scalar,
        metrics: {},
      });
      const { grads } = valueAndGrad(loss, params);
      disposeTree(grads);
    });
    return performance.now() - start;
  };
  const formulations = ['members', 'batched'] as const;
  for (let i = 0; i < warmup; i++) for (const f of formulations) run(f);
  const times: Record<(typeof formulations)[number], number[]> = { members: [], batched: [] };
  for (let round = 0; round < rounds; round++) {
    for (const f of formulations) for (let i = 0; i < perRound; i++) times[f].push(run(f));
  }
  disposeTree(params);
  tf.dispose([x, y]);
  const ms = { members: median(times.members), batched: median(times.batched) };
  for (const f of formulations) {
    console.log(
      JSON.stringify({
        name: 'tensor.ensemble-grad',
        backend,
        formulation: f,
        members,
        value: Number(ms[f].toFixed(3)),
        unit: 'ms',
        ...(f === 'members' ? { ratio: Number((ms.batched / ms.members).toFixed(2)) } : {}),
        samples: times[f].length,
      }),
    );
  }
};

await bench('wasm', 5, 3, 5, 4);
await bench('wasm', 10, 1, 2, 3);
await bench('cpu', 2, 1, 2, 2);
