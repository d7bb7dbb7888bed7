import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.fixture.js';
import { appendMetrics, createRunDirectory } from '../run-directory.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'offrl-report-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A run directory as `offrl train` writes it, with evaluations at steps 100 and 200. */
const fakeRun = (name: string, recipe: string, seed: number, scores: [number, number]) => {
  const dir = join(root, name);
  const files = createRunDirectory(dir, { recipe, dataset: 'pendulum-scripted', seed });
  appendMetrics(files, { step: 50, 'bc/mse': 0.5 });
  appendMetrics(files, { step: 100, 'eval/return': -500, 'eval/normalized_score': scores[0] });
  appendMetrics(files, { step: 200, 'eval/return': -300, 'eval/normalized_score': scores[1] });
  return dir;
};

describe('offrl report', () => {
  it('aggregates seeds per recipe and writes the curves and the page', async () => {
    const runs = [
      fakeRun('a0', 'bc', 0, [0.5, 0.7]),
      fakeRun('a1', 'bc', 1, [0.6, 0.9]),
      fakeRun('b0', 'iql', 0, [0.2, 0.4]),
    ];
    const out = join(root, 'report');
    const { code, output } = await runCli('report', ...runs, '--out', out, '--json');
    expect(code).toBe(0);
    const { groups, runs: table } = JSON.parse(output);
    // bc: finals 70 and 90 → mean 80, sample std √200 ≈ 14.14, best = finals here; IQM of two = 80
    const bc = groups.find((g: { recipe: string }) => g.recipe === 'bc');
    expect(bc).toMatchObject({ seeds: 2, steps: 200, finalMean: 80, bestMean: 80, finalIqm: 80 });
    expect(bc.finalStd).toBeCloseTo(Math.sqrt(200), 10);
    expect(bc.finalIqmLow).toBeGreaterThanOrEqual(70);
    expect(bc.finalIqmHigh).toBeLessThanOrEqual(90);
    expect(table).toHaveLength(3);
    const svg = readFileSync(join(out, 'curves.svg'), 'utf8');
    expect(svg.match(/<polyline/g)).toHaveLength(5); // 3 runs + 2 group means
    expect(svg).toContain('bc on pendulum-scripted (2)');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<td>iql</td>');
  });

  it('names a run directory without evaluations', async () => {
    const dir = join(root, 'empty');
    createRunDirectory(dir, { recipe: 'bc', dataset: 'x', seed: 0 });
    const { code, errors } = await runCli('report', dir, '--out', join(root, 'r'));
    expect(code).toBe(1);
    expect(errors).toMatch(/empty: the run has no evaluation yet/);
  });
});
