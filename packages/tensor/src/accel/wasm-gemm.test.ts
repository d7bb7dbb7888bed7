/**
 * The committed wasm GEMM binaries: built from the committed source (hashes in build.json, written by
 * build.sh), loadable in both builds on the wasm backend's heap, and refusing operands elsewhere.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.js';
import { expectBuiltFromSources } from '../native-build.fixture.js';
import { tf } from '../tf.js';
import { loadWasmGemm, WASM_SIMD_LEVELS, wasmGemmFile } from './wasm-gemm.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
});

describe('the wasm GEMM binaries', () => {
  it('were built from the committed gemm.c and build.sh (rerun native/wasm-gemm/build.sh after editing)', () => {
    expectBuiltFromSources(new URL('./', wasmGemmFile(WASM_SIMD_LEVELS[0]!)), [
      'gemm.c',
      'build.sh',
      ...WASM_SIMD_LEVELS.map((level) => `gemm-${level}.wasm`),
    ]);
  });

  it('load in both builds and multiply on the heap: [[1,2],[3,4]]ᵀ·[[5],[6]] = [[23],[34]]', () => {
    for (const simd of WASM_SIMD_LEVELS) {
      const load = loadWasmGemm({ simd });
      if ('problem' in load) throw new Error(load.problem);
      expect(load.engine).toMatchObject({ provider: 'wasm', version: simd, threads: 1 });
      const wasm = tf.backend() as BackendWasm;
      const [a, b, y, scratch] = [[2, 2], [2, 1], [2, 1], [load.engine.scratchFloats]].map((shape) =>
        wasm.makeOutput(shape, 'float32'),
      ) as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
      const view = (info: tf.TensorInfo) => wasm.typedArrayFromHeap(info) as Float32Array;
      view(a).set([1, 2, 3, 4]);
      view(b).set([5, 6]);
      load.engine.gemm({
        a: view(a),
        b: view(b),
        y: view(y),
        m: 2,
        n: 1,
        k: 2,
        transposeA: true,
        transposeB: false,
        scratch: view(scratch),
      });
      expect([...view(y)]).toEqual([23, 34]);
      for (const info of [a, b, y, scratch]) wasm.disposeData(info.dataId);
    }
  });

  it('refuses operands that are not on the wasm heap (it reads tfjs memory directly)', () => {
    const load = loadWasmGemm();
    if ('problem' in load) throw new Error(load.problem);
    const off = new Float32Array(4);
    expect(() =>
      load.engine.gemm({
        a: off,
        b: off,
        y: off,
        m: 2,
        n: 2,
        k: 2,
        transposeA: false,
        transposeB: false,
        scratch: off,
      }),
    ).toThrow(/wasm GEMM: a is not on the wasm backend's heap/);
  });
});
