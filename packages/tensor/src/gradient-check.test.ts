import { beforeAll, describe, expect, it } from 'vitest';
import { checkGradients } from './gradient-check.js';
import { type Tensor, tf } from './tf.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('checkGradients', () => {
  it('finds agreement for a correct gradient and the mismatch for a wrong one', () => {
    const x = tf.tensor1d([0.5, -1, 2]);
    const y = tf.tensor1d([1, 2, 3]);
    const before = tf.memory().numTensors;
    const good = checkGradients((a, b) => tf.sum(tf.mul(tf.sin(a!), b!)), [x, y]);
    expect(good.error).toBeLessThan(1e-3);
    // A customGrad that claims d/dx x² = x (half the truth). At z = [0.1, 0.3, 0.45] the relative errors
    // |z − 2z| / max(1, 2|z|) are 0.1, 0.3, 0.45: the worst is entry 2 (0.45 against 0.9).
    const wrong = (a: Tensor) =>
      tf.customGrad((input, save) => {
        (save as (t: Tensor[]) => void)([input as Tensor]);
        return { value: tf.sum(tf.square(input as Tensor)), gradFunc: (dy, [s]) => tf.mul(dy, s!) };
      })(a);
    const z = tf.tensor1d([0.1, 0.3, 0.45]);
    const bad = checkGradients(wrong, [z]);
    expect(bad).toMatchObject({ argument: 0, index: 2, analytic: expect.closeTo(0.45, 6) });
    expect(bad.numeric).toBeCloseTo(0.9, 3);
    z.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
  });
});
