/**
 * Save and load tensor trees (parameters, optimiser state) in the safetensors format
 * (https://huggingface.co/docs/safetensors), so Python reads them with `safetensors.numpy.load_file`:
 *
 *   bytes 0..8     N, the header length, an unsigned 64-bit little-endian integer
 *   bytes 8..8+N   a JSON object { "<key>": { "dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end] },
 *                  …, "__metadata__": { "<string>": "<string>" } }, padded with spaces to a multiple of 8
 *   bytes 8+N..    the data: each tensor's values, row-major, little-endian, at [begin, end) relative
 *                  to the start of the data; the tensors tile the data exactly (no gaps, no overlap)
 *
 * Keys are tree paths ('critic.hidden0.kernel'). Writing follows the reference writer: tensors ordered by
 * element size (largest first) then key, `__metadata__` only when non-empty. Reading validates the whole
 * header before creating any tensor, and every error names the file and the tensor key. tfjs holds
 * float32, int32 and bool: F32/I32/BOOL load as themselves; F16, BF16 and F64 load as float32 (F64 is
 * rounded); I8, U8, I16, U16 and I64 load as int32 (I64 outside the int32 range is an error).
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tf } from './tf.js';
import { flattenTree, type TensorTree, unflattenTree } from './tree.js';

export type SafetensorsMetadata = Readonly<Record<string, string>>;

export interface SafetensorsContents {
  readonly tree: TensorTree;
  readonly metadata: SafetensorsMetadata;
}

export interface SafetensorsLoadOptions {
  /**
   * A tree of the expected structure (e.g. freshly initialised parameters): the file must hold exactly
   * its paths, with the same shapes and dtypes. Its tensors are only read.
   */
  readonly expected?: TensorTree;
  /** Names the bytes in error messages (the file path when loading a file). */
  readonly source?: string;
}

/** A malformed or mismatched safetensors file; `source` is the file, `key` the tensor when one is at fault. */
export class SafetensorsError extends Error {
  readonly source: string;
  readonly key: string | undefined;

  constructor(source: string, key: string | undefined, message: string) {
    super(`safetensors ${source}${key === undefined ? '' : `, tensor '${key}'`}: ${message}`);
    this.name = 'SafetensorsError';
    this.source = source;
    this.key = key;
  }
}

type TfDtype = 'float32' | 'int32' | 'bool';

interface DtypeInfo {
  readonly bytes: number;
  readonly tf: TfDtype;
  /** Reads element i of a little-endian buffer. */
  readonly read: (view: DataView, offset: number) => number;
}

/** float16 bits → number (IEEE 754 binary16: 1 sign, 5 exponent, 10 mantissa bits). */
const halfToNumber = (bits: number): number => {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
};

/** bfloat16 bits → number (the top half of a float32: 1 sign, 8 exponent, 7 mantissa bits). */
const bfloat16ToNumber = (bits: number): number => {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 7) & 0xff;
  const mantissa = bits & 0x7f;
  if (exponent === 0) return sign * (mantissa / 128) * 2 ** -126;
  if (exponent === 0xff) return mantissa === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + mantissa / 128) * 2 ** (exponent - 127);
};

const DTYPES: Readonly<Record<string, DtypeInfo>> = {
  F32: { bytes: 4, tf: 'float32', read: (v, o) => v.getFloat32(o, true) },
  F64: { bytes: 8, tf: 'float32', read: (v, o) => v.getFloat64(o, true) },
  F16: { bytes: 2, tf: 'float32', read: (v, o) => halfToNumber(v.getUint16(o, true)) },
  BF16: { bytes: 2, tf: 'float32', read: (v, o) => bfloat16ToNumber(v.getUint16(o, true)) },
  I32: { bytes: 4, tf: 'int32', read: (v, o) => v.getInt32(o, true) },
  I64: { bytes: 8, tf: 'int32', read: (v, o) => Number(v.getBigInt64(o, true)) },
  I16: { bytes: 2, tf: 'int32', read: (v, o) => v.getInt16(o, true) },
  U16: { bytes: 2, tf: 'int32', read: (v, o) => v.getUint16(o, true) },
  I8: { bytes: 1, tf: 'int32', read: (v, o) => v.getInt8(o) },
  U8: { bytes: 1, tf: 'int32', read: (v, o) => v.getUint8(o) },
  BOOL: { bytes: 1, tf: 'bool', read: (v, o) => (v.getUint8(o) === 0 ? 0 : 1) },
};

/** Dtypes of the format that tfjs cannot hold. */
const UNSUPPORTED = new Set([
  'U32',
  'U64',
  'F8_E4M3',
  'F8_E5M2',
  'F8_E8M0',
  'F4',
  'F6_E2M3',
  'F6_E3M2',
  'C64',
]);

const TF_TO_SAFETENSORS: Readonly<Record<string, string>> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };

const METADATA_KEY = '__metadata__';

/** The file bytes of a tree. Reads the tensors (asynchronously, so GPU backends need not block). */
export const encodeSafetensors = async (
  tree: TensorTree,
  metadata: SafetensorsMetadata = {},
): Promise<Uint8Array> => {
  for (const [name, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new Error(`encodeSafetensors: metadata '${name}' must be a string`);
  }
  const leaves = flattenTree(tree).map(({ path, tensor }) => {
    const dtype = TF_TO_SAFETENSORS[tensor.dtype];
    if (dtype === undefined)
      throw new Error(`encodeSafetensors: tensor '${path}' has dtype ${tensor.dtype}, not storable`);
    return { path, tensor, dtype, bytes: DTYPES[dtype]!.bytes * tensor.size };
  });
  // Larger elements first keeps every tensor aligned to its element size (the reference writer's order).
  leaves.sort((a, b) => DTYPES[b.dtype]!.bytes - DTYPES[a.dtype]!.bytes || (a.path < b.path ? -1 : 1));
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header[METADATA_KEY] = metadata;
  let offset = 0;
  for (const leaf of leaves) {
    header[leaf.path] = {
      dtype: leaf.dtype,
      shape: leaf.tensor.shape,
      data_offsets: [offset, offset + leaf.bytes],
    };
    offset += leaf.bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let position = 8 + headerLength;
  for (const leaf of leaves) {
    const values = await leaf.tensor.data();
    const write = leaf.dtype === 'F32' ? view.setFloat32.bind(view) : view.setInt32.bind(view);
    const size = DTYPES[leaf.dtype]!.bytes;
    for (let i = 0; i < values.length; i++) {
      if (leaf.dtype === 'BOOL') view.setUint8(position + i, values[i] ? 1 : 0);
      else write(position + i * size, values[i] as number, true);
    }
    position += leaf.bytes;
  }
  return out;
};

interface HeaderEntry {
  readonly key: string;
  readonly dtype: DtypeInfo;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

const isNonNegativeInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

const parseHeader = (
  bytes: Uint8Array,
  source: string,
): { entries: HeaderEntry[]; metadata: SafetensorsMetadata; dataStart: number } => {
  const fail = (message: string, key?: string): never => {
    throw new SafetensorsError(source, key, message);
  };
  if (bytes.length < 8) fail(`the file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(bytes.length - 8)) {
    fail(
      `the header length ${declared} is larger than the ${bytes.length - 8} bytes after it (truncated or not safetensors)`,
    );
  }
  const headerLength = Number(declared);
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)),
    );
  } catch (error) {
    fail(`the header is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    fail('the header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;

  let metadata: SafetensorsMetadata = {};
  const entries: HeaderEntry[] = [];
  for (const [key, raw] of Object.entries(header as Record<string, unknown>)) {
    if (key === METADATA_KEY) {
      const valid =
        typeof raw === 'object' &&
        raw !== null &&
        !Array.isArray(raw) &&
        Object.values(raw).every((v) => typeof v === 'string');
      if (!valid) fail(`${METADATA_KEY} must map strings to strings`);
      metadata = raw as SafetensorsMetadata;
      continue;
    }
    if (key.split('.').some((name) => name === ''))
      fail("the key is not a tree path (an empty name between '.')", key);
    if (typeof raw !== 'object' || raw === null) fail('the entry is not an object', key);
    const { dtype: dtypeName, shape, data_offsets: offsets } = raw as Record<string, unknown>;
    if (typeof dtypeName !== 'string') fail('dtype is missing or not a string', key);
    const dtype = DTYPES[dtypeName as string];
    if (dtype === undefined) {
      fail(
        UNSUPPORTED.has(dtypeName as string)
          ? `dtype ${dtypeName} is not supported (tfjs holds float32, int32 and bool)`
          : `unknown dtype '${dtypeName}'`,
        key,
      );
    }
    if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
      fail(`shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`, key);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
      fail(
        `data_offsets must be [begin, end] with non-negative integers, got ${JSON.stringify(offsets)}`,
        key,
      );
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end) fail(`data_offsets [${begin}, ${end}] begin after they end`, key);
    if (end > dataLength) {
      fail(
        `data_offsets [${begin}, ${end}] run past the end of the data (${dataLength} bytes): the file is truncated or the offsets are wrong`,
        key,
      );
    }
    const needed = (shape as number[]).reduce((a, b) => a * b, 1) * dtype!.bytes;
    if (end - begin !== needed) {
      fail(
        `data_offsets [${begin}, ${end}] hold ${end - begin} bytes but shape [${shape}] of ${dtypeName} needs ${needed}`,
        key,
      );
    }
    entries.push({ key, dtype: dtype!, shape: shape as number[], begin, end });
  }

  // The tensors must tile the data: sorted by offset, each begins where the previous one ends.
  const ordered = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let position = 0;
  let previous: HeaderEntry | undefined;
  for (const entry of ordered) {
    if (entry.begin < position) {
      fail(
        `data_offsets [${entry.begin}, ${entry.end}] overlap tensor '${previous!.key}' [${previous!.begin}, ${previous!.end}]`,
        entry.key,
      );
    }
    if (entry.begin > position)
      fail(`bytes [${position}, ${entry.begin}) before this tensor belong to no tensor`, entry.key);
    position = entry.end;
    previous = entry;
  }
  if (position !== dataLength)
    fail(`${dataLength - position} bytes after the last tensor belong to no tensor`);
  return { entries, metadata, dataStart };
};

const checkExpected = (entries: readonly HeaderEntry[], expected: TensorTree, source: string): void => {
  const inFile = new Map(entries.map((entry) => [entry.key, entry]));
  const leaves = flattenTree(expected);
  for (const { path, tensor } of leaves) {
    const entry = inFile.get(path);
    if (entry === undefined)
      throw new SafetensorsError(source, path, `missing (expected shape [${tensor.shape}])`);
    if (entry.shape.join(',') !== tensor.shape.join(',')) {
      throw new SafetensorsError(
        source,
        path,
        `has shape [${entry.shape}] in the file, expected [${tensor.shape}]`,
      );
    }
    if (entry.dtype.tf !== tensor.dtype) {
      throw new SafetensorsError(source, path, `loads as ${entry.dtype.tf}, expected ${tensor.dtype}`);
    }
  }
  const known = new Set(leaves.map((leaf) => leaf.path));
  const extra = entries.find((entry) => !known.has(entry.key));
  if (extra !== undefined)
    throw new SafetensorsError(source, extra.key, 'is in the file but not in the expected tree');
};

/** A tree (and metadata) from safetensors bytes; see the module comment for what is validated. */
export const decodeSafetensors = (
  bytes: Uint8Array,
  options: SafetensorsLoadOptions = {},
): SafetensorsContents => {
  const source = options.source ?? '<bytes>';
  const { entries, metadata, dataStart } = parseHeader(bytes, source);
  if (options.expected !== undefined) checkExpected(entries, options.expected, source);
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart, bytes.byteLength - dataStart);
  const arrays = entries.map(({ key, dtype, begin, end }) => {
    const count = (end - begin) / dtype.bytes;
    const values =
      dtype.tf === 'float32'
        ? new Float32Array(count)
        : dtype.tf === 'int32'
          ? new Int32Array(count)
          : new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const value = dtype.read(view, begin + i * dtype.bytes);
      if (dtype.tf === 'int32' && (value < -(2 ** 31) || value >= 2 ** 31)) {
        throw new SafetensorsError(source, key, `value ${value} at index ${i} does not fit in int32`);
      }
      values[i] = value;
    }
    return values;
  });
  const leaves = entries.map((entry, i) => ({
    path: entry.key,
    tensor: tf.tensor(arrays[i]!, entry.shape, entry.dtype.tf),
  }));
  try {
    return { tree: unflattenTree(leaves), metadata };
  } catch (error) {
    for (const { tensor } of leaves) tensor.dispose();
    throw new SafetensorsError(source, undefined, `the keys do not form a tree: ${(error as Error).message}`);
  }
};

/** Writes a tree to `path` (through a temporary file and a rename, so a crash leaves no half file). */
export const saveSafetensors = async (
  path: string,
  tree: TensorTree,
  metadata: SafetensorsMetadata = {},
): Promise<void> => {
  const bytes = await encodeSafetensors(tree, metadata);
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, bytes);
  await rename(temporary, path);
};

/** Reads a tree from `path`; errors name the path. */
export const loadSafetensors = async (
  path: string,
  options: Omit<SafetensorsLoadOptions, 'source'> = {},
): Promise<SafetensorsContents> => {
  const bytes = await readFile(path);
  return decodeSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
    ...options,
    source: path,
  });
};
