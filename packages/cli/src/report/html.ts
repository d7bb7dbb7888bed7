/** The report as one self-contained HTML page: the per-group table, the per-run table and the curves. */
import type { GroupSummary } from './aggregate.js';
import type { RunResult } from './runs.js';

const escapeHtml = (text: string): string =>
  text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

const row = (cells: readonly (string | number)[], tag = 'td') =>
  `<tr>${cells.map((cell) => `<${tag}>${escapeHtml(String(cell))}</${tag}>`).join('')}</tr>`;

export const reportHtml = (
  groups: readonly GroupSummary[],
  runs: readonly RunResult[],
  curvesSvg: string,
): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>offrl report</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child,td:nth-child(2){text-align:left}</style>
</head><body>
<h1>offrl report</h1>
<p>Normalised scores ×100 (D4RL's convention: 0 = random policy, 100 = expert). Final = the last evaluation; IQM = interquartile mean over seeds with a 95% percentile-bootstrap interval.</p>
<table>
${row(['recipe', 'dataset', 'seeds', 'steps', 'final mean ± std', 'final IQM [95% CI]', 'best (mean)'], 'th')}
${groups
  .map((g) =>
    row([
      g.recipe,
      g.dataset,
      g.seeds,
      g.steps,
      `${g.finalMean.toFixed(1)} ± ${g.finalStd.toFixed(1)}`,
      `${g.finalIqm.toFixed(1)} [${g.finalIqmLow.toFixed(1)}, ${g.finalIqmHigh.toFixed(1)}]`,
      g.bestMean.toFixed(1),
    ]),
  )
  .join('\n')}
</table>
${curvesSvg}
<h2>Runs</h2>
<table>
${row(['run', 'recipe', 'dataset', 'seed', 'steps', 'final', 'best'], 'th')}
${runs.map((r) => row([r.dir, r.recipe, r.dataset, r.seed, r.steps, r.final.toFixed(1), r.best.toFixed(1)])).join('\n')}
</table>
</body></html>
`;
