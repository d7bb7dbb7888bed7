/**
 * The offline training loop: sample a batch from a fixed dataset, update, repeat. Every random draw
 * comes from `seed` (parameter init from one key, batch indices and update noise from per-step keys),
 * so the same seed on the same backend reproduces a run bit for bit. A recipe whose definition includes
 * data preprocessing (`PreparingRecipe`: TD3+BC's state normalisation, IQL's reward scale) gets its
 * statistics from the whole dataset before the first update, holds them in its state, and every batch
 * is preprocessed on its typed arrays before it becomes tensors. A NaN or ±Inf metric stops the run
 * with a `TrainingDivergedError` naming the update and the terms.
 */
import { createBatch, sampleInto, type TransitionSource } from '@offrl/datasets';
import {
  disposeTree,
  foldIn,
  type Key,
  makeKey,
  type Scalar,
  seedFromKey,
  splitKey,
  type TensorTree,
} from '@offrl/tensor';
import { batchToTensors } from './batch-tensors.js';
import { nonFiniteTerms, readMetrics, TrainingDivergedError } from './divergence.js';
import { type Preprocessing, preparesData, preprocessBatch } from './preprocessing.js';
import type { Recipe } from './recipe.js';

export interface OfflineTrainingOptions<S extends TensorTree = TensorTree> {
  readonly steps: number;
  /** Default 256. */
  readonly batchSize?: number;
  /** Default 0. */
  readonly seed?: number;
  /** Report metrics every this many steps (and after the last). Default 1000. */
  readonly logEvery?: number;
  /** Receives the step number (1-based) and the metrics' values at each report. */
  readonly onLog?: (step: number, metrics: Readonly<Record<string, number>>) => void;
  /**
   * Continue a run instead of starting one: its state after `step` updates (with the same seed and
   * batch size this reproduces the uninterrupted run bit for bit). The loop takes ownership of the
   * state and frees it. `steps` counts the updates of the whole run, so `steps > step`.
   */
  readonly resume?: { readonly state: S; readonly step: number };
}

export interface OfflineTrainingResult<S extends TensorTree> {
  readonly state: S;
  readonly steps: number;
  readonly lastMetrics: Readonly<Record<string, number>>;
}

export const trainOffline = <S extends TensorTree>(
  recipe: Recipe<S>,
  dataset: TransitionSource,
  options: OfflineTrainingOptions<S>,
): OfflineTrainingResult<S> => {
  const { steps, batchSize = 256, seed = 0, logEvery = 1000, onLog, resume } = options;
  if (!Number.isInteger(steps) || steps < 1)
    throw new RangeError(`trainOffline: steps must be ≥ 1, got ${steps}`);
  const { observationDim, actionDim } = recipe.dimensions;
  if (dataset.observationDim !== observationDim || dataset.actionDim !== actionDim) {
    throw new Error(
      `trainOffline: ${recipe.name} was built for observations ${observationDim} and actions ${actionDim}, ` +
        `the dataset has ${dataset.observationDim} and ${dataset.actionDim}`,
    );
  }
  const [initKey, sampleKey, updateKey] = splitKey(makeKey(seed), 3) as [Key, Key, Key];
  const batch = createBatch({
    size: batchSize,
    observationDim,
    actionDim,
    mcReturns: dataset.mcReturns !== undefined,
  });
  const done = resume?.step ?? 0;
  if (!Number.isInteger(done) || done < 0 || done >= steps) {
    throw new RangeError(`trainOffline: resume.step must be an integer in [0, ${steps}), got ${done}`);
  }
  if (resume !== undefined) assertStepCounter(resume.state, done);
  let preprocessing: Preprocessing = {};
  let state: S;
  if (preparesData(recipe)) {
    state = resume?.state ?? recipe.init(initKey, recipe.prepare(dataset));
    // Read back from the state (float32) in both cases, so a resumed run preprocesses its batches
    // bit for bit as the uninterrupted one, even if the dataset changed since.
    preprocessing = recipe.preprocessingOf(state);
  } else {
    state = resume?.state ?? recipe.init(initKey);
  }
  let lastMetrics: Record<string, number> = {};
  for (let step = done + 1; step <= steps; step++) {
    sampleInto(batch, dataset, seedFromKey(foldIn(sampleKey, step)));
    preprocessBatch(batch, preprocessing);
    const tensors = batchToTensors(batch);
    const { state: next, metrics } = recipe.update(state, tensors, {
      key: foldIn(updateKey, step),
      step: step - 1,
      // The loop disposes the old state right after: donate it (recipe.ts).
      donate: true,
    });
    disposeTree(tensors as unknown as TensorTree);
    disposeTree(state);
    state = next;
    // Read every step: the divergence guard (divergence.ts) stops at the first non-finite term.
    lastMetrics = readMetrics(metrics);
    for (const metric of Object.values(metrics)) metric.dispose();
    const diverged = nonFiniteTerms(lastMetrics);
    if (diverged !== undefined) {
      disposeTree(state);
      throw new TrainingDivergedError(step, diverged);
    }
    if (step % logEvery === 0 || step === steps) onLog?.(step, lastMetrics);
  }
  return { state, steps, lastMetrics };
};

/** A state that counts its own updates (`state.step`) must agree with the step it is resumed at. */
const assertStepCounter = (state: TensorTree, step: number): void => {
  const counter = state['step'];
  if (counter === undefined || !('dataSync' in counter)) return;
  const value = (counter as Scalar).dataSync()[0];
  if (value !== step)
    throw new Error(`trainOffline: resume.step is ${step} but the state has made ${value} updates`);
};
