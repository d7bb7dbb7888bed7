import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { disposeTree, flattenTree, type TensorTree } from '../tree.js';
import { adam } from './adam.js';
import { clipByGlobalNorm, globalNorm } from './clip.js';
import { chain } from './optimizer.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const leaves = (tree: TensorTree) =>
  flattenTree(tree).map(({ path, tensor }) => [path, Array.from(tensor.dataSync())]);

describe('globalNorm and clipByGlobalNorm', () => {
  // Leaves [3] and [[4, 0]]: the global norm is √(9 + 16) = 5.
  const grads = () => ({ a: tf.tensor1d([3]), b: { c: tf.tensor2d([[4, 0]]) } });

  it('computes the norm over all leaves', () => {
    const tree = grads();
    const norm = globalNorm(tree);
    expect(norm.dataSync()[0]).toBeCloseTo(5, 6);
    norm.dispose();
    disposeTree(tree);
  });

  it('scales by maxNorm / (norm + 1e-6) when above maxNorm', () => {
    const tree = grads();
    const clipped = clipByGlobalNorm(1)(tree);
    // Scale 1 / (5 + 1e-6) ≈ 0.2.
    expect(leaves(clipped)).toEqual([
      ['a', [expect.closeTo(0.6, 6)]],
      ['b.c', [expect.closeTo(0.8, 6), 0]],
    ]);
    disposeTree(clipped);
    disposeTree(tree);
  });

  it('leaves gradients below maxNorm unchanged', () => {
    const tree = grads();
    const clipped = clipByGlobalNorm(10)(tree);
    expect(leaves(clipped)).toEqual(leaves(tree));
    disposeTree(clipped);
    disposeTree(tree);
  });

  it('chains before an optimiser and leaks nothing', () => {
    // Adam's first step moves each weight by lr·ĝ/|ĝ|, the same with or without clipping, so compare the
    // moments instead: m1 = 0.1·(clipped g) = 0.1·[0.6, 0.8, 0].
    const optimizer = chain(clipByGlobalNorm(1), adam({ learningRate: 0.1 }));
    const params = { a: tf.tensor1d([0]), b: { c: tf.tensor2d([[0, 0]]) } };
    const state = optimizer.init(params);
    const tree = grads();
    const before = tf.memory().numTensors;
    const next = optimizer.update(tree, state, params);
    const created = tf.memory().numTensors - before;
    // New params (2), mu (2), nu (2) and step (1).
    expect(created).toBe(7);
    expect(leaves(next.state.mu)).toEqual([
      ['a', [expect.closeTo(0.06, 6)]],
      ['b.c', [expect.closeTo(0.08, 6), 0]],
    ]);
    for (const t of [params, state, tree, next.params, next.state]) disposeTree(t);
  });

  it('rejects a non-positive maxNorm', () => {
    expect(() => clipByGlobalNorm(0)).toThrow(/maxNorm/);
  });
});
