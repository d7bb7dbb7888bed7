/**
 * `offrl demo`: the main job. IQL and, for comparison, behaviour cloning train on the built-in
 * `pendulum-medium-v0` dataset (episodes of an SAC policy at a third of expert, D4RL's recipe), each
 * into its own run directory, then `offrl report` scores them side by side.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { integerOption, noExtraArguments } from '../arguments.js';
import type { Command } from '../command.js';
import { reportCommand } from './report.js';
import { trainCommand } from './train.js';

export const demoCommand: Command = {
  usage: 'offrl demo [--steps N] [--episodes N] [--seed S] [--out DIR]',
  summary: 'train IQL and BC on the built-in pendulum-medium-v0 dataset and report their scores',
  run: async (argv, print) => {
    const { positionals, values } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        steps: { type: 'string' },
        episodes: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
      },
    });
    noExtraArguments(positionals);
    const steps = integerOption('steps', values.steps, 3000);
    const episodes = integerOption('episodes', values.episodes, 100);
    const seed = integerOption('seed', values.seed, 0, 0);
    const out = values.out ?? join('runs', `demo-${Date.now()}`);
    const common = [
      ...['--dataset', `pendulum-medium-v0:${episodes}`, '--steps', String(steps), '--seed', String(seed)],
      ...['--eval-every', String(Math.max(1, Math.ceil(steps / 3))), '--eval-episodes', '10'],
    ];
    const runs = ['iql', 'bc'].map((recipe) => join(out, recipe));
    for (const [i, recipe] of ['iql', 'bc'].entries()) {
      print(`\n== ${recipe} on pendulum-medium-v0 (${episodes} episodes), ${steps} updates ==`);
      const code = await trainCommand.run([recipe, ...common, '--out', runs[i]!], print);
      if (code !== 0) return code;
    }
    print('\n== report ==');
    return reportCommand.run([...runs, '--out', join(out, 'report')], print);
  },
};
