/**
 * A run directory: what a person or a script needs to understand and continue a training run.
 *   config.json         the resolved configuration (recipe, dataset, env, seed, steps, overrides)
 *   metrics.jsonl       one JSON object per report: {"step", "time", ...metrics}
 *   checkpoint.safetensors  the latest training state, with the step and recipe in its metadata
 *   summary.json        final and best evaluation, written when the run ends
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RunFiles {
  readonly dir: string;
  readonly config: string;
  readonly metrics: string;
  readonly checkpoint: string;
  readonly summary: string;
}

export const runFiles = (dir: string): RunFiles => ({
  dir,
  config: join(dir, 'config.json'),
  metrics: join(dir, 'metrics.jsonl'),
  checkpoint: join(dir, 'checkpoint.safetensors'),
  summary: join(dir, 'summary.json'),
});

/** Creates the directory; refuses one that already holds a run, so nothing is overwritten. */
export const createRunDirectory = (dir: string, config: unknown): RunFiles => {
  const files = runFiles(dir);
  if (existsSync(files.config)) {
    throw new Error(
      `run directory '${dir}' already holds a run; pass --resume ${dir} or choose another --out`,
    );
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(files.config, `${JSON.stringify(config, null, 2)}\n`);
  return files;
};

/** Rewrites config.json of an existing run (a resumed run asked for more steps). */
export const updateRunConfig = (files: RunFiles, config: unknown): void => {
  writeFileSync(files.config, `${JSON.stringify(config, null, 2)}\n`);
};

export const readRunConfig = <T>(dir: string): T => {
  const { config } = runFiles(dir);
  if (!existsSync(config)) throw new Error(`'${dir}' is not a run directory: it has no config.json`);
  try {
    return JSON.parse(readFileSync(config, 'utf8')) as T;
  } catch (error) {
    throw new Error(`${config}: not valid JSON (${(error as Error).message})`);
  }
};

export const appendMetrics = (files: RunFiles, record: Readonly<Record<string, number | string>>): void => {
  appendFileSync(files.metrics, `${JSON.stringify(record)}\n`);
};

/** Every record of metrics.jsonl; a torn last line (a run killed mid-write) is skipped, others are errors. */
export const readMetrics = (dir: string): Record<string, number | string>[] => {
  const { metrics } = runFiles(dir);
  if (!existsSync(metrics)) return [];
  const lines = readFileSync(metrics, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  return lines.flatMap((line, i) => {
    try {
      return [JSON.parse(line) as Record<string, number | string>];
    } catch {
      if (i === lines.length - 1) return [];
      throw new Error(`${metrics}, line ${i + 1}: not valid JSON`);
    }
  });
};

export const writeSummary = (files: RunFiles, summary: unknown): void => {
  writeFileSync(files.summary, `${JSON.stringify(summary, null, 2)}\n`);
};
