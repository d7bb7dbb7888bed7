import * as E from 'fp-ts/lib/Either.js';
import type { Column, MetadataValue } from './column.js';
import { rowWidth } from './column.js';
import { DatasetError } from './errors.js';

/**
 * The rows a sampler can draw from: the fields of a transition, row-major, `size` rows.
 * Both `TransitionDataset` and `ReplayBuffer` satisfy it (a buffer's arrays may be longer than
 * `size`; only rows `[0, size)` are valid).
 *
 * Row `i` is the transition (s_i, a_i, r_i, s'_i) with the flags:
 * - `terminals[i] = 1`: s'_i is a true terminal state of the environment (Gymnasium `terminated`).
 *   The TD target does not bootstrap: y_i = r_i.
 * - `timeouts[i] = 1`: the episode was cut after this step (Gymnasium `truncated`, a time limit).
 *   The TD target bootstraps through it: y_i = r_i + γ·V(s'_i); the next row starts a new episode.
 * - mask_i = 1 − terminals[i] is the factor in y_i = r_i + γ·mask_i·V(s'_i). A row with both flags
 *   set is terminal (mask 0): the environment ended it before the time limit could matter.
 */
export interface TransitionSource {
  readonly size: number;
  readonly observationDim: number;
  readonly actionDim: number;
  readonly observations: Float32Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly nextObservations: Float32Array;
  readonly terminals: Uint8Array;
  readonly timeouts: Uint8Array;
  /** Discounted Monte-Carlo return of each row (Cal-QL), when computed. */
  readonly mcReturns?: Float32Array | undefined;
}

/**
 * A validated transition dataset: a struct of typed arrays plus explicit episode boundaries.
 *
 * `episodeEnds` lists the exclusive end row of each episode, strictly increasing, the last one
 * equal to `size`. Every row with a terminal or a timeout ends an episode; rows after the last such
 * row form a final, cut-off episode. A loader may add further ends where the data proves a break
 * (D4RL's `qlearning_dataset` drops a timeout row, so the row before it ends its episode unflagged);
 * an unflagged end bootstraps like a timeout.
 */
export interface TransitionDataset extends TransitionSource {
  readonly episodeEnds: Uint32Array;
  /** Per-row extra columns (`infos/*` in D4RL and Minari), keyed by their path below `infos/`. */
  readonly infos: Readonly<Record<string, Column>>;
  /** Dataset-level values (`metadata/*` in D4RL), keyed by their path below `metadata/`. */
  readonly metadata: Readonly<Record<string, MetadataValue>>;
  /** The file or directory this dataset came from, for error messages. */
  readonly source?: string | undefined;
  /** Things a loader had to guess, in words (e.g. next observations built from `observations`). */
  readonly warnings: readonly string[];
}

/** Input to `createTransitions`. Arrays are row-major; omitted flags mean all zero. */
export interface TransitionFields {
  readonly observationDim: number;
  readonly actionDim: number;
  readonly observations: Float32Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly nextObservations: Float32Array;
  readonly terminals?: Uint8Array | undefined;
  readonly timeouts?: Uint8Array | undefined;
  /** Extra episode ends beyond those implied by the flags (see `TransitionDataset.episodeEnds`). */
  readonly episodeEnds?: Uint32Array | undefined;
  readonly mcReturns?: Float32Array | undefined;
  readonly infos?: Readonly<Record<string, Column>> | undefined;
  readonly metadata?: Readonly<Record<string, MetadataValue>> | undefined;
  readonly source?: string | undefined;
  readonly warnings?: readonly string[] | undefined;
}

/**
 * Validates the fields and builds a dataset, or returns the first problem found:
 * positive integer dimensions, array lengths that agree with `size × dim`, finite observations,
 * actions, rewards, next observations and MC returns, flags that are 0 or 1, and episode ends that
 * are increasing, end at `size` and include every flagged row. Errors name the field and the row.
 * The arrays are kept, not copied.
 */
export function createTransitions(fields: TransitionFields): E.Either<DatasetError, TransitionDataset> {
  const located = (code: DatasetError['code'], detail: string, field?: string, row?: number) =>
    E.left(new DatasetError(code, detail, { file: fields.source, field, row }));
  const { observationDim, actionDim } = fields;
  for (const [field, dim] of [
    ['observationDim', observationDim],
    ['actionDim', actionDim],
  ] as const) {
    if (!Number.isInteger(dim) || dim <= 0)
      return located('bad-argument', `must be a positive integer, got ${dim}`, field);
  }
  // Types say this already; JavaScript callers and casts get a located error instead of NaN math.
  for (const [field, array, expected] of [
    ['observations', fields.observations, Float32Array],
    ['actions', fields.actions, Float32Array],
    ['rewards', fields.rewards, Float32Array],
    ['nextObservations', fields.nextObservations, Float32Array],
    ['mcReturns', fields.mcReturns, Float32Array],
    ['terminals', fields.terminals, Uint8Array],
    ['timeouts', fields.timeouts, Uint8Array],
    ['episodeEnds', fields.episodeEnds, Uint32Array],
  ] as const) {
    if (array !== undefined && !(array instanceof expected)) {
      const actual = (array as object)?.constructor?.name ?? typeof array;
      return located('bad-dtype', `must be a ${expected.name}, got ${actual}`, field);
    }
  }
  const size = fields.rewards.length;
  const lengths: [string, ArrayLike<number> | undefined, number][] = [
    ['observations', fields.observations, observationDim],
    ['nextObservations', fields.nextObservations, observationDim],
    ['actions', fields.actions, actionDim],
    ['terminals', fields.terminals, 1],
    ['timeouts', fields.timeouts, 1],
    ['mcReturns', fields.mcReturns, 1],
  ];
  for (const [field, array, width] of lengths) {
    if (array !== undefined && array.length !== size * width) {
      return located(
        'row-count-mismatch',
        `has ${array.length / width} rows of width ${width}, but rewards has ${size} rows`,
        field,
      );
    }
  }
  for (const [field, array, width] of [
    ['observations', fields.observations, observationDim],
    ['actions', fields.actions, actionDim],
    ['rewards', fields.rewards, 1],
    ['nextObservations', fields.nextObservations, observationDim],
    ['mcReturns', fields.mcReturns, 1],
  ] as const) {
    if (array === undefined) continue;
    const bad = firstNonFinite(array);
    if (bad >= 0) {
      const column = width === 1 ? '' : ` (column ${bad % width})`;
      return located('non-finite', `${array[bad]}${column}`, field, Math.floor(bad / width));
    }
  }
  const terminals = fields.terminals ?? new Uint8Array(size);
  const timeouts = fields.timeouts ?? new Uint8Array(size);
  for (const [field, flags] of [
    ['terminals', terminals],
    ['timeouts', timeouts],
  ] as const) {
    const bad = flags.findIndex((v) => v > 1);
    if (bad >= 0) return located('bad-value', `flag must be 0 or 1, got ${flags[bad]}`, field, bad);
  }
  for (const [name, column] of Object.entries(fields.infos ?? {})) {
    if (column.shape[0] !== size) {
      return located(
        'row-count-mismatch',
        `has ${column.shape[0]} rows, but rewards has ${size}`,
        `infos/${name}`,
      );
    }
    if (column.data.length !== size * rowWidth(column.shape)) {
      return located(
        'bad-shape',
        `data length ${column.data.length} disagrees with shape [${column.shape}]`,
        `infos/${name}`,
      );
    }
  }
  const ends = mergeEpisodeEnds(terminals, timeouts, fields.episodeEnds);
  if (E.isLeft(ends)) return located('bad-episodes', ends.left.detail, 'episodeEnds', ends.left.row);
  const dataset: TransitionDataset = {
    size,
    observationDim,
    actionDim,
    observations: fields.observations,
    actions: fields.actions,
    rewards: fields.rewards,
    nextObservations: fields.nextObservations,
    terminals,
    timeouts,
    episodeEnds: ends.right,
    infos: fields.infos ?? {},
    metadata: fields.metadata ?? {},
    source: fields.source,
    warnings: fields.warnings ?? [],
    ...(fields.mcReturns === undefined ? {} : { mcReturns: fields.mcReturns }),
  };
  return E.right(dataset);
}

/** `createTransitions` for code that already trusts its input: throws the `DatasetError` instead. */
export function transitionsOrThrow(fields: TransitionFields): TransitionDataset {
  const result = createTransitions(fields);
  if (E.isLeft(result)) throw result.left;
  return result.right;
}

/** Index of the first NaN or ±Infinity, or −1. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) {
    // x − x is NaN exactly for NaN and ±Infinity; cheaper than Number.isFinite in a hot loop.
    const v = values[i]!;
    if (v - v !== 0) return i;
  }
  return -1;
}

/**
 * Episode ends implied by the flags (each flagged row ends one; `size` ends the last), merged with
 * explicit `extra` ends. Extra ends must be increasing and within `(0, size]`.
 */
function mergeEpisodeEnds(
  terminals: Uint8Array,
  timeouts: Uint8Array,
  extra: Uint32Array | undefined,
): E.Either<{ detail: string; row?: number }, Uint32Array> {
  const size = terminals.length;
  if (extra !== undefined) {
    for (let k = 0; k < extra.length; k++) {
      const end = extra[k]!;
      if (end === 0 || end > size || (k > 0 && end <= extra[k - 1]!)) {
        return E.left({ detail: `end ${end} at position ${k} is not increasing within (0, ${size}]` });
      }
    }
  }
  const ends: number[] = [];
  let next = 0; // position in `extra`
  for (let row = 0; row < size; row++) {
    const flagged = terminals[row] === 1 || timeouts[row] === 1;
    let listed = false;
    while (extra !== undefined && next < extra.length && extra[next]! <= row + 1) {
      listed ||= extra[next] === row + 1;
      next++;
    }
    if (flagged || listed || row === size - 1) ends.push(row + 1);
  }
  return E.right(Uint32Array.from(ends));
}
