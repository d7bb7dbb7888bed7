/**
 * The built-in D4RL-style Pendulum datasets, made as D4RL made its MuJoCo ones (environments reference
 * §5), with offrl's own SAC as the behaviour policy:
 *   random         uniform actions in the action box (`action_space.sample()`);
 *   medium         the committed medium policy (≈ 1/3 of expert), actions sampled from its tanh-Gaussian;
 *   expert         the committed final policy, sampled likewise;
 *   medium-expert  medium then expert, the two datasets concatenated (`stitch_dataset.py`);
 *   medium-replay  SAC's replay buffer up to the medium checkpoint, rebuilt by re-running the seeded
 *                  training (bit for bit on one backend; checked against the committed sha256).
 * Pendulum never terminates: each 200-step episode ends in a time-limit truncation, stored as a
 * timeout (D4RL's `timeouts`), with no terminals. Deterministic from (`episodes`, `seed`).
 */
import { createHash } from 'node:crypto';
import { type TransitionDataset, transitionsOrThrow } from '@offrl/datasets';
import { makeVectorEnv, Random, rollout, type Transitions } from '@offrl/envs';
import type { OnlineBufferSnapshot, SacState } from '@offrl/recipes';
import { disposeTree, foldIn, initBackend, makeKey, type TensorTree, tf } from '@offrl/tensor';
import { type BehaviourLevel, loadBehaviourState, readBehaviourInfo } from './behaviour-policy.js';
import {
  pendulumBehaviourTraining,
  pendulumDimensions,
  pendulumSac,
  trainPendulumBehaviour,
} from './behaviour-training.js';

export type PendulumDatasetKind = 'random' | 'medium' | 'expert' | 'medium-expert' | 'medium-replay';

export const pendulumDatasetKinds: readonly PendulumDatasetKind[] = [
  'random',
  'medium',
  'expert',
  'medium-expert',
  'medium-replay',
];

export interface PendulumDatasetOptions {
  /** Episodes of 200 steps per policy (medium-expert holds twice as many). Default 500 (100k steps). */
  readonly episodes?: number;
  readonly seed?: number;
}

export const defaultPendulumEpisodes = 500;

/** Envs stepped together while recording; part of what fixes the data for a seed. */
const RECORDING_ENVS = 20;

/** Env seeds of each policy's episodes, apart from each other and from training's and evaluation's. */
const SEED_OFFSET: Readonly<Record<'random' | BehaviourLevel, number>> = {
  random: 10_000_000,
  medium: 20_000_000,
  expert: 30_000_000,
};

const toDataset = (
  t: Transitions,
  metadata: Readonly<Record<string, string | number>>,
): TransitionDataset => {
  return transitionsOrThrow({
    observationDim: t.observationSize,
    actionDim: t.actionSize,
    observations: Float32Array.from(t.observations),
    actions: Float32Array.from(t.actions),
    rewards: Float32Array.from(t.rewards),
    nextObservations: Float32Array.from(t.nextObservations),
    terminals: Uint8Array.from(t.terminals),
    timeouts: Uint8Array.from(t.timeouts),
    metadata,
    source: String(metadata['name']),
  });
};

/** Records `episodes` episodes of a batch policy on Pendulum-v1. */
const record = async (
  episodes: number,
  seed: number,
  policy: (observations: Float64Array, numEnvs: number, t: number) => ArrayLike<number>,
) => {
  const env = await makeVectorEnv(pendulumBehaviourTraining.envId, Math.min(episodes, RECORDING_ENVS));
  let t = 0;
  try {
    const result = await rollout(env, (observations, numEnvs) => policy(observations, numEnvs, t++), {
      episodes,
      seed,
      record: true,
    });
    return { transitions: result.transitions!, returns: Array.from(result.returns) };
  } finally {
    await env.close();
  }
};

/** Actions sampled from the policy (SAC's `explore`), vector step t drawing with foldIn(key, t). */
const sampledPolicy = (state: SacState, seed: number) => {
  const recipe = pendulumSac();
  const key = makeKey(seed);
  return (observations: Float64Array, numEnvs: number, t: number) => {
    const actions = tf.tidy(() =>
      recipe.explore!(
        state,
        tf.tensor2d(Float32Array.from(observations), [numEnvs, pendulumDimensions.observationDim]),
        foldIn(key, t),
      ),
    );
    const values = actions.dataSync() as Float32Array;
    actions.dispose();
    return values;
  };
};

const uniformPolicy = (seed: number) => {
  const random = new Random(seed);
  const scale = pendulumDimensions.actionScale;
  return (_observations: Float64Array, numEnvs: number) =>
    Float64Array.from({ length: numEnvs * pendulumDimensions.actionDim }, () =>
      random.uniform(-scale, scale),
    );
};

/** One policy's episodes: uniform actions, or the committed medium or expert policy's sampled actions. */
export const recordPendulumPolicy = async (
  level: 'random' | BehaviourLevel,
  options: PendulumDatasetOptions = {},
  state?: SacState,
): Promise<{ dataset: TransitionDataset; returns: number[] }> => {
  const { episodes = defaultPendulumEpisodes, seed = 0 } = options;
  if (!Number.isInteger(episodes) || episodes < 1)
    throw new RangeError(`pendulum-${level}: episodes must be a positive integer, got ${episodes}`);
  const metadata = { name: `pendulum-${level}-v0`, env: 'Pendulum-v1', episodes, seed };
  if (level === 'random') {
    const { transitions, returns } = await record(episodes, SEED_OFFSET.random + seed, uniformPolicy(seed));
    return { dataset: toDataset(transitions, { ...metadata, algorithm: 'uniform' }), returns };
  }
  const behaviour = state ?? (await loadBehaviourState(level));
  try {
    const { transitions, returns } = await record(
      episodes,
      SEED_OFFSET[level] + seed,
      sampledPolicy(behaviour, SEED_OFFSET[level] + seed),
    );
    return { dataset: toDataset(transitions, { ...metadata, algorithm: 'SAC' }), returns };
  } finally {
    if (state === undefined) disposeTree(behaviour as unknown as TensorTree);
  }
};

/** Rows of `a` then rows of `b` (D4RL's medium-expert stitching: both end on an episode boundary). */
const concatenate = (a: TransitionDataset, b: TransitionDataset, name: string): TransitionDataset => {
  const join = <T extends Float32Array | Uint8Array>(x: T, y: T): T => {
    const out = new (x.constructor as new (n: number) => T)(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return transitionsOrThrow({
    observationDim: a.observationDim,
    actionDim: a.actionDim,
    observations: join(a.observations, b.observations),
    actions: join(a.actions, b.actions),
    rewards: join(a.rewards, b.rewards),
    nextObservations: join(a.nextObservations, b.nextObservations),
    terminals: join(a.terminals, b.terminals),
    timeouts: join(a.timeouts, b.timeouts),
    metadata: { ...a.metadata, name },
    source: name,
  });
};

/** sha256 of a dataset's arrays (observations, actions, rewards, next observations, terminals, timeouts). */
export const datasetDigest = (dataset: TransitionDataset): string => {
  const hash = createHash('sha256');
  for (const array of [
    dataset.observations,
    dataset.actions,
    dataset.rewards,
    dataset.nextObservations,
    dataset.terminals,
    dataset.timeouts,
  ]) {
    hash.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  }
  return hash.digest('hex');
};

/** A replay buffer's rows [0, size) as a dataset (the buffer has not wrapped: capacity = the run's steps). */
export const replayDataset = (buffer: OnlineBufferSnapshot, envSteps: number): TransitionDataset => {
  const rows = buffer.size;
  return transitionsOrThrow({
    observationDim: buffer.observationDim,
    actionDim: buffer.actionDim,
    observations: buffer.observations.slice(0, rows * buffer.observationDim),
    actions: buffer.actions.slice(0, rows * buffer.actionDim),
    rewards: buffer.rewards.slice(0, rows),
    nextObservations: buffer.nextObservations.slice(0, rows * buffer.observationDim),
    terminals: buffer.terminals.slice(0, rows),
    timeouts: buffer.timeouts.slice(0, rows),
    metadata: { name: 'pendulum-medium-replay-v0', env: 'Pendulum-v1', algorithm: 'SAC', envSteps },
    source: 'pendulum-medium-replay-v0',
  });
};

/** The replay buffer of the behaviour run at `envSteps` (a checkpoint step), by re-running the run to it. */
export const replayDatasetAt = async (envSteps: number): Promise<TransitionDataset> => {
  let dataset: TransitionDataset | undefined;
  const result = await trainPendulumBehaviour({
    // The checkpoint at `envSteps` is taken only if the run goes on past it.
    envSteps: envSteps + pendulumBehaviourTraining.checkpointEvery,
    onCheckpoint: ({ buffer, progress }) => {
      if (progress.envSteps === envSteps) dataset = replayDataset(buffer, envSteps);
    },
  });
  disposeTree(result.state as unknown as TensorTree);
  if (dataset === undefined) throw new Error(`the behaviour run has no checkpoint at ${envSteps} env steps`);
  return dataset;
};

/** Makes one built-in Pendulum dataset (no cache; see `builtinDataset`). */
export const generatePendulumDataset = async (
  kind: PendulumDatasetKind,
  options: PendulumDatasetOptions = {},
): Promise<TransitionDataset> => {
  // The policies run on TensorFlow.js: select its backend (once per process; OFFRL_BACKEND forces one).
  await initBackend();
  switch (kind) {
    case 'random':
    case 'medium':
    case 'expert':
      return (await recordPendulumPolicy(kind, options)).dataset;
    case 'medium-expert': {
      const medium = await recordPendulumPolicy('medium', options);
      const expert = await recordPendulumPolicy('expert', options);
      return concatenate(medium.dataset, expert.dataset, 'pendulum-medium-expert-v0');
    }
    case 'medium-replay': {
      const info = await readBehaviourInfo();
      const dataset = await replayDatasetAt(info.medium.envSteps);
      const digest = datasetDigest(dataset);
      if (digest !== info.mediumReplay.sha256)
        throw new Error(
          `pendulum-medium-replay-v0: re-running the behaviour training gave different data (sha256 ${digest}, committed ${info.mediumReplay.sha256}); this backend does not reproduce the committed run`,
        );
      return dataset;
    }
  }
};
