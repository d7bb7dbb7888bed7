import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import h5wasm from 'h5wasm/node';
import type { Column, MetadataValue, NumericArray } from './column.js';
import { rowWidth } from './column.js';
import { DatasetError, toDatasetError } from './errors.js';

/** An open h5wasm file (the `/node` build, which reads host paths directly). */
export type H5File = InstanceType<typeof h5wasm.File>;
type H5Group = InstanceType<typeof h5wasm.Group>;
type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]; // "\x89HDF\r\n\x1a\n"

// HDF5 datatype classes (H5Tpublic.h) as h5wasm reports them in `metadata.type`.
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_STRING = 3;
const H5T_ENUM = 8;

/**
 * Checks that `path` is a complete HDF5 file before handing it to the wasm library, which opens a
 * missing or non-HDF5 file without complaint and fails on a truncated one with an unhelpful
 * message. Finds the superblock signature (at 0, 512, 1024, … per the HDF5 spec), reads the
 * end-of-file address from the superblock (all versions) and compares it with the file size.
 */
export function checkHdf5File(path: string): void {
  let size: number;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw new DatasetError('not-found', 'is not a regular file', { file: path });
    size = stats.size;
  } catch (cause) {
    throw toDatasetError(cause, 'not-found', { file: path });
  }
  const fd = openSync(path, 'r');
  try {
    for (let base = 0; base === 0 || base + 8 <= size; base = base === 0 ? 512 : base * 2) {
      const head = Buffer.alloc(64);
      const read = readSync(fd, head, 0, 64, base);
      if (read < 8) break;
      if (!SIGNATURE.every((byte, k) => head[k] === byte)) continue;
      const end = superblockEndOfFile(head, read);
      if (end === undefined) {
        throw new DatasetError('truncated', `HDF5 superblock at byte ${base} is cut short`, { file: path });
      }
      if (size < base + end) {
        throw new DatasetError('truncated', `file has ${size} bytes but its superblock says ${base + end}`, {
          file: path,
        });
      }
      return;
    }
  } finally {
    closeSync(fd);
  }
  throw new DatasetError('not-hdf5', 'no HDF5 signature found: not an HDF5 file', { file: path });
}

/** End-of-file address from a superblock (HDF5 file format spec, section II.A), or undefined. */
function superblockEndOfFile(head: Buffer, available: number): number | undefined {
  const version = head[8]!;
  let offsetSize: number;
  let at: number;
  if (version === 0 || version === 1) {
    offsetSize = head[13]!;
    // base address, free-space address, then end-of-file address (v1 has 4 more bytes before)
    at = (version === 0 ? 24 : 28) + 2 * offsetSize;
  } else {
    offsetSize = head[9]!;
    at = 12 + 2 * offsetSize; // base address, superblock extension address, end-of-file address
  }
  if (offsetSize !== 8 && offsetSize !== 4) return undefined;
  if (at + offsetSize > available) return undefined;
  return offsetSize === 8 ? Number(head.readBigUInt64LE(at)) : head.readUInt32LE(at);
}

/** Opens an HDF5 file for reading after `checkHdf5File`. */
export async function openHdf5(path: string): Promise<H5File> {
  checkHdf5File(path);
  await h5wasm.ready;
  try {
    return new h5wasm.File(resolve(path), 'r');
  } catch (cause) {
    throw toDatasetError(cause, 'unreadable', { file: path });
  }
}

/** Creates (truncates) an HDF5 file for writing, with creation order tracked as h5py's `track_order`. */
export async function createHdf5(path: string, trackOrder = false): Promise<H5File> {
  await h5wasm.ready;
  try {
    // 'earliest' lower bound: the object-header format h5py writes by default, readable by old libraries.
    return new h5wasm.File(resolve(path), 'w', { track_order: trackOrder, libver: ['earliest', 'latest'] });
  } catch (cause) {
    throw toDatasetError(cause, 'unreadable', { file: path });
  }
}

/** Every dataset path below `group` (recursive), relative to it, in the file's link order. */
export function datasetPaths(group: H5Group, prefix = ''): string[] {
  const paths: string[] = [];
  for (const name of group.keys()) {
    const child = group.get(name);
    if (child instanceof h5wasm.Group) paths.push(...datasetPaths(child, `${prefix}${name}/`));
    else if (child instanceof h5wasm.Dataset) paths.push(`${prefix}${name}`);
  }
  return paths;
}

/** Whether `path` names an object in the file (checked link by link, so nothing is logged). */
export function hasPath(file: H5Group, path: string): boolean {
  let group: H5Group = file;
  const parts = path.split('/').filter((p) => p.length > 0);
  for (let k = 0; k < parts.length; k++) {
    if (!group.keys().includes(parts[k]!)) return false;
    if (k === parts.length - 1) return true;
    const child = group.get(parts[k]!);
    if (!(child instanceof h5wasm.Group)) return false;
    group = child;
  }
  return true;
}

/** The dataset at `path`, or a `missing-key` error naming the file and the field. */
export function getDataset(file: H5Group, path: string, source: string): H5Dataset {
  if (!hasPath(file, path))
    throw new DatasetError('missing-key', 'required key is missing', { file: source, field: path });
  const dataset = file.get(path);
  if (!(dataset instanceof h5wasm.Dataset)) {
    throw new DatasetError('bad-shape', 'is a group, expected an array', { file: source, field: path });
  }
  return dataset;
}

/** Shape of a dataset (`[]` for a scalar). */
export function shapeOf(dataset: H5Dataset): number[] {
  return dataset.shape ?? [];
}

/** The typed array class a numeric dataset is read into, or a `bad-dtype` error. */
function numericKind(dataset: H5Dataset, source: string): { float: boolean; size: number; signed: boolean } {
  const meta = dataset.metadata;
  const type = meta.type === H5T_ENUM ? (meta.enum_type?.type ?? -1) : meta.type;
  if (type === H5T_FLOAT && (meta.size === 4 || meta.size === 8))
    return { float: true, size: meta.size, signed: true };
  if (type === H5T_INTEGER && [1, 2, 4, 8].includes(meta.size))
    return { float: false, size: meta.size, signed: meta.signed };
  throw new DatasetError(
    'bad-dtype',
    `has HDF5 type class ${meta.type} of size ${meta.size}, expected numbers`,
    {
      file: source,
      field: dataset.path.replace(/^\//, ''),
    },
  );
}

/** Options of `readRows`. */
export interface ReadRowsOptions {
  /** Rows to read per call into the wasm heap; rounded up to whole HDF5 chunks. */
  readonly rowsPerRead?: number;
}

/**
 * Reads a numeric dataset of shape (rows, ...) into `target` (converting the element type), a few
 * megabytes at a time, so the wasm heap never holds the whole array: peak memory stays near the
 * size of `target`. int64 values are converted with `Number`.
 */
export function readRowsInto(
  dataset: H5Dataset,
  target: NumericArray,
  source: string,
  options: ReadRowsOptions = {},
): void {
  numericKind(dataset, source);
  const shape = shapeOf(dataset);
  const rows = shape[0] ?? 1;
  const width = rowWidth(shape);
  if (target.length !== rows * width) {
    throw new DatasetError('bad-shape', `has ${rows * width} values, expected ${target.length}`, {
      file: source,
      field: dataset.path.replace(/^\//, ''),
    });
  }
  if (shape.length === 0) {
    target[0] = Number(dataset.value as number | bigint);
    return;
  }
  const chunkRows = dataset.metadata.chunks?.[0] ?? 1;
  const wanted = options.rowsPerRead ?? Math.max(1, Math.floor((4 << 20) / (width * 8)));
  const step = Math.max(chunkRows, Math.ceil(wanted / chunkRows) * chunkRows);
  for (let start = 0; start < rows; start += step) {
    const end = Math.min(rows, start + step);
    let part: ArrayLike<number | bigint>;
    try {
      part = dataset.slice([[start, end]]) as ArrayLike<number | bigint>;
    } catch (cause) {
      // e.g. a corrupt gzip chunk; name the key and the rows being read
      throw toDatasetError(cause, 'unreadable', {
        file: source,
        field: dataset.path.replace(/^\//, ''),
        row: start,
      });
    }
    const offset = start * width;
    if (part instanceof BigInt64Array || part instanceof BigUint64Array) {
      for (let i = 0; i < part.length; i++) target[offset + i] = Number(part[i]);
    } else {
      target.set(part as ArrayLike<number>, offset);
    }
  }
}

/** A whole numeric dataset as a column, keeping its element type (int64 becomes float64). */
export function readColumn(dataset: H5Dataset, source: string): Column {
  const kind = numericKind(dataset, source);
  const shape = shapeOf(dataset);
  const length = shape.reduce((a, b) => a * b, 1);
  const data = allocate(kind, length);
  readRowsInto(dataset, data, source);
  return { data, shape: shape.length === 0 ? [1] : shape };
}

function allocate(kind: { float: boolean; size: number; signed: boolean }, length: number): NumericArray {
  if (kind.float) return kind.size === 4 ? new Float32Array(length) : new Float64Array(length);
  switch (kind.size) {
    case 1:
      return kind.signed ? new Int8Array(length) : new Uint8Array(length);
    case 2:
      return kind.signed ? new Int16Array(length) : new Uint16Array(length);
    case 4:
      return kind.signed ? new Int32Array(length) : new Uint32Array(length);
    default:
      return new Float64Array(length);
  }
}

/**
 * A boolean flag array: h5py's bool enum {FALSE: 0, TRUE: 1}, h5wasm's int8 `|b1`, any integer or
 * float array holding only 0 and 1. Any other value is a `bad-value` error naming the row.
 */
export function readFlags(dataset: H5Dataset, expectedRows: number, source: string): Uint8Array {
  const field = dataset.path.replace(/^\//, '');
  const shape = shapeOf(dataset);
  if (!(shape.length === 1 || (shape.length === 2 && shape[1] === 1)) || shape[0] !== expectedRows) {
    throw new DatasetError('row-count-mismatch', `has shape [${shape}], expected [${expectedRows}]`, {
      file: source,
      field,
    });
  }
  const raw = new Float64Array(expectedRows);
  readRowsInto(dataset, raw, source);
  const flags = new Uint8Array(expectedRows);
  for (let row = 0; row < expectedRows; row++) {
    const v = raw[row]!;
    if (v !== 0 && v !== 1)
      throw new DatasetError('bad-value', `flag must be 0 or 1, got ${v}`, { file: source, field, row });
    flags[row] = v;
  }
  return flags;
}

/** A dataset read as a metadata value: a string, a number (scalars) or a column (arrays). */
export function readMetadataValue(dataset: H5Dataset, source: string): MetadataValue {
  const meta = dataset.metadata;
  if (meta.type === H5T_STRING) {
    const value = dataset.value;
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.join('\n');
    throw new DatasetError('bad-dtype', 'unreadable string', {
      file: source,
      field: dataset.path.replace(/^\//, ''),
    });
  }
  const shape = shapeOf(dataset);
  if (shape.length === 0) {
    numericKind(dataset, source);
    return Number(dataset.value as number | bigint);
  }
  return readColumn(dataset, source);
}

/** Options for writing one array. */
export interface WriteArrayOptions {
  /** gzip level 0–9, or false for none. */
  readonly compression: number | false;
  /** Rows per HDF5 chunk. */
  readonly chunkRows: number;
  /** Make the first axis unlimited (`maxshape=(None, ...)`), as Minari does. */
  readonly resizable?: boolean;
}

/**
 * The dtype string h5wasm 0.10.3 needs for a typed array. It reads one struct-module letter
 * (b/B int8, h/H int16, i/I int32, f float32, d float64) and ignores any size digits, so numpy's
 * '<f8' would silently mean float32 and '<i1' int32: never pass numpy-style sizes.
 */
function dtypeOf(data: NumericArray): string {
  if (data instanceof Float32Array) return '<f';
  if (data instanceof Float64Array) return '<d';
  if (data instanceof Int8Array) return '<b';
  if (data instanceof Uint8Array) return '<B';
  if (data instanceof Int16Array) return '<h';
  if (data instanceof Uint16Array) return '<H';
  if (data instanceof Int32Array) return '<i';
  return '<I';
}

/** Writes `data` of `shape` as dataset `name` in `group`, chunked (and gzipped if asked). */
export function writeArray(
  group: H5Group,
  name: string,
  data: NumericArray,
  shape: readonly number[],
  options: WriteArrayOptions,
  dtype = dtypeOf(data),
): void {
  const rows = shape[0] ?? 1;
  const chunks =
    shape.length === 0 ? null : [Math.max(1, Math.min(options.chunkRows, rows)), ...shape.slice(1)];
  group.create_dataset({
    name,
    data,
    shape: [...shape],
    dtype,
    chunks,
    ...(options.resizable === true ? { maxshape: [null, ...shape.slice(1)] } : {}),
    ...(options.compression === false || chunks === null ? {} : { compression: options.compression }),
  });
}

/** Writes boolean flags as h5wasm's `|b1` (int8 0/1; h5py reads it as int8, and `bool(x)` works). */
export function writeFlags(
  group: H5Group,
  name: string,
  flags: Uint8Array,
  options: WriteArrayOptions,
): void {
  writeArray(
    group,
    name,
    new Int8Array(flags.buffer, flags.byteOffset, flags.length),
    [flags.length],
    options,
    '|b',
  );
}

/** Writes a metadata value: strings as variable-length strings, numbers as float64 or int64 scalars. */
export function writeMetadataValue(
  group: H5Group,
  name: string,
  value: MetadataValue,
  options: WriteArrayOptions,
): void {
  if (typeof value === 'string') {
    group.create_dataset({ name, data: value });
  } else if (typeof value === 'number') {
    // No explicit dtype: h5wasm 0.10.3 mis-sizes scalars given one (float64 written as float32).
    const data = Number.isSafeInteger(value) ? BigInt64Array.of(BigInt(value)) : Float64Array.of(value);
    group.create_dataset({ name, data, shape: [] });
  } else {
    writeArray(group, name, value.data, value.shape, { ...options, chunkRows: value.shape[0] ?? 1 });
  }
}

/** Creates the groups along `path` (like `mkdir -p`) and returns the innermost. */
export function ensureGroup(root: H5Group, path: string, trackOrder = false): H5Group {
  let group = root;
  for (const part of path.split('/').filter((p) => p.length > 0)) {
    const child = group.keys().includes(part) ? group.get(part) : group.create_group(part, trackOrder);
    if (!(child instanceof h5wasm.Group))
      throw new DatasetError('bad-shape', `${part} is not a group`, { field: path });
    group = child;
  }
  return group;
}

/** Closes the file, turning a failure into a `DatasetError` for `source`. */
export function closeHdf5(file: H5File, source: string): void {
  try {
    file.close();
  } catch (cause) {
    throw toDatasetError(cause, 'unreadable', { file: source });
  }
}
