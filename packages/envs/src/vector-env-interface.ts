import type { BatchedStep } from './env-group.js';
import type { Box } from './space.js';

export type VectorStepResult = BatchedStep;

/**
 * `numEnvs` copies of one env stepped together, with batched row-major typed arrays
 * (`numEnvs × observationSize` observations, `numEnvs × actionSize` actions) and same-step
 * auto-reset: see `BatchedStep` for how final and reset observations are returned.
 * Calls are async because with workers they cross threads; do not overlap them.
 */
export interface VectorEnv {
  readonly id: string;
  readonly numEnvs: number;
  /** Worker threads used; 0 when the envs run on the calling thread. */
  readonly workers: number;
  /** Spaces of one env. */
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly maxEpisodeSteps: number;
  /** Resets every env; with a seed, env i is seeded `seed + i`. Returns the observations. */
  reset(options?: { readonly seed?: number }): Promise<Float64Array>;
  step(actions: ArrayLike<number>): Promise<VectorStepResult>;
  /** Frees every env and terminates the workers. Idempotent. */
  close(): Promise<void>;
}
