import { describe, expect, it } from 'vitest';
import { normalizeAngle, Pendulum } from './pendulum.js';

describe('normalizeAngle', () => {
  it('wraps into [−π, π) like Python’s floored modulo', () => {
    expect(normalizeAngle(0)).toBe(0);
    expect(normalizeAngle(1.5 * Math.PI)).toBeCloseTo(-0.5 * Math.PI, 12);
    expect(normalizeAngle(-1.5 * Math.PI)).toBeCloseTo(0.5 * Math.PI, 12);
    expect(normalizeAngle(Math.PI)).toBeCloseTo(-Math.PI, 12);
  });
});

describe('Pendulum-v1', () => {
  it('has Gymnasium’s spaces and time limit', () => {
    const env = new Pendulum();
    expect(Array.from(env.observationSpace.high)).toEqual([1, 1, 8]);
    expect(Array.from(env.actionSpace.low)).toEqual([-2]);
    expect(env.maxEpisodeSteps).toBe(200);
  });

  it('steps the classic dynamics, worked by hand', () => {
    const env = new Pendulum();
    env.reset({ seed: 0 });
    env.setState([0.5], [1]);
    const { observation, reward, terminated, truncated } = env.step([1]);
    // cost = 0.5² + 0.1·1² + 0.001·1² = 0.351
    expect(reward).toBeCloseTo(-0.351, 15);
    // θ̇' = 1 + (15·sin 0.5 + 3·1)·0.05;  θ' = 0.5 + θ̇'·0.05
    const thetaDot = 1 + (15 * Math.sin(0.5) + 3) * 0.05;
    const theta = 0.5 + thetaDot * 0.05;
    expect(Array.from(env.getState().qpos)).toEqual([theta]);
    expect(Array.from(observation)).toEqual([
      Math.fround(Math.cos(theta)),
      Math.fround(Math.sin(theta)),
      Math.fround(thetaDot),
    ]);
    expect([terminated, truncated]).toEqual([false, false]);
  });

  it('clips the torque to ±2 (cost included) and the speed to ±8', () => {
    const env = new Pendulum();
    env.reset({ seed: 0 });
    env.setState([0], [7.9]);
    const { reward } = env.step([5]);
    // cost uses u = 2: 0 + 0.1·7.9² + 0.001·4; the new speed 7.9 + 0.3 is clipped to 8.
    expect(reward).toBeCloseTo(-(0.1 * 7.9 ** 2 + 0.004), 12);
    expect(Array.from(env.getState().qvel)).toEqual([8]);
  });

  it('truncates at step 200 only, then refuses to step until reset', () => {
    const env = new Pendulum();
    env.reset({ seed: 1 });
    for (let t = 1; t < 200; t++) expect(env.step([0]).truncated).toBe(false);
    const last = env.step([0]);
    expect([last.terminated, last.truncated]).toEqual([false, true]);
    expect(() => env.step([0])).toThrow(
      'Pendulum-v1: step() called after the episode ended (truncated at step 200)',
    );
    env.reset();
    expect(env.step([0]).truncated).toBe(false);
  });

  it('resets θ in [−π, π) and θ̇ in [−1, 1), reproducibly per seed', () => {
    const env = new Pendulum();
    const first = env.reset({ seed: 42 }).observation;
    const { qpos, qvel } = env.getState();
    expect(Math.abs(qpos[0] as number)).toBeLessThanOrEqual(Math.PI);
    expect(Math.abs(qvel[0] as number)).toBeLessThanOrEqual(1);
    expect(env.reset({ seed: 42 }).observation).toEqual(first);
    expect(env.reset({ seed: 43 }).observation).not.toEqual(first);
  });

  it('rejects bad actions and use after close with clear errors', () => {
    const env = new Pendulum();
    expect(() => env.step([0])).toThrow('Pendulum-v1: step() called before reset()');
    env.reset({ seed: 0 });
    expect(() => env.step([0, 1])).toThrow('Pendulum-v1: action has length 2, expected 1');
    expect(() => env.step([Number.NaN])).toThrow('Pendulum-v1: action[0] is NaN');
    expect(() => env.setState([0], [])).toThrow('Pendulum-v1: setState qvel has length 0, expected 1');
    env.close();
    expect(() => env.reset()).toThrow('Pendulum-v1: the env is closed');
  });
});
