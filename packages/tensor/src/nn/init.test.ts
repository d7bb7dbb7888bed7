import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { makeKey } from '../random.js';
import { tf } from '../tf.js';
import { orthogonalInit, pytorchUniformInit, uniformInit, zerosInit } from './init.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});

/** max |AᵀA − g²I| for the [rows, cols] matrix a (columns orthogonal when rows ≥ cols). */
const gramError = (a: tf.Tensor2D, gain: number): number =>
  tf.tidy(() => {
    const [rows, cols] = a.shape;
    const gram = rows >= cols ? tf.matMul(tf.transpose(a), a) : tf.matMul(a, tf.transpose(a));
    return tf.max(tf.abs(tf.sub(gram, tf.mul(gain * gain, tf.eye(Math.min(rows, cols)))))).dataSync()[0]!;
  });

describe('initialisers', () => {
  it.each([
    [64, 16, 1],
    [16, 64, Math.SQRT2],
    [32, 32, 0.01],
  ])('orthogonal [%i, %i] with gain %f has orthonormal columns or rows', (rows, cols, gain) => {
    const w = orthogonalInit(gain)(makeKey(1), [rows, cols], rows) as tf.Tensor2D;
    expect(w.shape).toEqual([rows, cols]);
    expect(gramError(w, gain)).toBeLessThan(1e-5 * Math.max(1, gain * gain));
  });

  it('orthogonal is a pure function of the key and differs between keys', () => {
    const init = orthogonalInit();
    const a = init(makeKey(5), [8, 4], 8).dataSync();
    expect(init(makeKey(5), [8, 4], 8).dataSync()).toEqual(a);
    expect(init(makeKey(6), [8, 4], 8).dataSync()).not.toEqual(a);
  });

  it('orthogonal treats trailing axes as columns and rejects rank 1', () => {
    const w = orthogonalInit()(makeKey(2), [6, 2, 3], 6);
    expect(gramError(tf.reshape(w, [6, 6]) as tf.Tensor2D, 1)).toBeLessThan(1e-5);
    expect(() => orthogonalInit()(makeKey(2), [6], 6)).toThrow(/rank ≥ 2.*\[6\]/);
  });

  it('PyTorch-default uniform stays inside ±1/√fan_in with the uniform variance bound²/3', () => {
    const fanIn = 256;
    const bound = 1 / Math.sqrt(fanIn);
    const values = pytorchUniformInit()(makeKey(3), [fanIn, 64], fanIn).dataSync();
    let sum = 0;
    let sumSquares = 0;
    let max = 0;
    for (const v of values) {
      sum += v;
      sumSquares += v * v;
      max = Math.max(max, Math.abs(v));
    }
    const n = values.length;
    expect(max).toBeLessThanOrEqual(bound);
    expect(max).toBeGreaterThan(0.99 * bound);
    expect(Math.abs(sum / n)).toBeLessThan(0.05 * bound);
    expect(sumSquares / n / ((bound * bound) / 3)).toBeCloseTo(1, 1);
    expect(() => pytorchUniformInit()(makeKey(3), [2], 0)).toThrow(/fanIn must be positive, got 0/);
  });

  it('uniform and zeros', () => {
    const u = uniformInit(0.1)(makeKey(4), [1000], 1).dataSync();
    expect(Math.max(...u.map(Math.abs))).toBeLessThanOrEqual(0.1);
    expect([...zerosInit()(makeKey(4), [2, 3], 2).dataSync()]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
