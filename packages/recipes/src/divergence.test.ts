import type { TransitionSource } from '@offrl/datasets';
import { tf } from '@offrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertFiniteState, nonFiniteTerms, TrainingDivergedError } from './divergence.js';
import { pendulum } from './learning.fixture.js';
import { pendulumScriptedDataset } from './scripted-dataset.js';
import { td3bc } from './td3bc.js';
import { trainOffline } from './train-offline.js';

let data: TransitionSource;
beforeAll(async () => {
  data = (await pendulumScriptedDataset({ episodes: 2, seed: 0 })).dataset;
});

describe('the divergence guard', () => {
  it('names the non-finite terms only', () => {
    expect(nonFiniteTerms({ a: 1, b: -2.5 })).toBeUndefined();
    expect(nonFiniteTerms({ a: 1, b: Number.NaN, c: -Infinity })).toEqual({ b: Number.NaN, c: -Infinity });
  });

  it('stops a run at the first update whose loss overflows, naming the step and the term', () => {
    // Rewards of 1e30: the TD error squared (1e60) overflows float32, so the critic loss is +Inf at
    // the first update; the BC-only terms stay finite and are not named.
    const overflowing: TransitionSource = { ...data, rewards: new Float32Array(data.size).fill(1e30) };
    const before = tf.memory().numTensors;
    let caught: unknown;
    try {
      trainOffline(td3bc(pendulum, { hiddenSizes: [8, 8] }), overflowing, { steps: 5, batchSize: 8 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TrainingDivergedError);
    const diverged = caught as TrainingDivergedError;
    expect(diverged.step).toBe(1);
    expect(diverged.terms['critic/loss']).toBe(Infinity);
    expect(diverged.message).toMatch(/^training diverged at update 1: 'critic\/loss' = Infinity/);
    // The loop frees the diverged state before throwing.
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names a parameter holding NaN and its first bad value', () => {
    const state = { actor: { w: tf.tensor1d([1, Number.NaN, 3]) }, critic: { w: tf.tensor1d([1, 2]) } };
    expect(() => assertFiniteState(state, 7)).toThrow(
      /^training diverged at update 7: 'state\.actor\.w' = NaN$/,
    );
    expect(() => assertFiniteState({ step: tf.scalar(3, 'int32'), w: tf.ones([2]) }, 7)).not.toThrow();
    for (const t of [state.actor.w, state.critic.w]) t.dispose();
  });
});
