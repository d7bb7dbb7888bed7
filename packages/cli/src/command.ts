/** One `offrl` subcommand: its usage text and what it does with the arguments after its name. */
export interface Command {
  readonly usage: string;
  readonly summary: string;
  run(argv: readonly string[], print: (line: string) => void): Promise<number>;
}
