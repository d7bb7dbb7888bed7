import { describe, expect, it, vi } from 'vitest';
import { main } from './main.js';

const run = async (...argv: string[]) => {
  const lines: string[] = [];
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await main(argv, (line) => lines.push(line));
    return { code, output: lines.join('\n'), errors: stderr.mock.calls.map((c) => String(c[0])).join('') };
  } finally {
    stderr.mockRestore();
  }
};

describe('offrl command line', () => {
  it('prints usage with --help and exits 0', async () => {
    const { code, output } = await run('--help');
    expect(code).toBe(0);
    expect(output).toMatch(/offrl demo/);
  });

  it('lists recipes and environments', async () => {
    expect((await run('recipes')).output).toContain('bc');
    expect((await run('envs')).output).toContain('Hopper-v5');
  });

  it('exits 2 and says what to change on a usage error', async () => {
    const unknown = await run('trian');
    expect(unknown.code).toBe(2);
    expect(unknown.errors).toMatch(/unknown command 'trian'/);
    const badSteps = await run('demo', '--steps', 'ten');
    expect(badSteps.code).toBe(2);
    expect(badSteps.errors).toMatch(/--steps must be a non-negative integer, got 'ten'/);
  });

  it('runs a short demo end to end and prints the score', async () => {
    const { code, output } = await run('demo', '--steps', '50', '--episodes', '2');
    expect(code).toBe(0);
    expect(output).toMatch(/dataset: pendulum-scripted, 400 transitions in 2 episodes/);
    expect(output).toMatch(/score: return -?\d+\.\d ± \d+\.\d over 10 episodes, normalised -?\d+\.\d/);
  }, 60_000);
});
