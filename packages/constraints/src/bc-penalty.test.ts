import { tf } from '@offrl/tensor';
import { describe, expect, it } from 'vitest';
import { bcPenalty } from './bc-penalty.js';

describe('bcPenalty (TD3+BC)', () => {
  it('matches the formula worked by hand', () => {
    // q = [2, −4]: mean|q| = 3, λ = 2.5/3, mean q = −1; bc (sum over dims) = ((1)² + (0)² + (0)² + (2)²)/2 = 2.5
    // L = −(2.5/3)(−1) + 2.5 = 3.3333…
    const { loss, metrics } = bcPenalty(2.5, { reduction: 'sum' })({
      q: tf.tensor1d([2, -4]),
      policyActions: tf.tensor2d([
        [1, 0],
        [0, 2],
      ]),
      dataActions: tf.zeros([2, 2]),
    });
    expect(loss.dataSync()[0]).toBeCloseTo(2.5 / 3 + 2.5, 5);
    expect(metrics['actor/lambda']!.dataSync()[0]).toBeCloseTo(2.5 / 3, 5);
    expect(metrics['actor/bc']!.dataSync()[0]).toBeCloseTo(2.5, 6);
  });

  it('averages over action dimensions by default, as F.mse_loss', () => {
    // bc = (1 + 0 + 0 + 4)/4 = 1.25; L = 2.5/3 + 1.25
    const { loss } = bcPenalty(2.5)({
      q: tf.tensor1d([2, -4]),
      policyActions: tf.tensor2d([
        [1, 0],
        [0, 2],
      ]),
      dataActions: tf.zeros([2, 2]),
    });
    expect(loss.dataSync()[0]).toBeCloseTo(2.5 / 3 + 1.25, 5);
  });

  it('treats λ as a constant in the gradient', () => {
    // dL/dq_b = −λ/B (λ fixed) = −(2.5/3)/2 for each b
    const actions = tf.zeros([2, 1]);
    const [dq] = tf.grads(
      (q: tf.Tensor) => bcPenalty(2.5)({ q, policyActions: actions, dataActions: actions }).loss,
    )([tf.tensor1d([2, -4])]);
    for (const g of dq!.dataSync()) expect(g).toBeCloseTo(-2.5 / 6, 5);
  });

  it('names mismatched shapes', () => {
    const run = () =>
      bcPenalty()({ q: tf.zeros([3]), policyActions: tf.zeros([2, 1]), dataActions: tf.zeros([2, 1]) });
    expect(run).toThrow(/q must be \[2\], got \[3\]/);
  });
});
