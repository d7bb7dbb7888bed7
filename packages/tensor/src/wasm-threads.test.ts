// Runs in its own vitest process: the threaded build must be the first wasm backend to start.
import { describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { denseApply, denseInit } from './nn/dense.js';
import { makeKey } from './random.js';
import { type Tensor, tf } from './tf.js';

const refHandles = (): number =>
  process.getActiveResourcesInfo().filter((name) => name === 'MessagePort').length;

describe('threaded wasm (opt-in)', () => {
  it('starts 2 XNNPACK threads, computes what cpu computes, and leaves nothing that keeps Node alive', async () => {
    const before = refHandles();
    const report = await initBackend({ backend: 'wasm', wasmThreads: 2, quiet: true, env: {} });
    expect(report).toMatchObject({ name: 'wasm', threads: 2, forced: true });
    // Every pthread worker is unref-ed, so a script using the backend exits by itself.
    expect(refHandles()).toBe(before);

    const params = denseInit(makeKey(1), { inputSize: 96, outputSize: 128 });
    const x = tf.randomNormal([256, 96], 0, 1, 'float32', 2);
    const run = () => {
      const [y, dk] = [
        denseApply(params, x, { activation: 'relu' }),
        tf.grad((k: Tensor) => tf.sum(denseApply({ kernel: k as tf.Tensor2D, bias: params.bias }, x)))(
          params.kernel,
        ),
      ];
      return [y.dataSync(), dk.dataSync()] as const;
    };
    const [yWasm, dkWasm] = run();
    await tf.setBackend('cpu');
    const [yCpu, dkCpu] = run();
    await tf.setBackend('wasm');
    const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
      Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    expect(maxDiff(yWasm, yCpu)).toBeLessThan(1e-4);
    expect(maxDiff(dkWasm, dkCpu)).toBeLessThan(1e-3);
  });

  it('rejects bad thread counts', async () => {
    await expect(initBackend({ backend: 'cpu', wasmThreads: 1.5, quiet: true, env: {} })).rejects.toThrow(
      'wasm threads must be a positive integer, got 1.5',
    );
  });
});
