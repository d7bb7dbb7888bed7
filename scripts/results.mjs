#!/usr/bin/env node
// `pnpm results`: trains each recipe on each built-in dataset for several seeds with the offrl command,
// then writes docs/results.md: an offline table from `offrl report --json` (normalised scores ×100,
// final evaluation, mean ± std and IQM over seeds, next to BC), and an offline-to-online table from
// each run's summary (the score after offline pretraining and after online fine-tuning). Runs are kept
// under runs/results/ and reused when their summary exists, so an interrupted regeneration continues
// (from each run's last checkpoint). A '## Findings' section written by hand below the tables is kept.
//   node scripts/results.mjs [--recipes bc,iql,...] [--datasets id,...] [--seeds N] [--steps N]
//     [--online-recipes iql,calql,rlpd,...] [--online-datasets id,...] [--online-seeds N]
//     [--pretrain-steps N] [--env-steps M] [--utd U] [--all]
// Recipes too slow here to run everywhere (`limits` below) run on fewer datasets or seeds, and the
// tables say "not run" with the cost where they do not; `--all` runs them everywhere.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    recipes: { type: 'string', default: 'bc,td3bc,iql,awac,awr,sac,cql,brac' },
    datasets: {
      type: 'string',
      default:
        'pendulum-medium-v0:100,pendulum-medium-expert-v0:100,hopper-medium-expert-v0,halfcheetah-medium-v0,walker2d-medium-v0',
    },
    seeds: { type: 'string', default: '2' },
    steps: { type: 'string', default: '3000' },
    'online-recipes': { type: 'string', default: 'iql,cql,calql,rlpd' },
    'online-datasets': { type: 'string', default: 'pendulum-medium-v0:100' },
    'online-seeds': { type: 'string', default: '2' },
    'pretrain-steps': { type: 'string', default: '1000' },
    'env-steps': { type: 'string', default: '2000' },
    utd: { type: 'string', default: '1' },
    all: { type: 'boolean', default: false },
  },
});
const root = new URL('..', import.meta.url).pathname;
const { bracPresets, calqlPresets, cqlPresets } = await import(
  join(root, 'packages', 'recipes', 'dist', 'index.js')
);
const { normalizedScore } = await import(join(root, 'packages', 'envs', 'dist', 'index.js'));
const { mean, standardDeviation } = await import(
  join(root, 'packages', 'cli', 'dist', 'report', 'statistics.js')
);

/** Options beside a recipe's defaults, each a preset with its reason in packages/recipes (the tables name it). */
const presets = {
  cql: { name: 'pendulumShortRun', options: cqlPresets.pendulumShortRun },
  calql: { name: 'pendulumShortRun', options: calqlPresets.pendulumShortRun },
  brac: { name: 'shortRun', options: bracPresets.shortRun },
};
/** Recipes that train online from the start, with the offline data in their batches: no pretraining. */
const noPretraining = {
  rlpd: 'RLPD has no offline phase: it trains online from scratch with the data as half of every batch',
};
/** Where the shared loop settings (--utd, no warm-up) differ from a recipe's reference, and why. */
const loopNotes = {
  rlpd: 'RLPD runs at the shared UTD, not its reference 20 critic updates per env step (`rlpdDefaults.utd`) with 5000 random warm-up steps: at ≈ 50 ms a 10-critic update here, UTD 20 costs ≈ 1 s an env step',
};
/**
 * Recipes too slow here (one thread of the wasm backend) for every dataset and seed: where they run
 * (`datasets`; `seeds` at most), and what a run costs. Elsewhere the tables say "not run (cost …)".
 */
const limits = {
  offline: {
    cql: {
      datasets: [
        'pendulum-medium-v0:100',
        'pendulum-medium-expert-v0:100',
        'hopper-medium-expert-v0',
        'halfcheetah-medium-v0',
      ],
      seeds: 2,
      cost: '≈ 0.3 s an update, ≈ 15 min a run on a quiet core',
    },
  },
  online: {
    cql: {
      datasets: [],
      cost: '≈ 0.3 s an update, ≈ 15 min for 1000 updates and 2000 env steps on a quiet core',
    },
  },
};
const label = (recipe) => (presets[recipe] === undefined ? recipe : `${recipe} (${presets[recipe].name})`);
const presetArgs = (recipe) =>
  Object.entries(presets[recipe]?.options ?? {}).flatMap(([key, value]) => [
    '--set',
    `${key}=${JSON.stringify(value)}`,
  ]);
const cli = join(root, 'packages', 'cli', 'dist', 'bin.js');
const runsRoot = join(root, 'runs', 'results');
const list = (text) => text.split(',').filter((item) => item !== '');
const recipes = list(values.recipes);
const datasets = list(values.datasets);
const seeds = Number(values.seeds);
const steps = Number(values.steps);
const onlineRecipes = list(values['online-recipes']);
const onlineDatasets = list(values['online-datasets']);
const onlineSeeds = Number(values['online-seeds']);
const pretrainSteps = Number(values['pretrain-steps']);
const envSteps = Number(values['env-steps']);
const utd = Number(values.utd);
/** The limit on a recipe in a table, or undefined where it runs everywhere. */
const limitOf = (table, recipe) => (values.all ? undefined : limits[table][recipe]);
const runsOn = (table, recipe, dataset) => {
  const limit = limitOf(table, recipe);
  return limit === undefined || limit.datasets.includes(dataset);
};
const seedsOf = (table, recipe, wanted) => Math.min(wanted, limitOf(table, recipe)?.seeds ?? wanted);
const safe = (dataset) => dataset.replace(/[^A-Za-z0-9._-]/g, '_');

const offrl = (args) => {
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, OFFRL_QUIET: '1' },
  });
  if (result.status !== 0) throw new Error(`offrl ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
};

const started = Date.now();
/** Trains into `dir` unless its summary exists: resumed from its checkpoint, or started over without one. */
const ensureRun = (dir, checkpoint, trainArgs, what) => {
  if (!existsSync(join(dir, 'summary.json'))) {
    if (existsSync(join(dir, checkpoint))) offrl(['train', '--resume', dir]);
    else {
      // Killed before its first checkpoint: nothing to continue, start it over.
      rmSync(dir, { recursive: true, force: true });
      offrl(['train', ...trainArgs, '--out', dir]);
    }
  }
  console.error(`done ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return dir;
};

const runs = [];
for (const dataset of datasets) {
  for (const recipe of recipes) {
    if (!runsOn('offline', recipe, dataset)) continue;
    for (let seed = 0; seed < seedsOf('offline', recipe, seeds); seed++) {
      const dir = join(runsRoot, `${recipe}-${safe(dataset)}-${steps}-seed${seed}`);
      const args = [recipe, '--dataset', dataset, '--steps', String(steps), '--seed', String(seed)].concat(
        presetArgs(recipe),
        ['--eval-every', String(Math.ceil(steps / 3)), '--eval-episodes', '10'],
      );
      runs.push(ensureRun(dir, 'checkpoint.safetensors', args, `${recipe} on ${dataset}, seed ${seed}`));
    }
  }
}
const onlineRuns = [];
for (const dataset of onlineDatasets) {
  for (const recipe of onlineRecipes) {
    if (!runsOn('online', recipe, dataset)) continue;
    const pretrain = noPretraining[recipe] === undefined ? pretrainSteps : 0;
    for (let seed = 0; seed < seedsOf('online', recipe, onlineSeeds); seed++) {
      const dir = join(
        runsRoot,
        `online-${recipe}-${safe(dataset)}-${pretrain}-env${envSteps}-utd${utd}-seed${seed}`,
      );
      // The environment is the dataset's own (`offrl train` reads it from the built-in id).
      const args = [recipe, '--dataset', dataset, '--steps', String(pretrain), '--seed', String(seed)].concat(
        presetArgs(recipe),
        ['--env-steps', String(envSteps), '--buffer', 'mixed', '--utd', String(utd)],
        ['--eval-every', String(Math.ceil(envSteps / 4)), '--eval-episodes', '10'],
      );
      const what = `${recipe} on ${dataset}, then online, seed ${seed}`;
      onlineRuns.push(ensureRun(dir, 'state.safetensors', args, what));
    }
  }
}

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
/**
 * Training and evaluation seconds of a run: the last `time` in its metrics (reused runs count too),
 * summed over the segments of a resumed run (each process counts its time from its own start).
 */
const runSeconds = (dir) => {
  const times = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line).time ?? 0);
  let total = 0;
  let segment = 0;
  for (const time of times) {
    if (time < segment) total += segment;
    segment = time;
  }
  return total + segment;
};
const minutes = (dirs) => dirs.reduce((sum, dir) => sum + runSeconds(dir), 0) / 60;
/** The behaviour data's own normalised score: its mean episode return on the runs' env. */
const dataScore = (dataset) => {
  const dir = [...runs, ...onlineRuns].find((d) => readJson(join(d, 'summary.json')).dataset === dataset);
  const { env } = readJson(join(dir, 'summary.json'));
  const info = JSON.parse(offrl(['datasets', 'info', dataset, '--json']));
  return 100 * normalizedScore(env, info.returns.mean);
};
/** Mean ± std over seeds; one seed's score alone (no spread to show). */
const meanStd = (scores) =>
  scores.length === 1
    ? scores[0].toFixed(1)
    : `${mean(scores).toFixed(1)} ± ${standardDeviation(scores).toFixed(1)}`;
const notRun = (table, recipe) => `not run (cost: ${limitOf(table, recipe).cost})`;

mkdirSync(join(root, 'docs'), { recursive: true });
const lines = [
  '# Results',
  '',
  `Regenerated by \`pnpm results\` (scripts/results.mjs) on ${new Date().toISOString().slice(0, 10)}. Scores are`,
  "normalised ×100: 0 is a random policy and 100 an expert: D4RL's reference returns for the MuJoCo",
  "tasks, offrl's own for Pendulum (random −1251.97, the swing-up controller −156.97). The built-in",
  "MuJoCo behaviour policies are far weaker than D4RL's (expert ≈ 22 on this scale, from 50k–100k SAC",
  'steps; packages/cli/README.md), so their scores are small. Every run evaluates on 10 episodes; the',
  'wasm backend with the onnxruntime matMul accelerator, one thread.',
  '',
];
const offlineLimited = recipes.filter((r) => limitOf('offline', r) !== undefined);
const onlineLimited = onlineRecipes.filter((r) => limitOf('online', r) !== undefined);
if (runs.length > 0) {
  const { groups } = JSON.parse(offrl(['report', ...runs, '--out', join(runsRoot, 'report'), '--json']));
  const cell = (recipe, dataset) => {
    if (!runsOn('offline', recipe, dataset)) return notRun('offline', recipe);
    const g = groups.find((group) => group.recipe === recipe && group.dataset === dataset);
    if (g.seeds === 1) return `${g.finalMean.toFixed(1)} (1 seed)`;
    const fewer = g.seeds < seeds ? `, ${g.seeds} seeds` : '';
    return `${g.finalMean.toFixed(1)} ± ${g.finalStd.toFixed(1)} (IQM ${g.finalIqm.toFixed(1)}${fewer})`;
  };
  lines.push(
    '## Offline',
    '',
    `Each recipe at its reference defaults${recipes.some((r) => presets[r] !== undefined) ? ' or the named preset (packages/recipes, with its reason)' : ''}, ${steps} updates, ${seeds} seed(s); the`,
    'final normalised score as mean ± std over seeds, with the interquartile mean, and the behaviour',
    "data's own score. SAC runs offline at its online reference settings: it is listed to show that an",
    'unconstrained actor-critic fails on fixed data.',
    ...offlineLimited.map(
      (r) =>
        `${label(r)} runs only on ${limits.offline[r].datasets.join(', ') || 'none of the datasets'}${limits.offline[r].seeds === undefined ? '' : ` with at most ${limits.offline[r].seeds} seed(s)`}: ${limits.offline[r].cost} here (\`--all\` runs it everywhere).`,
    ),
    '',
    `| dataset | data | ${recipes.map(label).join(' | ')} |`,
    `|---|---:|${recipes.map(() => '---:').join('|')}|`,
    ...datasets.map(
      (dataset) =>
        `| ${dataset} | ${dataScore(dataset).toFixed(1)} | ${recipes.map((r) => cell(r, dataset)).join(' | ')} |`,
    ),
    '',
    `${runs.length} runs, ${minutes(runs).toFixed(0)} minutes of training and evaluation in all on this machine.`,
    '',
  );
}
if (onlineRuns.length > 0 || onlineLimited.length > 0) {
  const summaries = onlineRuns.map((dir) => readJson(join(dir, 'summary.json')));
  const bcScore = (dataset) => {
    const dir = runs.find((d) => d.endsWith(`bc-${safe(dataset)}-${steps}-seed0`));
    if (dir === undefined) return 'not in the offline table';
    const finals = runs
      .filter((d) => d.includes(`/bc-${safe(dataset)}-${steps}-seed`))
      .map((d) => 100 * readJson(join(d, 'summary.json')).final.normalizedScore);
    return `${meanStd(finals)} (${steps} updates)`;
  };
  const row = (recipe, dataset) => {
    if (!runsOn('online', recipe, dataset)) {
      return `| ${dataset} | ${label(recipe)} | ${notRun('online', recipe)} | | | | | | |`;
    }
    const mine = summaries.filter((s) => s.recipe === recipe && s.dataset === dataset);
    const switches = mine.map((s) => 100 * s.switch.normalizedScore);
    const finals = mine.map((s) => 100 * s.final.normalizedScore);
    const change = mine.map((s) => 100 * (s.final.normalizedScore - s.switch.normalizedScore));
    const dips = mine.map((s) => 100 * s.dip);
    const pretrained = noPretraining[recipe] === undefined;
    return (
      `| ${dataset} → ${mine[0].env} | ${label(recipe)} | ${pretrained ? pretrainSteps : '0 (none)'} | ` +
      `${pretrained ? meanStd(switches) : `(initial policy ${meanStd(switches)})`} | ${envSteps} | ` +
      `${meanStd(finals)} | ${pretrained ? meanStd(change) : '–'} | ${pretrained ? meanStd(dips) : '–'} | ${mine.length} |`
    );
  };
  lines.push(
    '## Offline to online',
    '',
    `Offline pretraining for ${pretrainSteps} updates on the dataset, then ${envSteps} steps in its environment`,
    `(one env, no random warm-up) at ${utd} update(s) per env step, sampling half of each batch from the`,
    'dataset and half from the online buffer (`--buffer mixed`); each recipe at its reference defaults',
    'or the named preset. The scores are the normalised score ×100 as mean ± std over seeds, evaluated',
    'at the switch to online training and after the last env step; the change is per seed, final minus',
    'switch, and the dip the switch score minus the lowest online evaluation (the unlearning',
    `fine-tuning risks, Cal-QL's concern; evaluations every ${Math.ceil(envSteps / 4)} env steps). ${Object.values(noPretraining).join('. ')}; the table gives its initial policy's score in the`,
    'first score column.',
    ...onlineRecipes.filter((r) => loopNotes[r] !== undefined).map((r) => `${loopNotes[r]}.`),
    ...onlineLimited.map((r) =>
      limits.online[r].datasets.length === 0
        ? `${label(r)} is not fine-tuned here: ${limits.online[r].cost} (\`--all\` runs it).`
        : `${label(r)} runs online only on ${limits.online[r].datasets.join(', ')}: ${limits.online[r].cost} here (\`--all\` runs it).`,
    ),
    '',
    '| dataset | recipe | offline updates | after offline | env steps | after online | change | dip | seeds |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...onlineDatasets.flatMap((dataset) => onlineRecipes.map((recipe) => row(recipe, dataset))),
    '',
    ...onlineDatasets.map((dataset) => `BC offline on ${dataset}: ${bcScore(dataset)}.`),
    '',
    `${onlineRuns.length} runs, ${minutes(onlineRuns).toFixed(0)} minutes of training and evaluation in all on this machine.`,
    '',
  );
}
// The findings written by hand below the tables (from a '## Findings' heading on) are kept.
const resultsPath = join(root, 'docs', 'results.md');
const findings = existsSync(resultsPath)
  ? readFileSync(resultsPath, 'utf8').split(/^## Findings$/m)[1]
  : undefined;
if (findings !== undefined) lines.push(`## Findings${findings.trimEnd()}`, '');
writeFileSync(resultsPath, lines.join('\n'));
console.log(lines.join('\n'));
