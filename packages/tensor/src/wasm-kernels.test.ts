import { beforeAll, describe, expect, it } from 'vitest';
import { withStockMatMul } from './accel/matmul-kernels.js';
import { initBackend } from './backend.js';
import { type Tensor, tf } from './tf.js';
import { withRank1Storage } from './wasm-kernels.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});

/** Runs `f` on wasm and on cpu and returns both results as plain arrays. */
const onBothBackends = async (f: () => Tensor | Tensor[]): Promise<[number[][], number[][]]> => {
  const run = () => {
    const out = tf.tidy(f);
    const list = Array.isArray(out) ? out : [out];
    const values = list.map((t) => [...t.shape, ...t.dataSync()]);
    tf.dispose(list);
    return values;
  };
  await tf.setBackend('wasm');
  const wasm = run();
  await tf.setBackend('cpu');
  const cpu = run();
  await tf.setBackend('wasm');
  return [wasm, cpu];
};

const data = (shape: number[]) =>
  tf.tensor(
    Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i * 0.5 - 3),
    shape,
  );

describe('wasm kernels', () => {
  it('gives tf.gather a gradient on wasm equal to cpu (UnsortedSegmentSum)', async () => {
    const [wasm, cpu] = await onBothBackends(() =>
      tf.grad((x: Tensor) => tf.sum(tf.mul(tf.gather(x, [2, 0, 2, 5]), tf.tensor1d([0.6, 8, 3, -2.8]))))(
        data([6]),
      ),
    );
    expect(wasm).toEqual(cpu);
    expect(cpu[0]!.slice(1)).toEqual([8, 0, expect.closeTo(3.6, 5), 0, 0, expect.closeTo(-2.8, 5)]);
  });

  it('slices and unstacks like cpu, contiguous or not', async () => {
    const [wasm, cpu] = await onBothBackends(() => {
      const x = data([3, 4, 5]);
      return [
        tf.slice(x, [1, 0, 0], [2, 4, 5]),
        tf.slice(x, [1, 2, 0], [1, 2, 5]),
        tf.slice(x, [0, 1, 1], [3, 2, 3]),
        tf.slice(x, [2], [-1]),
        ...tf.unstack(x),
        ...tf.unstack(x, 1),
        ...tf.unstack(tf.tensor1d([1, 2, 3])),
      ];
    });
    expect(wasm).toEqual(cpu);
  });

  it('stores unstacked rows with their own rank, so they serve as fused-matMul biases', () => {
    const biases = tf.unstack(data([2, 3]));
    const y = tf.fused.matMul({ a: tf.eye(3), b: tf.eye(3), bias: biases[1]!, activation: 'linear' });
    // I·I + [-1.5, -1, -0.5] on every row.
    expect([...y.dataSync()]).toEqual([-0.5, -1, -0.5, -1.5, 0, -0.5, -1.5, -1, 0.5]);
  });

  it('copies a reshaped bias whose storage has another rank (withRank1Storage)', () => {
    const flat = tf.reshape(data([1, 3]), [3]);
    const ok = tf.tensor1d([1, 2, 3]);
    expect(withRank1Storage(ok)).toBe(ok);
    const copy = withRank1Storage(flat);
    expect(copy).not.toBe(flat);
    expect([...copy.dataSync()]).toEqual([...flat.dataSync()]);
    const y = tf.fused.matMul({ a: tf.ones([1, 3]), b: tf.eye(3), bias: copy });
    expect([...y.dataSync()]).toEqual([-2, -1.5, -1]);
    // The stock kernel checks the stored rank (the accelerated one, src/accel, does not need to).
    withStockMatMul(() =>
      expect(() => tf.fused.matMul({ a: tf.ones([1, 3]), b: tf.eye(3), bias: flat })).toThrow(/rank-1 bias/),
    );
  });
});
