import type { LocomotionSpec } from '../locomotion-spec.js';
import { halfCheetahMjcf } from '../mjcf/half-cheetah.js';

const halfCheetahCommon = {
  mjcf: halfCheetahMjcf,
  frameSkip: 5, // dt = 5 × 0.01 = 0.05 s
  maxEpisodeSteps: 1000,
  resetNoiseScale: 0.1,
  velocityNoise: 'normal',
  velocityClip: undefined,
  forwardRewardWeight: 1,
  ctrlCostWeight: 0.1,
  health: undefined,
} as const;

/**
 * Gymnasium `HalfCheetah-v5`: obs (qpos[1:9], qvel unclipped), 17 dims; reward ẋ − 0.1·‖a‖²;
 * never terminates. Reset: qpos0 + U(−0.1, 0.1), qvel 0.1·N(0, 1).
 */
export const halfCheetahV5: LocomotionSpec = { id: 'HalfCheetah-v5', ...halfCheetahCommon };

/** Gymnasium `HalfCheetah-v4`: the same dynamics and reward as v5 (it has no healthy reward). */
export const halfCheetahV4: LocomotionSpec = { id: 'HalfCheetah-v4', ...halfCheetahCommon };
