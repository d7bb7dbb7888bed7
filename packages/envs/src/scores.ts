import { assertEnvId, type EnvId } from './registry.js';

/** The returns that map to normalised scores 0 (`min`) and 1 (`max`), and where they come from. */
export interface ReferenceScores {
  readonly min: number;
  readonly max: number;
  readonly source: string;
}

const d4rl =
  'D4RL v2 (d4rl/infos.py): min = uniform random policy, max = expert SAC; the same for every dataset';
const hopper: ReferenceScores = { min: -20.272305, max: 3234.3, source: d4rl };
const halfCheetah: ReferenceScores = { min: -280.178953, max: 12135.0, source: d4rl };
const walker2d: ReferenceScores = { min: 1.629008, max: 4592.3, source: d4rl };

/**
 * Reference returns per env id. v4 and v5 share D4RL's constants so that scores stay comparable with
 * the literature, although they were measured on gym v2 / MuJoCo 2.x physics (see README: the Hopper
 * minimum of −20.27 is not reproducible; a uniform random policy scores ≈ +17 on modern MuJoCo).
 * The small tasks use offrl's own references: the mean return over the seeds 0…99 of a uniform
 * random policy (`Random(0)` actions) and of the controllers in `reference-controllers.ts`.
 */
export const referenceScores: Readonly<Record<EnvId, ReferenceScores>> = Object.freeze({
  'Hopper-v5': hopper,
  'Hopper-v4': hopper,
  'HalfCheetah-v5': halfCheetah,
  'HalfCheetah-v4': halfCheetah,
  'Walker2d-v5': walker2d,
  'Walker2d-v4': walker2d,
  'Pendulum-v1': {
    min: -1251.97,
    max: -156.97,
    source: 'offrl: uniform random policy and pendulumController, seeds 0…99',
  },
  'CartPoleSwingUp-v0': {
    min: 4.87,
    max: 374.98,
    source: 'offrl: uniform random policy and cartPoleSwingUpController, seeds 0…99',
  },
});

/**
 * D4RL's normalised score (Fu et al. 2020): (R − min) / (max − min), so 0 is a random policy and
 * 1 the expert. Papers report it ×100; this returns the fraction. Throws for unknown ids, listing
 * the known ones.
 */
export function normalizedScore(envId: string, episodeReturn: number): number {
  assertEnvId(envId);
  const { min, max } = referenceScores[envId];
  return (episodeReturn - min) / (max - min);
}
