/**
 * The SAC runs that make the built-in Hopper, HalfCheetah and Walker2d behaviour policies (D4RL's
 * recipe, §5 of the environments reference) with offrl's own online SAC, scaled to this project's CPU
 * budget (≈ 10 ms of CPU per env step and update on wasm; all three runs well under 70 minutes of
 * one core): critics 2×128 and a 2×64 actor instead of SAC's 2×256 (about the same per-update cost on
 * wasm, where op dispatch dominates, and a 22 KB actor file per snapshot), 50k–100k env steps instead
 * of D4RL's 1M (220k in all: HalfCheetah and Walker2d were cut from 80k and 100k before they started,
 * when the shared machine's load made the wall-clock time, not the CPU time, the limit).
 * The policies are therefore weaker than D4RL's (the measured scores are in the datasets docs); the
 * ordering random ≪ medium ≪ expert is what the datasets keep. Every `snapshotEvery` env steps the
 * run evaluates its deterministic policy, snapshots the actor and checkpoints (a segment end resets
 * the envs: an episode running there is cut), so a killed run resumes and medium-replay can be
 * regenerated from the snapshots.
 */

import type { Dimensions } from '@offrl/recipes';
import { maxEntropyActor, sac } from '@offrl/recipes';

export type MujocoTask = 'hopper' | 'halfcheetah' | 'walker2d';

export const mujocoTasks: readonly MujocoTask[] = ['hopper', 'halfcheetah', 'walker2d'];

/** D4RL's v4 semantics (healthy reward on the terminating step; Walker2d's right-foot friction). */
export const mujocoBehaviourEnvs: Readonly<
  Record<MujocoTask, { readonly envId: string; readonly dimensions: Dimensions; readonly envSteps: number }>
> = {
  hopper: {
    envId: 'Hopper-v4',
    dimensions: { observationDim: 11, actionDim: 3, actionScale: 1 },
    envSteps: 100_000,
  },
  halfcheetah: {
    envId: 'HalfCheetah-v4',
    dimensions: { observationDim: 17, actionDim: 6, actionScale: 1 },
    envSteps: 50_000,
  },
  walker2d: {
    envId: 'Walker2d-v4',
    dimensions: { observationDim: 17, actionDim: 6, actionScale: 1 },
    envSteps: 70_000,
  },
};

/** Everything that decides a run besides the env; SAC's other settings at `sacDefaults` (lr 3e-4, γ 0.99, τ 0.005). */
export const mujocoBehaviourTraining = {
  seed: 0,
  criticHiddenSizes: [128, 128] as readonly number[],
  actorHiddenSizes: [64, 64] as readonly number[],
  /** Uniform random actions first (RLPD's `start_training`; in the replay data too, as in D4RL's). */
  warmupSteps: 5000,
  batchSize: 256,
  utd: 1,
  /** Evaluate, snapshot the actor and checkpoint every this many env steps. */
  snapshotEvery: 2500,
  evaluationEpisodes: 10,
  evaluationSeed: 1_000_000,
} as const;

export const mujocoSac = (task: MujocoTask) => {
  const { dimensions } = mujocoBehaviourEnvs[task];
  return sac(
    dimensions,
    { hiddenSizes: mujocoBehaviourTraining.criticHiddenSizes },
    maxEntropyActor(dimensions, { hiddenSizes: mujocoBehaviourTraining.actorHiddenSizes }),
  );
};

/**
 * The medium snapshot: the one whose evaluation is nearest a third of the expert's normalised score
 * (ties: the earlier). Not Pendulum's first-crossing rule (`mediumIndex`): MuJoCo evaluations of a
 * learning SAC policy jump between snapshots (Walker2d went 1.3 → 14.5 → 2.5 around 15k env steps),
 * so the first crossing can be a one-off spike and the snapshot before it a near-random policy.
 */
export const mediumSnapshotIndex = (scores: readonly number[], expertScore: number): number => {
  const target = expertScore / 3;
  return scores.reduce(
    (best, score, i) => (Math.abs(score - target) < Math.abs(scores[best]! - target) ? i : best),
    0,
  );
};
