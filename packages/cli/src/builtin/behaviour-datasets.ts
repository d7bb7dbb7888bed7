/**
 * The built-in D4RL-style datasets of one task (Pendulum-v1, Hopper-v4, HalfCheetah-v4, Walker2d-v4),
 * made as D4RL made its MuJoCo ones (environments reference §5), with offrl's own SAC as the
 * behaviour policy:
 *   random         uniform actions in the action box (`action_space.sample()`);
 *   medium         the committed medium policy (≈ 1/3 of expert), actions sampled from its tanh-Gaussian;
 *   expert         the committed final policy, sampled likewise;
 *   medium-expert  medium then expert, the two datasets concatenated (`stitch_dataset.py`);
 *   medium-replay  SAC's replay data up to the medium checkpoint (`pendulum-replay.ts`, `mujoco-replay.ts`).
 * Terminals where the task ends an episode (Hopper and Walker2d falling), timeouts at the 1000-step
 * (Pendulum: 200) time limit. Deterministic from (`episodes`, `seed`) on one backend.
 */
import type { TransitionDataset } from '@offrl/datasets';
import type { SacState } from '@offrl/recipes';
import { disposeTree, initBackend, type TensorTree } from '@offrl/tensor';
import {
  type BehaviourLevel,
  type BehaviourTask,
  behaviourTaskSpec,
  loadBehaviourState,
  readBehaviourInfo,
} from './behaviour-policy.js';
import { mujocoMediumReplay } from './mujoco-replay.js';
import { pendulumMediumReplay } from './pendulum-replay.js';
import { concatenate, recordEpisodes, sampledPolicy, toDataset, uniformPolicy } from './policy-recording.js';

export type DatasetKind = 'random' | 'medium' | 'expert' | 'medium-expert' | 'medium-replay';

export const datasetKinds: readonly DatasetKind[] = [
  'random',
  'medium',
  'expert',
  'medium-expert',
  'medium-replay',
];

export interface DatasetOptions {
  /** Episodes per policy (medium-expert holds twice as many). Default: the task's `defaultEpisodes`. */
  readonly episodes?: number;
  readonly seed?: number;
}

/** Env seeds of each policy's episodes, apart from each other and from training's and evaluation's. */
const SEED_OFFSET: Readonly<Record<'random' | BehaviourLevel, number>> = {
  random: 10_000_000,
  medium: 20_000_000,
  expert: 30_000_000,
};

/** One policy's episodes: uniform actions, or the committed medium or expert policy's sampled actions. */
export const recordBehaviour = async (
  task: BehaviourTask,
  level: 'random' | BehaviourLevel,
  options: DatasetOptions = {},
  state?: SacState,
): Promise<{ dataset: TransitionDataset; returns: number[] }> => {
  const spec = behaviourTaskSpec(task);
  const { episodes = spec.defaultEpisodes, seed = 0 } = options;
  if (!Number.isInteger(episodes) || episodes < 1)
    throw new RangeError(`${task}-${level}: episodes must be a positive integer, got ${episodes}`);
  const metadata = { name: `${task}-${level}-v0`, env: spec.envId, episodes, seed };
  const envSeed = SEED_OFFSET[level] + seed;
  if (level === 'random') {
    const { transitions, returns } = await recordEpisodes(
      spec.envId,
      episodes,
      envSeed,
      uniformPolicy(spec.dimensions, seed),
    );
    return { dataset: toDataset(transitions, { ...metadata, algorithm: 'uniform' }), returns };
  }
  const behaviour = state ?? (await loadBehaviourState(task, level));
  try {
    const { transitions, returns } = await recordEpisodes(
      spec.envId,
      episodes,
      envSeed,
      sampledPolicy(spec.recipe(), behaviour, spec.dimensions, envSeed),
    );
    return { dataset: toDataset(transitions, { ...metadata, algorithm: 'SAC' }), returns };
  } finally {
    if (state === undefined) disposeTree(behaviour as unknown as TensorTree);
  }
};

/** Makes one built-in dataset (no cache; see `builtinDataset`). */
export const generateDataset = async (
  task: BehaviourTask,
  kind: DatasetKind,
  options: DatasetOptions = {},
): Promise<TransitionDataset> => {
  // The policies run on TensorFlow.js: select its backend (once per process; OFFRL_BACKEND forces one).
  await initBackend();
  switch (kind) {
    case 'random':
    case 'medium':
    case 'expert':
      return (await recordBehaviour(task, kind, options)).dataset;
    case 'medium-expert': {
      const medium = await recordBehaviour(task, 'medium', options);
      const expert = await recordBehaviour(task, 'expert', options);
      return concatenate(medium.dataset, expert.dataset, `${task}-medium-expert-v0`);
    }
    case 'medium-replay': {
      const info = await readBehaviourInfo(task);
      return task === 'pendulum'
        ? pendulumMediumReplay(info)
        : mujocoMediumReplay(task, info, options.seed ?? 0);
    }
  }
};
