/**
 * Recording a behaviour policy into a D4RL-style dataset: episodes of uniform actions or of a SAC
 * actor's sampled actions on a vector env, kept as the env marks them (terminals where the task ends
 * an episode, timeouts at its time limit), and the dataset helpers the generators share.
 */
import { createHash } from 'node:crypto';
import { type TransitionDataset, transitionsOrThrow } from '@offrl/datasets';
import { makeVectorEnv, Random, rollout, type Transitions } from '@offrl/envs';
import type { Dimensions, Recipe, SacState } from '@offrl/recipes';
import { foldIn, makeKey, tf } from '@offrl/tensor';

/** Envs stepped together while recording; part of what fixes the data for a seed. */
const RECORDING_ENVS = 20;

/** A batch policy that also gets the vector step's index (so its random draws follow a counter). */
export type SteppedPolicy = (observations: Float64Array, numEnvs: number, t: number) => ArrayLike<number>;

export const toDataset = (
  t: Transitions,
  metadata: Readonly<Record<string, string | number>>,
): TransitionDataset =>
  transitionsOrThrow({
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

/** Records `episodes` whole episodes of a batch policy on `envId`, env i of the batch seeded `seed + i`. */
export const recordEpisodes = async (
  envId: string,
  episodes: number,
  seed: number,
  policy: SteppedPolicy,
) => {
  const env = await makeVectorEnv(envId, Math.min(episodes, RECORDING_ENVS));
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

/** Actions sampled from the actor (SAC's `explore`), step t drawing with foldIn(makeKey(seed), t). */
export const sampledPolicy = (
  recipe: Recipe<SacState>,
  state: SacState,
  dimensions: Dimensions,
  seed: number,
): SteppedPolicy => {
  const key = makeKey(seed);
  return (observations, numEnvs, t) => {
    const actions = tf.tidy(() =>
      recipe.explore!(
        state,
        tf.tensor2d(Float32Array.from(observations), [numEnvs, dimensions.observationDim]),
        foldIn(key, t),
      ),
    );
    const values = actions.dataSync() as Float32Array;
    actions.dispose();
    return values;
  };
};

/** Uniform actions in the box [−actionScale, actionScale] (`action_space.sample()`). */
export const uniformPolicy = (dimensions: Dimensions, seed: number): SteppedPolicy => {
  const random = new Random(seed);
  const scale = dimensions.actionScale;
  return (_observations, numEnvs) =>
    Float64Array.from({ length: numEnvs * dimensions.actionDim }, () => random.uniform(-scale, scale));
};

/** Rows of `a` then rows of `b` (D4RL's medium-expert stitching: both end on an episode boundary). */
export const concatenate = (a: TransitionDataset, b: TransitionDataset, name: string): TransitionDataset => {
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
