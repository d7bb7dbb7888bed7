import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.fixture.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'offrl-online-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const small = [
  '--eval-every',
  '200',
  '--eval-episodes',
  '2',
  '--batch-size',
  '32',
  '--set',
  'hiddenSizes=[16]',
];
const fineTune = [
  'iql',
  '--dataset',
  'pendulum-mixed',
  '--steps',
  '50',
  '--buffer',
  'append',
  '--buffer-size',
  '2000',
];

describe('offrl train, online', () => {
  it('trains online from scratch and writes the state, the buffer and a summary with the regret', async () => {
    const dir = join(root, 'sac');
    const { code, output } = await runCli(
      'train',
      'sac',
      '--env',
      'Pendulum-v1',
      '--env-steps',
      '200',
      ...small,
      '--out',
      dir,
    );
    expect(code).toBe(0);
    expect(output).toMatch(/final score -?\d+\.\d after 200 env steps; regret \d\.\d{3}/);
    for (const file of ['config.json', 'metrics.jsonl', 'state.safetensors', 'buffer.safetensors']) {
      expect(existsSync(join(dir, file))).toBe(true);
    }
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ recipe: 'sac', dataset: null, env: 'Pendulum-v1', final: { step: 200 } });
  }, 60_000);

  it('pretrains offline, fine-tunes online, and a run extended with --resume equals the longer run bit for bit', async () => {
    const whole = join(root, 'whole');
    const split = join(root, 'split');
    const long = await runCli('train', ...fineTune, '--env-steps', '400', ...small, '--out', whole);
    expect(long.code).toBe(0);
    expect(long.output).toMatch(
      /at the switch: .*\n.*\n.*\nfinal score .* at the switch -?\d+\.\d, dip -?\d+\.\d/,
    );
    expect((await runCli('train', ...fineTune, '--env-steps', '200', ...small, '--out', split)).code).toBe(0);
    const resumed = await runCli('train', '--resume', split, '--env-steps', '400');
    expect(resumed.code).toBe(0);
    expect(resumed.output).toMatch(/resuming .* at 200 of 400 env steps/);
    for (const file of ['state.safetensors', 'buffer.safetensors']) {
      expect(readFileSync(join(split, file)).equals(readFileSync(join(whole, file)))).toBe(true);
    }
  }, 90_000);

  it('names online-only options used without --env-steps, and bad buffer policies', async () => {
    const stray = await runCli('train', 'iql', '--dataset', 'pendulum-mixed', '--buffer', 'mixed');
    expect(stray.code).toBe(2);
    expect(stray.errors).toMatch(/--buffer belongs to online training: add --env-steps N/);
    const bad = await runCli('train', 'sac', '--env', 'Pendulum-v1', '--env-steps', '10', '--buffer', 'half');
    expect(bad.code).toBe(2);
    expect(bad.errors).toMatch(/--buffer must be one of online, append, mixed, got 'half'/);
    const none = await runCli('train', 'sac');
    expect(none.errors).toMatch(/train needs --dataset <id\|path>, or --env <id> --env-steps N/);
  });
});
