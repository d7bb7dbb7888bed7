/** `offrl recipes` and `offrl envs`: what can be named on the command line. */
import { parseArgs } from 'node:util';
import { envIds } from '@offrl/envs';
import { recipeNames } from '@offrl/recipes';
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

export const recipesCommand = listing('offrl recipes', 'list the recipes', recipeNames);
export const envsCommand = listing('offrl envs', 'list the environments', () => envIds);
