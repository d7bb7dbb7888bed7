import { tf } from '@offrl/tensor';
import { describe, expect, it } from 'vitest';
import { conservativePenalty } from './conservative-penalty.js';

// One member, one state, one sample of each kind, |A| = 1, T = 1:
//   uniform 0 − log 0.5 = 0.6931, next 1 − 0 = 1, current 2 − 1 = 1
//   logsumexp = log(2 + 2e) = 2.006400; gap = 2.006400 − Q_data (1) = 1.006400; α = 10 → 10.06400
const inputs = () => ({
  uniformQ: tf.tensor3d([[[0]]]),
  nextQ: tf.tensor3d([[[1]]]),
  nextLogProb: tf.tensor2d([[0]]),
  currentQ: tf.tensor3d([[[2]]]),
  currentLogProb: tf.tensor2d([[1]]),
  dataQ: tf.tensor2d([[1]]),
});

describe('conservativePenalty (CQL, Cal-QL)', () => {
  it('matches the importance-sampled logsumexp worked by hand', () => {
    const { loss, metrics } = conservativePenalty(inputs(), { actionDim: 1 });
    expect(loss.dataSync()[0]).toBeCloseTo(10 * (Math.log(2 + 2 * Math.E) - 1), 4);
    expect(metrics['cql/gap']!.dataSync()[0]).toBeCloseTo(Math.log(2 + 2 * Math.E) - 1, 5);
  });

  it('raises only the policy-action terms to the Monte-Carlo bound (Cal-QL)', () => {
    // G = 3: next max(1, 3) − 0 = 3, current max(2, 3) − 1 = 2, uniform unchanged 0.6931
    // logsumexp = log(2 + e³ + e²) = 3.383528; gap = 2.383528
    const { metrics } = conservativePenalty({ ...inputs(), lowerBound: tf.tensor1d([3]) }, { actionDim: 1 });
    expect(metrics['cql/gap']!.dataSync()[0]).toBeCloseTo(Math.log(2 + Math.exp(3) + Math.exp(2)) - 1, 4);
  });

  it('pushes Q down on sampled actions, up on data actions, and not through log π', () => {
    // dL/dQ_data = −α/B = −10; dL/dQ_j = α·softmax_j; the three softmax weights sum to 1
    const x = inputs();
    const grads = tf.grads(
      (uniformQ: tf.Tensor, nextQ: tf.Tensor, currentQ: tf.Tensor, dataQ: tf.Tensor, logProb: tf.Tensor) =>
        conservativePenalty(
          { ...x, uniformQ, nextQ, currentQ, dataQ, currentLogProb: logProb },
          { actionDim: 1 },
        ).loss,
    )([x.uniformQ, x.nextQ, x.currentQ, x.dataQ, x.currentLogProb]);
    const [du, dn, dc, dd, dlp] = grads.map((g) => g!.dataSync()[0]!);
    expect(dd).toBeCloseTo(-10, 5);
    expect(du! + dn! + dc!).toBeCloseTo(10, 4);
    expect(du).toBeCloseTo(10 * (2 / (2 + 2 * Math.E)), 4);
    expect(dlp).toBe(0);
  });

  it('takes the logsumexp over the K samples of each state, then the mean over states', () => {
    // K = 2, B = 2; policy terms −100 (negligible). State 0: uniform Q = [0, 0] → log(2·e^{log 2}) = log 4;
    // state 1: uniform Q = [1, 1] → log 4 + 1. Q_data = 0: gap = (log 4 + log 4 + 1)/2 = log 4 + 0.5.
    const policy = tf.fill([1, 2, 2], -100);
    const { metrics } = conservativePenalty(
      {
        uniformQ: tf.tensor3d([
          [
            [0, 1],
            [0, 1],
          ],
        ]),
        currentQ: policy,
        nextQ: policy,
        currentLogProb: tf.zeros([2, 2]),
        nextLogProb: tf.zeros([2, 2]),
        dataQ: tf.zeros([1, 2]),
      },
      { actionDim: 1 },
    );
    expect(metrics['cql/gap']!.dataSync()[0]).toBeCloseTo(Math.log(4) + 0.5, 4);
  });

  it('uses the uniform density of a scaled action box', () => {
    // scale 2, |A| = 1: log p_unif = −log 4, so the uniform term is 0 + log 4; logsumexp = log(4 + 2e)
    const { metrics } = conservativePenalty(inputs(), { actionDim: 1, actionScale: 2 });
    expect(metrics['cql/gap']!.dataSync()[0]).toBeCloseTo(Math.log(4 + 2 * Math.E) - 1, 4);
  });

  it('tunes α′ by dual descent in the Lagrange variant, each term reaching only its own parameter', () => {
    // log α′ = 0 → α′ = 1; α = 10, τ = −1: shortfall = gap − τ = log(2 + 2e) − 1 + 1 = 2.006400
    // critic term α′·α·shortfall = 20.064 and α′ term −20.064 cancel in value (loss 0);
    // dL/dlog α′ = −α′·α·shortfall = −20.064 (α′ rises while the gap is above τ); dL/dQ_data = −α′·α = −10.
    const x = inputs();
    const shortfall = Math.log(2 + 2 * Math.E);
    const options = { actionDim: 1, targetActionGap: -1 };
    const { loss, metrics } = conservativePenalty({ ...x, logLagrangeMultiplier: tf.scalar(0) }, options);
    expect(loss.dataSync()[0]).toBeCloseTo(0, 4);
    expect(metrics['cql/alpha']!.dataSync()[0]).toBeCloseTo(10, 5);
    const [dLogMultiplier, dDataQ] = tf.grads(
      (logLagrangeMultiplier: tf.Tensor, dataQ: tf.Tensor) =>
        conservativePenalty({ ...x, dataQ, logLagrangeMultiplier }, options).loss,
    )([tf.scalar(0), x.dataQ]);
    expect(dLogMultiplier!.dataSync()[0]).toBeCloseTo(-10 * shortfall, 3);
    expect(dDataQ!.dataSync()[0]).toBeCloseTo(-10, 5);
  });

  it('names a mismatched shape', () => {
    expect(() => conservativePenalty({ ...inputs(), dataQ: tf.zeros([2, 1]) }, { actionDim: 1 })).toThrow(
      /dataQ has shape \[2,1\], expected \[1,1\]/,
    );
  });
});
