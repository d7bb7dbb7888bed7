import type { Box } from './space.js';

/** Options of `reset`; as in Gymnasium, a seed re-seeds the env and no seed continues its stream. */
export interface ResetOptions {
  readonly seed?: number;
}

/** Scalar diagnostics of a step or reset, keyed by Gymnasium's info names (`x_velocity`, …). */
export type EnvInfo = Readonly<Record<string, number>>;

export interface ResetResult {
  readonly observation: Float64Array;
  readonly info: EnvInfo;
}

/**
 * One transition. `terminated`: the task reached a terminal state (do not bootstrap);
 * `truncated`: the episode hit its time limit (bootstrap from `observation`). Both can be true.
 */
export interface StepResult {
  readonly observation: Float64Array;
  readonly reward: number;
  readonly terminated: boolean;
  readonly truncated: boolean;
  readonly info: EnvInfo;
}

/** Generalised coordinates and velocities: MuJoCo's qpos/qvel, or the analogue of a pure-TS task. */
export interface PhysicsState {
  readonly qpos: Float64Array;
  readonly qvel: Float64Array;
}

/**
 * A Gymnasium-style environment with a Box observation and a Box action space.
 * Observations are fresh `Float64Array` copies the caller may keep. `step` throws before the first
 * `reset` and after an episode ended (terminated or truncated) until the next `reset`.
 */
export interface Env {
  readonly id: string;
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  /** The time limit: the step that reaches it returns `truncated = true`. */
  readonly maxEpisodeSteps: number;
  /** Lengths of `qpos` and `qvel` accepted by `setState`. */
  readonly stateSize: { readonly nq: number; readonly nv: number };
  reset(options?: ResetOptions): ResetResult;
  step(action: ArrayLike<number>): StepResult;
  /** Gymnasium's `set_state`: overwrite qpos and qvel, recompute derived quantities, return the observation. */
  setState(qpos: ArrayLike<number>, qvel: ArrayLike<number>): Float64Array;
  /** Copies of the current qpos and qvel. */
  getState(): PhysicsState;
  /** Frees native resources; every later call throws. Idempotent. */
  close(): void;
}
