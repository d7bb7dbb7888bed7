import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it, describe as suite } from 'vitest';
import { checkHdf5File, createHdf5, writeArray } from './hdf5.js';
import { temporaryDirectory } from './testing/h5py.fixture.js';

const { dir, cleanup } = temporaryDirectory();
afterAll(cleanup);

suite('checkHdf5File', () => {
  it('finds the signature after a 512-byte user block and checks the end-of-file address from there', async () => {
    const path = join(dir, 'plain.h5');
    const file = await createHdf5(path);
    writeArray(file, 'x', new Float32Array(1000), [1000], { compression: false, chunkRows: 100 });
    file.close();
    expect(() => checkHdf5File(path)).not.toThrow();
    // HDF5 allows a user block of 512·2^k bytes before the superblock; addresses are relative to it
    const withBlock = join(dir, 'userblock.h5');
    const bytes = readFileSync(path);
    writeFileSync(withBlock, Buffer.concat([Buffer.alloc(512, 0x20), bytes]));
    expect(() => checkHdf5File(withBlock)).not.toThrow();
    writeFileSync(withBlock, Buffer.concat([Buffer.alloc(512, 0x20), bytes.subarray(0, bytes.length - 1)]));
    expect(() => checkHdf5File(withBlock)).toThrow(/truncated|superblock says/);
  });

  it('reports a directory and an empty file', () => {
    expect(() => checkHdf5File(dir)).toThrow('is not a regular file');
    const empty = join(dir, 'empty.h5');
    writeFileSync(empty, '');
    expect(() => checkHdf5File(empty)).toThrow('not an HDF5 file');
  });
});
