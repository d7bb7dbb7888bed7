/** `offrl eval <run-dir|checkpoint> [--episodes N] [--env <id>] [--seed S]`: score a trained policy. */
import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { evaluate } from '@offrl/recipes';
import { disposeTree, initBackend } from '@offrl/tensor';
import { integerOption, noExtraArguments } from '../arguments.js';
import { loadCheckpoint } from '../checkpoint.js';
import type { Command } from '../command.js';
import { runFiles } from '../run-directory.js';
import { UsageError } from '../usage-error.js';

const EVAL_USAGE = `offrl eval <run-dir|checkpoint> [--episodes N] [--env <id>] [--seed S] [--json]`;

const runEval: Command['run'] = async (argv, print) => {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      episodes: { type: 'string' },
      env: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const [target, ...rest] = positionals;
  if (target === undefined) throw new UsageError(`eval needs a run directory or checkpoint\n${EVAL_USAGE}`);
  noExtraArguments(rest);
  const episodes = integerOption('episodes', values.episodes, 10);
  const seed = integerOption('seed', values.seed, 0, 0);
  if (!existsSync(target)) throw new Error(`'${target}' does not exist`);
  const path = statSync(target).isDirectory() ? runFiles(target).checkpoint : target;
  if (!existsSync(path)) throw new Error(`'${target}' has no checkpoint.safetensors yet`);
  await initBackend();
  const { config, step, recipe, state } = await loadCheckpoint(path);
  const env = values.env ?? config.env;
  try {
    const result = await evaluate(recipe, state, env, { episodes, seed });
    const record = {
      recipe: config.recipe,
      env,
      step,
      episodes,
      meanReturn: result.meanReturn,
      stdReturn: result.stdReturn,
      normalizedScore: result.meanNormalizedScore,
    };
    if (values.json) print(JSON.stringify(record));
    else
      print(
        `${config.recipe} at step ${step} on ${env}: return ${result.meanReturn.toFixed(1)} ± ${result.stdReturn.toFixed(1)} ` +
          `over ${episodes} episodes, normalised ${(100 * result.meanNormalizedScore).toFixed(1)}`,
      );
    return 0;
  } finally {
    disposeTree(state);
  }
};

export const evalCommand: Command = {
  usage: EVAL_USAGE,
  summary: "score a run's checkpoint (or a checkpoint file) on its environment",
  run: runEval,
};
