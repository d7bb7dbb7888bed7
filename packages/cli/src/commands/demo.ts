/**
 * `offrl demo`: the main job. IQL and, for comparison, behaviour cloning train on a built-in D4RL-style
 * dataset, each into its own run directory, then `offrl report` scores them side by side. The default
 * is a scaled-down MuJoCo run (Hopper-v4); `--task pendulum` is the quicker Pendulum one.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describe } from '@offrl/datasets';
import { normalizedScore } from '@offrl/envs';
import { integerOption, noExtraArguments } from '../arguments.js';
import type { Command } from '../command.js';
import { loadDataset } from '../load-dataset.js';
import { UsageError } from '../usage-error.js';
import { reportCommand } from './report.js';
import { trainCommand } from './train.js';

/** Per task: the dataset, updates and evaluation episodes, sized to finish in minutes on two cores. */
const presets = {
  hopper: { dataset: 'hopper-medium-expert-v0', steps: 3000, evalEpisodes: 10 },
  pendulum: { dataset: 'pendulum-medium-v0:100', steps: 3000, evalEpisodes: 10 },
} as const;

type DemoTask = keyof typeof presets;

export const demoCommand: Command = {
  usage:
    'offrl demo [--task hopper|pendulum] [--dataset <id>] [--steps N] [--eval-episodes N] [--seed S] [--out DIR]',
  summary: `train IQL and BC on a built-in dataset (default ${presets.hopper.dataset}) and report their scores`,
  run: async (argv, print) => {
    const { positionals, values } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        task: { type: 'string' },
        dataset: { type: 'string' },
        steps: { type: 'string' },
        'eval-episodes': { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
      },
    });
    noExtraArguments(positionals);
    const task = values.task ?? 'hopper';
    if (!(task in presets))
      throw new UsageError(`--task must be one of ${Object.keys(presets).join(', ')}, got '${task}'`);
    const preset = presets[task as DemoTask];
    const dataset = values.dataset ?? preset.dataset;
    const steps = integerOption('steps', values.steps, preset.steps);
    const evalEpisodes = integerOption('eval-episodes', values['eval-episodes'], preset.evalEpisodes);
    const seed = integerOption('seed', values.seed, 0, 0);
    const out = values.out ?? join('runs', `demo-${Date.now()}`);

    // Made here (or read from the cache) so the data's own score is on screen before training.
    const started = Date.now();
    const loaded = await loadDataset(dataset);
    const info = describe(loaded.dataset);
    const dataScore =
      loaded.envId === undefined
        ? ''
        : `, normalised ${(100 * normalizedScore(loaded.envId, info.returns.mean)).toFixed(1)}`;
    print(
      `${dataset}: ${info.transitions} transitions, ${info.episodes} episodes, mean return ${info.returns.mean.toFixed(1)}${dataScore} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );
    const common = [
      ...['--dataset', dataset, '--steps', String(steps), '--seed', String(seed)],
      ...['--eval-every', String(Math.max(1, Math.ceil(steps / 3))), '--eval-episodes', String(evalEpisodes)],
    ];
    const runs = ['iql', 'bc'].map((recipe) => join(out, recipe));
    for (const [i, recipe] of ['iql', 'bc'].entries()) {
      print(`\n== ${recipe} on ${dataset}, ${steps} updates ==`);
      const code = await trainCommand.run([recipe, ...common, '--out', runs[i]!], print);
      if (code !== 0) return code;
    }
    print('\n== report ==');
    return reportCommand.run([...runs, '--out', join(out, 'report')], print);
  },
};
