/** `offrl eval <run-dir|checkpoint> [--episodes N] [--env <id>] [--seed S]`: score a trained policy. */
import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { evaluate } from '@offrl/recipes';
import { disposeTree, initBackend } from '@offrl/tensor';
import { loadCheckpoint } from '../checkpoint.js';
import { runFiles } from '../run-directory.js';
import { UsageError } from '../usage-error.js';

export const EVAL_USAGE = `offrl eval <run-dir|checkpoint> [--episodes N] [--env <id>] [--seed S] [--json]`;

export const evalCommand = async (
  argv: readonly string[],
  print: (line: string) => void,
): Promise<number> => {
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
  if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
  const episodes = Number(values.episodes ?? 10);
  if (!Number.isInteger(episodes) || episodes < 1)
    throw new UsageError(`--episodes must be a positive integer, got '${values.episodes}'`);
  const seed = Number(values.seed ?? 0);
  if (!Number.isInteger(seed) || seed < 0)
    throw new UsageError(`--seed must be a non-negative integer, got '${values.seed}'`);
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
