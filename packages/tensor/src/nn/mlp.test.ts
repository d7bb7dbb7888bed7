import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { valueAndGrad } from '../grad.js';
import { adam } from '../optim/adam.js';
import { makeKey } from '../random.js';
import { type Scalar, tf } from '../tf.js';
import { disposeTree, flattenTree, treeSize } from '../tree.js';
import { type MlpParams, mlp } from './mlp.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});

describe('mlp', () => {
  it('has named layers, PyTorch-sized parameters and the output shape [B, out]', () => {
    const critic = mlp({ inputSize: 23, hiddenSizes: [256, 256], outputSize: 1, layerNorm: true });
    const params = critic.init(makeKey(1));
    expect(flattenTree(params).map(({ path, tensor }) => `${path} ${tensor.shape}`)).toEqual([
      'hidden0.bias 256',
      'hidden0.kernel 23,256',
      'hidden1.bias 256',
      'hidden1.kernel 256,256',
      'norm0.offset 256',
      'norm0.scale 256',
      'norm1.offset 256',
      'norm1.scale 256',
      'output.bias 1',
      'output.kernel 256,1',
    ]);
    expect(treeSize(params)).toBe(23 * 256 + 256 + 256 * 256 + 256 + 256 + 1 + 4 * 256);
    expect(critic.apply(params, tf.ones([5, 23])).shape).toEqual([5, 1]);
    // The same key gives the same parameters.
    expect(critic.init(makeKey(1))['hidden1']!['kernel']!.dataSync()).toEqual(
      params['hidden1']!['kernel']!.dataSync(),
    );
  });

  it('applies an output activation and works without hidden layers', () => {
    const actor = mlp({
      inputSize: 3,
      hiddenSizes: [8],
      outputSize: 2,
      outputActivation: 'tanh',
      activation: 'elu',
    });
    const y = actor.apply(actor.init(makeKey(2)), tf.mul(100, tf.randomNormal([10, 3], 0, 1, 'float32', 3)));
    expect(Math.max(...y.dataSync().map(Math.abs))).toBeLessThanOrEqual(1);
    const linear = mlp({ inputSize: 3, hiddenSizes: [], outputSize: 2 });
    expect(linear.apply(linear.init(makeKey(2)), tf.ones([4, 3]), { stopInputGradient: true }).shape).toEqual(
      [4, 2],
    );
  });

  it('drops units only in training, reproducibly from the key, with inverted scaling', () => {
    const net = mlp({ inputSize: 4, hiddenSizes: [512], outputSize: 1, dropout: 0.25 });
    const params = net.init(makeKey(3));
    const x = tf.randomNormal([64, 4], 0, 1, 'float32', 4);
    const evaluation = net.apply(params, x).dataSync();
    expect(net.apply(params, x, { training: false, key: makeKey(9) }).dataSync()).toEqual(evaluation);
    const a = net.apply(params, x, { training: true, key: makeKey(5) }).dataSync();
    expect(net.apply(params, x, { training: true, key: makeKey(5) }).dataSync()).toEqual(a);
    expect(net.apply(params, x, { training: true, key: makeKey(6) }).dataSync()).not.toEqual(a);
    expect(a).not.toEqual(evaluation);
    expect(() => net.apply(params, x, { training: true })).toThrow(
      'mlp.hidden0: dropout in training mode needs a key',
    );
    expect(() => mlp({ inputSize: 4, hiddenSizes: [4], outputSize: 1, dropout: 1 })).toThrow(
      'mlp: dropout rate must be in [0, 1), got 1',
    );
  });

  it('names the layer and shapes on a mismatch, and rejects bad specs', () => {
    const critic = mlp({ inputSize: 23, hiddenSizes: [16], outputSize: 1, name: 'critic' });
    const params = critic.init(makeKey(1));
    expect(() => critic.apply(params, tf.ones([4, 17]))).toThrow(
      'critic.hidden0: input has shape [4,17], expected [*,23]',
    );
    const other = mlp({ inputSize: 23, hiddenSizes: [8], outputSize: 1, name: 'critic' });
    expect(() => other.apply(params, tf.ones([4, 23]))).toThrow(
      'critic.hidden0: kernel has shape [23,16], expected [23,8]',
    );
    expect(() => critic.apply({ hidden0: params['hidden0']! } as MlpParams, tf.ones([4, 23]))).toThrow(
      "critic: parameters have no layer 'output' (found hidden0)",
    );
    expect(() => mlp({ inputSize: 3, hiddenSizes: [0], outputSize: 1 })).toThrow(
      'mlp: layer sizes must be positive integers, got [3, 0, 1]',
    );
  });

  // 1,000 steps take 2–5 s alone: more than the default 5 s timeout on a loaded shared machine.
  it('keeps the tensor count constant over 1,000 training steps (no leak)', () => {
    const net = mlp({ inputSize: 6, hiddenSizes: [8, 8], outputSize: 1, layerNorm: true, dropout: 0.1 });
    const optimizer = adam({ learningRate: 1e-3 });
    let params = net.init(makeKey(1));
    let state = optimizer.init(params);
    const x = tf.randomNormal([16, 6], 0, 1, 'float32', 2);
    const y = tf.sum(x, 1, true);
    const step = (t: number) => {
      const next = tf.tidy(() => {
        const { grads, loss } = valueAndGrad(
          (p: MlpParams) => ({
            loss: tf.mean(
              tf.square(
                tf.sub(net.apply(p, x, { training: true, key: makeKey(t + 10), stopInputGradient: true }), y),
              ),
            ) as Scalar,
            metrics: {},
          }),
          params,
        );
        const out = optimizer.update(grads, state, params);
        return { params: out.params, state: out.state, loss };
      });
      disposeTree(params);
      disposeTree(state);
      params = next.params;
      state = next.state;
      const value = next.loss.dataSync()[0]!;
      next.loss.dispose();
      return value;
    };
    const first = step(0);
    const baseline = tf.memory().numTensors;
    let last = first;
    for (let t = 1; t < 1000; t++) last = step(t);
    expect(tf.memory().numTensors).toBe(baseline);
    expect(last).toBeLessThan(first / 5);
  }, 30_000);
});
