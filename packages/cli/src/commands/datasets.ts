/** `offrl datasets list | info <id|path> [--json] | generate <id> [--seed S] | export <id|path> ...`. */
import { parseArgs } from 'node:util';
import { describe, writeD4RL, writeMinari } from '@offrl/datasets';
import { noExtraArguments } from '../arguments.js';
import { builtinDataset, parseBuiltinId } from '../builtin/builtin-datasets.js';
import type { Command } from '../command.js';
import { generatedDatasets, loadDataset } from '../load-dataset.js';
import { UsageError } from '../usage-error.js';

const DATASETS_USAGE = `offrl datasets list                      datasets offrl can make itself
offrl datasets info <id|path> [--json]   size, dimensions, flags and returns of a dataset
                                         (a D4RL .hdf5 file, a Minari directory or id, or a built-in id)
offrl datasets generate <id[:episodes]> [--seed S]
                                         make a built-in dataset (e.g. hopper-medium-v0:20) into
                                         the cache ($OFFRL_CACHE, default ~/.cache/offrl) and print its path
offrl datasets export <id|path> --format d4rl|minari --out PATH
                                         write a dataset as a D4RL file or a Minari directory`;

const fixed = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : String(value));

const runDatasets: Command['run'] = async (argv, print) => {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      format: { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const [action, target, ...rest] = positionals;
  noExtraArguments(rest);
  switch (action) {
    case 'list':
      for (const id of generatedDatasets) print(id);
      return 0;
    case 'info': {
      if (target === undefined) throw new UsageError('datasets info needs a dataset id or path');
      const { format, dataset } = await loadDataset(target);
      const info = { format, ...describe(dataset) };
      if (values.json) {
        print(JSON.stringify(info));
      } else {
        print(`format        ${info.format}`);
        print(`transitions   ${info.transitions}`);
        print(`episodes      ${info.episodes}`);
        print(`observations  ${info.observationDim}`);
        print(`actions       ${info.actionDim}`);
        print(`terminals     ${info.terminals}`);
        print(`timeouts      ${info.timeouts}`);
        print(
          `returns       min ${fixed(info.returns.min)}  mean ${fixed(info.returns.mean)}  max ${fixed(info.returns.max)}`,
        );
      }
      return 0;
    }
    case 'generate': {
      if (target === undefined) throw new UsageError('datasets generate needs a built-in dataset id');
      const seed = values.seed === undefined ? 0 : Number(values.seed);
      if (!Number.isInteger(seed) || seed < 0)
        throw new UsageError(`--seed must be an integer ≥ 0, got '${values.seed}'`);
      const request = parseBuiltinId(target, seed);
      if (request === undefined)
        throw new UsageError(
          `'${target}' is not a built-in dataset; built-ins: ${generatedDatasets.filter((id) => id.endsWith('-v0')).join(', ')}`,
        );
      const { dataset, path, cached } = await builtinDataset(request);
      print(`${cached ? 'cached' : 'generated'} ${dataset.size} transitions: ${path}`);
      return 0;
    }
    case 'export': {
      if (target === undefined) throw new UsageError('datasets export needs a dataset id or path');
      const format = values.format;
      if (format !== 'd4rl' && format !== 'minari') {
        throw new UsageError(`--format must be d4rl or minari, got '${format ?? ''}'`);
      }
      if (values.out === undefined) throw new UsageError('datasets export needs --out PATH');
      const { dataset, envId } = await loadDataset(target);
      if (format === 'd4rl') await writeD4RL(values.out, dataset);
      else
        await writeMinari(
          values.out,
          dataset,
          envId === undefined ? {} : { extraMetadata: { env_spec: envId } },
        );
      print(`wrote ${dataset.size} transitions to ${values.out} (${format})`);
      return 0;
    }
    default:
      throw new UsageError(
        action === undefined
          ? `datasets needs an action\n${DATASETS_USAGE}`
          : `unknown datasets action '${action}'`,
      );
  }
};

export const datasetsCommand: Command = {
  usage: DATASETS_USAGE,
  summary: 'list built-in datasets, or describe a D4RL file, a Minari dataset or a built-in id',
  run: runDatasets,
};
