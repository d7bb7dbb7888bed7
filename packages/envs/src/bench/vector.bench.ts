/**
 * Vector-env throughput (env steps per second summed over the envs) on the calling thread and
 * over 2 worker threads, and the memory cost of 1,000 Hopper envs in one physics module.
 */
import { physicsHeapBytes } from '../physics.js';
import { Random } from '../random.js';
import { makeVectorEnv } from '../vector-env.js';
import { report, throughputAsync } from './measure.js';

const numEnvs = 32;

for (const id of ['Hopper-v5', 'HalfCheetah-v5']) {
  for (const workers of [1, 2]) {
    const vector = await makeVectorEnv(id, numEnvs, { workers });
    const actionSize = vector.actionSpace.shape[0] as number;
    const random = new Random(0);
    const actions = new Float64Array(numEnvs * actionSize);
    await vector.reset({ seed: 0 });
    const chunk = async () => {
      for (let t = 0; t < 20; t++) {
        for (let k = 0; k < actions.length; k++) actions[k] = random.uniform(-1, 1);
        await vector.step(actions);
      }
      return 20 * numEnvs;
    };
    await throughputAsync(0.5, chunk); // warm-up (each worker tiers up its own wasm)
    const rate = await throughputAsync(3, chunk);
    await vector.close();
    const task = id.replace(/-v\d+$/, '').toLowerCase();
    report({
      name: `envs.${task}.vector-${numEnvs}.workers-${workers}.steps-per-second`,
      value: Math.round(rate),
      unit: 'steps/s',
      env: id,
      numEnvs,
      workers,
    });
  }
}

// 1,000 Hopper envs in one module: each MjData uses a 256 KB arena (`<size memory>`), not MuJoCo's ~14 MB default.
const heapBefore = await physicsHeapBytes();
const rssBefore = process.memoryUsage().rss;
const start = performance.now();
const many = await makeVectorEnv('Hopper-v5', 1000);
const createSeconds = (performance.now() - start) / 1000;
await many.reset({ seed: 0 });
const random = new Random(1);
const actions = Float64Array.from({ length: 3000 }, () => random.uniform(-1, 1));
for (let t = 0; t < 10; t++) await many.step(actions);
const heapAfter = await physicsHeapBytes();
report({
  name: 'envs.hopper.1000-envs.wasm-heap-bytes',
  value: heapAfter - heapBefore,
  unit: 'bytes',
  numEnvs: 1000,
  wasmHeapTotalBytes: heapAfter,
  rssGrowthBytes: process.memoryUsage().rss - rssBefore,
  createSeconds: +createSeconds.toFixed(2),
});
await many.close();
