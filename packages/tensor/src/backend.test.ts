import { describe, expect, it } from 'vitest';
import {
  BACKEND_NAMES,
  initBackend,
  nativeBindingProblem,
  parseBackendName,
  selectBackend,
} from './backend.js';
import { tf } from './tf.js';

const missing = { 'tensorflow-gpu': '@offrl/no-such-tfjs-node-gpu', tensorflow: '@offrl/no-such-tfjs-node' };

describe('backend selection', () => {
  it('falls back past native packages that are not installed, and says why', async () => {
    const lines: string[] = [];
    const report = await selectBackend({ nativePackages: missing, env: {}, log: (line) => lines.push(line) });
    expect(report.name).toBe('wasm');
    expect(report.forced).toBe(false);
    expect(report.threads).toBeGreaterThanOrEqual(1);
    expect(report.skipped).toEqual({
      '@offrl/no-such-tfjs-node-gpu': 'not installed',
      '@offrl/no-such-tfjs-node': 'not installed',
    });
    expect(tf.getBackend()).toBe('wasm');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/backend 'wasm'.*skipped @offrl\/no-such-tfjs-node-gpu: not installed/);
  });

  it('skips the real native packages, installed here without their binding, without importing them', async () => {
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      expect(nativeBindingProblem(pkg)).toMatch(/native binding .*missing.*npm rebuild/);
    }
    const report = await selectBackend({ env: {}, quiet: true });
    expect(report.name).toBe('wasm');
    expect(Object.keys(report.skipped)).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
    // Importing a binding-less tfjs-node would have registered the 'tensorflow' backend factory.
    expect(tf.engine().backendNames()).not.toContain('tensorflow');
  });

  it('forces cpu through the option and through OFFRL_BACKEND', async () => {
    const forced = await selectBackend({ backend: 'cpu', env: {}, quiet: true });
    expect(forced).toEqual({ name: 'cpu', skipped: {}, forced: true });
    expect(tf.getBackend()).toBe('cpu');
    const fromEnv = await selectBackend({ env: { OFFRL_BACKEND: 'wasm', OFFRL_QUIET: '1' } });
    expect(fromEnv.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('fails when a forced backend is unavailable, naming it and the reason', async () => {
    await expect(selectBackend({ backend: 'tensorflow', env: {}, quiet: true })).rejects.toThrow(
      /backend 'tensorflow' \(@tensorflow\/tfjs-node\) is unavailable: installed, but its native binding/,
    );
    await expect(
      selectBackend({ backend: 'tensorflow-gpu', nativePackages: missing, env: {}, quiet: true }),
    ).rejects.toThrow(
      "backend 'tensorflow-gpu' (@offrl/no-such-tfjs-node-gpu) is unavailable: not installed",
    );
  });

  it('rejects unknown names and lists the valid ones', async () => {
    expect(() => parseBackendName('webgl')).toThrow(
      "unknown backend 'webgl': valid names are tensorflow-gpu, tensorflow, wasm, cpu",
    );
    await expect(initBackend({ env: { OFFRL_BACKEND: 'gpu' } })).rejects.toThrow(
      /unknown backend 'gpu': valid names are tensorflow-gpu, tensorflow, wasm, cpu/,
    );
    expect(BACKEND_NAMES).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
  });

  it('initBackend selects once and returns the same report; forcing another backend switches', async () => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    const first = await initBackend({ env: {}, log });
    expect(await initBackend({ env: {}, log })).toBe(first);
    expect(await initBackend({ backend: first.name, env: {}, log })).toBe(first);
    expect(lines).toHaveLength(1);
    const cpu = await initBackend({ backend: 'cpu', env: {}, log });
    expect(cpu.name).toBe('cpu');
    expect(await initBackend({ env: {}, log })).toBe(cpu);
    expect(tf.getBackend()).toBe('cpu');
    expect(lines).toHaveLength(2);
  });

  it('refuses threads once the single-threaded wasm backend has started', async () => {
    await selectBackend({ backend: 'wasm', env: {}, quiet: true });
    await expect(selectBackend({ backend: 'wasm', wasmThreads: 2, env: {}, quiet: true })).rejects.toThrow(
      /threaded wasm: the wasm backend already started single-threaded/,
    );
    await expect(selectBackend({ env: { OFFRL_WASM_THREADS: '9' }, quiet: true })).rejects.toThrow(
      'threaded wasm: threads must be an integer in [2, 8], got 9',
    );
  });

  it('silences the Node.js banner of the cpu backend', async () => {
    await selectBackend({ backend: 'cpu', env: {}, quiet: true });
    expect(tf.env().getBool('PROD')).toBe(true);
  });
});
