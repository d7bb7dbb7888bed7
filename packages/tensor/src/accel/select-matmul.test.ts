/**
 * Choosing the engine of the wasm matMul kernels: onnxruntime-node > offrl's wasm GEMM > stock, each
 * skipped with its reason when disabled, missing or unable to use the heap; a forced provider that
 * cannot run is an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend, selectBackend } from '../backend.js';
import { tf } from '../tf.js';
import {
  acceleratedMatMul,
  uninstallAcceleratedMatMul,
  weightsMayBeMutatedInPlace,
} from './matmul-kernels.js';
import { ORT_VERSION } from './ort-gemm.js';
import { parseMatMulProvider, parseNativeFlag, selectMatMul } from './select-matmul.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true, matmul: 'stock' });
});

afterAll(() => uninstallAcceleratedMatMul());

const product = (): number[] =>
  tf.tidy(() => [...tf.matMul(tf.eye(2), tf.tensor2d([1, 2, 3, 4], [2, 2])).dataSync()]);

const MISSING = 'offrl-no-such-runtime';
/** The wasm GEMM's report when onnxruntime-node is skipped for `why`. */
const wasmReport = (why: RegExp | string) => ({
  provider: 'wasm',
  version: 'relaxed-simd',
  threads: 1,
  reason: typeof why === 'string' ? why : expect.stringMatching(why),
});

describe('selectMatMul', () => {
  it('uses onnxruntime-node when it loads', () => {
    expect(selectMatMul()).toEqual({ provider: 'ort', version: ORT_VERSION, threads: 1 });
    expect(acceleratedMatMul()).toEqual({ provider: 'ort', threads: 1 });
    expect(product()).toEqual([1, 2, 3, 4]);
  });

  it('runs products of at least parallelFlops on the threads asked for, smaller ones on one, same bits', () => {
    const products = () =>
      tf.tidy(() =>
        [2, 64].map((size) => {
          const a = tf.randomNormal([size, size], 0, 1, 'float32', size);
          return [...tf.matMul(a, tf.transpose(a)).dataSync()];
        }),
      );
    selectMatMul();
    const oneThread = products();
    expect(selectMatMul({ threads: 2, parallelFlops: 1000 })).toEqual({
      provider: 'ort',
      version: ORT_VERSION,
      threads: 2,
      parallelFlops: 1000,
    });
    expect(products()).toEqual(oneThread);
    expect(() => selectMatMul({ threads: 2, parallelFlops: -1 })).toThrow(RangeError);
    selectMatMul();
  });

  it('falls back to the wasm GEMM (relaxed SIMD here), with the reason, when the package is missing', () => {
    selectMatMul();
    expect(selectMatMul({ packageName: MISSING })).toEqual(wasmReport(/^ort: .*not installed/));
    expect(acceleratedMatMul()).toEqual({ provider: 'wasm', threads: 1 });
    expect(product()).toEqual([1, 2, 3, 4]);
  });

  it('skips onnxruntime-node with OFFRL_NATIVE=0, and takes what OFFRL_MATMUL names', () => {
    expect(selectMatMul({ native: false })).toEqual(wasmReport('ort: disabled (OFFRL_NATIVE=0)'));
    expect(selectMatMul({ provider: 'wasm' })).toEqual({
      provider: 'wasm',
      version: 'relaxed-simd',
      threads: 1,
    });
    expect(selectMatMul({ provider: 'stock' })).toEqual({
      provider: 'stock-wasm',
      reason: 'chosen (OFFRL_MATMUL=stock)',
    });
    expect(acceleratedMatMul()).toBeUndefined();
    expect(product()).toEqual([1, 2, 3, 4]);
    expect(selectMatMul({ provider: 'ort', native: true }).provider).toBe('ort');
  });

  it('keeps the stock kernels, with both reasons, when the heap is shared (threaded build)', () => {
    selectMatMul();
    const report = selectMatMul({ sharedHeap: true });
    expect(report.provider).toBe('stock-wasm');
    expect(report.reason).toMatch(/^ort: .*SharedArrayBuffer.*; wasm: .*SharedArrayBuffer/);
    expect(acceleratedMatMul()).toBeUndefined();
  });

  it('throws when a forced provider is unavailable or the flags contradict each other', () => {
    expect(() => selectMatMul({ native: true, packageName: MISSING })).toThrow(
      /the ort matMul provider is unavailable: offrl-no-such-runtime is not installed/,
    );
    expect(() => selectMatMul({ provider: 'wasm', sharedHeap: true })).toThrow(
      /the wasm matMul provider is unavailable: .*SharedArrayBuffer/,
    );
    expect(() => selectMatMul({ provider: 'wasm', native: true })).toThrow(
      'OFFRL_MATMUL=wasm contradicts OFFRL_NATIVE=1',
    );
    expect(() => selectMatMul({ provider: 'ort', native: false })).toThrow(/contradicts OFFRL_NATIVE=0/);
    expect(() => selectMatMul({ threads: 0 })).toThrow(RangeError);
  });

  it('says whether weights may be mutated in place: not while stock XNNPACK caches packed weights', () => {
    selectMatMul({ provider: 'stock' });
    expect(weightsMayBeMutatedInPlace()).toBe(false);
    selectMatMul({ provider: 'wasm' });
    expect(weightsMayBeMutatedInPlace()).toBe(true);
    selectMatMul({ provider: 'ort' });
    expect(weightsMayBeMutatedInPlace()).toBe(true);
  });

  it('parses OFFRL_NATIVE and OFFRL_MATMUL', () => {
    expect(parseNativeFlag(undefined)).toBeUndefined();
    expect(parseNativeFlag('')).toBeUndefined();
    expect(parseNativeFlag('0')).toBe(false);
    expect(parseNativeFlag('1')).toBe(true);
    expect(() => parseNativeFlag('yes')).toThrow(/OFFRL_NATIVE must be 0 or 1/);
    expect(parseMatMulProvider(undefined)).toBeUndefined();
    expect(parseMatMulProvider('')).toBeUndefined();
    expect(parseMatMulProvider('wasm')).toBe('wasm');
    expect(() => parseMatMulProvider('mkl')).toThrow(
      "OFFRL_MATMUL must be one of ort, wasm, stock, got 'mkl'",
    );
  });

  it('is reported by the backend selection and its log line', async () => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    const on = await selectBackend({ backend: 'wasm', env: {}, log });
    expect(on.matmul).toEqual({ provider: 'ort', version: ORT_VERSION, threads: 1 });
    const wasm = await selectBackend({ backend: 'wasm', env: { OFFRL_NATIVE: '0' }, log });
    expect(wasm.matmul).toEqual(wasmReport('ort: disabled (OFFRL_NATIVE=0)'));
    const off = await selectBackend({ backend: 'wasm', env: { OFFRL_MATMUL: 'stock' }, log });
    expect(off.matmul).toEqual({ provider: 'stock-wasm', reason: 'chosen (OFFRL_MATMUL=stock)' });
    expect(lines[0]).toMatch(/matMul on onnxruntime-node 1\.30\.0 \(1 thread\)/);
    expect(lines[1]).toMatch(
      /matMul on offrl's wasm GEMM \(relaxed-simd; ort: disabled \(OFFRL_NATIVE=0\)\)/,
    );
    expect(lines[2]).toMatch(/matMul on stock wasm kernels \(chosen \(OFFRL_MATMUL=stock\)\)/);
  });
});
