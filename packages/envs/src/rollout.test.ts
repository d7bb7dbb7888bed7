import { describe, expect, it } from 'vitest';
import { pendulumController } from './reference-controllers.js';
import { makeEnv } from './registry.js';
import { rollout } from './rollout.js';
import { normalizedScore } from './scores.js';
import { makeVectorEnv } from './vector-env.js';

/** Applies a single-env policy row by row. */
const batched =
  (policy: (observation: Float64Array) => ArrayLike<number>, observationSize: number) =>
  (observations: Float64Array, numEnvs: number) => {
    const actions: number[] = [];
    for (let i = 0; i < numEnvs; i++) {
      actions.push(
        ...Array.from(policy(observations.subarray(i * observationSize, (i + 1) * observationSize))),
      );
    }
    return actions;
  };

describe('rollout', () => {
  it('returns per-episode returns, lengths and scores, equal to stepping each env by hand', async () => {
    const vector = await makeVectorEnv('Pendulum-v1', 4);
    const result = await rollout(vector, batched(pendulumController, 3), { episodes: 6, seed: 20 });
    await vector.close();
    expect(Array.from(result.lengths)).toEqual([200, 200, 200, 200, 200, 200]);
    // Quotas 2, 2, 1, 1: env i is seeded 20 + i and its second episode continues its stream.
    // Episodes are listed as they finish: the first episodes of envs 0–3, then the second of envs 0 and 1.
    const env = await makeEnv('Pendulum-v1');
    const byEnv: number[][] = [[], [], [], []];
    for (const [i, quota] of [2, 2, 1, 1].entries()) {
      for (let e = 0; e < quota; e++) {
        let { observation } = e === 0 ? env.reset({ seed: 20 + i }) : env.reset();
        let total = 0;
        for (let t = 0; t < 200; t++) {
          const step = env.step(pendulumController(observation));
          total += step.reward;
          observation = step.observation;
        }
        byEnv[i]!.push(total);
      }
    }
    const expected = [
      byEnv[0]![0]!,
      byEnv[1]![0]!,
      byEnv[2]![0]!,
      byEnv[3]![0]!,
      byEnv[0]![1]!,
      byEnv[1]![1]!,
    ];
    expect(Array.from(result.returns)).toEqual(expected);
    expect(Array.from(result.normalizedScores)).toEqual(
      expected.map((r) => normalizedScore('Pendulum-v1', r)),
    );
    expect(result.transitions).toBeUndefined();
  });

  it('records transitions with terminals and timeouts in D4RL’s flat layout', async () => {
    const vector = await makeVectorEnv('CartPoleSwingUp-v0', 2);
    // Full force to the right: the cart leaves the track well before the 500-step limit.
    const result = await rollout(vector, (_, numEnvs) => new Float64Array(numEnvs).fill(1), {
      episodes: 3,
      seed: 0,
      record: true,
    });
    await vector.close();
    const transitions = result.transitions!;
    const total = result.lengths.reduce((a, b) => a + b, 0);
    expect(transitions.size).toBe(total);
    expect(transitions.observations).toHaveLength(total * 5);
    expect(transitions.actions).toHaveLength(total);
    expect(transitions.terminals.reduce((a, b) => a + b, 0)).toBe(3);
    expect(transitions.timeouts.reduce((a, b) => a + b, 0)).toBe(0);
    expect(Math.max(...result.lengths)).toBeLessThan(500);
    // Within an episode each next observation is the following observation; rewards add up to the returns.
    const firstLength = result.lengths[0]!;
    for (let k = 0; k + 1 < firstLength; k++) {
      expect(transitions.nextObservations.subarray(5 * k, 5 * k + 5)).toEqual(
        transitions.observations.subarray(5 * (k + 1), 5 * (k + 2)),
      );
    }
    expect(transitions.terminals[firstLength - 1]).toBe(1);
    const firstReturn = transitions.rewards.subarray(0, firstLength).reduce((a, b) => a + b, 0);
    expect(firstReturn).toBeCloseTo(result.returns[0]!, 12);
  });

  it('rejects a policy that returns the wrong number of actions', async () => {
    const vector = await makeVectorEnv('Pendulum-v1', 2);
    await expect(rollout(vector, () => [0], { episodes: 1 })).rejects.toThrow(
      'rollout(Pendulum-v1): policy returned 1 action values, expected 2 envs × 1',
    );
    await expect(rollout(vector, () => [0, 0], { episodes: 0 })).rejects.toThrow(
      'episodes must be a positive integer',
    );
    await vector.close();
  });
});
