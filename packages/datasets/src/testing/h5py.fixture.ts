/**
 * Test helpers that build small HDF5 files the way h5py encodes them. h5wasm writes booleans as
 * plain int8 and has no API for enum types, so `h5pyBool` writes a one-member compound placeholder
 * and `patchH5pyBools` rewrites its datatype message, in place, into the message h5py writes for a
 * numpy bool: an HDF5 enum over int8 with members FALSE = 0 and TRUE = 1 (file format spec,
 * section IV.A.2.d, datatype class 8, version 1). The placeholder's message (≥ 48 bytes in a v1
 * object header, which has no checksum) is longer than the 38-byte enum message; the decoder reads
 * what it needs and ignores the zeroed rest.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import h5wasm from 'h5wasm/node';

type H5Group = InstanceType<typeof h5wasm.Group>;
export type H5File = InstanceType<typeof h5wasm.File>;

const PLACEHOLDER = 'offrl_h5py_bool';

/** Opens a new file with v1 object headers (h5py's default `libver='earliest'`). */
export async function createFixtureFile(path: string, trackOrder = false): Promise<H5File> {
  await h5wasm.ready;
  return new h5wasm.File(path, 'w', { track_order: trackOrder, libver: ['earliest', 'latest'] });
}

/** Writes a bool array as a placeholder; call `patchH5pyBools` on the path after closing. */
export function h5pyBool(
  group: H5Group,
  name: string,
  flags: ArrayLike<number | boolean>,
  options: { gzip?: number; chunkRows?: number } = {},
): void {
  const data = Int8Array.from(flags as ArrayLike<number>, (v) => (v ? 1 : 0));
  const chunkRows = Math.max(1, Math.min(options.chunkRows ?? 64, data.length));
  group.create_dataset({
    name,
    data: new Map([[PLACEHOLDER, data]]),
    shape: [data.length],
    dtype: [[PLACEHOLDER, '<b']],
    chunks: [chunkRows],
    ...(options.gzip === undefined ? {} : { compression: options.gzip }),
  });
}

/** Rewrites every placeholder datatype message in the closed file at `path` into h5py's bool enum. */
export function patchH5pyBools(path: string): number {
  const bytes = readFileSync(path);
  const name = Buffer.from(PLACEHOLDER, 'latin1');
  let patched = 0;
  for (let at = bytes.indexOf(name); at >= 0; at = bytes.indexOf(name, at + 1)) {
    // v1 compound message body: 8-byte type header, then the first member's name.
    const body = at - 8;
    // v1 object-header message prefix: type (2 bytes) = 3 (datatype), size (2 bytes), flags, reserved.
    const type = bytes.readUInt16LE(body - 8);
    const size = bytes.readUInt16LE(body - 6);
    if (type !== 3 || bytes[body] !== 0x16 || size < 38) {
      throw new Error(
        `placeholder at byte ${at} is not a v1 compound datatype message (type ${type}, size ${size})`,
      );
    }
    const enumMessage = Buffer.alloc(size);
    enumMessage[0] = 0x18; // version 1, class 8 (enum)
    enumMessage.writeUInt16LE(2, 1); // two members
    enumMessage.writeUInt32LE(1, 4); // element size 1 byte
    // base type: version 1, class 0 (integer), signed, size 1, offset 0, precision 8
    Buffer.from([0x10, 0x08, 0, 0, 1, 0, 0, 0, 0, 0, 8, 0]).copy(enumMessage, 8);
    Buffer.from('FALSE\0\0\0TRUE\0\0\0\0', 'latin1').copy(enumMessage, 20); // names padded to 8
    enumMessage[36] = 0; // FALSE
    enumMessage[37] = 1; // TRUE
    enumMessage.copy(bytes, body);
    patched++;
  }
  writeFileSync(path, bytes);
  return patched;
}

/** A fresh temporary directory and a function that removes it. */
export function temporaryDirectory(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'offrl-datasets-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A small D4RL-like file's arrays: `episodes` episodes, each ending as listed. */
export interface SyntheticEpisodes {
  readonly observationDim: number;
  readonly actionDim: number;
  readonly lengths: readonly number[];
  /** How each episode ends: 'terminal', 'timeout' or 'cut' (no flag: the file's last episode). */
  readonly endings: readonly ('terminal' | 'timeout' | 'cut')[];
}

/**
 * Arrays of a synthetic dataset whose values encode their position: observation (episode e,
 * step t, column k) = 100·e + t + k/100, so next observations and boundaries are easy to check;
 * reward = 1 per step of episode e times (e + 1); actions = t/1000.
 */
export function syntheticArrays(spec: SyntheticEpisodes) {
  const size = spec.lengths.reduce((a, b) => a + b, 0);
  const { observationDim: od, actionDim: ad } = spec;
  const observations = new Float32Array(size * od);
  const nextObservations = new Float32Array(size * od);
  const actions = new Float32Array(size * ad);
  const rewards = new Float32Array(size);
  const terminals = new Uint8Array(size);
  const timeouts = new Uint8Array(size);
  let row = 0;
  spec.lengths.forEach((length, e) => {
    for (let t = 0; t < length; t++, row++) {
      for (let k = 0; k < od; k++) {
        observations[row * od + k] = 100 * e + t + k / 100;
        nextObservations[row * od + k] = 100 * e + t + 1 + k / 100;
      }
      for (let k = 0; k < ad; k++) actions[row * ad + k] = t / 1000;
      rewards[row] = e + 1;
    }
    const ending = spec.endings[e];
    if (ending === 'terminal') terminals[row - 1] = 1;
    if (ending === 'timeout') timeouts[row - 1] = 1;
  });
  return { size, observations, nextObservations, actions, rewards, terminals, timeouts };
}
