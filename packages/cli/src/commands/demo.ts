/** `offrl demo [--steps N] [--episodes N] [--seed S]`. */
import { parseArgs } from 'node:util';
import { integerOption, noExtraArguments } from '../arguments.js';
import type { Command } from '../command.js';
import { runDemo } from '../demo.js';

export const demoCommand: Command = {
  usage: 'offrl demo [--steps N] [--episodes N] [--seed S]',
  summary: 'make a small Pendulum dataset, train behaviour cloning on it and print the score',
  run: async (argv, print) => {
    const { positionals, values } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { steps: { type: 'string' }, episodes: { type: 'string' }, seed: { type: 'string' } },
    });
    noExtraArguments(positionals);
    await runDemo({
      steps: integerOption('steps', values.steps, 2000),
      episodes: integerOption('episodes', values.episodes, 20),
      seed: integerOption('seed', values.seed, 0, 0),
      print,
    });
    return 0;
  },
};
