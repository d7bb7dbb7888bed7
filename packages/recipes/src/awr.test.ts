import { withMonteCarloReturns } from '@offrl/datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import { deterministicBcActor } from './actor-parts.js';
import { awr } from './awr.js';
import { expectNoLeak, oneUpdate, pendulum, trainAndEvaluate } from './learning.fixture.js';
import { pendulumScriptedDataset, type ScriptedDataset } from './scripted-dataset.js';

let data: ScriptedDataset;

beforeAll(async () => {
  data = await pendulumScriptedDataset({ episodes: 20, seed: 0 });
});

describe('awr', () => {
  it('regresses V on Monte-Carlo returns and weights BC by exp(A/β)', () => {
    const dataset = withMonteCarloReturns(data.dataset, { discount: 0.9 });
    const { names } = oneUpdate(awr(pendulum, { hiddenSizes: [8] }), dataset);
    expect(names).toEqual(
      ['actor/advantage', 'actor/logProb', 'actor/loss', 'actor/weight', 'value/loss', 'value/v'].sort(),
    );
    expect(() => oneUpdate(awr(pendulum, { hiddenSizes: [8] }), data.dataset)).toThrow(
      /no Monte-Carlo returns/,
    );
  });

  it('learns from near-expert data: far better than untrained', { timeout: 60_000 }, async () => {
    const dataset = withMonteCarloReturns(data.dataset, { discount: 0.9 });
    // β = 10: with β = 1 the weights exp(A/β) of a V still far from the returns (A ≈ −50) all vanish.
    const recipe = awr(pendulum, {
      hiddenSizes: [64, 64],
      actorLearningRate: 3e-3,
      valueLearningRate: 1e-3,
      beta: 10,
    });
    const { before, after } = await trainAndEvaluate(recipe, dataset, 800);
    // Measured: untrained ≈ −1500, after 800 steps ≈ −240.
    expect(after).toBeGreaterThan(before + 300);
  });

  it('refuses an actor that maximises Q, in the type checker and at build time', () => {
    // @ts-expect-error AWR learns no Q-function for the deterministic actor to maximise.
    const refused = () => awr(pendulum, {}, deterministicBcActor(pendulum));
    expect(refused).toThrow(/actor 'deterministicBc' maximises a Q-function, which awr does not learn/);
  });

  it('does not leak tensors across steps', () => {
    expectNoLeak(awr(pendulum, { hiddenSizes: [8] }), withMonteCarloReturns(data.dataset, { discount: 0.9 }));
  });
});
