/**
 * Online training costs on wasm, one JSON object per line:
 * - `online.sac.steps-per-second`: Pendulum-v1 transitions per second of `trainOnline` with SAC at its
 *   defaults (2×256, batch 256), UTD 1, one env: acting, storing and one update per step. Two runs of
 *   different lengths are timed and differenced, so env creation, initialisation and the final
 *   evaluation cancel out.
 * - `online.rlpd.update`: ms per update of RLPD at its defaults (10 LayerNorm critics of 2×256, target
 *   over 2 members, batch 256, halfcheetah sizes 17/6), median over blocks of `utd` = 20 updates (19
 *   critic-only and one with the actor and temperature, RLPD's cycle) ÷ 20.
 */
import { makeVectorEnv } from '@offrl/envs';
import { type Batch, disposeTree, initBackend, makeKey, type TensorTree, tf } from '@offrl/tensor';
import { rlpd, rlpdDefaults } from '../rlpd.js';
import { sac } from '../sac.js';
import { trainOnline } from '../train-online.js';

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const backend = 'wasm';
await initBackend({ backend, quiet: true });
const native = process.env['OFFRL_NATIVE'] ?? 'auto';

// Loads the env module once, so the timed runs do not pay for it.
await (await makeVectorEnv('Pendulum-v1', 1)).close();
const pendulum = { observationDim: 3, actionDim: 1, actionScale: 2 };
const secondsFor = async (envSteps: number): Promise<number> => {
  const start = performance.now();
  const { state } = await trainOnline(sac(pendulum), {
    envId: 'Pendulum-v1',
    envSteps,
    batchSize: 256,
    utd: 1,
    evaluateEvery: envSteps,
    evaluationEpisodes: 1,
  });
  disposeTree(state);
  return (performance.now() - start) / 1000;
};
const [short, long] = [60, 260];
await secondsFor(20);
const elapsed = (await secondsFor(long)) - (await secondsFor(short));
console.log(
  JSON.stringify({
    name: 'online.sac.steps-per-second',
    backend,
    value: Number(((long - short) / elapsed).toFixed(1)),
    unit: 'steps/s',
    utd: 1,
    batch: 256,
    hidden: [256, 256],
    env: 'Pendulum-v1',
    native,
  }),
);

const BATCH = 256;
const dimensions = { observationDim: 17, actionDim: 6, actionScale: 1 };
const recipe = rlpd(dimensions);
const batch = tf.tidy(() => ({
  observations: tf.randomNormal([BATCH, 17], 0, 1, 'float32', 1),
  actions: tf.randomUniform([BATCH, 6], -1, 1, 'float32', 2),
  rewards: tf.randomNormal([BATCH], 0, 1, 'float32', 3),
  nextObservations: tf.randomNormal([BATCH, 17], 0, 1, 'float32', 4),
  terminals: tf.zeros([BATCH]),
})) as Batch;
let state = recipe.init(makeKey(0));
let step = 0;
const block = () => {
  for (let i = 0; i < rlpdDefaults.utd; i++) {
    const { state: next, metrics } = recipe.update(state, batch, { key: makeKey(step), step });
    for (const metric of Object.values(metrics)) metric.dispose();
    disposeTree(state);
    state = next;
    step++;
  }
};
block();
const times: number[] = [];
for (let i = 0; i < 5; i++) {
  const start = performance.now();
  block();
  times.push((performance.now() - start) / rlpdDefaults.utd);
}
disposeTree(state);
disposeTree(batch as unknown as TensorTree);
console.log(
  JSON.stringify({
    name: 'online.rlpd.update',
    backend,
    value: Number(median(times).toFixed(2)),
    unit: 'ms',
    batch: BATCH,
    members: rlpdDefaults.members,
    targetMembers: rlpdDefaults.targetMembers,
    hidden: rlpdDefaults.hiddenSizes,
    dims: [17, 6],
    native,
  }),
);
process.exit(0);
