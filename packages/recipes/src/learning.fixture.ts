/** Shared helpers of the recipes' tests (not shipped: `*.fixture.ts`). */
import type { TransitionSource } from '@offrl/datasets';
import { flattenTree, makeKey, type TensorTree, tf } from '@offrl/tensor';
import { expect } from 'vitest';
import { evaluate } from './evaluate.js';
import type { Recipe } from './recipe.js';
import { trainOffline } from './train-offline.js';

export const pendulum = { observationDim: 3, actionDim: 1, actionScale: 2 };

/** Trains `steps` updates (batch 128) and evaluates before and after on 8 Pendulum episodes (eval seed 100). */
export const trainAndEvaluate = async <S extends TensorTree>(
  recipe: Recipe<S>,
  dataset: TransitionSource,
  steps: number,
  seed = 0,
) => {
  const initial = recipe.init(makeKey(seed));
  const before = await evaluate(recipe, initial, 'Pendulum-v1', { episodes: 8, seed: 100 });
  const { state, lastMetrics } = trainOffline(recipe, dataset, {
    steps,
    batchSize: 128,
    seed,
    logEvery: steps,
  });
  const after = await evaluate(recipe, state, 'Pendulum-v1', { episodes: 8, seed: 100 });
  return { before: before.meanReturn, after: after.meanReturn, lastMetrics, state };
};

/** The number of live tensors is the same at every report: an update frees all it does not return. */
export const expectNoLeak = <S extends TensorTree>(recipe: Recipe<S>, dataset: TransitionSource): void => {
  const counts: number[] = [];
  const { state } = trainOffline(recipe, dataset, {
    steps: 30,
    batchSize: 16,
    logEvery: 10,
    onLog: () => counts.push(tf.memory().numTensors),
  });
  expect(new Set(counts).size).toBe(1);
  expect(flattenTree(state).length).toBeGreaterThan(0);
};

/** One logged update's metric names and the state's step counter. */
export const oneUpdate = <S extends TensorTree>(recipe: Recipe<S>, dataset: TransitionSource) => {
  const { state, lastMetrics } = trainOffline(recipe, dataset, {
    steps: 1,
    batchSize: 16,
    seed: 1,
    logEvery: 1,
  });
  return { names: Object.keys(lastMetrics).sort(), metrics: lastMetrics, state };
};

/** Every leaf's path and values, to compare states exactly. */
export const stateValues = (state: TensorTree) =>
  flattenTree(state).map(({ path, tensor }) => [path, Array.from(tensor.dataSync())]);

/** `total` updates in one run equal `split` updates, then the run resumed to `total` (batch 16, seed 5). */
export const expectExactResume = <S extends TensorTree>(
  recipe: Recipe<S>,
  dataset: TransitionSource,
  split: number,
  total: number,
): void => {
  const options = { batchSize: 16, seed: 5 };
  const straight = trainOffline(recipe, dataset, { ...options, steps: total }).state;
  const half = trainOffline(recipe, dataset, { ...options, steps: split }).state;
  const resumed = trainOffline(recipe, dataset, {
    ...options,
    steps: total,
    resume: { state: half, step: split },
  });
  expect(stateValues(resumed.state)).toEqual(stateValues(straight));
};
