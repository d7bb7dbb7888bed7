/**
 * The SAC run that makes the built-in Pendulum behaviour policies (D4RL's recipe, §5 of the
 * environments reference): online SAC at its reference settings on Pendulum-v1 from a fixed seed,
 * evaluated and checkpointed every episode (200 env steps, so no episode is cut). The expert is the
 * final policy; the medium policy and the medium-replay data come from the checkpoint `mediumIndex`
 * picks. Kept in one place so `train-behaviour.ts` and the medium-replay generator run the same loop.
 */

import type { EvaluationRecord } from '@offrl/recipes';
import { type OnlineCheckpoint, type SacState, sac, trainOnline } from '@offrl/recipes';

/** Pendulum-v1: cos θ, sin θ, θ̇; one torque in [−2, 2]. */
export const pendulumDimensions = { observationDim: 3, actionDim: 1, actionScale: 2 } as const;

/** Everything that decides the run besides its length; SAC itself at `sacDefaults` (2×256, lr 3e-4, γ 0.99). */
export const pendulumBehaviourTraining = {
  envId: 'Pendulum-v1',
  seed: 0,
  /** Uniform random actions first, as SAC's `start_steps` (and so in the replay data, as in D4RL's). */
  warmupSteps: 1000,
  batchSize: 256,
  utd: 1,
  /** One Pendulum episode: evaluate and checkpoint after every episode. */
  evaluateEvery: 200,
  checkpointEvery: 200,
  evaluationEpisodes: 10,
  evaluationSeed: 1_000_000,
  /** Long enough for SAC to plateau (≈ −150 to −220 from 8k steps at these settings). */
  envSteps: 12_000,
} as const;

/** A SAC recipe at reference settings for Pendulum-v1 (its `explore` samples the tanh-Gaussian). */
export const pendulumSac = () => sac(pendulumDimensions);

/**
 * Runs the behaviour training for `envSteps` transitions (default: the full run), handing every
 * checkpoint to `onCheckpoint` (its tensors are freed after it resolves).
 */
export const trainPendulumBehaviour = (options: {
  readonly envSteps?: number;
  readonly onCheckpoint?: (checkpoint: OnlineCheckpoint<SacState>) => void | Promise<void>;
  readonly onEvaluation?: (record: EvaluationRecord) => void;
}) => {
  const { envSteps, ...training } = pendulumBehaviourTraining;
  return trainOnline(pendulumSac(), {
    ...training,
    envSteps: options.envSteps ?? envSteps,
    ...(options.onCheckpoint === undefined ? {} : { onCheckpoint: options.onCheckpoint }),
    ...(options.onEvaluation === undefined ? {} : { onEvaluation: options.onEvaluation }),
  });
};

/**
 * D4RL's "medium": a policy at about a third of the expert's performance, early-stopped. The rule, on
 * normalised scores (random 0, reference controller 1) of the checkpoints' evaluations in order:
 * target = expert / 3; take the first checkpoint whose score reaches the target, or the one just
 * before it when that one is closer to the target. Returns the index into `scores`, or −1 if none
 * reaches it.
 */
export const mediumIndex = (scores: readonly number[], expertScore: number): number => {
  const target = expertScore / 3;
  const first = scores.findIndex((score) => score >= target);
  if (first <= 0) return first;
  const before = scores[first - 1]!;
  return Math.abs(before - target) < Math.abs(scores[first]! - target) ? first - 1 : first;
};
