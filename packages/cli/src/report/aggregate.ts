/** Runs grouped by (recipe, dataset), with their scores aggregated over seeds. */
import type { RunResult } from './runs.js';
import { bootstrapInterval, interquartileMean, mean, standardDeviation } from './statistics.js';

export interface GroupSummary {
  readonly recipe: string;
  readonly dataset: string;
  readonly seeds: number;
  readonly steps: number;
  readonly finalMean: number;
  readonly finalStd: number;
  readonly bestMean: number;
  readonly finalIqm: number;
  readonly finalIqmLow: number;
  readonly finalIqmHigh: number;
}

export const groupLabel = (run: { recipe: string; dataset: string }): string =>
  `${run.recipe} on ${run.dataset}`;

export const summariseGroups = (runs: readonly RunResult[]): GroupSummary[] => {
  const groups = new Map<string, RunResult[]>();
  for (const run of runs) groups.set(groupLabel(run), [...(groups.get(groupLabel(run)) ?? []), run]);
  return [...groups.values()].map((members) => {
    const finals = members.map((run) => run.final);
    const interval = bootstrapInterval(finals, interquartileMean);
    return {
      recipe: members[0]!.recipe,
      dataset: members[0]!.dataset,
      seeds: members.length,
      steps: Math.min(...members.map((run) => run.steps)),
      finalMean: mean(finals),
      finalStd: standardDeviation(finals),
      bestMean: mean(members.map((run) => run.best)),
      finalIqm: interquartileMean(finals),
      finalIqmLow: interval.low,
      finalIqmHigh: interval.high,
    };
  });
};
