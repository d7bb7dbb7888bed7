import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recipeDefaults, recipeNames } from '@offrl/recipes';
import { flattenTree, loadSafetensors } from '@offrl/tensor';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.fixture.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'offrl-train-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const small = [
  '--dataset',
  'pendulum-scripted',
  '--set',
  'hiddenSizes=[16]',
  '--batch-size',
  '32',
  '--eval-episodes',
  '2',
];

const parameters = async (dir: string) => {
  const { tree } = await loadSafetensors(join(dir, 'checkpoint.safetensors'));
  return flattenTree(tree).map(({ path, tensor }) => [path, Array.from(tensor.dataSync())]);
};

describe('offrl train and eval', () => {
  it('writes a run directory with config, metrics, checkpoint and summary, and evaluates it', async () => {
    const dir = join(root, 'run');
    const { code, output } = await runCli(
      'train',
      'bc',
      ...small,
      '--steps',
      '40',
      '--eval-every',
      '20',
      '--out',
      dir,
    );
    expect(code).toBe(0);
    expect(output).toMatch(/\] 40\/40 .* score -?\d+\.\d/);
    expect(output).toMatch(
      /final score -?\d+\.\d \(return -?\d+\.\d\) at step 40; best -?\d+\.\d at step (20|40)/,
    );
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      recipe: 'bc',
      env: 'Pendulum-v1',
      steps: 40,
      overrides: { hiddenSizes: [16] },
    });
    const records = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(records.filter((r) => 'eval/return' in r).map((r) => r.step)).toEqual([20, 40]);
    expect(records.some((r) => typeof r['bc/mse'] === 'number')).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).final.step).toBe(40);

    const evaluation = await runCli('eval', dir, '--episodes', '2', '--json');
    expect(evaluation.code).toBe(0);
    expect(JSON.parse(evaluation.output)).toMatchObject({
      recipe: 'bc',
      env: 'Pendulum-v1',
      step: 40,
      episodes: 2,
    });
  }, 60_000);

  it('resumes from the checkpoint and ends where an uninterrupted run ends, bit for bit', async () => {
    const whole = join(root, 'whole');
    const split = join(root, 'split');
    expect(
      (await runCli('train', 'bc', ...small, '--steps', '30', '--eval-every', '30', '--out', whole)).code,
    ).toBe(0);
    expect(
      (await runCli('train', 'bc', ...small, '--steps', '10', '--eval-every', '30', '--out', split)).code,
    ).toBe(0);
    const resumed = await runCli('train', '--resume', split, '--steps', '30');
    expect(resumed.code).toBe(0);
    expect(resumed.output).toMatch(/resuming .* at step 10 of 30/);
    expect(await parameters(split)).toEqual(await parameters(whole));
    expect(JSON.parse(readFileSync(join(split, 'config.json'), 'utf8')).steps).toBe(30);
  }, 60_000);

  it('leaves nothing behind for an unknown recipe or a bad option, and names what to change', async () => {
    const dir = join(root, 'bad');
    const unknown = await runCli('train', 'nope', ...small, '--out', dir);
    expect(unknown.code).toBe(1);
    expect(unknown.errors).toMatch(/unknown recipe 'nope'; known recipes: .*bc/);
    expect(existsSync(dir)).toBe(false);
    const badSet = await runCli(
      'train',
      'bc',
      '--dataset',
      'pendulum-scripted',
      '--set',
      'oops',
      '--out',
      dir,
    );
    expect(badSet.code).toBe(2);
    expect(badSet.errors).toMatch(/--set expects key=value, got 'oops'/);
    const noDataset = await runCli('train', 'bc');
    expect(noDataset.errors).toMatch(/train needs --dataset <id\|path>, or --env/);
  });

  it('refuses a corrupted checkpoint, naming the file', async () => {
    const dir = join(root, 'run');
    expect(
      (await runCli('train', 'bc', ...small, '--steps', '5', '--eval-every', '5', '--out', dir)).code,
    ).toBe(0);
    const checkpoint = join(dir, 'checkpoint.safetensors');
    writeFileSync(checkpoint, readFileSync(checkpoint).subarray(0, 100));
    const { code, errors } = await runCli('eval', dir);
    expect(code).toBe(1);
    expect(errors).toContain('checkpoint.safetensors');
  }, 60_000);
});

describe('offrl train, divergence', () => {
  it('stops a diverging run, naming the update and the loss term, and writes no NaN checkpoint', async () => {
    const dir = join(root, 'run');
    // A critic step size of 1e30 blows the parameters up at the first update; the next loss overflows.
    const { code, errors } = await runCli(
      'train',
      'td3bc',
      ...small,
      '--set',
      'criticLearningRate=1e30',
      '--steps',
      '40',
      '--eval-every',
      '20',
      '--out',
      dir,
    );
    expect(code).toBe(1);
    expect(errors).toMatch(/training diverged at update \d+: 'critic\/loss' = (Infinity|NaN)/);
    expect(errors).toContain('No checkpoint was written before it.');
    expect(existsSync(join(dir, 'checkpoint.safetensors'))).toBe(false);
    expect(existsSync(join(dir, 'summary.json'))).toBe(false);
    // Nothing to resume from: say so, not ENOENT.
    const resumed = await runCli('train', '--resume', dir);
    expect(resumed.code).toBe(1);
    expect(resumed.errors).toContain(
      `${dir} has no checkpoint yet (the run stopped before its first evaluation): start it again without --resume`,
    );
  });
});

describe('offrl train, every recipe', () => {
  it('trains each registered recipe from the command line, incl. those that read Monte-Carlo returns', async () => {
    for (const name of recipeNames()) {
      // Tiny networks: every option naming hidden sizes gets one layer of 8.
      const sizes = Object.keys(recipeDefaults[name]!)
        .filter((key) => /hiddenSizes$/i.test(key))
        .flatMap((key) => ['--set', `${key}=[8]`]);
      const dir = join(root, name);
      const { code, errors } = await runCli(
        'train',
        name,
        '--dataset',
        'pendulum-scripted',
        ...sizes,
        '--batch-size',
        '16',
        '--steps',
        '4',
        '--eval-every',
        '4',
        '--eval-episodes',
        '1',
        '--out',
        dir,
      );
      expect({ name, code, errors }).toEqual({ name, code: 0, errors: '' });
      expect(existsSync(join(dir, 'summary.json'))).toBe(true);
    }
  }, 120_000);
});
