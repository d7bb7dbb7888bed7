/**
 * Buffer donation in the optimisers (`{ donate: true }`): the same bits as the pure path on every
 * backend, the donated tensors consumed, and their buffers reused exactly where kernels.ts allows it
 * (wasm with the onnxruntime matMul kernels), never on cpu or with stock XNNPACK kernels, and never
 * while another tensor shares the buffer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  installAcceleratedMatMul,
  uninstallAcceleratedMatMul,
  withStockMatMul,
} from '../accel/matmul-kernels.js';
import { loadOrtGemm } from '../accel/ort-gemm.js';
import { initBackend } from '../backend.js';
import { type Tensor, tf } from '../tf.js';
import { disposeTree, flattenTree, type TensorTree } from '../tree.js';
import { adamW } from './adam.js';
import { inPlaceWritesSafe } from './kernels.js';
import { polyak } from './polyak.js';
import { linearSchedule } from './schedule.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true, native: false });
  const load = loadOrtGemm(1);
  // onnxruntime-node is an optional peer that this workspace installs: its absence here is a failure.
  if ('problem' in load) throw new Error(`onnxruntime-node must load for these tests: ${load.problem}`);
  installAcceleratedMatMul(load.engine);
});

afterAll(async () => {
  uninstallAcceleratedMatMul();
  await tf.setBackend('cpu');
});

const leaves = (tree: TensorTree): Tensor[] => flattenTree(tree).map(({ tensor }) => tensor);

/**
 * Four AdamW steps (scheduled rate, bias not decayed) and a Polyak target after each; returns every
 * final value and, per step, how many new leaves took over the buffer of the leaf they replace.
 */
const trajectory = (donate: boolean) => {
  const optimizer = adamW({
    learningRate: linearSchedule({ init: 0.05, end: 0.01, steps: 3 }),
    weightDecay: 0.1,
    decayMask: (path) => path !== 'bias',
  });
  let params: TensorTree = {
    kernel: tf.tensor2d([0.5, -1, 2, 0.1, 0, 0.3, -0.7, 1.2, 0.9, -0.2, 0.05, -1.5], [3, 4]),
    bias: tf.tensor1d([0.1, -0.1, 0, 1]),
  };
  let target: TensorTree = { kernel: tf.zeros([3, 4]), bias: tf.ones([4]) };
  let state = optimizer.init(params);
  const reused: number[] = [];
  for (let step = 0; step < 4; step++) {
    const grads = tf.tidy(() => ({
      kernel: tf.mul(tf.sin(tf.add(params['kernel'] as Tensor, step)), 3),
      bias: tf.cos(tf.mul(params['bias'] as Tensor, step + 1)),
    }));
    const before = [...leaves(params), ...leaves(state.mu), ...leaves(state.nu), ...leaves(target)];
    const ids = before.map((t) => t.dataId);
    const next = optimizer.update(grads, state, params, { donate });
    const nextTarget = polyak(target, next.params, 0.5, { donate });
    const after = [
      ...leaves(next.params),
      ...leaves(next.state.mu),
      ...leaves(next.state.nu),
      ...leaves(nextTarget),
    ];
    reused.push(after.filter((t, i) => t.dataId === ids[i]).length);
    expect(before.every((t) => t.isDisposed)).toBe(donate);
    expect(state.step.isDisposed).toBe(donate);
    disposeTree(grads);
    // Disposing donated trees again is a no-op.
    for (const tree of [params, state, target]) disposeTree(tree);
    params = next.params;
    state = next.state;
    target = nextTarget;
  }
  const values = [params, state.mu, state.nu, target].flatMap((tree) =>
    leaves(tree).flatMap((t) => [...t.dataSync()]),
  );
  for (const tree of [params, state, target]) disposeTree(tree);
  return { values, reused };
};

const compare = () => {
  const start = tf.memory().numTensors;
  const pure = trajectory(false);
  const donated = trajectory(true);
  expect(tf.memory().numTensors).toBe(start);
  expect(donated.values.length).toBe(64);
  // Bit for bit: Float32 values converted to numbers compare exactly.
  expect(donated.values).toEqual(pure.values);
  expect(pure.reused).toEqual([0, 0, 0, 0]);
  return donated.reused;
};

describe('donated optimiser and Polyak state', () => {
  it('writes in place on wasm with the onnxruntime matMul kernels', async () => {
    await tf.setBackend('wasm');
    expect(inPlaceWritesSafe()).toBe(true);
    // Every leaf of params, mu, nu and the target (8) reuses its buffer at every step.
    expect(compare()).toEqual([8, 8, 8, 8]);
  });

  it('allocates with stock XNNPACK kernels (they cache packed weights by buffer id)', async () => {
    await tf.setBackend('wasm');
    withStockMatMul(() => {
      expect(inPlaceWritesSafe()).toBe(false);
      expect(compare()).toEqual([0, 0, 0, 0]);
    });
  });

  it('allocates on cpu (a slice there is an untracked view of its source)', async () => {
    await tf.setBackend('cpu');
    expect(inPlaceWritesSafe()).toBe(false);
    expect(compare()).toEqual([0, 0, 0, 0]);
  });

  it('does not write into a buffer that another tensor shares', async () => {
    await tf.setBackend('wasm');
    const target = { w: tf.tensor1d([1, 2]) };
    const alias = tf.clone(target.w);
    const online = { w: tf.tensor1d([3, 6]) };
    const next = polyak(target, online, 0.5, { donate: true });
    expect(target.w.isDisposed).toBe(true);
    expect(next.w.dataId).not.toBe(alias.dataId);
    expect([...next.w.dataSync()]).toEqual([2, 4]);
    expect([...alias.dataSync()]).toEqual([1, 2]);
    for (const t of [alias, online.w, next.w]) t.dispose();
  });
});
