/**
 * What distinguishes one Gymnasium MuJoCo locomotion task from another (Hopper, HalfCheetah,
 * Walker2d, in their v4 and v5 versions). `MujocoEnv` implements the shared mechanics of
 * Gymnasium's `MujocoEnv` and the locomotion `step` around it.
 */
export interface LocomotionSpec {
  readonly id: string;
  readonly mjcf: string;
  /** Physics steps per env step; the env's dt is `timestep × frameSkip`. */
  readonly frameSkip: number;
  readonly maxEpisodeSteps: number;
  /** qpos = qpos0 + U(−s, s); qvel = U(−s, s) (`uniform`) or s·N(0, 1) (`normal`, HalfCheetah). */
  readonly resetNoiseScale: number;
  readonly velocityNoise: 'uniform' | 'normal';
  /** Bound of the qvel part of the observation (Hopper and Walker2d clip to ±10); undefined: unclipped. */
  readonly velocityClip: number | undefined;
  readonly forwardRewardWeight: number;
  readonly ctrlCostWeight: number;
  /** Healthy-state termination; undefined for tasks that never terminate (HalfCheetah). */
  readonly health: HealthSpec | undefined;
}

export interface HealthSpec {
  /** Reward per step while healthy. */
  readonly healthyReward: number;
  /**
   * v2–v4 pay the healthy reward also on the terminating (unhealthy) step, because
   * `float(is_healthy or terminate_when_unhealthy)` is 1 there; v5 pays it only while healthy.
   */
  readonly paidOnTerminatingStep: boolean;
  /** Whether the (unclipped) state is healthy; the episode terminates when it is not. */
  isHealthy(qpos: Float64Array, qvel: Float64Array): boolean;
}
