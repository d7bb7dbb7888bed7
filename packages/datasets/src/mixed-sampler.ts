import { DatasetError } from './errors.js';
import { seedInto } from './rng.js';
import type { Batch } from './sampler.js';
import { createBatch, fillFrom } from './sampler.js';
import type { TransitionSource } from './transitions.js';

/** Options of the mixed offline/online sampler. */
export interface MixedSampleOptions {
  /**
   * Fraction of each batch drawn from the offline dataset; the rest comes from the online buffer.
   * Default 0.5, RLPD's symmetric sampling (Ball et al. 2023) and Cal-QL's `mixing_ratio`.
   */
  readonly offlineFraction?: number;
}

/**
 * Number of offline rows in a batch of `batchSize`: round(fraction · batchSize), so the split is
 * exact and the same for every batch (no per-row coin flips). 0.5 of 256 is 128 and 128.
 */
export function offlineRows(batchSize: number, offlineFraction = 0.5): number {
  if (!(offlineFraction >= 0 && offlineFraction <= 1)) {
    throw new DatasetError('bad-argument', `must be in [0, 1], got ${offlineFraction}`, {
      field: 'offlineFraction',
    });
  }
  return Math.round(offlineFraction * batchSize);
}

/**
 * Fills `batch`: rows `[0, k)` uniformly from `offline`, rows `[k, size)` uniformly from `online`,
 * k = `offlineRows(batch.size, offlineFraction)`. One generator seeded by `seed` draws the offline
 * indices first, then the online ones, so the same seed gives the same batch. A source that would
 * contribute zero rows may be empty.
 */
export function sampleMixedInto(
  batch: Batch,
  offline: TransitionSource,
  online: TransitionSource,
  seed: number,
  options: MixedSampleOptions = {},
): Batch {
  const k = offlineRows(batch.size, options.offlineFraction);
  const words = new Uint32Array(4);
  seedInto(words, seed);
  fillFrom(batch, offline, words, 0, k);
  fillFrom(batch, online, words, k, batch.size - k);
  return batch;
}

/** `sampleMixedInto` a freshly allocated batch. */
export function sampleMixed(
  offline: TransitionSource,
  online: TransitionSource,
  batchSize: number,
  seed: number,
  options: MixedSampleOptions = {},
): Batch {
  const batch = createBatch({
    size: batchSize,
    observationDim: offline.observationDim,
    actionDim: offline.actionDim,
    mcReturns: offline.mcReturns !== undefined && online.mcReturns !== undefined,
  });
  return sampleMixedInto(batch, offline, online, seed, options);
}

/**
 * A linear schedule for annealing the offline fraction: `start` at step 0, `end` from step
 * `steps` on, linear in between. Returns a pure function of the step.
 */
export function linearSchedule(start: number, end: number, steps: number): (step: number) => number {
  if (!(Number.isInteger(steps) && steps > 0)) {
    throw new DatasetError('bad-argument', `must be a positive integer, got ${steps}`, { field: 'steps' });
  }
  return (step) => start + (end - start) * Math.min(1, Math.max(0, step / steps));
}
