import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak, oneUpdate, pendulum, trainAndEvaluate } from './learning.fixture.js';
import { sac } from './sac.js';
import { pendulumMixedDataset, pendulumScriptedDataset, type ScriptedDataset } from './scripted-dataset.js';

let data: ScriptedDataset;

beforeAll(async () => {
  data = await pendulumScriptedDataset({ episodes: 20, seed: 0 });
});

describe('sac', () => {
  it('logs actor, temperature and critic terms, and learns α', () => {
    const { names, metrics, state } = oneUpdate(sac(pendulum, { hiddenSizes: [8] }), data.dataset);
    expect(names).toEqual(
      [
        'actor/alpha',
        'actor/entropy',
        'actor/loss',
        'actor/q',
        'critic/loss',
        'critic/q',
        'critic/target',
        'temperature/alpha',
        'temperature/loss',
      ].sort(),
    );
    expect(metrics['temperature/alpha']).toBe(1);
    // α moved off its initial 1 after one Adam step of log α.
    expect(Math.exp(state.actor.logAlpha.dataSync()[0]!)).not.toBe(1);
  });

  it('backs up the entropy: a higher α gives a higher target on the same batch', () => {
    // log π(a′|s′) < 0 for a broad policy, so −α·log π > 0 raises y with α.
    const low = oneUpdate(
      sac(pendulum, { hiddenSizes: [8], initialTemperature: 0.01 }),
      data.dataset,
    ).metrics;
    const high = oneUpdate(sac(pendulum, { hiddenSizes: [8], initialTemperature: 10 }), data.dataset).metrics;
    expect(high['critic/target']).toBeGreaterThan(low['critic/target']!);
  });

  it('does not leak tensors across steps', () => {
    expectNoLeak(sac(pendulum, { hiddenSizes: [8] }), data.dataset);
  });

  it('learns offline from mixed Pendulum data at rates for a short run', { timeout: 120_000 }, async () => {
    // 6 controller and 14 random-torque episodes, as mixed-data.test.ts (BC ≈ −1150 on them).
    const mixed = await pendulumMixedDataset({ expertEpisodes: 6, randomEpisodes: 14, seed: 0 });
    const fast = { hiddenSizes: [64, 64], discount: 0.9, polyak: 0.05 };
    const learned = await trainAndEvaluate(
      sac(pendulum, { ...fast, actorLearningRate: 1e-3, criticLearningRate: 1e-3 }),
      mixed.dataset,
      2000,
    );
    // Measured (seed 0, 2000 steps, ~30 s on an idle machine): −697 against the random episodes' −1210.
    // At the reference rates (3e-4) the same run ends at −1269 (α 0.56: the temperature, at the actor's
    // rate, has not come down), −1128 with α₀ 0.05, and −492 after 6000 updates: a matter of the
    // budget (the references train 1M updates), not a bug.
    expect(learned.after).toBeGreaterThan(mixed.randomReturn + 300);
  });
});
