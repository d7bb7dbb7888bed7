import '@tensorflow/tfjs-backend-wasm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { disposeTree, type TensorTree } from '../tree.js';
import { type AdamState, adam, adamW } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { constantSchedule, linearSchedule } from './schedule.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterEach(async () => {
  await tf.setBackend('cpu');
});

const values = (tree: TensorTree, key: string) => Array.from((tree[key] as tf.Tensor).dataSync());

/** Runs `optimizer` over the gradient sequence and returns the parameters after each step. */
const run = (optimizer: Optimizer<AdamState>, start: number[], gradients: number[][]) => {
  let params: TensorTree = { w: tf.tensor1d(start) };
  let state = optimizer.init(params);
  const history: number[][] = [];
  for (const g of gradients) {
    const grads = { w: tf.tensor1d(g) };
    const next = optimizer.update(grads, state, params);
    disposeTree(grads);
    disposeTree(params);
    disposeTree(state);
    params = next.params;
    state = next.state;
    history.push(values(params, 'w'));
  }
  const step = state.step.dataSync()[0];
  const stepDtype = state.step.dtype;
  disposeTree(params);
  disposeTree(state);
  return { history, step, stepDtype };
};

describe('adam', () => {
  it('matches two steps worked out by hand', () => {
    // lr 0.1, β1 0.9, β2 0.999, ε 1e-8. Two coordinates, w0 = [1, −2], g1 = [0.5, −1], g2 = [1.5, −1].
    // Step 1 (bias corrections 1 − 0.9 = 0.1 and 1 − 0.999 = 0.001):
    //   m1 = 0.1·g1, v1 = 0.001·g1²  →  m̂ = g1, v̂ = g1²  →  w1 = w0 − 0.1·g1/(|g1| + ε) = [0.9, −1.9].
    // Step 2, coordinate 0 (bias corrections 1 − 0.81 = 0.19 and 1 − 0.998001 = 0.001999):
    //   m2 = 0.9·0.05 + 0.1·1.5 = 0.195,            m̂ = 0.195 / 0.19 = 1.0263158
    //   v2 = 0.999·0.00025 + 0.001·2.25 = 0.00249975, v̂ = 0.00249975 / 0.001999 = 1.2505003, √v̂ = 1.1182577
    //   w2 = 0.9 − 0.1·1.0263158/1.1182577 = 0.9 − 0.0917781 = 0.8082219.
    // Coordinate 1 sees a constant gradient −1, so m̂ = −1, v̂ = 1 and it moves by +0.1 per step: −1.8.
    const { history, step, stepDtype } = run(
      adam({ learningRate: 0.1 }),
      [1, -2],
      [
        [0.5, -1],
        [1.5, -1],
      ],
    );
    expect(history[0]![0]).toBeCloseTo(0.9, 6);
    expect(history[0]![1]).toBeCloseTo(-1.9, 6);
    expect(history[1]![0]).toBeCloseTo(0.8082219, 6);
    expect(history[1]![1]).toBeCloseTo(-1.8, 6);
    expect(step).toBe(2);
    expect(stepDtype).toBe('int32');
  });

  it('uses the schedule at the step before the update', () => {
    // lr(0) = 0.1, lr(1) = 0.05: a constant gradient moves the weight by lr(t) per step.
    const schedule = linearSchedule({ init: 0.1, end: 0, steps: 2 });
    const { history } = run(adam({ learningRate: schedule }), [0], [[1], [1], [1]]);
    expect(history[0]![0]).toBeCloseTo(-0.1, 6);
    expect(history[1]![0]).toBeCloseTo(-0.15, 6);
    expect(history[2]![0]).toBeCloseTo(-0.15, 6);
  });

  it('agrees with tf.train.adam', () => {
    const gradients = [
      [0.3, -0.7, 2],
      [0.1, 0.4, -1],
      [-0.5, 0.2, 0.05],
    ];
    const { history } = run(adam({ learningRate: 0.01, epsilon: 1e-7 }), [0.5, -0.5, 1], gradients);
    const variable = tf.variable(tf.tensor1d([0.5, -0.5, 1]));
    const reference = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
    for (const [i, g] of gradients.entries()) {
      const grad = tf.tensor1d(g);
      reference.applyGradients([{ name: variable.name, tensor: grad }]);
      grad.dispose();
      const expected = Array.from(variable.dataSync());
      for (const [j, value] of expected.entries()) expect(history[i]![j]).toBeCloseTo(value, 6);
    }
    reference.dispose();
    variable.dispose();
  });

  it('names the parameter whose gradient is missing or misshapen', () => {
    const optimizer = adam();
    const params = { layer: { kernel: tf.zeros([2, 2]), bias: tf.zeros([2]) } };
    const state = optimizer.init(params);
    const before = tf.memory().numTensors;
    const missing = { layer: { kernel: tf.zeros([2, 2]) } };
    expect(() => optimizer.update(missing, state, params)).toThrow(/grads has no 'layer.bias'/);
    const misshapen = { layer: { kernel: tf.zeros([2, 3]), bias: tf.zeros([2]) } };
    expect(() => optimizer.update(misshapen, state, params)).toThrow(
      /'layer.kernel' has shape \[2,3\] in grads/,
    );
    disposeTree(missing);
    disposeTree(misshapen);
    expect(tf.memory().numTensors).toBe(before);
    disposeTree(params);
    disposeTree(state);
  });

  it('rejects bad hyperparameters', () => {
    expect(() => adam({ beta1: 1 })).toThrow(/beta1/);
    expect(() => adam({ learningRate: -1 })).toThrow(/learningRate/);
    expect(() => adamW({ weightDecay: -0.1 })).toThrow(/weightDecay/);
  });
});

describe('adamW', () => {
  it('decays the weights before the Adam step', () => {
    // λ = 0.5, lr 0.1: w ← w·(1 − 0.05) then the Adam step of the test above.
    //   w1 = 1·0.95 − 0.1 = 0.85;  w2 = 0.85·0.95 − 0.0917781 = 0.7157219.
    const { history } = run(adamW({ learningRate: 0.1, weightDecay: 0.5 }), [1], [[0.5], [1.5]]);
    expect(history[0]![0]).toBeCloseTo(0.85, 6);
    expect(history[1]![0]).toBeCloseTo(0.7157219, 6);
  });

  it('decays only the parameters the mask selects', () => {
    const optimizer = adamW({
      learningRate: constantSchedule(0.1),
      weightDecay: 0.5,
      decayMask: (path) => path !== 'bias',
    });
    const params = { kernel: tf.tensor1d([1]), bias: tf.tensor1d([1]) };
    const grads = { kernel: tf.tensor1d([0]), bias: tf.tensor1d([0]) };
    const state = optimizer.init(params);
    const next = optimizer.update(grads, state, params);
    // A zero gradient gives a zero Adam step, so only the decay moves the kernel.
    expect(values(next.params, 'kernel')[0]).toBeCloseTo(0.95, 6);
    expect(values(next.params, 'bias')[0]).toBeCloseTo(1, 6);
    for (const tree of [params, grads, state, next.params, next.state]) disposeTree(tree);
  });
});

describe('fused kernel', () => {
  /** Five AdamW steps on a [3, 4] kernel and a [4] bias (bias not decayed); returns all final values. */
  const trajectory = (fused: boolean) => {
    const optimizer = adamW({
      learningRate: linearSchedule({ init: 0.05, end: 0.01, steps: 4 }),
      weightDecay: 0.1,
      decayMask: (path) => path !== 'bias',
      fused,
    });
    let params: TensorTree = {
      kernel: tf.tensor2d([0.5, -1, 2, 0.1, 0, 0.3, -0.7, 1.2, 0.9, -0.2, 0.05, -1.5], [3, 4]),
      bias: tf.tensor1d([0.1, -0.1, 0, 1]),
    };
    let state = optimizer.init(params);
    for (let step = 0; step < 5; step++) {
      const grads = tf.tidy(() => ({
        kernel: tf.mul(tf.sin(tf.add(params['kernel'] as tf.Tensor, step)), 3),
        bias: tf.cos(tf.mul(params['bias'] as tf.Tensor, step + 1)),
      }));
      const next = optimizer.update(grads, state, params);
      for (const tree of [grads, params, state]) disposeTree(tree);
      params = next.params;
      state = next.state;
    }
    const out = [params, state.mu, state.nu].flatMap((tree) =>
      ['bias', 'kernel'].flatMap((key) => Array.from((tree[key] as tf.Tensor).dataSync())),
    );
    disposeTree(params);
    disposeTree(state);
    return out;
  };

  for (const backend of ['cpu', 'wasm']) {
    it(`agrees with the op-by-op form on ${backend}`, async () => {
      await tf.setBackend(backend);
      const before = tf.memory().numTensors;
      const fused = trajectory(true);
      const plain = trajectory(false);
      expect(tf.memory().numTensors).toBe(before);
      expect(tf.getKernel('OffrlAdamUpdate', backend)).toBeDefined();
      expect(fused.length).toBe(48);
      for (const [i, value] of fused.entries()) {
        expect(Math.abs(value - plain[i]!)).toBeLessThanOrEqual(2e-6 * Math.max(1, Math.abs(value)));
      }
    });
  }
});
