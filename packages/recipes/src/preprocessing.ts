/**
 * Data preprocessing that belongs to an algorithm's definition, not to the user's script: TD3+BC
 * normalises states (Fujimoto & Gu 2021, `normalize=True`, s ← (s − μ)/(σ + 10⁻³)), IQL rescales
 * rewards by the dataset's return range (official `train_offline.py::normalize`). Forgetting either is
 * the classic porting trap (algorithms.md §1), so a recipe that needs one says so with `prepare`, and
 * the training loop applies it:
 * - `prepare(dataset)` computes the statistics once, from the whole dataset, before the first update;
 * - the loop applies them to every sampled batch (observations, next observations, rewards), on the
 *   typed arrays, so an update costs no extra tensor op;
 * - the state holds them as tensors (`PreprocessingState`), so `act` normalises environment
 *   observations itself (evaluation, the cli's `eval`, a saved checkpoint all see raw observations) and
 *   a resumed run reads back exactly the statistics it started with.
 */
import {
  type Batch as ArrayBatch,
  normaliseBatch,
  type ObservationNormaliser,
  type RewardTransform,
  type TransitionDataset,
  type TransitionSource,
} from '@offrl/datasets';
import type { Key, Tensor, Tensor2D, TensorTree } from '@offrl/tensor';
import { tf } from '@offrl/tensor';
import type { Recipe } from './recipe.js';

/** What a recipe takes from its dataset; an absent part is the identity. */
export interface Preprocessing {
  /** s ← (s − mean)/std for observations and next observations, in training and in `act`. */
  readonly observations?: ObservationNormaliser;
  /** r ← scale·r + shift, in training. */
  readonly rewards?: RewardTransform;
}

/** `Preprocessing` as state tensors (saved with checkpoints): the identity is mean 0, std 1, scale 1, shift 0. */
export type PreprocessingState = {
  /** [S] */
  readonly observationMean: Tensor;
  /** [S] */
  readonly observationStd: Tensor;
  /** Scalar. */
  readonly rewardScale: Tensor;
  /** Scalar. */
  readonly rewardShift: Tensor;
};

/** A recipe whose definition includes data preprocessing (`trainOffline` calls `prepare` and passes the result to `init`). */
export interface PreparingRecipe<S extends TensorTree> extends Recipe<S> {
  /** The statistics, from the whole training dataset. */
  readonly prepare: (dataset: TransitionSource) => Preprocessing;
  /** The initial state holding `preprocessing` (the identity when absent). */
  init(key: Key, preprocessing?: Preprocessing): S;
  /** The preprocessing a state holds (reads the device; the loop calls it once when resuming). */
  readonly preprocessingOf: (state: S) => Preprocessing;
}

export const preparesData = <S extends TensorTree>(recipe: Recipe<S>): recipe is PreparingRecipe<S> =>
  typeof (recipe as Partial<PreparingRecipe<S>>).prepare === 'function';

export const preprocessingState = (
  observationDim: number,
  preprocessing: Preprocessing = {},
): PreprocessingState => {
  const { observations, rewards } = preprocessing;
  if (observations !== undefined && observations.mean.length !== observationDim) {
    throw new Error(
      `preprocessing: the observation normaliser has ${observations.mean.length} dimensions, the recipe ${observationDim}`,
    );
  }
  return {
    observationMean: tf.tensor1d(
      observations === undefined ? new Float32Array(observationDim) : [...observations.mean],
    ),
    observationStd: tf.tensor1d(
      observations === undefined ? new Float32Array(observationDim).fill(1) : [...observations.std],
    ),
    rewardScale: tf.scalar(rewards?.scale ?? 1),
    rewardShift: tf.scalar(rewards?.shift ?? 0),
  };
};

/** The plain value back from the tensors (identity parts are left out). */
export const readPreprocessing = (state: PreprocessingState): Preprocessing => {
  const mean = Array.from(state.observationMean.dataSync());
  const std = Array.from(state.observationStd.dataSync());
  const scale = state.rewardScale.dataSync()[0]!;
  const shift = state.rewardShift.dataSync()[0]!;
  const identityObservations = mean.every((m) => m === 0) && std.every((s) => s === 1);
  return {
    ...(identityObservations ? {} : { observations: { mean, std } }),
    ...(scale === 1 && shift === 0 ? {} : { rewards: { scale, shift } }),
  };
};

/** (s − mean)/std of environment observations [B, S], for `act`. */
export const normaliseInput = (state: PreprocessingState, observations: Tensor2D): Tensor2D =>
  tf.tidy(() => tf.div(tf.sub(observations, state.observationMean), state.observationStd) as Tensor2D);

/** Applies the preprocessing to a sampled batch's typed arrays, in place. */
export const preprocessBatch = (batch: ArrayBatch, preprocessing: Preprocessing): void => {
  if (preprocessing.observations !== undefined) normaliseBatch(batch, preprocessing.observations);
  const rewards = preprocessing.rewards;
  if (rewards === undefined || (rewards.scale === 1 && rewards.shift === 0)) return;
  const values = batch.rewards;
  for (let i = 0; i < values.length; i++) values[i] = rewards.scale * values[i]! + rewards.shift;
  // G = Σ γ^k r_k scales with r; a shift would need each row's remaining horizon, which the batch lacks.
  if (batch.mcReturns !== undefined) {
    if (rewards.shift !== 0)
      throw new Error('preprocessing: a reward shift cannot be applied to Monte-Carlo returns');
    for (let i = 0; i < batch.mcReturns.length; i++) batch.mcReturns[i]! *= rewards.scale;
  }
};

/** The episodes' boundaries are needed for return statistics: a `TransitionDataset` has them. */
export const withEpisodes = (dataset: TransitionSource, recipe: string): TransitionDataset => {
  if (!('episodeEnds' in dataset)) {
    throw new Error(
      `${recipe}: scaling rewards by the return range needs episode boundaries; train on a TransitionDataset (createTransitions, readD4RL), or pass rewardScale: 'none'`,
    );
  }
  return dataset as TransitionDataset;
};
