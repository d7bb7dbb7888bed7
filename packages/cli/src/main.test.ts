import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeD4RL } from '@offrl/datasets';
import { pendulumScriptedDataset } from '@offrl/recipes';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.fixture.js';

describe('offrl command line', () => {
  it('prints usage with --help and exits 0', async () => {
    const { code, output } = await runCli('--help');
    expect(code).toBe(0);
    expect(output).toMatch(/offrl train <recipe>/);
    expect(output).toMatch(/offrl report <run-dir\.\.\.>/);
  });

  it('prints each command’s usage with --help', async () => {
    for (const command of ['train', 'eval', 'report', 'datasets', 'demo', 'recipes', 'envs']) {
      const { code, output } = await runCli(command, '--help');
      expect(code).toBe(0);
      expect(output).toContain(`offrl ${command}`);
    }
  });

  it('lists recipes and environments', async () => {
    const recipes = (await runCli('recipes')).output;
    expect(recipes).toMatch(/^bc\n {2}hiddenSizes=\[256,256\]\n {2}learningRate=0\.001$/m);
    expect(recipes).toMatch(/^iql\n(?: {2}.*\n)* {2}temperature=3\n/m);
    expect((await runCli('envs')).output).toContain('Hopper-v5');
  });

  it('exits 2 and says what to change on a usage error', async () => {
    const unknown = await runCli('trian');
    expect(unknown.code).toBe(2);
    expect(unknown.errors).toMatch(/unknown command 'trian'; commands: train, eval/);
    const badSteps = await runCli('demo', '--steps', 'ten');
    expect(badSteps.code).toBe(2);
    expect(badSteps.errors).toMatch(/--steps must be an integer ≥ 1, got 'ten'/);
    const unknownOption = await runCli('eval', '--epsiodes', '3');
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.errors).toMatch(/--epsiodes/);
  });

  it('describes a dataset as JSON with the fields scripts rely on', async () => {
    const { code, output } = await runCli('datasets', 'info', 'pendulum-scripted', '--json');
    expect(code).toBe(0);
    const info = JSON.parse(output);
    expect(info).toMatchObject({
      format: 'generated',
      transitions: 4000,
      episodes: 20,
      observationDim: 3,
      actionDim: 1,
      terminals: 0,
      timeouts: 20,
    });
    expect(info.returns.min).toBeLessThanOrEqual(info.returns.mean);
    expect(info.returns.mean).toBeLessThanOrEqual(info.returns.max);
  });

  it('reads a D4RL file written to disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'offrl-cli-'));
    try {
      const { dataset } = await pendulumScriptedDataset({ episodes: 2, seed: 3 });
      const path = join(dir, 'pendulum.hdf5');
      await writeD4RL(path, dataset);
      const { code, output } = await runCli('datasets', 'info', path, '--json');
      expect(code).toBe(0);
      expect(JSON.parse(output)).toMatchObject({
        format: 'd4rl',
        transitions: 400,
        episodes: 2,
        timeouts: 2,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exports a dataset to both layouts, each readable back with the same contents', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'offrl-cli-'));
    try {
      for (const [format, out] of [
        ['d4rl', join(dir, 'pendulum.hdf5')],
        ['minari', join(dir, 'pendulum-minari')],
      ] as const) {
        const exported = await runCli(
          'datasets',
          'export',
          'pendulum-scripted',
          '--format',
          format,
          '--out',
          out,
        );
        expect(exported.code).toBe(0);
        expect(exported.output).toBe(`wrote 4000 transitions to ${out} (${format})`);
        const info = JSON.parse((await runCli('datasets', 'info', out, '--json')).output);
        expect(info).toMatchObject({ format, transitions: 4000, episodes: 20, timeouts: 20, terminals: 0 });
      }
      const bad = await runCli('datasets', 'export', 'pendulum-scripted', '--format', 'csv', '--out', dir);
      expect(bad.code).toBe(2);
      expect(bad.errors).toMatch(/--format must be d4rl or minari, got 'csv'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it('names the missing dataset file', async () => {
    const { code, errors } = await runCli('datasets', 'info', '/nonexistent/hopper-medium-v2.hdf5');
    expect(code).toBe(1);
    expect(errors).toMatch(/dataset file '\/nonexistent\/hopper-medium-v2.hdf5' does not exist/);
  });

  it('runs a short demo end to end: IQL and BC on a built-in dataset, then the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'offrl-demo-'));
    const cache = process.env['OFFRL_CACHE'];
    process.env['OFFRL_CACHE'] = join(dir, 'cache');
    try {
      const { code, output } = await runCli(
        'demo',
        ...['--dataset', 'hopper-medium-expert-v0:1', '--steps', '30', '--eval-episodes', '2'],
        ...['--out', join(dir, 'demo')],
      );
      expect(code).toBe(0);
      expect(output).toMatch(
        /^hopper-medium-expert-v0:1: \d+ transitions, 2 episodes, mean return \d+\.\d, normalised \d+\.\d/,
      );
      expect(output).toMatch(/== iql on hopper-medium-expert-v0:1, 30 updates ==/);
      expect(output).toMatch(/iql on hopper-medium-expert-v0:1: 1 seed\(s\), 30 steps, final -?\d+\.\d/);
      expect(output).toMatch(/bc on hopper-medium-expert-v0:1: 1 seed\(s\), 30 steps, final -?\d+\.\d/);
      expect(existsSync(join(dir, 'demo', 'report', 'report.html'))).toBe(true);
      const task = await runCli('demo', '--task', 'ant');
      expect(task.code).toBe(2);
      expect(task.errors).toMatch(/--task must be one of hopper, pendulum, got 'ant'/);
    } finally {
      if (cache === undefined) delete process.env['OFFRL_CACHE'];
      else process.env['OFFRL_CACHE'] = cache;
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
