import '@tensorflow/tfjs-backend-wasm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { valueAndGrad } from './grad.js';
import type { Loss } from './loss.js';
import { scaleLoss, stopGradient, stopGradientTree, sumLosses, sumNamedLosses } from './loss-combinators.js';
import { type Key, makeKey, splitKey } from './random.js';
import { type Scalar, type Tensor, tf } from './tf.js';
import { disposeTree } from './tree.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(async () => {
  await tf.setBackend('cpu');
});

type Params = { w: Tensor };
type Batch = { x: Tensor };

const read = (t: Tensor) => Array.from(t.dataSync());

describe('stopGradient', () => {
  for (const backend of ['cpu', 'wasm']) {
    it(`passes values and blocks gradients for ranks 0 to 3 on ${backend}`, async () => {
      await tf.setBackend(backend);
      const before = tf.memory().numTensors;
      for (const shape of [[], [3], [2, 2], [2, 1, 3]]) {
        const x = tf.tidy(() =>
          tf.add(
            tf
              .range(
                0,
                shape.reduce((a, b) => a * b, 1),
              )
              .reshape(shape),
            1,
          ),
        );
        // d/dx Σ x·sg(x) = sg(x) = x, where without the stop it would be 2x.
        const grad = tf.tidy(() =>
          tf.grad((v: Tensor) => {
            const stopped = stopGradient(v);
            expect(stopped.shape).toEqual(shape);
            expect(read(stopped)).toEqual(read(v));
            return tf.sum(tf.mul(v, stopped));
          })(x),
        );
        expect(read(grad)).toEqual(read(x));
        grad.dispose();
        x.dispose();
      }
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('stops every leaf of a tree', () => {
    const w = tf.tensor1d([2, 3]);
    const g = tf.grad((v: Tensor) => tf.sum(tf.mul(v, stopGradientTree({ a: { b: v } }).a.b as Tensor)))(w);
    expect(read(g)).toEqual([2, 3]);
    g.dispose();
    w.dispose();
  });
});

/** A loss L = c·Σ w·x that records the key it was given and reports one metric. */
const linear =
  (c: number, metric: string, seen: Key[] = []): Loss<Params, Batch> =>
  (params, batch, key) => {
    seen.push(key);
    const loss = tf.mul(c, tf.sum(tf.mul(params.w, batch.x))) as Scalar;
    return { loss, metrics: { [metric]: tf.clone(loss) as Scalar } };
  };

describe('sumLosses', () => {
  const params = () => ({ w: tf.tensor1d([1, 2]) });
  const batch = () => ({ x: tf.tensor1d([3, -1]) });

  it('adds the terms, merges metrics and gives each term its own key', () => {
    // Σ w·x = 3 − 2 = 1: L = 2·1 + 5·1 = 7; ∂L/∂w = 7·x = [21, −7].
    const seen: Key[] = [];
    const total = sumLosses(linear(2, 'a', seen), linear(5, 'b', seen));
    const p = params();
    const b = batch();
    const before = tf.memory().numTensors;
    const key = makeKey(3);
    const { loss, metrics, grads } = valueAndGrad((q: Params) => total(q, b, key), p);
    expect(loss.dataSync()[0]).toBe(7);
    expect(Object.keys(metrics).sort()).toEqual(['a', 'b']);
    expect(metrics['a']!.dataSync()[0]).toBe(2);
    expect(metrics['b']!.dataSync()[0]).toBe(5);
    expect(read(grads.w)).toEqual([21, -7]);
    expect(seen).toEqual(splitKey(key, 2));
    for (const t of [loss, grads.w, ...Object.values(metrics)]) t.dispose();
    expect(tf.memory().numTensors).toBe(before);
    // A single term keeps the key it is given.
    const alone: Key[] = [];
    tf.tidy(() => {
      sumLosses(linear(1, 'a', alone))(p, b, key);
    });
    expect(alone).toEqual([key]);
    disposeTree(p);
    disposeTree(b);
  });

  it('rejects a metric name used by two terms, naming it, without leaking', () => {
    const p = params();
    const b = batch();
    const before = tf.memory().numTensors;
    expect(() => tf.tidy(() => sumLosses(linear(1, 'q'), linear(2, 'q'))(p, b, makeKey(0)).loss)).toThrow(
      /metric 'q' comes from term 0 and term 1/,
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(() => sumLosses()).toThrow(/no losses/);
    disposeTree(p);
    disposeTree(b);
  });

  it('rejects a non-scalar term', () => {
    const vector: Loss<Params, Batch> = (params) => ({ loss: params.w as unknown as Scalar, metrics: {} });
    const p = params();
    const b = batch();
    expect(() => tf.tidy(() => sumLosses(linear(1, 'a'), vector)(p, b, makeKey(0)).loss)).toThrow(
      /term 1: the loss must be a scalar, got shape \[2\]/,
    );
    disposeTree(p);
    disposeTree(b);
  });
});

describe('sumNamedLosses', () => {
  it('prefixes metrics with the term name and reports each term', () => {
    const p = { w: tf.tensor1d([1, 2]) };
    const b = { x: tf.tensor1d([3, -1]) };
    const result: Record<string, Tensor> = tf.tidy(() => {
      const { loss, metrics } = sumNamedLosses({ td: linear(2, 'q'), cql: linear(5, 'q') })(p, b, makeKey(1));
      return { loss, ...metrics };
    });
    expect(Object.keys(result).sort()).toEqual(['cql/loss', 'cql/q', 'loss', 'td/loss', 'td/q']);
    expect(result['loss']!.dataSync()[0]).toBe(7);
    expect(result['td/loss']!.dataSync()[0]).toBe(2);
    expect(result['cql/q']!.dataSync()[0]).toBe(5);
    for (const t of Object.values(result)) t.dispose();
    expect(() => sumNamedLosses({ 'a/b': linear(1, 'q') })).toThrow(/bad term name 'a\/b'/);
    expect(() => tf.tidy(() => sumNamedLosses({ td: linear(1, 'loss') })(p, b, makeKey(1)).loss)).toThrow(
      /term 'td' has a metric named 'loss'/,
    );
    disposeTree(p);
    disposeTree(b);
  });
});

describe('scaleLoss', () => {
  it('scales the loss and its gradient, not the metrics', () => {
    const p = { w: tf.tensor1d([1, 2]) };
    const b = { x: tf.tensor1d([3, -1]) };
    // L = 0.5·(2·1) = 1; ∂L/∂w = 0.5·2·x = [3, −1]; the metric stays 2.
    const { loss, metrics, grads } = valueAndGrad(
      (q: Params) => scaleLoss(0.5, linear(2, 'a'))(q, b, makeKey(0)),
      p,
    );
    expect(loss.dataSync()[0]).toBe(1);
    expect(metrics['a']!.dataSync()[0]).toBe(2);
    expect(read(grads.w)).toEqual([3, -1]);
    for (const t of [loss, grads.w, metrics['a']!, p.w, b.x]) t.dispose();
    expect(() => scaleLoss(Number.POSITIVE_INFINITY, linear(1, 'a'))).toThrow(/weight/);
  });
});
