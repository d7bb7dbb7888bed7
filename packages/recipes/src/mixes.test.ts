import { beforeAll, describe, expect, it } from 'vitest';
import { advantageWeightedActor } from './actor-parts.js';
import { withBehaviourPretraining } from './behaviour-pretraining.js';
import { behaviourRegularisedActor } from './behaviour-regularised-actor.js';
import { cql } from './cql.js';
import { expectNoLeak, oneUpdate, pendulum } from './learning.fixture.js';
import { pendulumScriptedDataset, type ScriptedDataset } from './scripted-dataset.js';
import { td3bc } from './td3bc.js';
import { trainOffline } from './train-offline.js';

let data: ScriptedDataset;

beforeAll(async () => {
  data = await pendulumScriptedDataset({ episodes: 4, seed: 0 });
});

const tiny = { criticHiddenSizes: [8], actorHiddenSizes: [8], samples: 3 };

describe('one-line mixes', () => {
  it("CQL's conservative critic with an AWR actor (advantage Q(s, a) − Q(s, ã), ã ~ π)", () => {
    const recipe = cql(
      pendulum,
      tiny,
      advantageWeightedActor(pendulum, { hiddenSizes: [8], temperature: 1 }),
    );
    const { names } = oneUpdate(recipe, data.dataset);
    expect(names).toEqual(
      expect.arrayContaining(['cql/gap', 'actor/weight', 'actor/advantage', 'critic/loss']),
    );
    expectNoLeak(recipe, data.dataset);
  });

  it("TD3+BC's critic with a reverse-KL constraint in place of the BC penalty (π_β pretrained first)", () => {
    const part = behaviourRegularisedActor(pendulum, {
      hiddenSizes: [8],
      divergence: 'reverse',
      warmStart: 0,
    });
    const recipe = withBehaviourPretraining(td3bc(pendulum, { hiddenSizes: [8] }, part), part, {
      steps: 1,
      learningRate: 5e-4,
    });
    const names = (steps: number) =>
      Object.keys(
        trainOffline(recipe, data.dataset, { steps, batchSize: 16, seed: 1, logEvery: 1 }).lastMetrics,
      );
    expect(names(1)).toEqual(['bc/logProb', 'behaviour/loss']);
    // Then TD3+BC from its step 0; it updates its actor every second step: the third update logs it.
    expect(names(3)).toEqual(expect.arrayContaining(['kl/divergence', 'actor/q', 'critic/loss']));
    expect(names(3)).not.toContain('actor/lambda');
    expectNoLeak(recipe, data.dataset);
  });
});
