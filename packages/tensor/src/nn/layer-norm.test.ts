import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { makeKey } from '../random.js';
import { type Tensor, tf } from '../tf.js';
import { layerNorm, layerNormApply } from './layer-norm.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});

describe('layerNorm', () => {
  it('normalises each row to mean 0 and variance 1 before scale and offset', () => {
    const norm = layerNorm({ size: 4 });
    const params = norm.init(makeKey(1));
    // Row [1, 2, 3, 4]: mean 2.5, variance 1.25 → (x − 2.5)/√(1.25 + 1e-5).
    const y = norm.apply(params, tf.tensor2d([[1, 2, 3, 4]]));
    const r = 1 / Math.sqrt(1.25 + 1e-5);
    expect(
      [...y.dataSync()]
        .map((v, i) => v - [-1.5 * r, -0.5 * r, 0.5 * r, 1.5 * r][i]!)
        .every((d) => Math.abs(d) < 1e-5),
    ).toBe(true);
    const shifted = layerNormApply(
      { scale: tf.tensor1d([2, 2, 2, 2]), offset: tf.tensor1d([1, 1, 1, 1]) },
      tf.tensor2d([[1, 2, 3, 4]]),
    );
    expect(shifted.dataSync()[0]).toBeCloseTo(1 - 3 * r, 5);
  });

  it('custom 2-D gradient equals autodiff through tf.moments on wasm', () => {
    const x = tf.randomNormal([16, 32], 0, 2, 'float32', 2);
    const scale = tf.randomUniform([32], 0.5, 1.5, 'float32', 3);
    const offset = tf.randomNormal([32], 0, 1, 'float32', 4);
    const c = tf.randomNormal([16, 32], 0, 1, 'float32', 5);
    const reference = (x: Tensor, s: Tensor, o: Tensor) => {
      const { mean, variance } = tf.moments(x, 1, true);
      return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), s), o);
    };
    const custom = (x: Tensor, s: Tensor, o: Tensor) => layerNormApply({ scale: s, offset: o }, x);
    const fast = tf.grads((x: Tensor, s: Tensor, o: Tensor) => tf.sum(tf.mul(custom(x, s, o), c)))([
      x,
      scale,
      offset,
    ]);
    const plain = tf.grads((x: Tensor, s: Tensor, o: Tensor) => tf.sum(tf.mul(reference(x, s, o), c)))([
      x,
      scale,
      offset,
    ]);
    for (let i = 0; i < 3; i++) {
      const diff = tf.max(tf.abs(tf.sub(fast[i]!, plain[i]!))).dataSync()[0]!;
      expect(diff / tf.max(tf.abs(plain[i]!)).dataSync()[0]!).toBeLessThan(1e-4);
    }
  });

  it('names the layer and shapes on a mismatch', () => {
    const params = layerNorm({ size: 8 }).init(makeKey(1));
    expect(() => layerNormApply(params, tf.ones([2, 6]), { name: 'critic.norm0' })).toThrow(
      'critic.norm0: input has shape [2,6], expected [*,8]',
    );
    expect(() => layerNormApply(params, tf.ones([8]))).toThrow(
      /layerNorm: input has shape \[8\] and scale \[8\]/,
    );
    expect(() => layerNorm({ size: 0 }).init(makeKey(1))).toThrow(/size must be a positive integer, got 0/);
  });
});
