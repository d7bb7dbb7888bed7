import type { HealthSpec, LocomotionSpec } from '../locomotion-spec.js';
import { walker2dV4Mjcf, walker2dV5Mjcf } from '../mjcf/walker2d.js';

/**
 * Walker2d is healthy while, with strict inequalities (Gymnasium `walker2d_v5.py`, `is_healthy`):
 *   0.8 < z = qpos[1] < 2.0   and   −1 < pitch = qpos[2] < 1.
 */
export function isWalker2dHealthy(qpos: Float64Array, _qvel: Float64Array): boolean {
  const z = qpos[1] as number;
  const pitch = qpos[2] as number;
  return z > 0.8 && z < 2 && pitch > -1 && pitch < 1;
}

const walker2dHealth = (paidOnTerminatingStep: boolean): HealthSpec => ({
  healthyReward: 1,
  paidOnTerminatingStep,
  isHealthy: isWalker2dHealthy,
});

const walker2dCommon = {
  frameSkip: 4, // dt = 4 × 0.002 = 0.008 s
  maxEpisodeSteps: 1000,
  resetNoiseScale: 5e-3,
  velocityNoise: 'uniform',
  velocityClip: 10,
  forwardRewardWeight: 1,
  ctrlCostWeight: 1e-3,
} as const;

/** Gymnasium `Walker2d-v5`: obs (qpos[1:9], clip(qvel, ±10)), 17 dims; both feet friction 1.9. */
export const walker2dV5: LocomotionSpec = {
  id: 'Walker2d-v5',
  mjcf: walker2dV5Mjcf,
  ...walker2dCommon,
  health: walker2dHealth(false),
};

/** Gymnasium `Walker2d-v4` (D4RL's semantics): right foot friction 0.9, healthy reward on the terminating step. */
export const walker2dV4: LocomotionSpec = {
  id: 'Walker2d-v4',
  mjcf: walker2dV4Mjcf,
  ...walker2dCommon,
  health: walker2dHealth(true),
};
