import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeEnv } from './registry.js';
import { makeVectorEnv } from './vector-env.js';

const builtIndex = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** Deterministic actions in [−1, 1] that differ per env, step and dimension. */
function wave(t: number, numEnvs: number, actionSize: number): Float64Array {
  return Float64Array.from({ length: numEnvs * actionSize }, (_, k) => Math.sin(0.3 * t + 1.7 * k));
}

describe('makeVectorEnv', () => {
  it('steps like independent envs seeded seed + i, with batched rows', async () => {
    const vector = await makeVectorEnv('Hopper-v5', 3);
    expect(vector.workers).toBe(0);
    const observations = await vector.reset({ seed: 10 });
    expect(observations).toHaveLength(3 * 11);
    const singles = await Promise.all([0, 1, 2].map(() => makeEnv('Hopper-v5')));
    singles.forEach((env, i) => {
      expect(observations.subarray(11 * i, 11 * (i + 1))).toEqual(env.reset({ seed: 10 + i }).observation);
    });
    const actions = wave(0, 3, 3);
    const step = await vector.step(actions);
    singles.forEach((env, i) => {
      const single = env.step(actions.subarray(3 * i, 3 * (i + 1)));
      expect(step.observations.subarray(11 * i, 11 * (i + 1))).toEqual(single.observation);
      expect(step.rewards[i]).toBe(single.reward);
      expect(step.terminated[i]).toBe(0);
      env.close();
    });
    await vector.close();
  });

  it('auto-resets in the same step: nextObservations holds the final observation', async () => {
    const vector = await makeVectorEnv('Pendulum-v1', 2);
    const single = await makeEnv('Pendulum-v1');
    await vector.reset({ seed: 4 });
    single.reset({ seed: 4 });
    let step = await vector.step([0.5, 0.5]);
    let last = single.step([0.5]);
    for (let t = 2; t <= 200; t++) {
      step = await vector.step([0.5, 0.5]);
      last = single.step([0.5]);
    }
    expect(Array.from(step.truncated)).toEqual([1, 1]);
    expect(Array.from(step.terminated)).toEqual([0, 0]);
    expect(step.nextObservations.subarray(0, 3)).toEqual(last.observation);
    // The reset continues env 0's random stream, exactly as a second reset() of a single env does.
    expect(step.observations.subarray(0, 3)).toEqual(single.reset().observation);
    expect(step.observations.subarray(0, 3)).not.toEqual(step.nextObservations.subarray(0, 3));
    await vector.close();
  });

  it('gives bit-identical results with 2 worker threads and on the calling thread', async () => {
    const run = async (workers: number) => {
      const vector = await makeVectorEnv('Hopper-v5', 5, { workers });
      const trace: number[] = [...(await vector.reset({ seed: 1 }))];
      let resets = 0;
      for (let t = 0; t < 60; t++) {
        const step = await vector.step(wave(t, 5, 3));
        trace.push(...step.observations, ...step.nextObservations, ...step.rewards, ...step.terminated);
        resets += step.terminated.reduce((a, b) => a + b, 0);
      }
      await vector.close();
      return { trace, resets, workers: vector.workers };
    };
    const inProcess = await run(1);
    const threaded = await run(2);
    expect(threaded.workers).toBe(2);
    expect(inProcess.resets).toBeGreaterThan(0); // the comparison covers auto-resets too
    expect(threaded.trace).toEqual(inProcess.trace);
  });

  it('reports bad arguments and bad actions, also from inside a worker', async () => {
    await expect(makeVectorEnv('Nope-v0', 2)).rejects.toThrow(
      /Unknown env id "Nope-v0"; known ids: Pendulum-v1/,
    );
    await expect(makeVectorEnv('Pendulum-v1', 0)).rejects.toThrow(
      'numEnvs must be a positive integer, got 0',
    );
    await expect(makeVectorEnv('Pendulum-v1', 2, { workers: 3 })).rejects.toThrow(
      'workers (3) must not exceed numEnvs (2)',
    );
    const vector = await makeVectorEnv('Pendulum-v1', 2, { workers: 2 });
    await vector.reset({ seed: 0 });
    await expect(vector.step([0, 0, 0])).rejects.toThrow(
      'Pendulum-v1: vector actions have length 3, expected 2 envs × 1 = 2',
    );
    await expect(vector.step([0, Number.NaN])).rejects.toThrow(
      'Pendulum-v1: vector action of env 1, element 0 is NaN; actions must be finite numbers',
    );
    await vector.close();
    await vector.close();
    await expect(vector.step([0, 0])).rejects.toThrow('Pendulum-v1: the vector env is closed');
  });

  it('lets the process exit by itself, with or without close()', () => {
    if (!existsSync(builtIndex))
      throw new Error(`${builtIndex} is missing: build the package (tsc -b) first`);
    for (const closing of ['await vector.close();', '']) {
      const script = `
        import { makeVectorEnv } from ${JSON.stringify(builtIndex)};
        const vector = await makeVectorEnv('Pendulum-v1', 4, { workers: 2 });
        await vector.reset({ seed: 0 });
        const step = await vector.step([0, 0, 0, 0]);
        ${closing}
        process.stdout.write(String(step.rewards.length));`;
      const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(output).toBe('4');
    }
  });
});
