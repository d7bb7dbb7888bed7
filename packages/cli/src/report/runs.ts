/** What a report needs from each run directory: its identity, its evaluations, its final and best score. */

import type { RunConfig } from '../run-config.js';
import { readMetrics, readRunConfig } from '../run-directory.js';

export interface RunResult {
  readonly dir: string;
  readonly recipe: string;
  readonly dataset: string;
  readonly seed: number;
  /** (step, normalised score ×100) at each evaluation. */
  readonly curve: readonly (readonly [number, number])[];
  readonly final: number;
  readonly best: number;
  readonly steps: number;
}

export const readRunResult = (dir: string): RunResult => {
  const config = readRunConfig<RunConfig>(dir);
  const curve = readMetrics(dir)
    .filter((record) => typeof record['eval/normalized_score'] === 'number')
    .map((record) => [record['step'] as number, 100 * (record['eval/normalized_score'] as number)] as const);
  if (curve.length === 0) throw new Error(`${dir}: the run has no evaluation yet`);
  const scores = curve.map(([, score]) => score);
  return {
    dir,
    recipe: config.recipe,
    dataset: config.dataset ?? `online ${config.env}`,
    seed: config.seed,
    curve,
    final: scores[scores.length - 1]!,
    best: Math.max(...scores),
    steps: curve[curve.length - 1]![0],
  };
};
