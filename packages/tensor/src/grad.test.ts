import { beforeAll, describe, expect, it } from 'vitest';
import { valueAndGrad } from './grad.js';
import { type Scalar, type Tensor, tf } from './tf.js';
import { disposeTree, type TensorTree } from './tree.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Params = { layer: { kernel: Tensor; bias: Tensor }; unused: Tensor };

const makeParams = (): Params => ({
  layer: { kernel: tf.tensor1d([1, 2]), bias: tf.scalar(0.5) },
  unused: tf.tensor1d([7]),
});

// L = Σ (k·x + b)² with x = [3, −1]: k·x + b = [3.5, −1.5], L = 12.25 + 2.25 = 14.5;
// ∂L/∂k = 2(k·x + b)·x = [21, 3]; ∂L/∂b = 2·(3.5 − 1.5) = 4.
const loss = (params: Params) => {
  const { kernel, bias } = params.layer;
  const residual = tf.add(tf.mul(kernel, tf.tensor1d([3, -1])), bias);
  return {
    loss: tf.sum(tf.square(residual)) as Scalar,
    metrics: { maxResidual: tf.max(residual) as Scalar, meanResidual: tf.mean(residual) as Scalar },
  };
};

type Nested = { [name: string]: number[] | Nested };

const flat = (tree: TensorTree): Nested =>
  Object.fromEntries(
    Object.entries(tree).map(([k, v]) => [
      k,
      'dataId' in v ? Array.from((v as Tensor).dataSync()) : flat(v as TensorTree),
    ]),
  );

describe('valueAndGrad', () => {
  it('returns loss, metrics and gradients with the params structure (zeros for unused leaves)', () => {
    const params = makeParams();
    const before = tf.memory().numTensors;
    const result = valueAndGrad(loss, params);
    expect(result.loss.dataSync()[0]).toBeCloseTo(14.5, 5);
    expect(result.metrics['maxResidual']!.dataSync()[0]).toBeCloseTo(3.5, 6);
    expect(result.metrics['meanResidual']!.dataSync()[0]).toBeCloseTo(1, 6);
    expect(flat(result.grads)).toEqual({ layer: { bias: [4], kernel: [21, 3] }, unused: [0] });
    // Loss, 2 metrics, 3 gradients and nothing else.
    expect(tf.memory().numTensors - before).toBe(6);
    result.loss.dispose();
    disposeTree(result.grads);
    for (const metric of Object.values(result.metrics)) metric.dispose();
    expect(tf.memory().numTensors).toBe(before);
    disposeTree(params);
  });

  it('returns ordinary tensors that an enclosing tidy frees', () => {
    const params = makeParams();
    const before = tf.memory().numTensors;
    const kept = tf.tidy(() => {
      const { loss: value, metrics, grads } = valueAndGrad(loss, params);
      expect(metrics['maxResidual']!.isDisposed).toBe(false);
      expect(grads.layer.kernel.shape).toEqual([2]);
      return value;
    });
    expect(tf.memory().numTensors - before).toBe(1);
    kept.dispose();
    disposeTree(params);
  });

  it('keeps a metric that is the loss itself apart from the loss', () => {
    const params = makeParams();
    const before = tf.memory().numTensors;
    const result = valueAndGrad((p) => {
      const value = tf.sum(p.layer.kernel) as Scalar;
      return { loss: value, metrics: { loss: value } };
    }, params);
    result.loss.dispose();
    expect(result.metrics['loss']!.dataSync()[0]).toBe(3);
    result.metrics['loss']!.dispose();
    disposeTree(result.grads);
    expect(tf.memory().numTensors).toBe(before);
    disposeTree(params);
  });

  it('rejects a non-scalar loss without leaking', () => {
    const params = makeParams();
    const before = tf.memory().numTensors;
    expect(() =>
      valueAndGrad((p) => ({ loss: tf.mul(p.layer.kernel, 2) as unknown as Scalar, metrics: {} }), params),
    ).toThrow(/scalar, got shape \[2\]/);
    expect(tf.memory().numTensors).toBe(before);
    disposeTree(params);
  });

  it('with checkFinite, names the first parameter whose gradient is not finite', () => {
    const params = makeParams();
    const before = tf.memory().numTensors;
    // log(k) at k = [1, 2] is fine; sqrt(b − 0.5) at b = 0.5 has an infinite derivative.
    const bad = (p: Params) => ({
      loss: tf.add(tf.sum(tf.log(p.layer.kernel)), tf.sqrt(tf.sub(p.layer.bias, 0.5))) as Scalar,
      metrics: { kernelSum: tf.sum(p.layer.kernel) as Scalar },
    });
    expect(() => valueAndGrad(bad, params, { checkFinite: true })).toThrow(
      /non-finite gradient for parameter 'layer.bias' \(1 of 1 entries/,
    );
    expect(tf.memory().numTensors).toBe(before);
    const fine = valueAndGrad(loss, params, { checkFinite: true });
    expect(fine.loss.dataSync()[0]).toBeCloseTo(14.5, 5);
    fine.loss.dispose();
    disposeTree(fine.grads);
    for (const metric of Object.values(fine.metrics)) metric.dispose();
    expect(tf.memory().numTensors).toBe(before);
    disposeTree(params);
  });

  it('with checkFinite, reports a non-finite loss', () => {
    const params = makeParams();
    const nanLoss = (p: Params) => ({
      loss: tf.mul(tf.sum(p.layer.kernel), Number.NaN) as Scalar,
      metrics: {},
    });
    expect(() => valueAndGrad(nanLoss, params, { checkFinite: true })).toThrow(/'layer.kernel'.*loss NaN/);
    disposeTree(params);
  });
});
