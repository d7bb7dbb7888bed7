import { expect, it, describe as suite } from 'vitest';
import {
  denormaliseObservations,
  normaliseBatch,
  normaliseDataset,
  normaliseObservations,
  observationNormaliser,
} from './normaliser.js';
import { createBatch } from './sampler.js';
import { transitionsOrThrow } from './transitions.js';

/** Observations (1, 10), (3, 10): mean (2, 10), population std (1, 0). */
const dataset = transitionsOrThrow({
  observationDim: 2,
  actionDim: 1,
  observations: Float32Array.of(1, 10, 3, 10),
  actions: Float32Array.of(0, 0),
  rewards: Float32Array.of(0, 0),
  nextObservations: Float32Array.of(3, 10, 5, 10),
});

suite('observation normaliser', () => {
  it('computes mean and std + ε from observations only', () => {
    const normaliser = observationNormaliser(dataset);
    expect(normaliser.mean).toEqual([2, 10]);
    expect(normaliser.std).toEqual([1.001, 0.001]);
    expect(observationNormaliser(dataset, { epsilon: 0 }).std).toEqual([1, 0]);
  });

  it('normalises a policy input and inverts it', () => {
    const normaliser = observationNormaliser(dataset, { epsilon: 0.5 }); // std (1.5, 0.5)
    // (5 − 2) / 1.5 = 2, (11 − 10) / 0.5 = 2
    const z = normaliseObservations(Float64Array.of(5, 11), normaliser);
    expect(Array.from(z)).toEqual([2, 2]);
    expect(Array.from(denormaliseObservations(z, normaliser))).toEqual([5, 11]);
  });

  it('normalises datasets by copy and batches in place', () => {
    const normaliser = observationNormaliser(dataset, { epsilon: 0.5 });
    const normalised = normaliseDataset(dataset, normaliser);
    expect(Array.from(normalised.observations)).toEqual([-2 / 3, 0, 2 / 3, 0].map(Math.fround));
    expect(Array.from(normalised.nextObservations)).toEqual([2 / 3, 0, 2, 0].map(Math.fround));
    expect(Array.from(dataset.observations)).toEqual([1, 10, 3, 10]);
    const batch = createBatch({ size: 1, observationDim: 2, actionDim: 1 });
    batch.observations.set([2, 10]);
    normaliseBatch(batch, normaliser);
    expect(Array.from(batch.observations)).toEqual([0, 0]);
  });

  it('rejects a normaliser of other dimension', () => {
    const batch = createBatch({ size: 1, observationDim: 3, actionDim: 1 });
    expect(() => normaliseBatch(batch, observationNormaliser(dataset))).toThrow(
      'normaliser has 2 dims, observations have 3',
    );
  });
});
