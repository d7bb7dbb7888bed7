import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Env } from './env.js';
import { MujocoEnv } from './mujoco-env.js';
import { physicsHeapBytes } from './physics.js';
import { hopperV5 } from './tasks/hopper.js';

/** sha256 over every observation and reward of `steps` steps with auto-reset and a fixed action sequence. */
function trajectoryHash(env: Env, seed: number, steps: number): string {
  const hash = createHash('sha256');
  hash.update(env.reset({ seed }).observation);
  const action = new Float64Array(env.actionSpace.shape[0] as number);
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < action.length; i++) action[i] = Math.fround(0.8 * Math.sin(0.05 * t * (i + 1) + i));
    const result = env.step(action);
    hash.update(result.observation);
    hash.update(Float64Array.of(result.reward));
    if (result.terminated || result.truncated) hash.update(env.reset().observation);
  }
  return hash.digest('hex');
}

describe('MujocoEnv', () => {
  it('gives bit-identical trajectories for a seed, within a process and across processes', async () => {
    const env = await MujocoEnv.create(hopperV5);
    const first = trajectoryHash(env, 5, 300);
    expect(trajectoryHash(env, 5, 300)).toBe(first);
    expect(trajectoryHash(env, 6, 300)).not.toBe(first);
    env.close();

    // A fresh Node process running the built package must agree bit for bit.
    const built = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    if (!existsSync(built)) throw new Error(`${built} is missing: build the package (tsc -b) before testing`);
    // The same loop as trajectoryHash, spelled out (vitest rewrites imports inside function sources).
    const script = `
      import { createHash } from 'node:crypto';
      import { makeEnv } from ${JSON.stringify(built)};
      const env = await makeEnv('Hopper-v5');
      const hash = createHash('sha256');
      hash.update(env.reset({ seed: 5 }).observation);
      const action = new Float64Array(3);
      for (let t = 0; t < 300; t++) {
        for (let i = 0; i < 3; i++) action[i] = Math.fround(0.8 * Math.sin(0.05 * t * (i + 1) + i));
        const result = env.step(action);
        hash.update(result.observation);
        hash.update(Float64Array.of(result.reward));
        if (result.terminated || result.truncated) hash.update(env.reset().observation);
      }
      process.stdout.write(hash.digest('hex'));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(output).toBe(first);
  });

  it('rejects bad input with errors that name the env and the field', async () => {
    const env = await MujocoEnv.create(hopperV5);
    expect(() => env.step([0, 0, 0])).toThrow('Hopper-v5: step() called before reset()');
    env.reset({ seed: 0 });
    expect(() => env.step([0, 0])).toThrow('Hopper-v5: action has length 2, expected 3');
    expect(() => env.step([0, Number.NaN, 0])).toThrow(
      'Hopper-v5: action[1] is NaN; actions must be finite numbers',
    );
    expect(() => env.step([0, 0, Number.POSITIVE_INFINITY])).toThrow('Hopper-v5: action[2] is Infinity');
    expect(() => env.setState(new Float64Array(5), new Float64Array(6))).toThrow(
      'Hopper-v5: setState qpos has length 5, expected 6',
    );
    expect(() => env.setState(new Float64Array(6), Float64Array.of(0, 0, 0, Number.NaN, 0, 0))).toThrow(
      'Hopper-v5: setState qvel[3] is NaN',
    );
    // A rejected action does not advance the episode.
    expect(env.step(Float32Array.of(0.1, 0.2, 0.3)).terminated).toBe(false);
    env.close();
    env.close();
    expect(() => env.step([0, 0, 0])).toThrow('Hopper-v5: the env is closed');
    expect(() => env.getState()).toThrow('Hopper-v5: the env is closed');
  });

  it('returns observations that are copies, not views into the wasm heap', async () => {
    const env = await MujocoEnv.create(hopperV5);
    const { observation } = env.reset({ seed: 0 });
    const kept = Float64Array.from(observation);
    env.step([1, 1, 1]);
    expect(observation).toEqual(kept);
    expect(observation.buffer.byteLength).toBe(11 * 8);
    env.close();
  });

  it('keeps stepping correctly after other envs grow the wasm heap (stale views are re-fetched)', async () => {
    const env = await MujocoEnv.create(hopperV5);
    const reference = await MujocoEnv.create(hopperV5);
    env.reset({ seed: 9 });
    reference.reset({ seed: 9 });
    // Allocate envs until the heap has grown, which detaches every view `env` has cached.
    const heapBefore = await physicsHeapBytes();
    const others: MujocoEnv[] = [];
    while ((await physicsHeapBytes()) === heapBefore && others.length < 1000) {
      others.push(await MujocoEnv.create(hopperV5));
    }
    const grown = (await physicsHeapBytes()) > heapBefore;
    for (let t = 0; t < 20; t++) {
      const a = env.step([0.3, -0.2, 0.1]);
      const b = reference.step([0.3, -0.2, 0.1]);
      expect(a.observation).toEqual(b.observation);
      expect(Number.isFinite(a.reward)).toBe(true);
      if (a.terminated) break;
    }
    for (const other of others) other.close();
    env.close();
    reference.close();
    // The check above is only meaningful if the heap actually grew while `env` held cached views.
    expect(grown).toBe(true);
  });

  it('does not leak: the wasm heap is flat over many steps and resets, and close() frees the env', async () => {
    const env = await MujocoEnv.create(hopperV5);
    env.reset({ seed: 0 });
    const action = [0.5, -0.5, 0.5];
    const run = (steps: number) => {
      for (let t = 0; t < steps; t++) {
        const result = env.step(action);
        if (result.terminated || result.truncated) env.reset();
      }
    };
    run(1000);
    const heapAfterWarmUp = await physicsHeapBytes();
    run(20_000);
    expect(await physicsHeapBytes()).toBe(heapAfterWarmUp);
    env.close();

    // 200 create/close cycles would need ~80 MB more heap if close() left the model or data behind.
    for (let i = 0; i < 5; i++) (await MujocoEnv.create(hopperV5)).close();
    const heapAfterCycles = await physicsHeapBytes();
    for (let i = 0; i < 200; i++) (await MujocoEnv.create(hopperV5)).close();
    expect(await physicsHeapBytes()).toBe(heapAfterCycles);
  });
});
