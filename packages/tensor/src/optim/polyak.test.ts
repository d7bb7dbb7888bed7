import '@tensorflow/tfjs-backend-wasm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { disposeTree } from '../tree.js';
import { polyak } from './polyak.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(async () => {
  await tf.setBackend('cpu');
});

describe('polyak', () => {
  it('moves the target a fraction tau towards the online parameters', () => {
    // θ' = [1, 2], θ = [3, −2], τ = 0.25: θ' + 0.25·(θ − θ') = [1.5, 1].
    const target = { q: { kernel: tf.tensor1d([1, 2]) } };
    const online = { q: { kernel: tf.tensor1d([3, -2]) } };
    const before = tf.memory().numTensors;
    const next = polyak(target, online, 0.25);
    expect(tf.memory().numTensors - before).toBe(1);
    expect(Array.from(next.q.kernel.dataSync())).toEqual([1.5, 1]);
    for (const tree of [target, online, next]) disposeTree(tree);
  });

  it('gives the same values with the fused kernel on wasm', async () => {
    await tf.setBackend('wasm');
    const target = { w: tf.tensor2d([1, 2, 3, 4], [2, 2]) };
    const online = { w: tf.tensor2d([3, -2, 3, 0], [2, 2]) };
    const next = polyak(target, online, 0.25);
    expect(Array.from(next.w.dataSync())).toEqual([1.5, 1, 3, 3]);
    for (const tree of [target, online, next]) disposeTree(tree);
  });

  it('rejects tau outside [0, 1] and mismatched trees', () => {
    const a = { w: tf.zeros([2]) };
    const b = { w: tf.zeros([3]) };
    expect(() => polyak(a, a, 1.5)).toThrow(/tau/);
    expect(() => polyak(a, b, 0.5)).toThrow(/'w' has shape/);
    disposeTree(a);
    disposeTree(b);
  });
});
