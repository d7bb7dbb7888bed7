import { flattenTree, makeKey, tf } from '@offrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { bc } from './bc.js';
import { evaluate } from './evaluate.js';
import { pendulum } from './learning.fixture.js';
import { makeRecipe } from './registry.js';
import { pendulumScriptedDataset, type ScriptedDataset } from './scripted-dataset.js';
import { trainOffline } from './train-offline.js';

let data: ScriptedDataset;

beforeAll(async () => {
  data = await pendulumScriptedDataset({ episodes: 20, seed: 0 });
});

describe('bc on a scripted Pendulum dataset', () => {
  it('learns: the cloned policy swings up far better than an untrained one', async () => {
    const recipe = bc(pendulum, { hiddenSizes: [64, 64] });
    const untrained = recipe.init(makeKey(0));
    const before = await evaluate(recipe, untrained, 'Pendulum-v1', { episodes: 4, seed: 100 });
    const losses: number[] = [];
    expect(data.behaviourReturn).toBeGreaterThan(-250);
    const { state } = trainOffline(recipe, data.dataset, {
      steps: 1500,
      seed: 0,
      logEvery: 100,
      onLog: (_, metrics) => losses.push(metrics['bc/mse']!),
    });
    const after = await evaluate(recipe, state, 'Pendulum-v1', { episodes: 4, seed: 100 });
    // The torque noise (σ = 0.5, clipped to ±2) leaves an irreducible error of about 0.25.
    expect(Math.min(...losses)).toBeLessThan(0.4);
    // The behaviour policy scores about −135; an untrained policy about −1300.
    expect(after.meanReturn).toBeGreaterThan(-400);
    expect(after.meanReturn).toBeGreaterThan(before.meanReturn + 500);
    // The behaviour policy scores about −150 to −250; an untrained policy about −1000 or worse.
    expect(after.meanReturn).toBeGreaterThan(-600);
    expect(after.meanReturn).toBeGreaterThan(before.meanReturn + 300);
  });

  it('reproduces a run bit for bit from its seed', () => {
    const run = () => {
      const recipe = bc(pendulum, { hiddenSizes: [16] });
      const { state } = trainOffline(recipe, data.dataset, { steps: 20, batchSize: 32, seed: 7 });
      return flattenTree(state).map(({ path, tensor }) => [path, Array.from(tensor.dataSync())]);
    };
    expect(run()).toEqual(run());
  });

  it('does not leak tensors across steps', () => {
    const recipe = bc(pendulum, { hiddenSizes: [8] });
    const counts: number[] = [];
    const { state } = trainOffline(recipe, data.dataset, {
      steps: 60,
      batchSize: 16,
      logEvery: 20,
      onLog: () => counts.push(tf.memory().numTensors),
    });
    expect(new Set(counts).size).toBe(1);
    expect(flattenTree(state).length).toBeGreaterThan(0);
  });
});

describe('the recipe registry and the loop reject bad input', () => {
  it('names the known recipes for an unknown one', () => {
    expect(() => makeRecipe('nope', pendulum)).toThrow(
      /unknown recipe 'nope'; known recipes: awac, awr, bc, brac, calql, cql, iql, rlpd, sac, td3bc/,
    );
  });

  it('names an unknown option with the recipe’s options, and a value of the wrong kind', () => {
    expect(() => makeRecipe('iql', pendulum, { temprature: 3 })).toThrow(
      /iql: unknown option 'temprature'; options: .*temperature/,
    );
    expect(() => makeRecipe('bc', pendulum, { hiddenSizes: 64 })).toThrow(
      /bc: option 'hiddenSizes' must be an array, got 64/,
    );
    expect(() => makeRecipe('sac', pendulum, { targetEntropy: 'low' })).toThrow(
      /must be a number, got "low"/,
    );
    // Keyword options are the recipe's to check; numbers where a default is undefined are fine.
    expect(makeRecipe('sac', pendulum, { targetEntropy: -0.5 }).name).toBe('sac');
    expect(makeRecipe('iql', pendulum, { rewardScale: 'none' }).name).toBe('iql');
  });

  it('names both dimensions when the dataset does not fit the recipe', () => {
    const recipe = bc({ observationDim: 4, actionDim: 1, actionScale: 1 });
    expect(() => trainOffline(recipe, data.dataset, { steps: 1 })).toThrow(/observations 4 .* dataset has 3/);
  });
});
