/**
 * Prints the documentation table of built-in datasets (cli README): per id, transitions, episodes, the
 * return distribution, mean ± std and the normalised score of the mean return, generating or reading
 * each from the cache as `offrl datasets generate` would:
 *   node packages/cli/dist/builtin/measure-datasets.js hopper-random-v0 hopper-medium-v0 ...
 */
import { episodeReturns } from '@offrl/datasets';
import { normalizedScore } from '@offrl/envs';
import { initBackend } from '@offrl/tensor';
import { mean, standardDeviation } from '../report/statistics.js';
import { builtinDataset, parseBuiltinId } from './builtin-datasets.js';

/** The value at fraction q of the sorted values (nearest rank). */
const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;

/** Whole numbers, a space between thousands from 10 000 on, a true minus sign (the README's style). */
const round = (value: number) => {
  const digits = String(Math.abs(Math.round(value)));
  const grouped = digits.length > 4 ? digits.replace(/\B(?=(\d{3})+$)/g, ' ') : digits;
  return `${Math.round(value) < 0 ? '−' : ''}${grouped}`;
};

await initBackend({ quiet: true });
console.log(
  '| dataset | transitions | episodes | return min / p25 / median / p75 / max | mean ± std | score |',
);
console.log('|---|---|---|---|---|---|');
for (const id of process.argv.slice(2)) {
  const request = parseBuiltinId(id);
  if (request === undefined) throw new Error(`'${id}' is not a built-in dataset id`);
  const { dataset } = await builtinDataset(request);
  const returns = Array.from(episodeReturns(dataset)).sort((a, b) => a - b);
  const quantiles = [0, 0.25, 0.5, 0.75, 1].map((q) => round(q === 0 ? returns[0]! : quantile(returns, q)));
  const m = mean(returns);
  const score = 100 * normalizedScore(request.envId, m);
  console.log(
    `| \`${id}\` | ${round(dataset.size)} | ${returns.length} | ${quantiles.join(' / ')} | ${round(m)} ± ${round(standardDeviation(returns))} | ${score.toFixed(1).replace('-', '−')} |`,
  );
}
