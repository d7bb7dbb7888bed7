/**
 * The fused MLP (mlp-kernel.ts) against the per-layer path on the same backend and engine: forward and
 * every gradient, bit for bit, on random and edge shapes; finite differences; run-to-run bits; and no leak of tensors
 * or wasm heap. Runs on whichever matMul provider the environment selects (CI: ort, wasm, stock; under
 * stock the fused path does not apply and both sides are the per-layer path).
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { acceleratedEngine } from '../accel/matmul-kernels.js';
import { initBackend } from '../backend.js';
import { checkGradients } from '../gradient-check.js';
import { adam } from '../optim/adam.js';
import { makeKey } from '../random.js';
import { type Scalar, type Tensor, tf } from '../tf.js';
import { disposeTree, flattenTree, type TensorTree, unflattenTree } from '../tree.js';
import type { Activation } from './activation.js';
import { type MlpParams, type MlpSpec, mlp } from './mlp.js';
import { withPerLayerMlp } from './mlp-kernel.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});

/** Σ y ⊙ c for a fixed random c, and its gradients with respect to the parameters and x. */
const valueAndGradients = (net: ReturnType<typeof mlp>, params: MlpParams, x: Tensor, seed: number) =>
  tf.tidy(() => {
    const leaves = flattenTree(params);
    const c = tf.randomNormal([x.shape[0]!, net.spec.outputSize], 0, 1, 'float32', seed);
    const f = (...args: Tensor[]) => {
      const p = unflattenTree(leaves.map(({ path }, i) => ({ path, tensor: args[i]! }))) as MlpParams;
      return tf.sum(tf.mul(net.apply(p, args[args.length - 1]!), c));
    };
    const { value, grads } = tf.valueAndGrads(f)([...leaves.map((l) => l.tensor), x]);
    return [value, ...grads].map((t) => t.dataSync().slice());
  });

const shapes: { name: string; spec: MlpSpec; batch: number }[] = [
  { name: 'critic 23-256-256-1', spec: { inputSize: 23, hiddenSizes: [256, 256], outputSize: 1 }, batch: 64 },
  { name: 'batch 1', spec: { inputSize: 5, hiddenSizes: [7], outputSize: 3 }, batch: 1 },
  { name: 'odd widths', spec: { inputSize: 3, hiddenSizes: [9, 5, 13], outputSize: 6 }, batch: 11 },
  { name: 'no hidden layer', spec: { inputSize: 6, hiddenSizes: [], outputSize: 2 }, batch: 7 },
  { name: 'no hidden layer, one output', spec: { inputSize: 6, hiddenSizes: [], outputSize: 1 }, batch: 7 },
  {
    name: 'tanh actor',
    spec: { inputSize: 17, hiddenSizes: [32, 32], outputSize: 6, outputActivation: 'tanh' },
    batch: 10,
  },
  {
    name: 'relu output',
    spec: { inputSize: 4, hiddenSizes: [10], outputSize: 3, outputActivation: 'relu' },
    batch: 9,
  },
];

describe('fused mlp', () => {
  it('takes the fused path exactly where the products are accelerated', () => {
    const net = mlp({ inputSize: 3, hiddenSizes: [4], outputSize: 1 });
    const params = net.init(makeKey(1));
    const x = tf.ones([2, 3]);
    const kernels = () => {
      const names = new Set<string>();
      const engine = tf.engine();
      const run = engine.runKernel.bind(engine);
      engine.runKernel = ((name: string, ...rest: never[]) => {
        names.add(name);
        return (run as (...args: unknown[]) => unknown)(name, ...rest);
      }) as typeof engine.runKernel;
      try {
        tf.tidy(() =>
          tf.grads((p: Tensor) =>
            tf.sum(net.apply({ ...params, output: { ...params['output']!, kernel: p } }, x)),
          )([params['output']!['kernel']!]),
        );
      } finally {
        engine.runKernel = run;
      }
      return names.has('OffrlMlp1') ? 'fused' : names.has('OffrlDense') ? 'per layer' : 'neither';
    };
    expect(kernels()).toBe(acceleratedEngine() === undefined ? 'per layer' : 'fused');
    expect(withPerLayerMlp(kernels)).toBe('per layer');
    disposeTree(params);
    x.dispose();
  });

  for (const { name, spec, batch } of shapes) {
    it(`equals the per-layer path bit for bit, value and all gradients: ${name}`, () => {
      const net = mlp(spec);
      const params = net.init(makeKey(7));
      const x = tf.randomNormal([batch, spec.inputSize], 0, 1, 'float32', 3);
      const fused = valueAndGradients(net, params, x, 4);
      // The same engine calls on the same operands as the per-layer path: the same bits.
      expect(fused).toEqual(withPerLayerMlp(() => valueAndGradients(net, params, x, 4)));
      // Run to run, bit for bit.
      expect(valueAndGradients(net, params, x, 4)).toEqual(fused);
      disposeTree(params);
      x.dispose();
    });
  }

  it('passes a finite-difference check of every input', () => {
    const spec: MlpSpec = { inputSize: 3, hiddenSizes: [5, 4], outputSize: 2, outputActivation: 'tanh' };
    const net = mlp(spec);
    const params = net.init(makeKey(2));
    const leaves = flattenTree(params);
    const x = tf.randomNormal([4, 3], 0, 1, 'float32', 5);
    const c = tf.randomNormal([4, 2], 0, 1, 'float32', 6);
    const f = (...args: Tensor[]) => {
      const p = unflattenTree(leaves.map(({ path }, i) => ({ path, tensor: args[i]! }))) as MlpParams;
      return tf.sum(tf.mul(net.apply(p, args[args.length - 1]!), c));
    };
    expect(checkGradients(f, [...leaves.map((l) => l.tensor), x]).error).toBeLessThan(1e-2);
    disposeTree(params);
    tf.dispose([x, c]);
  });

  it('gives dx only through a critic with constant parameters, and zero dx under stopInputGradient', () => {
    const net = mlp({ inputSize: 4, hiddenSizes: [8, 8], outputSize: 1 });
    const params = net.init(makeKey(3));
    const x = tf.randomNormal([6, 4], 0, 1, 'float32', 7);
    const dx = (stop: boolean) =>
      tf.tidy(() =>
        tf
          .grad((input: Tensor) => tf.sum(net.apply(params, input, { stopInputGradient: stop })))(x)
          .dataSync(),
      );
    expect(dx(false)).toEqual(withPerLayerMlp(() => dx(false)));
    expect([...dx(true)].every((v) => v === 0)).toBe(true);
    // Only the output layer's kernel differentiated: the other gradients are made and freed later.
    const before = tf.memory().numTensors;
    const outputKernel = tf.tidy(() =>
      tf.grad((k: Tensor) =>
        tf.sum(net.apply({ ...params, output: { ...params['output']!, kernel: k } }, x)),
      )(params['output']!['kernel']!),
    );
    expect(outputKernel.dataSync()).toEqual(
      withPerLayerMlp(() =>
        tf.tidy(() =>
          tf.grad((k: Tensor) =>
            tf.sum(net.apply({ ...params, output: { ...params['output']!, kernel: k } }, x)),
          )(params['output']!['kernel']!),
        ),
      ).dataSync(),
    );
    expect(tf.memory().numTensors).toBe(before + 2);
    disposeTree(params);
    tf.dispose([x, outputKernel]);
  });

  it('keeps tensors and the wasm heap flat over 300 training steps', () => {
    const net = mlp({
      inputSize: 23,
      hiddenSizes: [64, 64],
      outputSize: 1,
      outputActivation: 'relu' as Activation,
    });
    const optimizer = adam({ learningRate: 1e-3 });
    let params = net.init(makeKey(1));
    let state = optimizer.init(params);
    const x = tf.randomNormal([32, 23], 0, 1, 'float32', 2);
    const y = tf.sum(x, 1, true);
    const step = () => {
      const next = tf.tidy(() => {
        const loss = (p: MlpParams) =>
          tf.mean(tf.square(tf.sub(net.apply(p, x, { stopInputGradient: true }), y))) as Scalar;
        const leaves = flattenTree(params);
        const grads = tf.grads((...args: Tensor[]) =>
          loss(unflattenTree(leaves.map(({ path }, i) => ({ path, tensor: args[i]! }))) as MlpParams),
        )(leaves.map((l) => l.tensor));
        const gradTree = unflattenTree(
          leaves.map(({ path }, i) => ({ path, tensor: grads[i]! })),
        ) as TensorTree;
        return optimizer.update(gradTree as MlpParams, state, params);
      });
      disposeTree(params);
      disposeTree(state);
      params = next.params;
      state = next.state;
    };
    const heap = () =>
      ((tf.backend() as BackendWasm).wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.length;
    for (let i = 0; i < 10; i++) step();
    const tensors = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    const heapSize = heap();
    for (let i = 0; i < 300; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.memory().numBytes).toBe(bytes);
    expect(heap()).toBe(heapSize);
    disposeTree(params);
    disposeTree(state);
    tf.dispose([x, y]);
  }, 30_000);
});
