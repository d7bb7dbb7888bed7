import { makeKey, splitKey } from '@offrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { brac, bracDefaults, bracPresets } from './brac.js';
import {
  expectExactResume,
  expectNoLeak,
  oneUpdate,
  pendulum,
  stateValues,
  trainAndEvaluate,
} from './learning.fixture.js';
import { makeRecipe } from './registry.js';
import { pendulumMixedDataset, pendulumScriptedDataset, type ScriptedDataset } from './scripted-dataset.js';
import { trainOffline } from './train-offline.js';

let data: ScriptedDataset;
/** Without π_β's BC phase: the agent's terms from the first update. */
const agentOnly = { hiddenSizes: [8], behaviourSteps: 0 };

beforeAll(async () => {
  data = await pendulumScriptedDataset({ episodes: 20, seed: 0 });
});

describe('brac', () => {
  it('logs the KL estimate, and the Q term after the warm start', () => {
    const { names, metrics } = oneUpdate(
      brac(pendulum, { hiddenSizes: [8], behaviourSteps: 0 }),
      data.dataset,
    );
    expect(names).toEqual(expect.arrayContaining(['kl/divergence', 'actor/q', 'critic/target']));
    // Warm start (20 000 updates by default): no Q term yet.
    expect(metrics['actor/q']).toBe(0);
    const after = oneUpdate(
      brac(pendulum, { hiddenSizes: [8], warmStart: 0, behaviourSteps: 0 }),
      data.dataset,
    ).metrics;
    expect(after['actor/q']).not.toBe(0);
  });

  it('backs up the value penalty in the vp variant (lower targets than pr on the same batch)', () => {
    const policy = oneUpdate(brac(pendulum, { ...agentOnly, variant: 'policy' }), data.dataset).metrics;
    const value = oneUpdate(brac(pendulum, { ...agentOnly, variant: 'value' }), data.dataset).metrics;
    expect(value['critic/target']).not.toBe(policy['critic/target']);
    const forward = oneUpdate(brac(pendulum, { ...agentOnly, divergence: 'forward' }), data.dataset).metrics;
    expect(Number.isFinite(forward['kl/divergence'])).toBe(true);
  });

  it('pretrains π_β alone by BC, then freezes it while the agent trains', () => {
    const recipe = brac(pendulum, { hiddenSizes: [16], behaviourSteps: 150, warmStart: 0 });
    const run = (steps: number) =>
      trainOffline(recipe, data.dataset, { steps, batchSize: 64, seed: 4, logEvery: steps });
    // trainOffline's initial state: init with the first of three keys split from the seed's.
    const start = recipe.init(splitKey(makeKey(4), 3)[0]!);
    const cloned = run(150);
    // BC phase: the likelihood of the data rises; only π_β moved.
    expect(cloned.lastMetrics['bc/logProb']!).toBeGreaterThan(run(1).lastMetrics['bc/logProb']! + 0.5);
    expect(stateValues(cloned.state.actor.policy)).toEqual(stateValues(start.actor.policy));
    expect(stateValues(cloned.state.critic)).toEqual(stateValues(start.critic));
    expect(stateValues(cloned.state.actor.behaviour)).not.toEqual(stateValues(start.actor.behaviour));
    // Agent phase: π_β stays exactly as pretrained; the policy and critics move.
    const trained = run(170);
    expect(trained.lastMetrics['kl/divergence']).toBeDefined();
    expect(stateValues(trained.state.actor.behaviour)).toEqual(stateValues(cloned.state.actor.behaviour));
    expect(stateValues(trained.state.actor.policy)).not.toEqual(stateValues(cloned.state.actor.policy));
    expect(stateValues(trained.state.critic)).not.toEqual(stateValues(cloned.state.critic));
  });

  it('resumes bit for bit across the switch from π_β’s BC to the agent', () => {
    const recipe = brac(pendulum, { hiddenSizes: [8], behaviourSteps: 2, warmStart: 0 });
    expectExactResume(recipe, data.dataset, 2, 4);
  });

  it('does not leak tensors across steps (both variants)', () => {
    // 30 updates: the BC phase, the switch at 10, then the agent.
    expectNoLeak(brac(pendulum, { hiddenSizes: [8], behaviourSteps: 10 }), data.dataset);
    expectNoLeak(brac(pendulum, { ...agentOnly, variant: 'value' }), data.dataset);
  });

  it('learns offline from mixed Pendulum data: BC phase, then the agent', { timeout: 120_000 }, async () => {
    const mixed = await pendulumMixedDataset({ expertEpisodes: 6, randomEpisodes: 14, seed: 0 });
    const learned = await trainAndEvaluate(
      brac(pendulum, {
        hiddenSizes: [64, 64],
        discount: 0.9,
        polyak: 0.05,
        actorLearningRate: 1e-3,
        criticLearningRate: 1e-3,
        behaviourSteps: 200,
        warmStart: 0,
        divergenceWeight: 0.1,
      }),
      mixed.dataset,
      2000,
    );
    // Measured (seed 0, 2000 steps): −749 against the random episodes' −1210 (BC ≈ −1150). With BRAC's
    // α = 1 the policy stays near the cloned mixture (−1418); at the reference rates 3e-4, −1313.
    expect(learned.after).toBeGreaterThan(mixed.randomReturn + 300);
  });

  it('builds with each preset through the registry (presets are valid configuration)', () => {
    for (const preset of Object.values(bracPresets)) {
      expect(makeRecipe('brac', pendulum, { ...preset }).name).toBe('brac');
    }
    expect(bracPresets.shortRun.behaviourSteps).toBeLessThan(bracDefaults.behaviourSteps);
  });
});
