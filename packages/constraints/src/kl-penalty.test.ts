import { tf } from '@offrl/tensor';
import { describe, expect, it } from 'vitest';
import { klActorPenalty, klDivergence } from './kl-penalty.js';

describe('klDivergence (BRAC)', () => {
  it('averages log-density differences over the K samples of each state', () => {
    // K = 2, B = 2. reverse: log π − log π_β = [[−1 − (−3), −2 − (−2)], [0 − (−1), −1 − (−4)]] = [[2, 0], [1, 3]]
    // → per state (mean over K): [1.5, 1.5]; forward is the negative: [−1.5, −1.5]
    const policyLogProb = tf.tensor2d([
      [-1, -2],
      [0, -1],
    ]);
    const behaviourLogProb = tf.tensor2d([
      [-3, -2],
      [-1, -4],
    ]);
    expect(Array.from(klDivergence({ policyLogProb, behaviourLogProb }, 'reverse').dataSync())).toEqual([
      1.5, 1.5,
    ]);
    expect(Array.from(klDivergence({ policyLogProb, behaviourLogProb }, 'forward').dataSync())).toEqual([
      -1.5, -1.5,
    ]);
    expect(() => klDivergence({ policyLogProb, behaviourLogProb: tf.zeros([2]) }, 'reverse')).toThrow(
      /behaviourLogProb has shape \[2\], expected \[2,2\]/,
    );
  });
});

describe('klActorPenalty', () => {
  it('is λ·mean D̂, differentiable in both densities (reverse) or only in log π (forward)', () => {
    // B = 2 (one sample each): reverse D̂ = [−1 − (−2), −3 − (−1)] = [1, −2], mean −0.5, λ = 2 → −1
    const policyLogProb = tf.tensor1d([-1, -3]);
    const behaviourLogProb = tf.tensor1d([-2, -1]);
    const { loss, metrics } = klActorPenalty(2, 'reverse')({ policyLogProb, behaviourLogProb });
    expect(loss.dataSync()[0]).toBeCloseTo(-1, 6);
    expect(metrics['kl/divergence']!.dataSync()[0]).toBeCloseTo(-0.5, 6);
    // reverse: dL/dlog π = λ/B = 1, dL/dlog π_β = −1; forward: dL/dlog π = −1, dL/dlog π_β = 0
    const gradients = (direction: 'forward' | 'reverse') =>
      tf
        .grads(
          (p: tf.Tensor, b: tf.Tensor) =>
            klActorPenalty(2, direction)({ policyLogProb: p, behaviourLogProb: b }).loss,
        )([policyLogProb, behaviourLogProb])
        .map((g) => Array.from(g.dataSync()));
    expect(gradients('reverse')).toEqual([
      [1, 1],
      [-1, -1],
    ]);
    expect(gradients('forward')).toEqual([
      [-1, -1],
      [0, 0],
    ]);
    expect(() => klActorPenalty(-1)({ policyLogProb, behaviourLogProb })).toThrow(/weight/);
  });
});
