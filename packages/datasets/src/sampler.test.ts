import { expect, it, describe as suite } from 'vitest';
import { withMonteCarloReturns } from './episodes.js';
import { linearSchedule, offlineRows, sampleMixed, sampleMixedInto } from './mixed-sampler.js';
import { ReplayBuffer } from './replay-buffer.js';
import { createBatch, sample, sampleInto } from './sampler.js';
import type { TransitionDataset } from './transitions.js';
import { transitionsOrThrow } from './transitions.js';

/** `size` rows; row i: observation (i, −i), action i/10, reward i, next observation (i+1, −i−1); every 5th row terminal. */
function indexed(size: number, offset = 0): TransitionDataset {
  return transitionsOrThrow({
    observationDim: 2,
    actionDim: 1,
    observations: Float32Array.from(
      { length: 2 * size },
      (_, j) => (j % 2 === 0 ? 1 : -1) * (offset + (j >> 1)),
    ),
    actions: Float32Array.from({ length: size }, (_, i) => (offset + i) / 10),
    rewards: Float32Array.from({ length: size }, (_, i) => offset + i),
    nextObservations: Float32Array.from(
      { length: 2 * size },
      (_, j) => (j % 2 === 0 ? 1 : -1) * (offset + (j >> 1) + 1),
    ),
    terminals: Uint8Array.from({ length: size }, (_, i) => (i % 5 === 4 ? 1 : 0)),
  });
}

suite('uniform sampler', () => {
  const dataset = indexed(50);

  it('gives the same batch for the same seed, bit for bit', () => {
    expect(sample(dataset, 64, 123)).toEqual(sample(dataset, 64, 123));
    expect(sample(dataset, 64, 123).indices).not.toEqual(sample(dataset, 64, 124).indices);
  });

  it('copies whole rows, consistently across fields, with masks = 1 − terminals', () => {
    const batch = sample(dataset, 32, 9);
    for (let i = 0; i < batch.size; i++) {
      const row = batch.indices[i]!;
      expect(row).toBeLessThan(50);
      expect([batch.observations[2 * i], batch.observations[2 * i + 1]]).toEqual([row, -row]);
      expect([batch.nextObservations[2 * i], batch.nextObservations[2 * i + 1]]).toEqual([row + 1, -row - 1]);
      expect(batch.actions[i]).toBe(Math.fround(row / 10));
      expect(batch.rewards[i]).toBe(row);
      expect(batch.terminals[i]).toBe(row % 5 === 4 ? 1 : 0);
      expect(batch.masks[i]).toBe(1 - batch.terminals[i]!);
    }
  });

  it('copies every column of wide rows (observation 5, action 3)', () => {
    const size = 40;
    const wide = transitionsOrThrow({
      observationDim: 5,
      actionDim: 3,
      observations: Float32Array.from({ length: size * 5 }, (_, j) => j),
      actions: Float32Array.from({ length: size * 3 }, (_, j) => -j),
      rewards: new Float32Array(size),
      nextObservations: Float32Array.from({ length: size * 5 }, (_, j) => j + 0.5),
    });
    const batch = sample(wide, 64, 11);
    for (let i = 0; i < batch.size; i++) {
      const row = batch.indices[i]!;
      expect(Array.from(batch.observations.subarray(i * 5, i * 5 + 5))).toEqual(
        Array.from(wide.observations.subarray(row * 5, row * 5 + 5)),
      );
      expect(Array.from(batch.nextObservations.subarray(i * 5, i * 5 + 5))).toEqual(
        Array.from(wide.nextObservations.subarray(row * 5, row * 5 + 5)),
      );
      expect(Array.from(batch.actions.subarray(i * 3, i * 3 + 3))).toEqual(
        Array.from(wide.actions.subarray(row * 3, row * 3 + 3)),
      );
    }
  });

  it('refills a preallocated batch in place', () => {
    const batch = createBatch({ size: 16, observationDim: 2, actionDim: 1 });
    const observations = batch.observations;
    sampleInto(batch, dataset, 5);
    expect(batch.observations).toBe(observations);
    expect(batch.indices).toEqual(sample(dataset, 16, 5).indices);
  });

  it('carries Monte-Carlo returns when the source has them', () => {
    const withReturns = withMonteCarloReturns(dataset, { discount: 0.99 });
    const batch = sample(withReturns, 8, 1);
    expect(batch.mcReturns).toBeDefined();
    for (let i = 0; i < 8; i++) expect(batch.mcReturns![i]).toBe(withReturns.mcReturns![batch.indices[i]!]);
    expect(() =>
      sampleInto(createBatch({ size: 2, observationDim: 2, actionDim: 1, mcReturns: true }), dataset, 1),
    ).toThrow('Monte-Carlo');
  });

  it('rejects a batch of other dimensions and an empty source', () => {
    expect(() => sampleInto(createBatch({ size: 2, observationDim: 3, actionDim: 1 }), dataset, 1)).toThrow(
      'dims',
    );
    const empty = new ReplayBuffer({ capacity: 4, observationDim: 2, actionDim: 1 });
    expect(() => sample(empty, 4, 1)).toThrow('empty');
  });
});

suite('mixed offline/online sampler', () => {
  const offline = indexed(100); // rewards 0..99
  const online = indexed(20, 1000); // rewards 1000..1019

  it('takes an exact fraction from each source', () => {
    const batch = sampleMixed(offline, online, 256, 77);
    const fromOffline = Array.from(batch.rewards).filter((r) => r < 1000).length;
    expect(fromOffline).toBe(128);
    // offline rows first, then online rows
    expect(Array.from(batch.rewards.slice(0, 128)).every((r) => r < 1000)).toBe(true);
    expect(Array.from(batch.rewards.slice(128)).every((r) => r >= 1000)).toBe(true);
    expect(
      sampleMixed(offline, online, 10, 77, { offlineFraction: 0.25 }).rewards.filter((r) => r < 1000).length,
    ).toBe(offlineRows(10, 0.25));
  });

  it('is deterministic in the seed', () => {
    const batch = createBatch({ size: 32, observationDim: 2, actionDim: 1 });
    const first = sampleMixedInto(batch, offline, online, 3).rewards.slice();
    expect(sampleMixed(offline, online, 32, 3).rewards).toEqual(first);
  });

  it('allows an empty online buffer when the fraction is 1', () => {
    const buffer = new ReplayBuffer({ capacity: 8, observationDim: 2, actionDim: 1 });
    const batch = sampleMixed(offline, buffer, 16, 1, { offlineFraction: 1 });
    expect(Array.from(batch.rewards).every((r) => r < 100)).toBe(true);
    expect(() => sampleMixed(offline, buffer, 16, 1)).toThrow('empty');
  });

  it('rounds the offline share: 0.5 of 7 is 4 (round half up), 0.3 of 10 is 3', () => {
    expect(offlineRows(7)).toBe(4);
    expect(offlineRows(10, 0.3)).toBe(3);
    expect(() => offlineRows(10, 1.5)).toThrow('offlineFraction');
  });

  it('anneals the fraction linearly', () => {
    const fraction = linearSchedule(1, 0.5, 100);
    expect([fraction(0), fraction(50), fraction(100), fraction(1000)]).toEqual([1, 0.75, 0.5, 0.5]);
  });
});
