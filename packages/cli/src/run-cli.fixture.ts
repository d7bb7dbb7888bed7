/** Test helper: runs `offrl <argv>` in-process and captures what it prints and writes to stderr. */
import { vi } from 'vitest';
import { main } from './main.js';

export const runCli = async (...argv: string[]) => {
  const lines: string[] = [];
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await main(argv, (line) => lines.push(line));
    return { code, output: lines.join('\n'), errors: stderr.mock.calls.map((c) => String(c[0])).join('') };
  } finally {
    stderr.mockRestore();
  }
};
