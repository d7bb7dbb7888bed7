import { createBatch, observationNormaliser, returnRangeScale } from '@offrl/datasets';
import { makeKey, tf } from '@offrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { iql } from './iql.js';
import { pendulum } from './learning.fixture.js';
import { preprocessBatch, preprocessingState, readPreprocessing } from './preprocessing.js';
import { pendulumScriptedDataset, type ScriptedDataset } from './scripted-dataset.js';
import { td3bc } from './td3bc.js';
import { trainOffline } from './train-offline.js';

let data: ScriptedDataset;

beforeAll(async () => {
  data = await pendulumScriptedDataset({ episodes: 4, seed: 0 });
});

describe('preprocessing owned by the recipe', () => {
  it('normalises a batch and scales its rewards in place (worked by hand)', () => {
    const batch = createBatch({ size: 2, observationDim: 2, actionDim: 1 });
    batch.observations.set([1, 2, 3, 4]);
    batch.nextObservations.set([2, 3, 2, 7]);
    batch.rewards.set([1, 3]);
    preprocessBatch(batch, {
      observations: { mean: [2, 3], std: [1, 2] },
      rewards: { scale: 2, shift: -1 },
    });
    // (1 − 2)/1, (2 − 3)/2, (3 − 2)/1, (4 − 3)/2;  next: 0, 0, 0, 2;  rewards: 2·1 − 1, 2·3 − 1.
    expect(Array.from(batch.observations)).toEqual([-1, -0.5, 1, 0.5]);
    expect(Array.from(batch.nextObservations)).toEqual([0, 0, 0, 2]);
    expect(Array.from(batch.rewards)).toEqual([1, 5]);
  });

  it('holds the statistics as state tensors and reads them back; the identity reads back as {}', () => {
    const given = { observations: { mean: [0.5, -2], std: [0.25, 4] }, rewards: { scale: 0.5, shift: 0 } };
    const state = preprocessingState(2, given);
    expect(readPreprocessing(state)).toEqual(given);
    const identity = preprocessingState(2);
    expect(readPreprocessing(identity)).toEqual({});
    for (const tensor of [...Object.values(state), ...Object.values(identity)]) tensor.dispose();
    expect(() => preprocessingState(3, given)).toThrow(/2 dimensions, the recipe 3/);
  });

  it('td3bc normalises states with the dataset statistics in training and in act', () => {
    const recipe = td3bc(pendulum, { hiddenSizes: [8] });
    const { state } = trainOffline(recipe, data.dataset, { steps: 2, batchSize: 16, seed: 0 });
    const expected = observationNormaliser(data.dataset);
    const held = readPreprocessing(state.preprocessing);
    expect(held.observations?.mean).toEqual(Array.from(Float32Array.from(expected.mean)));
    expect(held.observations?.std).toEqual(Array.from(Float32Array.from(expected.std)));
    // act(s) = π((s − μ)/σ): the same as a state without statistics acting on normalised input.
    const raw = tf.tensor2d([1, 0, 3, -0.5, 0.5, -2], [2, 3]);
    const normalised = tf.tensor2d(
      [0, 1, 2, 3, 4, 5].map(
        (i) => (raw.dataSync()[i]! - held.observations!.mean[i % 3]!) / held.observations!.std[i % 3]!,
      ),
      [2, 3],
    );
    const plain = { ...state, preprocessing: preprocessingState(3) };
    const a = recipe.act(state, raw).dataSync();
    const b = recipe.act(plain, normalised).dataSync();
    for (let i = 0; i < 2; i++) expect(a[i]).toBeCloseTo(b[i]!, 5);
    expect(td3bc(pendulum, { normaliseObservations: false }).prepare(data.dataset)).toEqual({});
  });

  it('iql scales rewards by episode length / return range (1000 / range on D4RL locomotion)', () => {
    const recipe = iql(pendulum, { hiddenSizes: [8] });
    // Pendulum episodes are 200 steps.
    expect(recipe.prepare(data.dataset)).toEqual({ rewards: returnRangeScale(data.dataset, 200) });
    expect(iql(pendulum, { rewardScale: 1000 }).prepare(data.dataset)).toEqual({
      rewards: returnRangeScale(data.dataset, 1000),
    });
    expect(iql(pendulum, { rewardScale: 'none' }).prepare(data.dataset)).toEqual({});
    const initial = recipe.init(makeKey(0), recipe.prepare(data.dataset));
    expect(recipe.preprocessingOf(initial).rewards?.scale).toBeCloseTo(
      returnRangeScale(data.dataset, 200).scale,
      6,
    );
  });
});
