import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adam } from './optim/adam.js';
import {
  decodeSafetensors,
  encodeSafetensors,
  loadSafetensors,
  SafetensorsError,
  saveSafetensors,
} from './safetensors.js';
import { type Tensor, tf } from './tf.js';
import { disposeTree, flattenTree, type TensorTree } from './tree.js';

let directory = '';

beforeAll(async () => {
  await tf.setBackend('cpu');
  directory = await mkdtemp(join(tmpdir(), 'offrl-safetensors-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const contents = (tree: TensorTree) =>
  flattenTree(tree).map(({ path, tensor }) => [
    path,
    tensor.dtype,
    tensor.shape,
    Array.from(tensor.dataSync()),
  ]);

/** A file from a header (object or raw text) and data bytes, padded with spaces to 8 bytes like the spec. */
const build = (
  header: unknown,
  data: readonly number[],
  options: { pad?: boolean; length?: bigint } = {},
) => {
  let text = typeof header === 'string' ? header : JSON.stringify(header);
  if (options.pad !== false) text += ' '.repeat((8 - (text.length % 8)) % 8);
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, options.length ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
};

const f32 = (...values: number[]) => Array.from(new Uint8Array(new Float32Array(values).buffer));

describe('safetensors bytes', () => {
  // a = [1.5, −2] as F32: 1.5 = 0x3FC00000 → 00 00 C0 3F, −2 = 0xC0000000 → 00 00 00 C0 (little-endian);
  // b = 7 as an I32 scalar → 07 00 00 00.
  const header = {
    __metadata__: { format: 'pt' },
    a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
    b: { dtype: 'I32', shape: [], data_offsets: [8, 12] },
  };
  const data = [0x00, 0x00, 0xc0, 0x3f, 0x00, 0x00, 0x00, 0xc0, 0x07, 0x00, 0x00, 0x00];

  it('reads a file built byte by byte from the specification', () => {
    // The header text is 138 bytes: padded with 6 spaces to 144, the 8-byte length field says 144.
    const bytes = build(header, data);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([144, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(bytes.subarray(8 + 138, 8 + 144))).toEqual([32, 32, 32, 32, 32, 32]);
    const { tree, metadata } = decodeSafetensors(bytes);
    expect(contents(tree)).toEqual([
      ['a', 'float32', [2], [1.5, -2]],
      ['b', 'int32', [], [7]],
    ]);
    expect(metadata).toEqual({ format: 'pt' });
    disposeTree(tree);
  });

  it('writes exactly those bytes', async () => {
    const tree = { a: tf.tensor1d([1.5, -2]), b: tf.scalar(7, 'int32') };
    const bytes = await encodeSafetensors(tree, { format: 'pt' });
    expect(Array.from(bytes)).toEqual(Array.from(build(header, data)));
    disposeTree(tree);
  });

  it('round-trips nested trees of float32, int32 and bool, largest elements first', async () => {
    const tree = {
      critic: {
        hidden0: {
          kernel: tf.tensor2d([
            [1, 2, 3],
            [4, 5, 6.25],
          ]),
          bias: tf.tensor1d([-0.5, 0, 1e-30]),
        },
      },
      mask: tf.tensor1d([1, 0, 1], 'bool'),
      step: tf.scalar(123456, 'int32'),
      empty: tf.zeros([0, 4]),
    };
    const bytes = await encodeSafetensors(tree, { run: 'iql-hopper', seed: '3' });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    expect(header['mask']).toEqual({
      dtype: 'BOOL',
      shape: [3],
      data_offsets: [bytes.length - 8 - headerLength - 3, bytes.length - 8 - headerLength],
    });
    const before = tf.memory().numTensors;
    const loaded = decodeSafetensors(bytes, { expected: tree });
    expect(tf.memory().numTensors - before).toBe(5);
    expect(contents(loaded.tree)).toEqual(contents(tree));
    expect(loaded.metadata).toEqual({ run: 'iql-hopper', seed: '3' });
    disposeTree(loaded.tree);
    disposeTree(tree);
  });

  it('converts F64, F16, BF16, I64, I16 and U8 to tfjs dtypes', () => {
    const bytes = new Uint8Array(8 + 4 + 2 + 2 + 16 + 2 + 1);
    const view = new DataView(bytes.buffer);
    view.setFloat64(0, 0.1, true);
    view.setUint16(8, 0x3e00, true); // F16 1.5
    view.setUint16(10, 0xc040, true); // BF16 −3
    view.setBigInt64(12, -5n, true);
    view.setBigInt64(20, 2n ** 31n - 1n, true);
    view.setInt16(28, -300, true);
    view.setUint8(30, 200);
    const file = build(
      {
        f64: { dtype: 'F64', shape: [], data_offsets: [0, 8] },
        f16: { dtype: 'F16', shape: [1], data_offsets: [8, 10] },
        bf16: { dtype: 'BF16', shape: [1], data_offsets: [10, 12] },
        i64: { dtype: 'I64', shape: [2], data_offsets: [12, 28] },
        i16: { dtype: 'I16', shape: [1], data_offsets: [28, 30] },
        u8: { dtype: 'U8', shape: [1], data_offsets: [30, 31] },
      },
      Array.from(bytes.subarray(0, 31)),
    );
    const { tree } = decodeSafetensors(file);
    expect(contents(tree)).toEqual([
      ['bf16', 'float32', [1], [-3]],
      ['f16', 'float32', [1], [1.5]],
      ['f64', 'float32', [], [Math.fround(0.1)]],
      ['i16', 'int32', [1], [-300]],
      ['i64', 'int32', [2], [-5, 2 ** 31 - 1]],
      ['u8', 'int32', [1], [200]],
    ]);
    disposeTree(tree);
  });
});

describe('safetensors files', () => {
  it('saves and restores parameters and Adam state mid-training, bit for bit', async () => {
    const optimizer = adam({ learningRate: 0.01 });
    const gradient = (params: TensorTree) =>
      tf.tidy(() => ({ layer: { kernel: tf.sin((params['layer'] as TensorTree)['kernel'] as Tensor) } }));
    const step = (params: TensorTree, state: ReturnType<typeof optimizer.init>) => {
      const grads = gradient(params);
      const next = optimizer.update(grads, state, params);
      disposeTree(grads);
      return next;
    };
    const params0 = {
      layer: {
        kernel: tf.tensor2d([
          [0.1, -0.2],
          [0.3, 0.4],
        ]),
      },
    };
    const first = step(params0, optimizer.init(params0));
    const path = join(directory, 'checkpoint.safetensors');
    await saveSafetensors(path, { params: first.params, optimizer: first.state }, { step: '1' });
    const loaded = await loadSafetensors(path, {
      expected: { params: first.params, optimizer: first.state },
    });
    expect(loaded.metadata).toEqual({ step: '1' });
    const restored = loaded.tree as { params: TensorTree; optimizer: ReturnType<typeof optimizer.init> };
    const continued = step(first.params, first.state);
    const resumed = step(restored.params, restored.optimizer);
    expect(contents(resumed.params)).toEqual(contents(continued.params));
    expect(contents(resumed.state)).toEqual(contents(continued.state));
    for (const tree of [
      params0,
      first.params,
      first.state,
      loaded.tree,
      continued.params,
      continued.state,
      resumed.params,
      resumed.state,
    ]) {
      disposeTree(tree);
    }
    // The file on disk has the standard layout.
    const raw = await readFile(path);
    const headerLength = Number(raw.readBigUInt64LE(0));
    expect(Object.keys(JSON.parse(raw.subarray(8, 8 + headerLength).toString('utf8'))).sort()).toEqual([
      '__metadata__',
      'optimizer.mu.layer.kernel',
      'optimizer.nu.layer.kernel',
      'optimizer.step',
      'params.layer.kernel',
    ]);
  });

  it('names the file in errors', async () => {
    const path = join(directory, 'short.safetensors');
    await saveSafetensors(path, { w: tf.tidy(() => tf.ones([2])) });
    const raw = await readFile(path);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path, raw.subarray(0, raw.length - 3));
    await expect(loadSafetensors(path)).rejects.toThrow(
      `safetensors ${path}, tensor 'w': data_offsets [0, 8] run past`,
    );
  });
});

describe('malformed safetensors', () => {
  const ok = { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const expectError = (bytes: Uint8Array, pattern: RegExp, key?: string) => {
    const before = tf.memory().numTensors;
    let caught: unknown;
    try {
      decodeSafetensors(bytes, { source: 'model.safetensors' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SafetensorsError);
    const error = caught as SafetensorsError;
    expect(error.message).toMatch(pattern);
    expect(error.message).toContain('model.safetensors');
    expect(error.key).toBe(key);
    expect(tf.memory().numTensors).toBe(before);
  };

  it('rejects files too short for the header length, or shorter than the header', () => {
    expectError(new Uint8Array(5), /5 bytes, too short for the 8-byte header length/);
    expectError(
      build(ok, f32(1, 2), { length: 4096n }),
      /header length 4096 is larger than the \d+ bytes after it/,
    );
    expectError(build(ok, f32(1, 2), { length: 2n ** 63n }), /header length 9223372036854775808 is larger/);
  });

  it('rejects a header that is not JSON, or not an object', () => {
    expectError(build('{"w": {"dtype": "F32",', f32(1, 2)), /the header is not valid JSON/);
    expectError(build('[1, 2]', []), /the header is not a JSON object/);
    expectError(
      build({ __metadata__: { seed: 3 }, ...ok }, f32(1, 2)),
      /__metadata__ must map strings to strings/,
    );
  });

  it('rejects unknown and unsupported dtypes and bad shapes, naming the tensor', () => {
    expectError(
      build({ w: { dtype: 'F31', shape: [2], data_offsets: [0, 8] } }, f32(1, 2)),
      /unknown dtype 'F31'/,
      'w',
    );
    expectError(
      build({ w: { dtype: 'U64', shape: [1], data_offsets: [0, 8] } }, f32(1, 2)),
      /dtype U64 is not supported/,
      'w',
    );
    expectError(
      build({ w: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, f32(1, 2)),
      /shape must be an array/,
      'w',
    );
    expectError(
      build({ w: { dtype: 'F32', shape: [2] } }, f32(1, 2)),
      /data_offsets must be \[begin, end\]/,
      'w',
    );
    expectError(build({ 'a..b': ok.w }, f32(1, 2)), /not a tree path/, 'a..b');
  });

  it('rejects offsets out of range, of the wrong size, overlapping, with gaps or trailing bytes', () => {
    // Truncated: the last tensor's bytes are cut off.
    expectError(
      build(ok, f32(1, 2).slice(0, 6)),
      /\[0, 8\] run past the end of the data \(6 bytes\): the file is truncated/,
      'w',
    );
    expectError(
      build({ w: { dtype: 'F32', shape: [2], data_offsets: [8, 0] } }, f32(1, 2)),
      /begin after they end/,
      'w',
    );
    expectError(
      build({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32(1, 2)),
      /hold 8 bytes but shape \[3\] of F32 needs 12/,
      'w',
    );
    expectError(
      build(
        {
          a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
          b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
        },
        f32(1, 2),
      ),
      /\[4, 8\] overlap tensor 'a' \[0, 8\]/,
      'b',
    );
    expectError(
      build({ b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(1, 2)),
      /bytes \[0, 4\) before this tensor belong to no tensor/,
      'b',
    );
    expectError(build(ok, f32(1, 2, 3)), /4 bytes after the last tensor belong to no tensor/);
  });

  it('rejects I64 values outside int32 and keys that do not form a tree', () => {
    const big = new Uint8Array(8);
    new DataView(big.buffer).setBigInt64(0, 2n ** 40n, true);
    expectError(
      build({ n: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, Array.from(big)),
      /value 1099511627776 at index 0 does not fit in int32/,
      'n',
    );
    expectError(
      build(
        {
          a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
          'a.b': { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
        },
        f32(1, 2),
      ),
      /the keys do not form a tree/,
    );
  });

  it('checks the expected structure, naming the path', () => {
    const bytes = build(ok, f32(1, 2));
    const check = (expected: TensorTree, pattern: RegExp, key: string) => {
      let caught: unknown;
      try {
        decodeSafetensors(bytes, { expected, source: 'ckpt' });
      } catch (error) {
        caught = error;
      }
      expect((caught as SafetensorsError).message).toMatch(pattern);
      expect((caught as SafetensorsError).key).toBe(key);
      disposeTree(expected);
    };
    check(
      { w: tf.zeros([3]) },
      /safetensors ckpt, tensor 'w': has shape \[2\] in the file, expected \[3\]/,
      'w',
    );
    check({ w: tf.zeros([2], 'int32') }, /loads as float32, expected int32/, 'w');
    check({ w: tf.zeros([2]), v: tf.zeros([1]) }, /tensor 'v': missing \(expected shape \[1\]\)/, 'v');
    check({}, /tensor 'w': is in the file but not in the expected tree/, 'w');
  });
});
