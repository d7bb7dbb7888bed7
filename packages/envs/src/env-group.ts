import { assertValidActionBatch } from './action.js';
import type { Env } from './env.js';
import { boxSize } from './space.js';

/** One batched step of a contiguous group of envs; row i of each array belongs to env i. */
export interface BatchedStep {
  /** Observations to act on next: the reset observation where an episode just ended. */
  readonly observations: Float64Array;
  /** s' of the transition just taken: the final observation where an episode ended, else = `observations`. */
  readonly nextObservations: Float64Array;
  readonly rewards: Float64Array;
  /** 1 where the episode reached a terminal state (do not bootstrap). */
  readonly terminated: Uint8Array;
  /** 1 where the episode hit its time limit (bootstrap from `nextObservations`). */
  readonly truncated: Uint8Array;
}

/**
 * Envs stepped together with same-step auto-reset (as gym's `SyncVectorEnv` before Gymnasium 1.0):
 * an env whose episode ends in a step is reset within that step, its final observation is
 * returned in `nextObservations` and its reset observation in `observations`.
 * Used in-process by `makeVectorEnv` and inside each worker thread.
 */
export class EnvGroup {
  readonly observationSize: number;
  readonly actionSize: number;

  constructor(readonly envs: readonly Env[]) {
    const first = envs[0];
    if (first === undefined) throw new Error('EnvGroup: needs at least one env');
    this.observationSize = boxSize(first.observationSpace);
    this.actionSize = boxSize(first.actionSpace);
  }

  /** Resets every env; env i gets seed `seed + i` when a seed is given (Gymnasium's vector convention). */
  reset(seed: number | undefined): Float64Array {
    const observations = new Float64Array(this.envs.length * this.observationSize);
    this.envs.forEach((env, i) => {
      const { observation } = env.reset(seed === undefined ? {} : { seed: seed + i });
      observations.set(observation, i * this.observationSize);
    });
    return observations;
  }

  step(actions: ArrayLike<number>): BatchedStep {
    const { envs, observationSize, actionSize } = this;
    // Check every action before stepping any env, so that a bad row leaves the whole batch unstepped.
    assertValidActionBatch(envs[0]?.id ?? 'EnvGroup', actions, envs.length, actionSize);
    const observations = new Float64Array(envs.length * observationSize);
    const nextObservations = new Float64Array(envs.length * observationSize);
    const rewards = new Float64Array(envs.length);
    const terminated = new Uint8Array(envs.length);
    const truncated = new Uint8Array(envs.length);
    const action = new Float64Array(actionSize);
    envs.forEach((env, i) => {
      for (let j = 0; j < actionSize; j++) action[j] = actions[i * actionSize + j] as number;
      const result = env.step(action);
      rewards[i] = result.reward;
      terminated[i] = result.terminated ? 1 : 0;
      truncated[i] = result.truncated ? 1 : 0;
      nextObservations.set(result.observation, i * observationSize);
      const next = result.terminated || result.truncated ? env.reset().observation : result.observation;
      observations.set(next, i * observationSize);
    });
    return { observations, nextObservations, rewards, terminated, truncated };
  }

  close(): void {
    for (const env of this.envs) env.close();
  }
}
