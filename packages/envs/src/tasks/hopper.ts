import type { HealthSpec, LocomotionSpec } from '../locomotion-spec.js';
import { hopperMjcf } from '../mjcf/hopper.js';

/**
 * Hopper is healthy while, with strict inequalities (Gymnasium `hopper_v5.py`, `is_healthy`):
 *   z = qpos[1] > 0.7,   −0.2 < pitch = qpos[2] < 0.2,   every element of (qpos[2:], qvel) in (−100, 100).
 * The state check uses the unclipped qvel.
 */
export function isHopperHealthy(qpos: Float64Array, qvel: Float64Array): boolean {
  const z = qpos[1] as number;
  const pitch = qpos[2] as number;
  if (!(z > 0.7 && pitch > -0.2 && pitch < 0.2)) return false;
  for (let i = 2; i < qpos.length; i++) if (!inOpenRange(qpos[i] as number)) return false;
  for (let i = 0; i < qvel.length; i++) if (!inOpenRange(qvel[i] as number)) return false;
  return true;
}

function inOpenRange(value: number): boolean {
  return value > -100 && value < 100;
}

const hopperHealth = (paidOnTerminatingStep: boolean): HealthSpec => ({
  healthyReward: 1,
  paidOnTerminatingStep,
  isHealthy: isHopperHealthy,
});

const hopperCommon = {
  mjcf: hopperMjcf,
  frameSkip: 4, // dt = 4 × 0.002 = 0.008 s
  maxEpisodeSteps: 1000,
  resetNoiseScale: 5e-3,
  velocityNoise: 'uniform',
  velocityClip: 10,
  forwardRewardWeight: 1,
  ctrlCostWeight: 1e-3,
} as const;

/** Gymnasium `Hopper-v5`: obs (qpos[1:6], clip(qvel, ±10)), 11 dims; action 3 torques in [−1, 1]. */
export const hopperV5: LocomotionSpec = { id: 'Hopper-v5', ...hopperCommon, health: hopperHealth(false) };

/** Gymnasium `Hopper-v4` (= v2/v3 defaults, D4RL's physics semantics): healthy reward also on the terminating step. */
export const hopperV4: LocomotionSpec = { id: 'Hopper-v4', ...hopperCommon, health: hopperHealth(true) };
