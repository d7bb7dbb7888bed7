import { makeKey, tf } from '@offrl/tensor';
import { describe, expect, it } from 'vitest';
import { qEnsemble } from './q-ensemble.js';
import { valueNetwork } from './value-network.js';

describe('qEnsemble', () => {
  it('gives [members, batch] Q-values that differ between members', () => {
    const critic = qEnsemble({ observationDim: 3, actionDim: 2, members: 4, hiddenSizes: [8] });
    const params = critic.init(makeKey(1));
    const q = critic.apply(params, tf.ones([5, 3]), tf.ones([5, 2]));
    expect(q.shape).toEqual([4, 5]);
    const values = q.arraySync();
    expect(values[0]![0]).not.toBe(values[1]![0]);
  });

  it('passes a gradient to the action only when asked', () => {
    const critic = qEnsemble({ observationDim: 3, actionDim: 2, hiddenSizes: [8] });
    const params = critic.init(makeKey(2));
    const observations = tf.randomNormal([4, 3], 0, 1, 'float32', 1);
    const [withGradient] = tf.grads((a: tf.Tensor) =>
      tf.sum(critic.apply(params, observations, a, { actionGradient: true })),
    )([tf.zeros([4, 2])]);
    expect(tf.max(tf.abs(withGradient!)).dataSync()[0]).toBeGreaterThan(0);
  });

  it('initialises orthogonally as CORL’s CQL critic: gain √2 hidden, 10⁻² output, zero biases', () => {
    const critic = qEnsemble({
      observationDim: 3,
      actionDim: 2,
      members: 2,
      hiddenSizes: [8, 8],
      init: 'orthogonal',
    });
    const params = critic.init(makeKey(4));
    // hidden1 kernel of member 1: 8×8, so WᵀW = 2·I.
    const w = tf.squeeze(tf.slice(params['hidden1']!['kernel']!, [1, 0, 0], [1, 8, 8]), [0]);
    const gram = tf.matMul(w, w, true).arraySync() as number[][];
    for (let i = 0; i < 8; i++)
      for (let j = 0; j < 8; j++) expect(gram[i]![j]).toBeCloseTo(i === j ? 2 : 0, 5);
    // output kernel [8, 1] of member 0: a column of norm 10⁻².
    const out = tf.slice(params['output']!['kernel']!, [0, 0, 0], [1, 8, 1]);
    expect(tf.norm(out).dataSync()[0]).toBeCloseTo(0.01, 6);
    for (const layer of ['hidden0', 'hidden1', 'output'])
      expect(Math.max(...Array.from(params[layer]!['bias']!.dataSync()).map(Math.abs))).toBe(0);
  });

  it('names the input whose shape is wrong', () => {
    const critic = qEnsemble({ observationDim: 3, actionDim: 2, hiddenSizes: [8] });
    const params = critic.init(makeKey(3));
    expect(() => critic.apply(params, tf.ones([5, 3]), tf.ones([5, 4]))).toThrow(
      /actions has shape \[5,4\], expected \[5,2\]/,
    );
  });
});

describe('valueNetwork', () => {
  it('maps [B, S] to [B]', () => {
    const value = valueNetwork({ observationDim: 3, hiddenSizes: [8] });
    expect(value.apply(value.init(makeKey(4)), tf.ones([6, 3])).shape).toEqual([6]);
  });
});
