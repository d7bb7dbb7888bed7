import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak, oneUpdate, pendulum } from './learning.fixture.js';
import { sac } from './sac.js';
import { pendulumScriptedDataset, type ScriptedDataset } from './scripted-dataset.js';

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
});
