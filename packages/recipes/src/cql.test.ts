import { withMonteCarloReturns } from '@offrl/datasets';
import { makeKey, type Tensor } from '@offrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { deterministicBcActor } from './actor-parts.js';
import { calql, calqlPresets, cql, cqlPresets } from './cql.js';
import { expectExactResume, expectNoLeak, oneUpdate, pendulum } from './learning.fixture.js';
import { makeRecipe } from './registry.js';
import { pendulumScriptedDataset, type ScriptedDataset } from './scripted-dataset.js';
import { trainOffline } from './train-offline.js';

let data: ScriptedDataset;

beforeAll(async () => {
  data = await pendulumScriptedDataset({ episodes: 20, seed: 0 });
});

const tiny = { criticHiddenSizes: [8], actorHiddenSizes: [8], samples: 3 };

describe('cql', () => {
  it('logs the conservative gap next to the SAC terms', () => {
    const { names, metrics } = oneUpdate(cql(pendulum, tiny), data.dataset);
    expect(names).toEqual(
      expect.arrayContaining([
        'cql/alpha',
        'cql/gap',
        'cql/pushDown',
        'critic/loss',
        'actor/loss',
        'temperature/alpha',
      ]),
    );
    expect(metrics['cql/alpha']).toBe(10);
  });

  it('pushes Q down on sampled actions: a larger α gives a smaller gap after training', () => {
    const gap = (alpha: number) =>
      trainOffline(cql(pendulum, { ...tiny, alpha }), data.dataset, {
        steps: 40,
        batchSize: 32,
        seed: 2,
        logEvery: 40,
      }).lastMetrics['cql/gap']!;
    expect(gap(20)).toBeLessThan(gap(0));
  });

  it('tunes α′ in the Lagrange variant, and resumes bit for bit with it', () => {
    const recipe = cql(pendulum, { ...tiny, lagrange: true, targetActionGap: 5 });
    const { names, state } = oneUpdate(recipe, data.dataset);
    expect(names).toContain('cql/lagrangeLoss');
    // log α′ starts at CORL's 1; the gap starts below τ = 5, so the dual step lowers it.
    const logMultiplier = (s: typeof state) => (s.lagrange['logMultiplier'] as Tensor).dataSync()[0]!;
    expect(logMultiplier(recipe.init(makeKey(0)))).toBe(1);
    expect(logMultiplier(state)).toBeLessThan(1);
    expectExactResume(recipe, data.dataset, 2, 4);
  });

  it('takes a max-Q backup over sampled next actions', () => {
    const { metrics } = oneUpdate(cql(pendulum, { ...tiny, maxQBackup: 5 }), data.dataset);
    expect(Number.isFinite(metrics['critic/target'])).toBe(true);
  });

  it('refuses a deterministic actor, in the type checker and at build time', () => {
    // @ts-expect-error CQL's penalty needs log π of sampled actions, which a deterministic policy lacks.
    const refused = () => cql(pendulum, {}, deterministicBcActor(pendulum));
    expect(refused).toThrow(/actor 'deterministicBc' has no density/);
  });

  it('does not leak tensors across steps (fixed and Lagrange α)', () => {
    expectNoLeak(cql(pendulum, tiny), data.dataset);
    expectNoLeak(cql(pendulum, { ...tiny, lagrange: true }), data.dataset);
  });
});

describe('calql (offline phase)', () => {
  it('needs Monte-Carlo returns in the batch, and raises the gap’s policy terms to them', () => {
    expect(() => oneUpdate(calql(pendulum, tiny), data.dataset)).toThrow(/no Monte-Carlo returns/);
    const withReturns = withMonteCarloReturns(data.dataset, { discount: 0.99 });
    const calibrated = oneUpdate(calql(pendulum, tiny), withReturns).metrics;
    const plain = oneUpdate(cql(pendulum, { ...tiny, maxQBackup: 10 }), withReturns).metrics;
    // Same init, batch and samples: Cal-QL's push-down term is never below CQL's (max(Q, G) ≥ Q).
    expect(calibrated['cql/pushDown']).toBeGreaterThanOrEqual(plain['cql/pushDown']!);
    expectNoLeak(calql(pendulum, tiny), withReturns);
  });
});

describe('cql and calql presets', () => {
  it('build through the registry (presets are valid configuration)', () => {
    for (const preset of Object.values(cqlPresets))
      expect(makeRecipe('cql', pendulum, { ...preset }).name).toBe('cql');
    for (const preset of Object.values(calqlPresets)) {
      expect(makeRecipe('calql', pendulum, { ...preset }).name).toBe('calql');
    }
  });
});
