/**
 * Finite-difference gradient checks. The reference is an independent float64 implementation of each
 * layer in plain JS; its central differences, (L(θ + h) − L(θ − h)) / 2h with h = 1e-6, are compared
 * with the gradients of the tfjs layers (custom dense and LayerNorm gradients, unstack/stack of the
 * ensemble) on the cpu backend. L = Σ y ⊙ c for a fixed random c, so every output entry matters.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { makeKey } from '../random.js';
import { type Tensor, tf } from '../tf.js';
import { flattenTree, type TensorTree, unflattenTree } from '../tree.js';
import type { Activation } from './activation.js';
import { denseApply, denseInit } from './dense.js';
import { ensemble } from './ensemble.js';
import { layerNormApply } from './layer-norm.js';
import { type MlpParams, type MlpSpec, mlp } from './mlp.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

/** A row-major float64 matrix. */
interface Mat {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

const act64 = (z: number, activation: Activation): number => {
  switch (activation) {
    case 'linear':
      return z;
    case 'relu':
      return Math.max(z, 0);
    case 'tanh':
      return Math.tanh(z);
    case 'elu':
      return z > 0 ? z : Math.expm1(z);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-z));
  }
};

const dense64 = (x: Mat, kernel: Mat, bias: Float64Array, activation: Activation): Mat => {
  const out = new Float64Array(x.rows * kernel.cols);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < kernel.cols; j++) {
      let z = bias[j]!;
      for (let k = 0; k < x.cols; k++) z += x.data[i * x.cols + k]! * kernel.data[k * kernel.cols + j]!;
      out[i * kernel.cols + j] = act64(z, activation);
    }
  }
  return { rows: x.rows, cols: kernel.cols, data: out };
};

const layerNorm64 = (x: Mat, scale: Float64Array, offset: Float64Array, epsilon = 1e-5): Mat => {
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < x.rows; i++) {
    const row = x.data.subarray(i * x.cols, (i + 1) * x.cols);
    const mean = row.reduce((s, v) => s + v, 0) / x.cols;
    const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / x.cols;
    for (let j = 0; j < x.cols; j++) {
      out[i * x.cols + j] = ((row[j]! - mean) / Math.sqrt(variance + epsilon)) * scale[j]! + offset[j]!;
    }
  }
  return { rows: x.rows, cols: x.cols, data: out };
};

/** Leaves of a tree as float64 arrays keyed by path. */
type Values = Record<string, Float64Array>;

const mat = (values: Values, path: string, rows: number, cols: number): Mat => ({
  rows,
  cols,
  data: values[path]!,
});

const mlp64 = (spec: MlpSpec, values: Values, x: Mat, prefix = ''): Mat => {
  let h = x;
  for (const [i, width] of spec.hiddenSizes.entries()) {
    const z = dense64(
      h,
      mat(values, `${prefix}hidden${i}.kernel`, h.cols, width),
      values[`${prefix}hidden${i}.bias`]!,
      spec.layerNorm === true ? 'linear' : (spec.activation ?? 'relu'),
    );
    if (spec.layerNorm === true) {
      const normed = layerNorm64(z, values[`${prefix}norm${i}.scale`]!, values[`${prefix}norm${i}.offset`]!);
      h = { ...normed, data: normed.data.map((v) => act64(v, spec.activation ?? 'relu')) };
    } else {
      h = z;
    }
  }
  return dense64(
    h,
    mat(values, `${prefix}output.kernel`, h.cols, spec.outputSize),
    values[`${prefix}output.bias`]!,
    spec.outputActivation ?? 'linear',
  );
};

const dot = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, i) => s + v * b[i]!, 0);

/**
 * Central differences of `loss64` at `values` for every entry of every leaf, compared with `grads`:
 * |numeric − analytic| ≤ 1e-3 · max|numeric of that leaf| + 1e-6.
 */
const expectGradientsMatch = (
  loss64: (values: Values) => number,
  values: Values,
  grads: Record<string, Float32Array | Int32Array | Uint8Array>,
): void => {
  const h = 1e-6;
  for (const [path, point] of Object.entries(values)) {
    const numeric = new Float64Array(point.length);
    for (let i = 0; i < point.length; i++) {
      const saved = point[i]!;
      point[i] = saved + h;
      const up = loss64(values);
      point[i] = saved - h;
      const down = loss64(values);
      point[i] = saved;
      numeric[i] = (up - down) / (2 * h);
    }
    const analytic = grads[path]!;
    const scale = numeric.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const worst = numeric.reduce((m, v, i) => Math.max(m, Math.abs(v - analytic[i]!)), 0);
    expect(worst, `gradient of '${path}' (max |g| = ${scale})`).toBeLessThanOrEqual(1e-3 * scale + 1e-6);
    expect(scale, `gradient of '${path}' is not trivially zero`).toBeGreaterThan(0);
  }
};

const valuesOf = (tree: TensorTree): Values =>
  Object.fromEntries(
    flattenTree(tree).map(({ path, tensor }) => [path, Float64Array.from(tensor.dataSync())]),
  );

/** tfjs gradients of L = Σ f(tree) ⊙ c with respect to every leaf of `tree`. */
const tfGradients = (tree: TensorTree, f: (tree: TensorTree) => Tensor, c: Tensor) => {
  const leaves = flattenTree(tree);
  const grads = tf.tidy(() =>
    tf.grads((...tensors: Tensor[]) =>
      tf.sum(
        tf.mul(f(unflattenTree(leaves.map((leaf, i) => ({ path: leaf.path, tensor: tensors[i]! })))), c),
      ),
    )(leaves.map((leaf) => leaf.tensor)),
  );
  const out = Object.fromEntries(leaves.map((leaf, i) => [leaf.path, grads[i]!.dataSync()]));
  tf.dispose(grads);
  return out;
};

const randomMat = (seed: number, rows: number, cols: number) =>
  tf.randomNormal([rows, cols], 0, 1, 'float32', seed);

describe('finite-difference gradients (cpu, float64 reference)', () => {
  it.each(['linear', 'relu', 'tanh', 'elu', 'sigmoid'] as const)(
    'dense, %s, with input gradient',
    (activation) => {
      const params = denseInit(makeKey(1), { inputSize: 4, outputSize: 3 });
      const x = randomMat(2, 5, 4);
      const c = randomMat(3, 5, 3);
      const tree = { layer: params, x };
      const grads = tfGradients(
        tree,
        (t) => denseApply(t['layer'] as typeof params, t['x'] as Tensor, { activation }),
        c,
      );
      const c64 = Float64Array.from(c.dataSync());
      const loss64 = (v: Values) =>
        dot(dense64(mat(v, 'x', 5, 4), mat(v, 'layer.kernel', 4, 3), v['layer.bias']!, activation).data, c64);
      expectGradientsMatch(loss64, valuesOf(tree), grads);
    },
  );

  it('dense with one output and with few outputs (the reshape and (dzᵀx)ᵀ branches)', () => {
    for (const [inputs, outputs] of [
      [6, 1],
      [9, 2],
    ] as const) {
      const params = denseInit(makeKey(4), { inputSize: inputs, outputSize: outputs });
      const x = randomMat(5, 7, inputs);
      const c = randomMat(6, 7, outputs);
      const tree = { layer: params, x };
      const grads = tfGradients(tree, (t) => denseApply(t['layer'] as typeof params, t['x'] as Tensor), c);
      const c64 = Float64Array.from(c.dataSync());
      const loss64 = (v: Values) =>
        dot(
          dense64(mat(v, 'x', 7, inputs), mat(v, 'layer.kernel', inputs, outputs), v['layer.bias']!, 'linear')
            .data,
          c64,
        );
      expectGradientsMatch(loss64, valuesOf(tree), grads);
    }
  });

  it('LayerNorm (scale, offset and input)', () => {
    const x = randomMat(7, 4, 6);
    const norm = {
      scale: tf.randomUniform([6], 0.5, 1.5, 'float32', 8),
      offset: tf.randomNormal([6], 0, 1, 'float32', 9),
    };
    const c = randomMat(10, 4, 6);
    const tree = { norm, x };
    const grads = tfGradients(tree, (t) => layerNormApply(t['norm'] as typeof norm, t['x'] as Tensor), c);
    const c64 = Float64Array.from(c.dataSync());
    const loss64 = (v: Values) =>
      dot(layerNorm64(mat(v, 'x', 4, 6), v['norm.scale']!, v['norm.offset']!).data, c64);
    expectGradientsMatch(loss64, valuesOf(tree), grads);
  });

  it.each([
    ['relu', false],
    ['tanh', true],
    ['elu', true],
  ] as const)('MLP, %s, LayerNorm %s', (activation, layerNorm) => {
    const spec: MlpSpec = { inputSize: 3, hiddenSizes: [5, 4], outputSize: 2, activation, layerNorm };
    const net = mlp(spec);
    const params = net.init(makeKey(11));
    const x = randomMat(12, 6, 3);
    const c = randomMat(13, 6, 2);
    const tree = { net: params, x };
    const grads = tfGradients(tree, (t) => net.apply(t['net'] as MlpParams, t['x'] as Tensor), c);
    const c64 = Float64Array.from(c.dataSync());
    const loss64 = (v: Values) => dot(mlp64(spec, v, mat(v, 'x', 6, 3), 'net.').data, c64);
    expectGradientsMatch(loss64, valuesOf(tree), grads);
  });

  it.each([
    ['members', 2],
    ['members', 3],
    ['batched', 2],
    ['batched', 3],
  ] as const)('ensemble (%s formulation, input rank %i, LayerNorm)', (formulation, inputRank) => {
    const members = 3;
    const spec = {
      inputSize: 3,
      hiddenSizes: [4],
      outputSize: 2,
      layerNorm: true,
      members,
      formulation,
    } as const;
    const net = ensemble(spec);
    const params = net.init(makeKey(14));
    const x = inputRank === 2 ? randomMat(15, 5, 3) : tf.randomNormal([members, 5, 3], 0, 1, 'float32', 15);
    const c = tf.randomNormal([members, 5, 2], 0, 1, 'float32', 16);
    const tree = { net: params, x };
    const grads = tfGradients(tree, (t) => net.apply(t['net'] as MlpParams, t['x'] as Tensor), c);
    const c64 = Float64Array.from(c.dataSync());
    // Member m of the reference reads its own slice of every stacked leaf (and of x when per-member).
    const loss64 = (v: Values) => {
      let total = 0;
      for (let m = 0; m < members; m++) {
        const member: Values = {};
        for (const [path, data] of Object.entries(v)) {
          if (!path.startsWith('net.')) continue;
          const size = data.length / members;
          member[path] = data.subarray(m * size, (m + 1) * size);
        }
        const xs =
          inputRank === 2
            ? mat(v, 'x', 5, 3)
            : { rows: 5, cols: 3, data: v['x']!.subarray(m * 15, (m + 1) * 15) };
        total += dot(mlp64(spec, member, xs, 'net.').data, c64.subarray(m * 10, (m + 1) * 10));
      }
      return total;
    };
    expectGradientsMatch(loss64, valuesOf(tree), grads);
  });
});
