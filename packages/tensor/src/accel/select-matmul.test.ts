/**
 * Choosing the engine of the wasm matMul kernels: onnxruntime-node when it loads, the stock kernels
 * when it is disabled, missing or cannot read the heap, with the reason reported; a required
 * accelerator that cannot load is an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, selectBackend } from '../backend.js';
import { tf } from '../tf.js';
import { acceleratedMatMul, uninstallAcceleratedMatMul } from './matmul-kernels.js';
import { ORT_VERSION } from './ort-gemm.js';
import { parseNativeFlag, selectMatMul } from './select-matmul.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true, native: false });
});

afterAll(() => uninstallAcceleratedMatMul());

const product = (): number[] =>
  tf.tidy(() => [...tf.matMul(tf.eye(2), tf.tensor2d([1, 2, 3, 4], [2, 2])).dataSync()]);

describe('selectMatMul', () => {
  it('uses onnxruntime-node when it loads', () => {
    expect(selectMatMul()).toEqual({ provider: 'ort', version: ORT_VERSION, threads: 1 });
    expect(acceleratedMatMul()).toEqual({ provider: 'ort', threads: 1 });
    expect(product()).toEqual([1, 2, 3, 4]);
  });

  it('falls back to the stock kernels, with the reason, when the package is missing', () => {
    selectMatMul();
    const report = selectMatMul({ packageName: 'offrl-no-such-runtime' });
    expect(report).toEqual({ provider: 'stock-wasm', reason: expect.stringMatching(/not installed/) });
    expect(acceleratedMatMul()).toBeUndefined();
    expect(product()).toEqual([1, 2, 3, 4]);
  });

  it('keeps the stock kernels when disabled or when the heap is shared', () => {
    selectMatMul();
    expect(selectMatMul({ native: false })).toEqual({
      provider: 'stock-wasm',
      reason: 'disabled (OFFRL_NATIVE=0)',
    });
    expect(acceleratedMatMul()).toBeUndefined();
    expect(selectMatMul({ sharedHeap: true }).reason).toMatch(/SharedArrayBuffer/);
    expect(acceleratedMatMul()).toBeUndefined();
  });

  it('throws when the accelerator is required but unavailable', () => {
    expect(() => selectMatMul({ native: true, packageName: 'offrl-no-such-runtime' })).toThrow(
      /native matMul accelerator is unavailable: offrl-no-such-runtime is not installed/,
    );
    expect(() => selectMatMul({ threads: 0 })).toThrow(RangeError);
  });

  it('parses OFFRL_NATIVE', () => {
    expect(parseNativeFlag(undefined)).toBeUndefined();
    expect(parseNativeFlag('')).toBeUndefined();
    expect(parseNativeFlag('0')).toBe(false);
    expect(parseNativeFlag('1')).toBe(true);
    expect(() => parseNativeFlag('yes')).toThrow(/OFFRL_NATIVE must be 0 or 1/);
  });

  it('is reported by the backend selection and its log line', async () => {
    const lines: string[] = [];
    const on = await selectBackend({ backend: 'wasm', env: {}, log: (line) => lines.push(line) });
    expect(on.matmul).toEqual({ provider: 'ort', version: ORT_VERSION, threads: 1 });
    const off = await selectBackend({
      backend: 'wasm',
      env: { OFFRL_NATIVE: '0' },
      log: (line) => lines.push(line),
    });
    expect(off.matmul).toEqual({ provider: 'stock-wasm', reason: 'disabled (OFFRL_NATIVE=0)' });
    expect(lines[0]).toMatch(/matMul on onnxruntime-node 1\.30\.0 \(1 thread\)/);
    expect(lines[1]).toMatch(/matMul on stock wasm kernels \(disabled \(OFFRL_NATIVE=0\)\)/);
  });
});
