/**
 * `offrl report <run-dir...> [--out DIR] [--json]`: final and best normalised scores per run, and per
 * (recipe, dataset) across seeds the mean ± std and the IQM with a bootstrap interval; writes
 * `curves.svg` and `report.html` into `--out` (default `report`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { groupLabel, summariseGroups } from '../report/aggregate.js';
import { reportHtml } from '../report/html.js';
import { learningCurvesSvg } from '../report/learning-curves.js';
import { readRunResult } from '../report/runs.js';
import { UsageError } from '../usage-error.js';

const REPORT_USAGE = 'offrl report <run-dir...> [--out DIR] [--json]';

const runReport: Command['run'] = async (argv, print) => {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { out: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (positionals.length === 0)
    throw new UsageError(`report needs at least one run directory\n${REPORT_USAGE}`);
  const runs = positionals.map(readRunResult);
  const groups = summariseGroups(runs);
  const out = values.out ?? 'report';
  mkdirSync(out, { recursive: true });
  const svg = learningCurvesSvg(
    runs.map((run) => ({ group: groupLabel(run), points: run.curve })),
    'Normalised score during training',
  );
  writeFileSync(join(out, 'curves.svg'), `${svg}\n`);
  writeFileSync(join(out, 'report.html'), reportHtml(groups, runs, svg));
  if (values.json) {
    print(JSON.stringify({ groups, runs: runs.map(({ curve: _curve, ...run }) => run) }));
  } else {
    for (const g of groups) {
      print(
        `${groupLabel(g)}: ${g.seeds} seed(s), ${g.steps} steps, final ${g.finalMean.toFixed(1)} ± ${g.finalStd.toFixed(1)}, ` +
          `IQM ${g.finalIqm.toFixed(1)} [${g.finalIqmLow.toFixed(1)}, ${g.finalIqmHigh.toFixed(1)}], best ${g.bestMean.toFixed(1)}`,
      );
    }
    print(`wrote ${join(out, 'report.html')} and ${join(out, 'curves.svg')}`);
  }
  return 0;
};

export const reportCommand: Command = {
  usage: REPORT_USAGE,
  summary:
    'scores per run and across seeds (mean ± std, IQM with a bootstrap interval), curves.svg and report.html',
  run: runReport,
};
