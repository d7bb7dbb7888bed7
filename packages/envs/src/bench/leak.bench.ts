/**
 * Memory stability over 1M env steps with resets: the wasm heap (exact; it never shrinks, so any
 * native leak shows) and the JS heap after a forced GC. HalfCheetah is the fastest MuJoCo task
 * (1M steps, 1,000 resets, ≈ 25 s on a quiet 2-core machine); Hopper-v5 with random actions covers frequent resets
 * (one every ~22 steps) over 30k steps.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { physicsHeapBytes } from '../physics.js';
import { Random } from '../random.js';
import { makeEnv } from '../registry.js';
import { report } from './measure.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

for (const [id, steps] of [
  ['HalfCheetah-v5', 1_000_000],
  ['Hopper-v5', 30_000],
] as const) {
  const env = await makeEnv(id);
  const random = new Random(0);
  const action = new Float64Array(env.actionSpace.shape[0] as number);
  let resets = 0;
  const run = (count: number) => {
    for (let t = 0; t < count; t++) {
      for (let i = 0; i < action.length; i++) action[i] = random.uniform(-1, 1);
      const result = env.step(action);
      if (result.terminated || result.truncated) {
        env.reset();
        resets++;
      }
    }
  };
  env.reset({ seed: 0 });
  run(10_000); // warm-up: caches, JIT
  collectGarbage();
  const wasmBefore = await physicsHeapBytes();
  const jsBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  resets = 0;
  run(steps);
  const seconds = (performance.now() - start) / 1000;
  collectGarbage();
  const task = id.replace(/-v\d+$/, '').toLowerCase();
  report({
    name: `envs.${task}.wasm-heap-growth-over-${steps}-steps`,
    value: (await physicsHeapBytes()) - wasmBefore,
    unit: 'bytes',
    env: id,
    steps,
    resets,
    jsHeapGrowthBytes: process.memoryUsage().heapUsed - jsBefore,
    seconds: +seconds.toFixed(1),
  });
  env.close();
}
