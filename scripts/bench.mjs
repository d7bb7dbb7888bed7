#!/usr/bin/env node
// Runs every built benchmark (packages/*/dist/bench/*.bench.js), each in its own process so one
// benchmark's warm caches and heap do not colour the next. Each benchmark prints one JSON object per
// line: {"name", "backend", "value", "unit", ...}. Arguments filter by file name substring.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const filters = process.argv.slice(2);
const root = new URL('..', import.meta.url).pathname;
let failures = 0;
for (const pkg of readdirSync(join(root, 'packages')).sort()) {
  const dir = join(root, 'packages', pkg, 'dist', 'bench');
  if (!existsSync(dir)) continue;
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.bench.js')) continue;
    if (filters.length > 0 && !filters.some((f) => `${pkg}/${file}`.includes(f))) continue;
    const result = spawnSync(process.execPath, [join(dir, file)], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (result.status !== 0) {
      failures++;
      console.error(`bench ${pkg}/${file} exited with ${result.status ?? result.signal}`);
    }
  }
}
process.exit(failures === 0 ? 0 : 1);
