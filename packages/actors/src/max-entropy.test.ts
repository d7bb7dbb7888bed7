import { tf } from '@offrl/tensor';
import { describe, expect, it } from 'vitest';
import { maxEntropyActorLoss, temperatureLoss } from './max-entropy.js';

describe('maxEntropyActorLoss', () => {
  it('is mean(α·log π − Q) with α held constant', () => {
    // α = 0.5: mean(0.5·(−1) − 1, 0.5·(−2) − 3) = mean(−1.5, −4) = −2.75
    const inputs = { q: tf.tensor1d([1, 3]), logProb: tf.tensor1d([-1, -2]), alpha: tf.scalar(0.5) };
    const { loss, metrics } = maxEntropyActorLoss(inputs);
    expect(loss.dataSync()[0]).toBeCloseTo(-2.75, 6);
    expect(metrics['actor/entropy']!.dataSync()[0]).toBeCloseTo(1.5, 6);
    // dL/dα = 0; dL/dlogπ = α/B = 0.25; dL/dq = −1/B = −0.5
    const [dq, dLogProb, dAlpha] = tf.grads(
      (q: tf.Tensor, logProb: tf.Tensor, alpha: tf.Tensor) => maxEntropyActorLoss({ q, logProb, alpha }).loss,
    )([inputs.q, inputs.logProb, inputs.alpha]);
    expect(Array.from(dq!.dataSync())).toEqual([-0.5, -0.5]);
    expect(Array.from(dLogProb!.dataSync())).toEqual([0.25, 0.25]);
    expect(dAlpha!.dataSync()[0]).toBe(0);
  });
});

describe('temperatureLoss', () => {
  it('lowers α when the entropy is above the target', () => {
    // log π = [−1, −2], H̄ = −1: gap = mean(−2, −3) = −2.5; L = −log α·(−2.5); dL/dlog α = 2.5 > 0
    const logAlpha = tf.scalar(Math.log(0.5));
    const { loss, metrics } = temperatureLoss(logAlpha, tf.tensor1d([-1, -2]), -1);
    expect(loss.dataSync()[0]).toBeCloseTo(2.5 * Math.log(0.5), 5);
    expect(metrics['temperature/alpha']!.dataSync()[0]).toBeCloseTo(0.5, 6);
    const [dLogAlpha, dLogProb] = tf.grads(
      (a: tf.Tensor, logProb: tf.Tensor) => temperatureLoss(a, logProb, -1).loss,
    )([logAlpha, tf.tensor1d([-1, -2])]);
    expect(dLogAlpha!.dataSync()[0]).toBeCloseTo(2.5, 6);
    expect(Array.from(dLogProb!.dataSync())).toEqual([0, 0]);
  });
});
