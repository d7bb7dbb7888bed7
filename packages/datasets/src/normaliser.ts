import { DatasetError } from './errors.js';
import type { Batch } from './sampler.js';
import type { TransitionDataset, TransitionSource } from './transitions.js';

/**
 * Per-dimension observation statistics: normalise(s) = (s − mean) / std. A plain value (arrays of
 * numbers), so it can be saved with a checkpoint as JSON and applied to the policy's inputs at
 * evaluation time.
 */
export interface ObservationNormaliser {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Options of `observationNormaliser`. */
export interface NormaliserOptions {
  /**
   * Added to the standard deviation so constant dimensions do not divide by zero. Default 1e-3,
   * as TD3+BC (`normalize_states`, eps = 1e-3) and CORL's `compute_mean_std`.
   */
  readonly epsilon?: number;
}

/**
 * Mean and standard deviation of each observation dimension over the dataset's `observations`
 * (population std, accumulated in float64), std ← std + ε. Only `observations` enter, like
 * TD3+BC; next observations are normalised with the same statistics.
 */
export function observationNormaliser(
  source: Pick<TransitionSource, 'size' | 'observationDim' | 'observations'>,
  options: NormaliserOptions = {},
): ObservationNormaliser {
  const { size, observationDim: dim, observations } = source;
  if (size === 0)
    throw new DatasetError('bad-argument', 'cannot compute statistics of an empty dataset', {
      field: 'observations',
    });
  const epsilon = options.epsilon ?? 1e-3;
  const sum = new Float64Array(dim);
  for (let row = 0; row < size; row++) for (let k = 0; k < dim; k++) sum[k]! += observations[row * dim + k]!;
  const mean = Array.from(sum, (s) => s / size);
  const squares = new Float64Array(dim);
  for (let row = 0; row < size; row++) {
    for (let k = 0; k < dim; k++) squares[k]! += (observations[row * dim + k]! - mean[k]!) ** 2;
  }
  const std = Array.from(squares, (s) => Math.sqrt(s / size) + epsilon);
  return { mean, std };
}

/**
 * Normalises row-major observations of width `mean.length` in place and returns them. Use it on a
 * policy's input at evaluation, and through `normaliseBatch`/`normaliseDataset` for training data.
 */
export function normaliseObservations<T extends Float32Array | Float64Array>(
  observations: T,
  normaliser: ObservationNormaliser,
): T {
  const dim = normaliser.mean.length;
  if (observations.length % dim !== 0) {
    throw new DatasetError(
      'dimension-mismatch',
      `length ${observations.length} is not a multiple of ${dim}`,
      {
        field: 'observations',
      },
    );
  }
  for (let i = 0; i < observations.length; i++) {
    const k = i % dim;
    observations[i] = (observations[i]! - normaliser.mean[k]!) / normaliser.std[k]!;
  }
  return observations;
}

/** Inverse of `normaliseObservations`, in place: s = z · std + mean. */
export function denormaliseObservations<T extends Float32Array | Float64Array>(
  observations: T,
  normaliser: ObservationNormaliser,
): T {
  const dim = normaliser.mean.length;
  for (let i = 0; i < observations.length; i++) {
    const k = i % dim;
    observations[i] = observations[i]! * normaliser.std[k]! + normaliser.mean[k]!;
  }
  return observations;
}

/** Normalises a batch's observations and next observations in place. */
export function normaliseBatch(batch: Batch, normaliser: ObservationNormaliser): Batch {
  checkDim(batch.observationDim, normaliser);
  normaliseObservations(batch.observations, normaliser);
  normaliseObservations(batch.nextObservations, normaliser);
  return batch;
}

/** A copy of the dataset with normalised observations and next observations (other arrays shared). */
export function normaliseDataset(
  dataset: TransitionDataset,
  normaliser: ObservationNormaliser,
): TransitionDataset {
  checkDim(dataset.observationDim, normaliser);
  return {
    ...dataset,
    observations: normaliseObservations(dataset.observations.slice(), normaliser),
    nextObservations: normaliseObservations(dataset.nextObservations.slice(), normaliser),
  };
}

function checkDim(observationDim: number, normaliser: ObservationNormaliser): void {
  if (normaliser.mean.length !== observationDim || normaliser.std.length !== observationDim) {
    throw new DatasetError(
      'dimension-mismatch',
      `normaliser has ${normaliser.mean.length} dims, observations have ${observationDim}`,
      { field: 'observations' },
    );
  }
}
