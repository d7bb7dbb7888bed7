/** The `offrl` command line: dispatches to a subcommand and turns errors into messages and exit codes. */
import type { Command } from './command.js';
import { datasetsCommand } from './commands/datasets.js';
import { demoCommand } from './commands/demo.js';
import { evalCommand } from './commands/eval.js';
import { envsCommand, recipesCommand } from './commands/lists.js';
import { reportCommand } from './commands/report.js';
import { trainCommand } from './commands/train.js';
import { UsageError } from './usage-error.js';

export const commands: Readonly<Record<string, Command>> = {
  train: trainCommand,
  eval: evalCommand,
  report: reportCommand,
  datasets: datasetsCommand,
  demo: demoCommand,
  recipes: recipesCommand,
  envs: envsCommand,
};

const indent = (text: string) => text.replaceAll('\n', '\n    ');

export const usage = (): string =>
  [
    'offrl: offline reinforcement learning',
    '',
    'Commands (offrl <command> --help for one):',
    ...Object.values(commands).map((c) => `  ${indent(c.usage)}\n      ${c.summary}`),
    '',
    'Environment: OFFRL_BACKEND=cpu|wasm|tensorflow|tensorflow-gpu forces a TensorFlow.js backend;',
    'OFFRL_QUIET=1 silences the backend line.',
  ].join('\n');

const wantsHelp = (argv: readonly string[]) => argv.includes('--help') || argv.includes('-h');

/** Runs `offrl <argv>`; returns the exit code: 0 success, 1 failure, 2 a usage error. */
export const main = async (
  argv: readonly string[],
  print = (line: string) => console.log(line),
): Promise<number> => {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      print(usage());
      return name === undefined ? 2 : 0;
    }
    const command = commands[name];
    if (command === undefined) {
      throw new UsageError(`unknown command '${name}'; commands: ${Object.keys(commands).join(', ')}`);
    }
    if (wantsHelp(rest)) {
      print(`${command.usage}\n  ${command.summary}`);
      return 0;
    }
    return await command.run(rest, print);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`offrl: ${message}\n`);
    const code = (error as { code?: string }).code;
    return error instanceof UsageError || code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
  }
};
