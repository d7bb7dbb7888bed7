import { beforeAll, describe, expect, it } from 'vitest';
import { brac } from './brac.js';
import { expectNoLeak, oneUpdate, pendulum } from './learning.fixture.js';
import { pendulumScriptedDataset, type ScriptedDataset } from './scripted-dataset.js';
import { trainOffline } from './train-offline.js';

let data: ScriptedDataset;

beforeAll(async () => {
  data = await pendulumScriptedDataset({ episodes: 20, seed: 0 });
});

describe('brac', () => {
  it('logs the KL estimate, the behaviour policy’s likelihood and the Q term after the warm start', () => {
    const { names, metrics } = oneUpdate(brac(pendulum, { hiddenSizes: [8] }), data.dataset);
    expect(names).toEqual(
      expect.arrayContaining(['kl/divergence', 'bc/logProb', 'actor/q', 'critic/target']),
    );
    // Warm start (20 000 updates by default): no Q term yet.
    expect(metrics['actor/q']).toBe(0);
    const after = oneUpdate(brac(pendulum, { hiddenSizes: [8], warmStart: 0 }), data.dataset).metrics;
    expect(after['actor/q']).not.toBe(0);
  });

  it('backs up the value penalty in the vp variant (lower targets than pr on the same batch)', () => {
    const policy = oneUpdate(brac(pendulum, { hiddenSizes: [8], variant: 'policy' }), data.dataset).metrics;
    const value = oneUpdate(brac(pendulum, { hiddenSizes: [8], variant: 'value' }), data.dataset).metrics;
    expect(value['critic/target']).not.toBe(policy['critic/target']);
    const forward = oneUpdate(
      brac(pendulum, { hiddenSizes: [8], divergence: 'forward' }),
      data.dataset,
    ).metrics;
    expect(Number.isFinite(forward['kl/divergence'])).toBe(true);
  });

  it('fits the behaviour policy by BC: its likelihood of the data rises', () => {
    const logProb = (steps: number) =>
      trainOffline(brac(pendulum, { hiddenSizes: [16] }), data.dataset, {
        steps,
        batchSize: 64,
        seed: 4,
        logEvery: steps,
      }).lastMetrics['bc/logProb']!;
    expect(logProb(150)).toBeGreaterThan(logProb(1) + 0.5);
  });

  it('does not leak tensors across steps (both variants)', () => {
    expectNoLeak(brac(pendulum, { hiddenSizes: [8] }), data.dataset);
    expectNoLeak(brac(pendulum, { hiddenSizes: [8], variant: 'value' }), data.dataset);
  });
});
