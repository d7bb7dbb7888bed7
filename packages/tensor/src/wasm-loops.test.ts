import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { expectBuiltFromSources } from './native-build.fixture.js';
import { type Tensor, tf } from './tf.js';
import { loadWasmLoops, type WasmLoops, wasmLoopsFile } from './wasm-loops.js';

let backend: BackendWasm;
let loops: WasmLoops;

beforeAll(async () => {
  await initBackend({ backend: 'wasm', quiet: true });
  backend = tf.backend() as BackendWasm;
  const loaded = loadWasmLoops(backend);
  if (loaded === undefined) throw new Error('the wasm loops must load on this machine (wasm SIMD)');
  loops = loaded;
});

/** 11 elements: two SIMD vectors and a tail of three. */
const SIZE = 11;
const random = (seed: number, low = -2): Tensor => tf.randomUniform([SIZE], low, 2, 'float32', seed);
const address = (t: Tensor): number => backend.typedArrayFromHeap(t).byteOffset;
const f = Math.fround;

describe('elementwise loops in wasm SIMD', () => {
  it('are the build of the committed source', () => {
    expectBuiltFromSources(new URL('./', wasmLoopsFile), ['loops.c', 'build.sh', 'loops.wasm']);
  });

  it('compute Adam in float32, vectors and tail alike', () => {
    const [p, g, m] = [random(1), random(2), random(3)];
    const v = random(4, 0);
    const outs = [tf.zeros([SIZE]), tf.zeros([SIZE]), tf.zeros([SIZE])];
    const [c1, b2, c2, s, e, d] = [f(0.1), f(0.999), f(1 - 0.999), f(3e-4), f(1e-8), f(0.97)];
    loops.adam(
      ...([p, g, m, v, ...outs].map(address) as [number, number, number, number, number, number, number]),
      SIZE,
      c1,
      b2,
      c2,
      s,
      e,
      d,
    );
    const [pv, gv, mv, vv] = [p, g, m, v].map((t) => t.dataSync()) as [
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    for (let i = 0; i < SIZE; i++) {
      const mi = f(mv[i]! + f(f(gv[i]! - mv[i]!) * c1));
      const vi = f(f(b2 * vv[i]!) + f(f(c2 * gv[i]!) * gv[i]!));
      const pi = f(f(pv[i]! * d) - f(f(s * mi) / f(f(Math.sqrt(vi)) + e)));
      expect([outs[0]!.dataSync()[i], outs[1]!.dataSync()[i], outs[2]!.dataSync()[i]]).toEqual([pi, mi, vi]);
    }
    tf.dispose([p, g, m, v, ...outs]);
  });

  it('compute Polyak averaging in float32, in place too', () => {
    const [t, o] = [random(5), random(6)];
    const expected = [...t.dataSync()].map((ti, i) => f(ti + f(f(0.005) * f(o.dataSync()[i]! - ti))));
    loops.polyak(address(t), address(o), address(t), SIZE, 0.005);
    expect([...t.dataSync()]).toEqual(expected);
    tf.dispose([t, o]);
  });

  it('compute the ReLU derivative and column sums in float32 (rows summed from the first down)', () => {
    // [3, 7]: one full vector and a tail of three per row; y has zeros and negatives.
    const [rows, cols] = [3, 7];
    const dy = tf.randomNormal([rows, cols], 0, 1, 'float32', 7);
    const y = tf.relu(tf.randomNormal([rows, cols], 0, 1, 'float32', 8));
    const [dz, db, sums] = [tf.zeros([rows, cols]), tf.zeros([cols]), tf.zeros([cols])];
    loops.relu_backward(address(dy), address(y), address(dz), address(db), rows, cols);
    loops.column_sums(address(dy), address(sums), rows, cols);
    const [dyv, yv] = [dy.dataSync(), y.dataSync()] as [Float32Array, Float32Array];
    const expectedDz = [...dyv].map((g, i) => (yv[i]! > 0 ? g : g * 0));
    const columnSums = (x: readonly number[]) =>
      Array.from({ length: cols }, (_, j) => {
        let total = 0;
        for (let i = 0; i < rows; i++) total = f(total + x[i * cols + j]!);
        return total;
      });
    expect([...dz.dataSync()]).toEqual(expectedDz);
    expect([...db.dataSync()]).toEqual(columnSums(expectedDz));
    expect([...sums.dataSync()]).toEqual(columnSums([...dyv]));
    tf.dispose([dy, y, dz, db, sums]);
  });
});
