import { describe, expect, it } from 'vitest';
import { CartPoleSwingUp } from './cart-pole-swing-up.js';

describe('CartPoleSwingUp-v0', () => {
  it('starts hanging down near the centre', () => {
    const env = new CartPoleSwingUp();
    const { observation } = env.reset({ seed: 0 });
    expect(observation).toHaveLength(5);
    expect(observation[2]).toBeLessThan(-0.99); // cos θ ≈ −1
    expect(Math.abs(observation[0] as number)).toBeLessThanOrEqual(0.05);
  });

  it('pays 1 upright at rest in the centre, where nothing moves', () => {
    const env = new CartPoleSwingUp();
    env.reset({ seed: 0 });
    env.setState([0, 0], [0, 0]);
    const { observation, reward, terminated } = env.step([0]);
    expect(reward).toBe(1);
    expect(terminated).toBe(false);
    expect(Array.from(observation)).toEqual([0, 0, 1, 0, 0]);
  });

  it('steps Barto’s equations with semi-implicit Euler, worked by hand', () => {
    const env = new CartPoleSwingUp();
    env.reset({ seed: 0 });
    env.setState([0, 0.1], [0, 0]);
    const { reward } = env.step([0.5]);
    // F = 5, θ̇ = 0: tmp = 5/1.1; θ̈ = (9.8·sin 0.1 − cos 0.1·tmp) / (0.5·(4/3 − 0.1·cos² 0.1/1.1))
    const tmp = 5 / 1.1;
    const thetaAcc =
      (9.8 * Math.sin(0.1) - Math.cos(0.1) * tmp) / (0.5 * (4 / 3 - (0.1 * Math.cos(0.1) ** 2) / 1.1));
    const xAcc = tmp - (0.1 * 0.5 * thetaAcc * Math.cos(0.1)) / 1.1;
    const xDot = 0.01 * xAcc;
    const x = 0.01 * xDot;
    const thetaDot = 0.01 * thetaAcc;
    const theta = 0.1 + 0.01 * thetaDot;
    const { qpos, qvel } = env.getState();
    expect(Array.from(qpos)).toEqual([x, theta]);
    expect(Array.from(qvel)).toEqual([xDot, thetaDot]);
    expect(reward).toBe(0.5 * (1 + Math.cos(theta)) * (1 - (x / 2.4) ** 2));
  });

  it('terminates with reward 0 when the cart leaves the track', () => {
    const env = new CartPoleSwingUp();
    env.reset({ seed: 0 });
    env.setState([2.399, 0], [1, 0]);
    const result = env.step([1]);
    expect(result.terminated).toBe(true);
    expect(result.truncated).toBe(false);
    expect(result.reward).toBe(0);
    expect(() => env.step([0])).toThrow(
      'CartPoleSwingUp-v0: step() called after the episode ended (terminated at step 1); call reset() first',
    );
  });

  it('truncates at step 500', () => {
    const env = new CartPoleSwingUp();
    env.reset({ seed: 0 });
    let last = env.step([0]);
    for (let t = 2; t <= 500; t++) last = env.step([0]);
    expect([last.terminated, last.truncated]).toEqual([false, true]);
  });
});
