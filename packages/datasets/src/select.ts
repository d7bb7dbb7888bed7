import type { Column } from './column.js';
import { gatherColumnRows, gatherRows } from './column.js';
import { episodeReturns } from './episodes.js';
import { DatasetError } from './errors.js';
import type { TransitionDataset } from './transitions.js';
import { transitionsOrThrow } from './transitions.js';

/**
 * A new dataset made of the listed rows (strictly increasing) of `dataset`, infos included.
 * A kept row ends an episode if it ended one before, or if the next kept row is not its successor
 * in the original (a dropped row breaks the episode: the kept row becomes an unflagged, bootstrapped
 * episode end).
 */
export function selectRows(dataset: TransitionDataset, rows: Uint32Array): TransitionDataset {
  for (let j = 0; j < rows.length; j++) {
    if (rows[j]! >= dataset.size || (j > 0 && rows[j]! <= rows[j - 1]!)) {
      throw new DatasetError(
        'bad-argument',
        `row ${rows[j]} at position ${j} is not increasing below ${dataset.size}`,
        {
          file: dataset.source,
          field: 'rows',
        },
      );
    }
  }
  const endsHere = new Uint8Array(dataset.size);
  for (const end of dataset.episodeEnds) endsHere[end - 1] = 1;
  const ends: number[] = [];
  for (let j = 0; j < rows.length; j++) {
    const row = rows[j]!;
    if (endsHere[row] === 1 || j === rows.length - 1 || rows[j + 1] !== row + 1) ends.push(j + 1);
  }
  const gather = <T extends Float32Array | Uint8Array>(source: T, width: number): T => {
    const target = new (source.constructor as new (length: number) => T)(rows.length * width);
    gatherRows(source, width, rows, target);
    return target;
  };
  const infos: Record<string, Column> = {};
  for (const [name, column] of Object.entries(dataset.infos)) infos[name] = gatherColumnRows(column, rows);
  return transitionsOrThrow({
    observationDim: dataset.observationDim,
    actionDim: dataset.actionDim,
    observations: gather(dataset.observations, dataset.observationDim),
    actions: gather(dataset.actions, dataset.actionDim),
    rewards: gather(dataset.rewards, 1),
    nextObservations: gather(dataset.nextObservations, dataset.observationDim),
    terminals: gather(dataset.terminals, 1),
    timeouts: gather(dataset.timeouts, 1),
    episodeEnds: Uint32Array.from(ends),
    mcReturns: dataset.mcReturns === undefined ? undefined : gather(dataset.mcReturns, 1),
    infos,
    metadata: dataset.metadata,
    source: dataset.source,
    warnings: dataset.warnings,
  });
}

/** Options of `topEpisodes`. */
export interface TopEpisodesOptions {
  /** Discount of the return used for ranking; 1 (undiscounted) by default. */
  readonly discount?: number;
}

/**
 * The best `fraction` of episodes by return, in their original order: the "BC-10%" dataset
 * (Chen et al. 2021; CORL `keep_best_trajectories`). Keeps max(1, ⌊fraction · episodes⌋) episodes;
 * ties go to the earlier episode. Cut-off tails count as episodes, as in CORL.
 */
export function topEpisodes(
  dataset: TransitionDataset,
  fraction: number,
  options: TopEpisodesOptions = {},
): TransitionDataset {
  if (!(fraction > 0 && fraction <= 1)) {
    throw new DatasetError('bad-argument', `fraction must be in (0, 1], got ${fraction}`, {
      field: 'fraction',
    });
  }
  const returns = episodeReturns(dataset, options.discount ?? 1);
  const count = Math.max(1, Math.floor(fraction * returns.length));
  const order = Array.from(returns.keys()).sort((a, b) => returns[b]! - returns[a]! || a - b);
  const kept = order.slice(0, count).sort((a, b) => a - b);
  const rows: number[] = [];
  for (const k of kept) {
    const start = k === 0 ? 0 : dataset.episodeEnds[k - 1]!;
    for (let row = start; row < dataset.episodeEnds[k]!; row++) rows.push(row);
  }
  return selectRows(dataset, Uint32Array.from(rows));
}
