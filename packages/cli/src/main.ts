/** The `offrl` command line: parses arguments, dispatches, and returns an exit code. */
import { parseArgs } from 'node:util';
import { envIds } from '@offrl/envs';
import { recipeNames } from '@offrl/recipes';
import { DATASETS_USAGE, datasetsCommand } from './commands/datasets.js';
import { EVAL_USAGE, evalCommand } from './commands/eval.js';
import { TRAIN_USAGE, trainCommand } from './commands/train.js';
import { runDemo } from './demo.js';
import { UsageError } from './usage-error.js';

const USAGE = `offrl: offline reinforcement learning

Usage:
  offrl demo [--steps N] [--episodes N] [--seed S]   train behaviour cloning on a small Pendulum
                                                     dataset and print its score
  ${TRAIN_USAGE.replaceAll('\n', '\n  ')}
  ${EVAL_USAGE}
  ${DATASETS_USAGE.replaceAll('\n', '\n  ')}
  offrl recipes                                      list the recipes
  offrl envs                                         list the environments
  offrl --help                                       this text

Environment: OFFRL_BACKEND=cpu|wasm|tensorflow|tensorflow-gpu forces a TensorFlow.js backend.`;

const positiveInteger = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`--${name} must be a non-negative integer, got '${value}'`);
  return n;
};

export const main = async (
  argv: readonly string[],
  print = (line: string) => console.log(line),
): Promise<number> => {
  try {
    const [first] = argv;
    if (first === 'datasets') return await datasetsCommand(argv.slice(1), print);
    if (first === 'train') return await trainCommand(argv.slice(1), print);
    if (first === 'eval') return await evalCommand(argv.slice(1), print);
    const { positionals, values } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        steps: { type: 'string' },
        episodes: { type: 'string' },
        seed: { type: 'string' },
      },
    });
    const [command] = positionals;
    if (values.help || command === undefined || command === 'help') {
      print(USAGE);
      return command === undefined && !values.help ? 1 : 0;
    }
    switch (command) {
      case 'demo':
        await runDemo({
          steps: positiveInteger('steps', values.steps, 2000),
          episodes: positiveInteger('episodes', values.episodes, 20),
          seed: positiveInteger('seed', values.seed, 0),
          print,
        });
        return 0;
      case 'recipes':
        for (const name of recipeNames()) print(name);
        return 0;
      case 'envs':
        for (const id of envIds) print(id);
        return 0;
      default:
        throw new UsageError(`unknown command '${command}'; run 'offrl --help' for the commands`);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`offrl: ${message}\n`);
    return error instanceof UsageError ||
      (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
      ? 2
      : 1;
  }
};
