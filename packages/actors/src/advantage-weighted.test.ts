import { tf } from '@offrl/tensor';
import { describe, expect, it } from 'vitest';
import { advantageWeightedLikelihood } from './advantage-weighted.js';

describe('advantageWeightedLikelihood', () => {
  it('weights the log-likelihood by min(exp(β·A), w_max)', () => {
    // β = 1, w_max = 2: w = [exp(0), min(e, 2)] = [1, 2]; L = −(1·(−1) + 2·(−2))/2 = 2.5
    const { loss, metrics } = advantageWeightedLikelihood(
      { logProb: tf.tensor1d([-1, -2]), advantage: tf.tensor1d([0, 1]) },
      { temperature: 1, maxWeight: 2 },
    );
    expect(loss.dataSync()[0]).toBeCloseTo(2.5, 6);
    expect(metrics['actor/weight']!.dataSync()[0]).toBeCloseTo(1.5, 6);
    expect(metrics['actor/advantage']!.dataSync()[0]).toBeCloseTo(0.5, 6);
  });

  it('passes no gradient to the advantage', () => {
    // dL/dlogπ_b = −w_b/B = [−0.5, −1]; dL/dA = 0 (A is a constant)
    const [dLogProb, dAdvantage] = tf.grads(
      (logProb: tf.Tensor, advantage: tf.Tensor) =>
        advantageWeightedLikelihood({ logProb, advantage }, { temperature: 1, maxWeight: 2 }).loss,
    )([tf.tensor1d([-1, -2]), tf.tensor1d([0, 1])]);
    expect(Array.from(dLogProb!.dataSync())).toEqual([-0.5, -1]);
    expect(Array.from(dAdvantage!.dataSync())).toEqual([0, 0]);
  });

  it('uses IQL’s clip of 100 by default and rejects bad input', () => {
    // β = 3, A = 10: exp(30) is clipped to 100; L = −100·(−1) = 100
    const { loss } = advantageWeightedLikelihood(
      { logProb: tf.tensor1d([-1]), advantage: tf.tensor1d([10]) },
      { temperature: 3 },
    );
    expect(loss.dataSync()[0]).toBeCloseTo(100, 4);
    expect(() =>
      advantageWeightedLikelihood({ logProb: tf.zeros([2]), advantage: tf.zeros([3]) }, { temperature: 1 }),
    ).toThrow(/\[2\].*\[3\]/);
    expect(() =>
      advantageWeightedLikelihood({ logProb: tf.zeros([2]), advantage: tf.zeros([2]) }, { temperature: -1 }),
    ).toThrow(/temperature/);
  });
});
