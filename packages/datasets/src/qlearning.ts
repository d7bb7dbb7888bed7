import { DatasetError } from './errors.js';
import { selectRows } from './select.js';
import type { TransitionDataset } from './transitions.js';

/** Options of `qlearningDataset`. */
export interface QLearningOptions {
  /** D4RL's `terminate_on_end`: keep the last step of timeout episodes. Default false. */
  readonly terminateOnEnd?: boolean;
  /**
   * Count steps instead of reading `timeouts` (D4RL's fallback for files without a `timeouts` key,
   * with `env._max_episode_steps`, 1000 for the locomotion tasks).
   */
  readonly maxEpisodeSteps?: number | undefined;
}

/**
 * D4RL's `qlearning_dataset` row selection (d4rl/__init__.py):
 * - the last row of the file is dropped (it has no successor row);
 * - unless `terminateOnEnd`, every timeout row is dropped, because D4RL builds the next observation
 *   from `observations[i+1]`, which after a timeout belongs to the next episode. The row before a
 *   dropped timeout becomes an unflagged episode end here, so it still bootstraps.
 * Without timeouts, a row is "final" when D4RL's step counter reaches `maxEpisodeSteps − 1`. The
 * counter is reproduced exactly, including its quirk: it is set to 0 on a terminal or final row and
 * then incremented for that row, so after a terminal the next episode counts from 1.
 *
 * Difference, documented in the README: next observations come from the dataset (the file's
 * `next_observations` when it has them), not from `observations[i+1]`. They agree on every kept row
 * but terminal ones, where D4RL stores the next episode's first observation (masked out of the TD
 * target either way).
 */
export function qlearningDataset(
  dataset: TransitionDataset,
  options: QLearningOptions = {},
): TransitionDataset {
  const { terminateOnEnd = false, maxEpisodeSteps } = options;
  if (maxEpisodeSteps !== undefined && !(Number.isInteger(maxEpisodeSteps) && maxEpisodeSteps > 0)) {
    throw new DatasetError('bad-argument', `must be a positive integer, got ${maxEpisodeSteps}`, {
      file: dataset.source,
      field: 'maxEpisodeSteps',
    });
  }
  const rows: number[] = [];
  let episodeStep = 0;
  for (let i = 0; i < dataset.size - 1; i++) {
    const final =
      maxEpisodeSteps === undefined ? dataset.timeouts[i] === 1 : episodeStep === maxEpisodeSteps - 1;
    if (!terminateOnEnd && final) {
      episodeStep = 0;
      continue;
    }
    if (dataset.terminals[i] === 1 || final) episodeStep = 0;
    rows.push(i);
    episodeStep++;
  }
  return selectRows(dataset, Uint32Array.from(rows));
}

/**
 * Timeouts for a file that has none: a row is a timeout when it is the `maxEpisodeSteps`-th step of
 * its episode and not a terminal. Steps count from 1 after each terminal or timeout.
 */
export function inferTimeouts(terminals: Uint8Array, maxEpisodeSteps: number): Uint8Array {
  const timeouts = new Uint8Array(terminals.length);
  let step = 0;
  for (let i = 0; i < terminals.length; i++) {
    step++;
    if (terminals[i] === 1) step = 0;
    else if (step === maxEpisodeSteps) {
      timeouts[i] = 1;
      step = 0;
    }
  }
  return timeouts;
}
