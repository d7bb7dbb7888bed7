/** Test helper (not shipped): a committed wasm binary is what its build.sh last built from the committed sources. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

const sha256 = (url: URL): string => createHash('sha256').update(readFileSync(url)).digest('hex');

/** Each of `files` (sources, build.sh, binaries) has the sha256 that `directory`'s build.json records. */
export const expectBuiltFromSources = (directory: URL, files: readonly string[]): void => {
  const build = JSON.parse(readFileSync(new URL('build.json', directory), 'utf8')) as {
    sha256: Record<string, string>;
  };
  for (const name of files)
    expect(build.sha256[name], `${name} is not what build.sh last built (rerun it)`).toBe(
      sha256(new URL(name, directory)),
    );
};
