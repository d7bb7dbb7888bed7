import { describe, expect, it } from 'vitest';
import { MujocoEnv } from '../mujoco-env.js';
import { isWalker2dHealthy, walker2dV4, walker2dV5 } from './walker2d.js';

const qvel = new Float64Array(9);
const pose = (z: number, pitch: number) => Float64Array.of(0, z, pitch, 0, 0, 0, 0, 0, 0);

describe('isWalker2dHealthy', () => {
  it('requires 0.8 < z < 2 and −1 < pitch < 1, strictly', () => {
    expect(isWalker2dHealthy(pose(1.25, 0), qvel)).toBe(true);
    expect(isWalker2dHealthy(pose(0.8, 0), qvel)).toBe(false);
    expect(isWalker2dHealthy(pose(2, 0), qvel)).toBe(false);
    expect(isWalker2dHealthy(pose(1.99, 0.99), qvel)).toBe(true);
    expect(isWalker2dHealthy(pose(1.25, -1), qvel)).toBe(false);
  });
});

describe('Walker2d', () => {
  it('observes (qpos[1:], clip(qvel, ±10)) with 17 dims', async () => {
    const env = await MujocoEnv.create(walker2dV5);
    env.reset({ seed: 0 });
    const fast = Float64Array.of(12, 0, 0, 0, 0, 0, 0, 0, -40);
    const observation = env.setState(pose(1.25, 0.1), fast);
    expect(observation).toHaveLength(17);
    expect(Array.from(observation.subarray(0, 8))).toEqual([1.25, 0.1, 0, 0, 0, 0, 0, 0]);
    expect(observation[8]).toBe(10);
    expect(observation[16]).toBe(-10);
    env.close();
  });

  it('v4 (right foot friction 0.9) and v5 (1.9) part ways once the feet slide on the floor', async () => {
    const slide = async (spec: typeof walker2dV5) => {
      const env = await MujocoEnv.create(spec);
      env.reset({ seed: 0 });
      // Feet 1 cm into the floor, body sliding forward at 3 m/s: only friction decelerates it.
      env.setState(pose(1.2, 0), Float64Array.of(3, 0, 0, 0, 0, 0, 0, 0, 0));
      const first = env.getState();
      for (let t = 0; t < 10; t++) env.step([0, 0, 0, 0, 0, 0]);
      const last = env.getState();
      env.close();
      return { first, last };
    };
    const v5 = await slide(walker2dV5);
    const v4 = await slide(walker2dV4);
    expect(v4.first).toEqual(v5.first);
    expect(v4.last.qvel).not.toEqual(v5.last.qvel);
  });

  it('terminates above z = 2 with v4’s extra healthy reward', async () => {
    const results = await Promise.all(
      [walker2dV5, walker2dV4].map(async (spec) => {
        const env = await MujocoEnv.create(spec);
        env.reset({ seed: 0 });
        env.setState(pose(2.5, 0), qvel);
        const result = env.step([0, 0, 0, 0, 0, 0]);
        env.close();
        return result;
      }),
    );
    const [r5, r4] = results as [(typeof results)[0], (typeof results)[0]];
    expect([r5.terminated, r4.terminated]).toEqual([true, true]);
    expect([r5.info['reward_survive'], r4.info['reward_survive']]).toEqual([0, 1]);
  });
});
