/**
 * The accelerated wasm matMul kernels, on each engine (onnxruntime-node, and both builds of offrl's wasm
 * GEMM), against the stock ones: every product and
 * fused epilogue on random and edge shapes, gradients through dense layers and an MLP, determinism and
 * tensor counts over many steps. The reference never uses the stock fused kernel with a transposed
 * operand (wrong on 4.22): it is the stock `BatchMatMul` followed by `add` and the activation op.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { valueAndGrad } from '../grad.js';
import { checkGradients } from '../gradient-check.js';
import { denseApply, denseInit } from '../nn/dense.js';
import { type MlpParams, mlp } from '../nn/mlp.js';
import { adam } from '../optim/adam.js';
import { makeKey } from '../random.js';
import { type Scalar, type Tensor, tf } from '../tf.js';
import { disposeTree, flattenTree } from '../tree.js';
import {
  FUSED_ACTIVATIONS,
  type FusedActivation,
  type GemmEngineLoad,
  type GemmProvider,
} from './gemm-engine.js';
import {
  acceleratedMatMul,
  installAcceleratedMatMul,
  uninstallAcceleratedMatMul,
  withStockMatMul,
} from './matmul-kernels.js';
import { loadOrtGemm } from './ort-gemm.js';
import { loadWasmGemm } from './wasm-gemm.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true, matmul: 'stock' });
});

afterAll(() => uninstallAcceleratedMatMul());

// onnxruntime-node is an optional peer that this workspace installs: its absence here is a failure.
const ENGINES: [string, GemmProvider, () => GemmEngineLoad][] = [
  ['onnxruntime-node', 'ort', () => loadOrtGemm(1)],
  ['the wasm GEMM (relaxed SIMD)', 'wasm', () => loadWasmGemm({ simd: 'relaxed-simd' })],
  ['the wasm GEMM (SIMD-128)', 'wasm', () => loadWasmGemm({ simd: 'simd128' })],
];

/** float32 sums of up to 256 terms, accumulated in different orders by XNNPACK and MLAS. */
const TOLERANCE = 5e-5;

const values = (t: Tensor): number[] => [...t.dataSync()];

/** max |x − y| / (1 + |y|), after checking the shapes agree. */
const maxError = (x: Tensor, y: Tensor): number => {
  expect(x.shape).toEqual(y.shape);
  const a = x.dataSync();
  const b = y.dataSync();
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return worst;
};

let seed = 0;
const random = (shape: number[]): Tensor => tf.randomNormal(shape, 0, 1, 'float32', ++seed);

const activate = (z: Tensor, activation: FusedActivation, prelu?: Tensor): Tensor => {
  switch (activation) {
    case 'linear':
      return z;
    case 'relu':
      return tf.relu(z);
    case 'relu6':
      return tf.relu6(z);
    case 'elu':
      return tf.elu(z);
    case 'sigmoid':
      return tf.sigmoid(z);
    case 'leakyrelu':
      return tf.leakyRelu(z, 0.15);
    case 'prelu':
      return tf.prelu(z, prelu!);
  }
};

interface Case {
  readonly a: number[];
  readonly b: number[];
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

/** Operand shapes for an m×k·k×n product (with batch dims) under the given transposes. */
const operands = (batchA: number[], batchB: number[], m: number, k: number, n: number): Case[] =>
  [false, true].flatMap((transposeA) =>
    [false, true].map((transposeB) => ({
      a: [...batchA, ...(transposeA ? [k, m] : [m, k])],
      b: [...batchB, ...(transposeB ? [n, k] : [k, n])],
      transposeA,
      transposeB,
    })),
  );

// 1×k, k×1, sizes off the 4/8/16-lane vector widths, square 256, beyond the cache blocks, batched.
const SHAPES: Case[] = [
  ...operands([], [], 1, 37, 5),
  ...operands([], [], 19, 1, 23),
  ...operands([], [], 31, 45, 1),
  ...operands([], [], 1, 1, 1),
  ...operands([], [], 17, 33, 65),
  ...operands([], [], 256, 256, 256),
  // Past the wasm GEMM's blocks (k by 256, n by 512): partial sums accumulate across k blocks.
  ...operands([], [], 9, 600, 517),
  ...operands([3], [3], 5, 7, 9),
  ...operands([2, 3], [3], 4, 6, 5),
  ...operands([4], [], 6, 3, 2),
];

describe.each(ENGINES)('on %s', (_, provider, load) => {
  beforeAll(() => {
    const loaded = load();
    if ('problem' in loaded) throw new Error(`the engine must load for these tests: ${loaded.problem}`);
    installAcceleratedMatMul(loaded.engine);
  });

  describe('accelerated wasm matMul', () => {
    it('is installed', () => {
      expect(acceleratedMatMul()).toEqual({ provider, threads: 1 });
    });

    it('BatchMatMul equals the stock kernel on every transpose, edge and batched shape', () => {
      for (const c of SHAPES) {
        tf.tidy(() => {
          const a = random(c.a);
          const b = random(c.b);
          const fast = tf.matMul(a, b, c.transposeA, c.transposeB);
          const stock = withStockMatMul(() => tf.matMul(a, b, c.transposeA, c.transposeB));
          expect(maxError(fast, stock), JSON.stringify(c)).toBeLessThan(TOLERANCE);
        });
      }
    });

    it('_FusedMatMul equals product + bias + activation for every activation, transpose and bias shape', () => {
      const [m, k, n] = [13, 29, 11];
      const biasShapes = [[n], [1, n], [m, 1], [m, n], [1]];
      for (const c of operands([], [], m, k, n)) {
        for (const activation of FUSED_ACTIVATIONS) {
          for (const biasShape of [undefined, ...biasShapes]) {
            tf.tidy(() => {
              const a = random(c.a);
              const b = random(c.b);
              const bias = biasShape === undefined ? undefined : random(biasShape);
              const preluActivationWeights = activation === 'prelu' ? tf.abs(random([n])) : undefined;
              const fast = tf.fused.matMul({
                a,
                b,
                transposeA: c.transposeA,
                transposeB: c.transposeB,
                activation,
                leakyreluAlpha: 0.15,
                ...(bias === undefined ? {} : { bias }),
                ...(preluActivationWeights === undefined ? {} : { preluActivationWeights }),
              });
              const expected = withStockMatMul(() => {
                const z = tf.matMul(a, b, c.transposeA, c.transposeB);
                return activate(bias === undefined ? z : tf.add(z, bias), activation, preluActivationWeights);
              });
              expect(
                maxError(fast, expected),
                `${JSON.stringify(c)} ${activation} ${biasShape}`,
              ).toBeLessThan(1e-5);
            });
          }
        }
      }
    });

    it('takes the composed fallback for epilogues it cannot fuse (batched bias), still correct', () => {
      tf.tidy(() => {
        const a = random([3, 4, 5]);
        const b = random([3, 6, 5]);
        const bias = random([3, 1, 6]);
        const fast = tf.fused.matMul({ a, b, transposeB: true, bias, activation: 'relu' });
        const expected = withStockMatMul(() => tf.relu(tf.add(tf.matMul(a, b, false, true), bias)));
        expect(maxError(fast, expected)).toBeLessThan(TOLERANCE);
      });
    });

    it('handles 0-size operands: empty outputs, and zeros (+ bias) when the inner size is 0', () => {
      tf.tidy(() => {
        const cases: [number[], number[]][] = [
          [
            [0, 4],
            [4, 3],
          ],
          [
            [2, 4],
            [4, 0],
          ],
          [
            [2, 0],
            [0, 3],
          ],
        ];
        for (const [sa, sb] of cases) {
          const a = tf.zeros(sa);
          const b = tf.ones(sb);
          const shape = [sa[0]!, sb[1]!];
          const fast = tf.matMul(a, b);
          expect(fast.shape).toEqual(shape);
          expect(withStockMatMul(() => tf.matMul(a, b)).shape).toEqual(shape);
          // An empty sum is 0. (The stock wasm kernel leaves a k = 0 output uninitialised.)
          expect(values(fast)).toEqual(new Array(shape[0]! * shape[1]!).fill(0));
          const fused = tf.fused.matMul({ a, b, bias: tf.fill([sb[1]!], -2), activation: 'elu' });
          expect(fused.shape).toEqual(shape);
          expect(maxError(fused, tf.fill(shape, Math.expm1(-2)))).toBeLessThan(1e-6);
        }
      });
    });

    it('keeps tfjs errors for mismatched inner dimensions', () => {
      expect(() => tf.matMul(tf.ones([2, 3]), tf.ones([4, 2]))).toThrow(/inner/i);
    });

    it('clones by sharing the buffer (Identity), which outlives the original; stock Identity copies', () => {
      const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
      const buffers = tf.memory().numDataBuffers;
      const y = tf.clone(x);
      const z = tf.clone(y);
      expect(tf.memory().numDataBuffers).toBe(buffers);
      x.dispose();
      y.dispose();
      expect(values(z)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(tf.memory().numDataBuffers).toBe(buffers);
      z.dispose();
      expect(tf.memory().numDataBuffers).toBe(buffers - 1);
      const w = tf.ones([2]);
      const copied = withStockMatMul(() => tf.clone(w));
      // w and its stock copy: two buffers.
      expect(tf.memory().numDataBuffers).toBe(buffers + 1);
      tf.dispose([w, copied]);
      const strings = tf.tensor1d(['a', 'b'], 'string');
      expect(tf.clone(strings).arraySync()).toEqual(['a', 'b']);
    });

    it('leaves non-float32 products to the stock kernel (which rejects them on wasm)', () => {
      const a = tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32');
      const stockError = /BatchMatMul for non non-float32 tensors not yet supported/;
      expect(() => withStockMatMul(() => tf.matMul(a, a))).toThrow(stockError);
      expect(() => tf.matMul(a, a)).toThrow(stockError);
      a.dispose();
    });
  });

  describe('dense layers and MLPs on the accelerated kernels', () => {
    it('dense gradients pass the finite-difference check for every activation', () => {
      for (const activation of ['linear', 'relu', 'tanh', 'elu', 'sigmoid'] as const) {
        tf.tidy(() => {
          const { kernel, bias } = denseInit(makeKey(3), { inputSize: 5, outputSize: 4 });
          const x = random([6, 5]);
          const weights = random([6, 4]);
          const mismatch = checkGradients(
            (xs, w, b) =>
              tf.sum(
                tf.mul(denseApply({ kernel: w as never, bias: b as never }, xs!, { activation }), weights),
              ),
            [x, kernel, bias],
            { step: 1e-2 },
          );
          expect(mismatch.error, `${activation}: ${JSON.stringify(mismatch)}`).toBeLessThan(2e-2);
        });
      }
    });

    it('MLP gradients equal those with the stock kernels', () => {
      const net = mlp({ inputSize: 23, hiddenSizes: [64, 48], outputSize: 3 });
      tf.tidy(() => {
        const params = net.init(makeKey(5));
        const x = random([40, 23]);
        const loss = (p: MlpParams) => ({ loss: tf.mean(tf.square(net.apply(p, x))) as Scalar, metrics: {} });
        const fast = flattenTree(valueAndGrad(loss, params).grads);
        const stock = flattenTree(withStockMatMul(() => valueAndGrad(loss, params).grads));
        for (const [i, { path, tensor }] of fast.entries()) {
          const scale = Math.max(...stock[i]!.tensor.abs().dataSync(), 1e-12);
          const diff = tf.max(tf.abs(tf.sub(tensor, stock[i]!.tensor))).dataSync()[0]!;
          expect(diff / scale, path).toBeLessThan(1e-5);
        }
      });
    });
  });

  describe('training on the accelerated kernels', () => {
    const net = mlp({ inputSize: 23, hiddenSizes: [64, 64], outputSize: 1 });
    const optimizer = adam({ learningRate: 1e-3 });

    /** `steps` Adam updates from `seed`; returns the final parameters as arrays and the tensor counts. */
    const train = (seed: number, steps: number) => {
      const x = tf.randomNormal([128, 23], 0, 1, 'float32', seed);
      const y = tf.sum(x, 1, true);
      let params = net.init(makeKey(seed));
      let state = optimizer.init(params);
      const counts: number[] = [];
      for (let step = 0; step < steps; step++) {
        const next = tf.tidy(() => {
          const { grads } = valueAndGrad(
            (p: MlpParams) => ({
              loss: tf.mean(tf.square(tf.sub(net.apply(p, x), y))) as Scalar,
              metrics: {},
            }),
            params,
          );
          return optimizer.update(grads, state, params);
        });
        disposeTree(params);
        disposeTree(state);
        ({ params, state } = next);
        counts.push(tf.memory().numTensors);
      }
      const final = flattenTree(params).map(({ tensor }) => values(tensor));
      disposeTree(params);
      disposeTree(state);
      tf.dispose([x, y]);
      return { final, counts };
    };

    it('is deterministic: the same seed gives bit-identical parameters after 30 steps', () => {
      const first = train(11, 30);
      const second = train(11, 30);
      expect(second.final).toEqual(first.final);
      expect(train(12, 1).final).not.toEqual(train(11, 1).final);
    });

    it('holds a constant number of tensors, bytes and wasm heap size over 300 steps', () => {
      const heapBytes = () =>
        ((tf.backend() as BackendWasm).wasm as unknown as { HEAPF32: Float32Array }).HEAPF32.buffer
          .byteLength;
      train(3, 20);
      const before = tf.memory();
      const heap = heapBytes();
      const { counts } = train(3, 300);
      expect(new Set(counts.slice(5)).size).toBe(1);
      const after = tf.memory();
      expect(after.numTensors).toBe(before.numTensors);
      expect(after.numBytes).toBe(before.numBytes);
      expect(heapBytes()).toBe(heap);
    });
  });
});
