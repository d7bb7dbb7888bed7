/**
 * The offline training loop: sample a batch from a fixed dataset, update, repeat. Every random draw
 * comes from `seed` (parameter init from one key, batch indices and update noise from per-step keys),
 * so the same seed on the same backend reproduces a run bit for bit.
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
import type { Recipe } from './recipe.js';

export interface OfflineTrainingOptions {
  readonly steps: number;
  /** Default 256. */
  readonly batchSize?: number;
  /** Default 0. */
  readonly seed?: number;
  /** Report metrics every this many steps (and after the last). Default 1000. */
  readonly logEvery?: number;
  /** Receives the step number (1-based) and the metrics' values at each report. */
  readonly onLog?: (step: number, metrics: Readonly<Record<string, number>>) => void;
}

export interface OfflineTrainingResult<S extends TensorTree> {
  readonly state: S;
  readonly steps: number;
  readonly lastMetrics: Readonly<Record<string, number>>;
}

export const trainOffline = <S extends TensorTree>(
  recipe: Recipe<S>,
  dataset: TransitionSource,
  options: OfflineTrainingOptions,
): OfflineTrainingResult<S> => {
  const { steps, batchSize = 256, seed = 0, logEvery = 1000, onLog } = options;
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
  const batch = createBatch({ size: batchSize, observationDim, actionDim });
  let state = recipe.init(initKey);
  let lastMetrics: Record<string, number> = {};
  for (let step = 1; step <= steps; step++) {
    sampleInto(batch, dataset, seedFromKey(foldIn(sampleKey, step)));
    const tensors = batchToTensors(batch);
    const { state: next, metrics } = recipe.update(state, tensors, foldIn(updateKey, step));
    disposeTree(tensors as unknown as TensorTree);
    disposeTree(state);
    state = next;
    const report = step % logEvery === 0 || step === steps;
    // Reading metrics forces a device sync; do it only when reporting.
    if (report) lastMetrics = readMetrics(metrics);
    for (const metric of Object.values(metrics)) metric.dispose();
    if (report) onLog?.(step, lastMetrics);
  }
  return { state, steps, lastMetrics };
};

const readMetrics = (metrics: Readonly<Record<string, Scalar>>): Record<string, number> =>
  Object.fromEntries(Object.entries(metrics).map(([name, value]) => [name, value.dataSync()[0]!]));
