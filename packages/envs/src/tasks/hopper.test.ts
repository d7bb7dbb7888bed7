import { describe, expect, it } from 'vitest';
import { MujocoEnv } from '../mujoco-env.js';
import { hopperV4, hopperV5, isHopperHealthy } from './hopper.js';

const standing = () => ({ qpos: Float64Array.of(0, 1.25, 0, 0, 0, 0), qvel: new Float64Array(6) });

describe('isHopperHealthy', () => {
  it('uses strict bounds on height, pitch and the state after qpos[0:2]', () => {
    const { qpos, qvel } = standing();
    expect(isHopperHealthy(qpos, qvel)).toBe(true);
    expect(isHopperHealthy(Float64Array.of(0, 0.7, 0, 0, 0, 0), qvel)).toBe(false);
    expect(isHopperHealthy(Float64Array.of(0, 0.7001, 0, 0, 0, 0), qvel)).toBe(true);
    expect(isHopperHealthy(Float64Array.of(0, 1.25, 0.2, 0, 0, 0), qvel)).toBe(false);
    expect(isHopperHealthy(Float64Array.of(0, 1.25, -0.1999, 0, 0, 0), qvel)).toBe(true);
    // x (qpos[0]) and z (qpos[1]) are not in the ±100 state check; qvel[0] is.
    expect(isHopperHealthy(Float64Array.of(500, 150, 0, 0, 0, 0), qvel)).toBe(true);
    expect(isHopperHealthy(qpos, Float64Array.of(100, 0, 0, 0, 0, 0))).toBe(false);
    expect(isHopperHealthy(qpos, Float64Array.of(0, 0, 0, 0, 0, -99.9))).toBe(true);
  });
});

describe('Hopper', () => {
  it('observes (qpos[1:], clip(qvel, ±10)) and resets within ±0.005 of qpos0', async () => {
    const env = await MujocoEnv.create(hopperV5);
    const { observation, info } = env.reset({ seed: 0 });
    const { qpos, qvel } = env.getState();
    for (let i = 0; i < 6; i++) {
      expect(Math.abs((qpos[i] as number) - [0, 1.25, 0, 0, 0, 0][i]!)).toBeLessThanOrEqual(0.005);
      expect(Math.abs(qvel[i] as number)).toBeLessThanOrEqual(0.005);
    }
    expect(Array.from(observation)).toEqual([...qpos.subarray(1), ...qvel]);
    expect(info).toEqual({ x_position: qpos[0], z_distance_from_origin: (qpos[1] as number) - 1.25 });
    const clipped = env.setState(
      Float64Array.of(0, 1.25, 0, 0, 0, 0),
      Float64Array.of(15, -15, 3, 0, 0, -10.5),
    );
    expect(Array.from(clipped.subarray(5))).toEqual([10, -10, 3, 0, 0, -10]);
    env.close();
  });

  it('rewards ẋ + 1 − 0.001·‖a‖² with the action as given; MuJoCo clamps the control', async () => {
    const env = await MujocoEnv.create(hopperV5);
    const runFrom = (action: number[]) => {
      env.reset({ seed: 0 });
      const { qpos, qvel } = standing();
      env.setState(qpos, qvel);
      return { result: env.step(action), state: env.getState() };
    };
    const { result, state } = runFrom([2, -0.5, 0]);
    const xVelocity = (state.qpos[0] as number) / 0.008; // x started at 0; dt = 4 × 0.002
    expect(result.info['x_velocity']).toBeCloseTo(xVelocity, 12);
    expect(result.info['reward_forward']).toBe(result.info['x_velocity']);
    expect(result.info['reward_ctrl']).toBeCloseTo(-0.001 * (4 + 0.25), 15);
    expect(result.info['reward_survive']).toBe(1);
    expect(result.reward).toBeCloseTo(xVelocity + 1 - 0.00425, 12);
    expect(result.terminated).toBe(false);
    // Same physics as the in-range action 1 (ctrlrange [−1, 1] clamps 2), different control cost.
    const clamped = runFrom([1, -0.5, 0]);
    expect(clamped.state).toEqual(state);
    expect(clamped.result.info['reward_ctrl']).toBeCloseTo(-0.00125, 15);
    env.close();
  });

  it('terminates an unhealthy state; v4 pays the healthy reward on that step, v5 does not', async () => {
    const v5 = await MujocoEnv.create(hopperV5);
    const v4 = await MujocoEnv.create(hopperV4);
    const fallen = Float64Array.of(0, 0.6, 0, 0, 0, 0); // torso at 0.6 m < 0.7
    const results = [v5, v4].map((env) => {
      env.reset({ seed: 0 });
      env.setState(fallen, new Float64Array(6));
      return env.step([0, 0, 0]);
    });
    const [r5, r4] = results as [(typeof results)[0], (typeof results)[0]];
    expect([r5.terminated, r5.truncated, r4.terminated]).toEqual([true, false, true]);
    expect(r5.info['reward_survive']).toBe(0);
    expect(r4.info['reward_survive']).toBe(1);
    expect(r4.observation).toEqual(r5.observation);
    expect(r4.reward - r5.reward).toBe(1);
    expect(() => v5.step([0, 0, 0])).toThrow(
      'Hopper-v5: step() called after the episode ended (terminated at step 1); call reset() first',
    );
    v5.close();
    v4.close();
  });
});
