/** Helpers shared by the envs benchmarks (standalone Node scripts printing one JSON object per line). */

/** One benchmark record, in the format the root `pnpm bench` collects. */
export interface BenchRecord {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly [extra: string]: unknown;
}

export function report(record: BenchRecord): void {
  process.stdout.write(`${JSON.stringify({ backend: 'none', ...record })}\n`);
}

/**
 * Runs `chunk` (which performs some steps and returns how many) repeatedly for `seconds` and
 * returns steps per second.
 */
export function throughput(seconds: number, chunk: () => number): number {
  let steps = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    steps += chunk();
    elapsed = performance.now() - start;
  }
  return steps / (elapsed / 1000);
}

export async function throughputAsync(seconds: number, chunk: () => Promise<number>): Promise<number> {
  let steps = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < seconds * 1000) {
    steps += await chunk();
    elapsed = performance.now() - start;
  }
  return steps / (elapsed / 1000);
}
