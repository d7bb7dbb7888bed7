/** `offrl recipes` and `offrl envs`: what can be named on the command line. */
import { parseArgs } from 'node:util';
import { envIds } from '@offrl/envs';
import { recipeDefaults, recipeNames } from '@offrl/recipes';
import { noExtraArguments } from '../arguments.js';
import type { Command } from '../command.js';

const listing = (usage: string, summary: string, names: () => readonly string[]): Command => ({
  usage,
  summary,
  run: async (argv, print) => {
    noExtraArguments(parseArgs({ args: [...argv], allowPositionals: true, options: {} }).positionals);
    for (const name of names()) print(name);
    return 0;
  },
});

/** Each recipe with its options and reference defaults, as `--set key=value` takes them. */
const recipesWithOptions = (): string[] =>
  recipeNames().map((name) => {
    const options = Object.entries(recipeDefaults[name] ?? {}).map(
      ([key, value]) => `${key}=${value === undefined ? '(derived)' : JSON.stringify(value)}`,
    );
    return `${name}\n  ${options.join('\n  ')}`;
  });

export const recipesCommand = listing(
  'offrl recipes',
  'list the recipes with their options and defaults (set them with train --set key=value)',
  recipesWithOptions,
);
export const envsCommand = listing('offrl envs', 'list the environments', () => envIds);
