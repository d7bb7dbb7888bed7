import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendMetrics, createRunDirectory, readMetrics, readRunConfig } from './run-directory.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'offrl-run-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('run directories', () => {
  it('keep the config and the metrics, and refuse to overwrite a run', () => {
    const dir = join(root, 'run');
    const files = createRunDirectory(dir, { recipe: 'bc', seed: 1 });
    appendMetrics(files, { step: 1, 'bc/mse': 0.5 });
    appendMetrics(files, { step: 2, 'bc/mse': 0.25 });
    expect(readRunConfig(dir)).toEqual({ recipe: 'bc', seed: 1 });
    expect(readMetrics(dir)).toEqual([
      { step: 1, 'bc/mse': 0.5 },
      { step: 2, 'bc/mse': 0.25 },
    ]);
    expect(() => createRunDirectory(dir, {})).toThrow(/already holds a run; pass --resume/);
  });

  it('skip a torn last metrics line but name a corrupt one in the middle', () => {
    const dir = join(root, 'run');
    const files = createRunDirectory(dir, {});
    appendMetrics(files, { step: 1 });
    appendFileSync(files.metrics, '{"step": 2, "bc/m');
    expect(readMetrics(dir)).toEqual([{ step: 1 }]);
    appendFileSync(files.metrics, '\n{"step": 3}\n');
    expect(() => readMetrics(dir)).toThrow(/metrics.jsonl, line 2: not valid JSON/);
  });

  it('name a directory that is not a run', () => {
    expect(() => readRunConfig(root)).toThrow(/is not a run directory: it has no config.json/);
  });
});
