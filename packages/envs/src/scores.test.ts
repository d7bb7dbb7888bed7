import { describe, expect, it } from 'vitest';
import type { Env } from './env.js';
import { Random } from './random.js';
import { cartPoleSwingUpController, pendulumController } from './reference-controllers.js';
import { makeEnv } from './registry.js';
import { normalizedScore, referenceScores } from './scores.js';

/** Mean return over the seeds 0…episodes−1, as the small tasks' references were measured. */
function meanReturn(
  env: Env,
  policy: (observation: Float64Array) => ArrayLike<number>,
  episodes: number,
): number {
  let total = 0;
  for (let seed = 0; seed < episodes; seed++) {
    let { observation } = env.reset({ seed });
    for (;;) {
      const result = env.step(policy(observation));
      total += result.reward;
      observation = result.observation;
      if (result.terminated || result.truncated) break;
    }
  }
  return total / episodes;
}

function uniformPolicy(env: Env): () => number[] {
  const random = new Random(0);
  return () => [random.uniform(env.actionSpace.low[0] as number, env.actionSpace.high[0] as number)];
}

describe('normalizedScore', () => {
  it('maps D4RL’s reference returns to 0 and 1', () => {
    expect(normalizedScore('Hopper-v5', -20.272305)).toBe(0);
    expect(normalizedScore('Hopper-v4', 3234.3)).toBe(1);
    // (1000 − (−280.178953)) / (12135 + 280.178953) = 1280.178953 / 12415.178953
    expect(normalizedScore('HalfCheetah-v5', 1000)).toBeCloseTo(0.103114, 6);
    expect(normalizedScore('Walker2d-v4', 4592.3 / 2)).toBeCloseTo(
      (2296.15 - 1.629008) / (4592.3 - 1.629008),
      12,
    );
  });

  it('rejects unknown ids', () => {
    expect(() => normalizedScore('Ant-v5', 0)).toThrow(/Unknown env id "Ant-v5"; known ids: Pendulum-v1/);
  });

  it.each([
    ['Pendulum-v1', pendulumController],
    ['CartPoleSwingUp-v0', cartPoleSwingUpController],
  ] as const)(
    'reproduces the %s references from a random policy and the controller',
    async (id, controller) => {
      const env = await makeEnv(id);
      const { min, max } = referenceScores[id];
      expect(meanReturn(env, uniformPolicy(env), 100)).toBeCloseTo(min, 2);
      expect(meanReturn(env, controller, 100)).toBeCloseTo(max, 2);
      env.close();
    },
  );
});
