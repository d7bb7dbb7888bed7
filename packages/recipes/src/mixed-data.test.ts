import { beforeAll, describe, expect, it } from 'vitest';
import { awac } from './awac.js';
import { bc } from './bc.js';
import { cql, cqlPresets } from './cql.js';
import { iql } from './iql.js';
import { pendulum, trainAndEvaluate } from './learning.fixture.js';
import { type MixedDataset, pendulumMixedDataset } from './scripted-dataset.js';
import { td3bc } from './td3bc.js';

let data: MixedDataset;
/** BC's return after 1000 updates (seed 0); measured on seeds 0, 1, 2: −1152, −1099, −1181. */
let cloned: number;

/** Small nets, batch 128, γ 0.9 and Polyak 0.05 so the critics settle within the test budget. */
const fast = { hiddenSizes: [64, 64], discount: 0.9, polyak: 0.05 };

beforeAll(async () => {
  // 6 controller episodes (≈ −170) and 14 of uniform random torques (≈ −1210): 4000 transitions.
  data = await pendulumMixedDataset({ expertEpisodes: 6, randomEpisodes: 14, seed: 0 });
  cloned = (await trainAndEvaluate(bc(pendulum, { hiddenSizes: [64, 64] }), data.dataset, 1000)).after;
}, 60_000);

describe('mixed-quality Pendulum data: offline RL beats behaviour cloning', () => {
  it('is deterministic from its seed and mixes good and random episodes', async () => {
    expect(data.dataset.size).toBe(4000);
    expect(data.expertReturn).toBeGreaterThan(-300);
    expect(data.randomReturn).toBeLessThan(-900);
    const again = await pendulumMixedDataset({ expertEpisodes: 6, randomEpisodes: 14, seed: 0 });
    expect(Array.from(again.dataset.actions.slice(0, 50))).toEqual(
      Array.from(data.dataset.actions.slice(0, 50)),
    );
  });

  it('iql (β = 3, its reward scale) beats bc', { timeout: 60_000 }, async () => {
    const weighted = await trainAndEvaluate(
      iql(pendulum, {
        ...fast,
        actorLearningRate: 3e-3,
        criticLearningRate: 1e-3,
        valueLearningRate: 1e-3,
      }),
      data.dataset,
      2000,
    );
    // Measured (seeds 0, 1, 2, 2000 steps): −656, −709, −830, each 350–500 above bc's same seed. Without
    // the recipe's reward scale (rewardScale: 'none'): −1064, −485, −1153.
    expect(weighted.after).toBeGreaterThan(cloned + 250);
  });

  it('td3bc (α = 10, normalised states) beats bc, narrowly', { timeout: 60_000 }, async () => {
    const penalised = await trainAndEvaluate(
      td3bc(pendulum, { ...fast, alpha: 10, actorLearningRate: 1e-3, criticLearningRate: 1e-3 }),
      data.dataset,
      2000,
    );
    // Measured (seeds 0, 1, 2, 2000 steps): −1078, −1038, −1124, 57–74 above bc's same seed; without the
    // state normalisation −1117, −1107, −1101. The BC term pulls towards the random torques' mean.
    expect(penalised.after).toBeGreaterThan(cloned + 30);
  });

  it('cql (its short-run Pendulum preset, normalised states) beats bc', { timeout: 120_000 }, async () => {
    const conservative = await trainAndEvaluate(
      cql(pendulum, {
        ...cqlPresets.pendulumShortRun,
        criticHiddenSizes: fast.hiddenSizes,
        actorHiddenSizes: fast.hiddenSizes,
        discount: fast.discount,
        polyak: fast.polyak,
      }),
      data.dataset,
      2000,
    );
    // Measured (2000 steps, K = 10, ~40 s on an idle machine): seeds 0, 1, 2: −204, −520, −757, each 420–950
    // above bc's same seed; K = 4: −303 (seed 0); without the state normalisation −450 (seed 0); at CORL's
    // rates (3e-5 / 3e-4, α 10) −1167, level with bc: the policy and its temperature have hardly moved.
    expect(conservative.after).toBeGreaterThan(cloned + 300);
  });

  it('awac (λ = 0.3) beats bc on seed 0', { timeout: 60_000 }, async () => {
    const weighted = await trainAndEvaluate(
      awac(pendulum, {
        hiddenSizes: [64, 64],
        lambda: 0.3,
        actorLearningRate: 3e-3,
        criticLearningRate: 1e-3,
        discount: 0.9,
        polyak: 0.05,
      }),
      data.dataset,
      1200,
    );
    // Measured at 1200 steps (seeds 0, 1, 2): −270, −1296, −708: seed 1 is below bc, so this holds for
    // seed 0 only (at 2000 steps seeds 0, 1: −320, −344).
    expect(weighted.after).toBeGreaterThan(cloned + 150);
  });
});
