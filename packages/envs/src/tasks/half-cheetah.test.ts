import { describe, expect, it } from 'vitest';
import { MujocoEnv } from '../mujoco-env.js';
import { halfCheetahV4, halfCheetahV5 } from './half-cheetah.js';

describe('HalfCheetah-v5', () => {
  it('observes qpos[1:] and the unclipped qvel; reward ẋ − 0.1·‖a‖²', async () => {
    const env = await MujocoEnv.create(halfCheetahV5);
    const { info } = env.reset({ seed: 0 });
    expect(Object.keys(info)).toEqual(['x_position']);
    const observation = env.setState(new Float64Array(9), Float64Array.of(25, 0, 0, 0, 0, 0, 0, 0, -30));
    expect(observation[8]).toBe(25);
    expect(observation[16]).toBe(-30);
    env.setState(new Float64Array(9), new Float64Array(9));
    const result = env.step([1, 0, 0, 0, 0, -0.5]);
    const x = env.getState().qpos[0] as number;
    expect(result.info['x_velocity']).toBeCloseTo(x / 0.05, 12); // dt = 5 × 0.01
    expect(result.info['reward_ctrl']).toBeCloseTo(-0.1 * 1.25, 15);
    expect(result.reward).toBeCloseTo(x / 0.05 - 0.125, 12);
    expect(Object.keys(result.info)).toEqual(['x_position', 'x_velocity', 'reward_forward', 'reward_ctrl']);
    env.close();
  });

  it('never terminates and truncates at step 1000 only', async () => {
    const env = await MujocoEnv.create(halfCheetahV5);
    env.reset({ seed: 1 });
    const action = [1, -1, 1, -1, 1, -1];
    for (let t = 1; t < 1000; t++) {
      const result = env.step(action);
      if (result.terminated || result.truncated) throw new Error(`episode ended early at step ${t}`);
    }
    const last = env.step(action);
    expect([last.terminated, last.truncated]).toEqual([false, true]);
    expect(() => env.step(action)).toThrow(/after the episode ended \(truncated at step 1000\)/);
    env.close();
  });

  it('draws qvel noise from 0.1·N(0, 1): wider than the ±0.1 uniform qpos noise on average', async () => {
    const env = await MujocoEnv.create(halfCheetahV5);
    let sumSquares = 0;
    for (let seed = 0; seed < 50; seed++) {
      env.reset({ seed });
      const { qpos, qvel } = env.getState();
      for (const q of qpos) expect(Math.abs(q)).toBeLessThanOrEqual(0.1);
      for (const v of qvel) sumSquares += v * v;
    }
    // E[v²] = 0.01 for 0.1·N(0,1); 450 draws give a standard error of about 0.0007.
    expect(sumSquares / 450).toBeGreaterThan(0.007);
    expect(sumSquares / 450).toBeLessThan(0.013);
    env.close();
  });

  it('HalfCheetah-v4 steps exactly like v5 (it has no healthy reward to differ in)', async () => {
    const [v5, v4] = await Promise.all([MujocoEnv.create(halfCheetahV5), MujocoEnv.create(halfCheetahV4)]);
    expect(v4.reset({ seed: 2 }).observation).toEqual(v5.reset({ seed: 2 }).observation);
    for (let t = 0; t < 50; t++) {
      const action = [0, 1, 2, 3, 4, 5].map((i) => Math.sin(0.2 * t + i));
      const a = v5.step(action);
      const b = v4.step(action);
      expect([b.observation, b.reward]).toEqual([a.observation, a.reward]);
    }
    v5.close();
    v4.close();
  });
});
