import { DatasetError } from './errors.js';
import type { TransitionSource } from './transitions.js';

/** One transition to add to a buffer. `terminal`/`timeout` follow the `TransitionSource` meaning. */
export interface Transition {
  readonly observation: ArrayLike<number>;
  readonly action: ArrayLike<number>;
  readonly reward: number;
  readonly nextObservation: ArrayLike<number>;
  readonly terminal: boolean;
  readonly timeout?: boolean;
  /** Monte-Carlo return of this step; required when the buffer holds them. */
  readonly mcReturn?: number;
}

/** Several transitions, row-major, as from a vectorised environment step. */
export interface TransitionRows {
  readonly observations: ArrayLike<number>;
  readonly actions: ArrayLike<number>;
  readonly rewards: ArrayLike<number>;
  readonly nextObservations: ArrayLike<number>;
  readonly terminals: ArrayLike<number>;
  readonly timeouts?: ArrayLike<number>;
  /** Required when the buffer holds Monte-Carlo returns (e.g. from `monteCarloReturns` of an episode). */
  readonly mcReturns?: ArrayLike<number>;
}

/** Sizes of a replay buffer. */
export interface ReplayBufferShape {
  readonly capacity: number;
  readonly observationDim: number;
  readonly actionDim: number;
  /**
   * Also hold a Monte-Carlo return per row (Cal-QL's online buffer: the return of each step,
   * added once its episode has ended), so samplers fill `batch.mcReturns`.
   */
  readonly mcReturns?: boolean;
}

/**
 * A fixed-capacity ring of transitions over preallocated typed arrays. Adding past capacity
 * overwrites the oldest row. It is a `TransitionSource`, so `sample`, `sampleInto` and the mixed
 * sampler draw from it directly; rows `[0, size)` are valid.
 *
 * A buffer is mutable by design (the online data of a training run); it holds no randomness:
 * sampling takes a seed.
 */
export class ReplayBuffer implements TransitionSource {
  readonly capacity: number;
  readonly observationDim: number;
  readonly actionDim: number;
  readonly observations: Float32Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly nextObservations: Float32Array;
  readonly terminals: Uint8Array;
  readonly timeouts: Uint8Array;
  readonly mcReturns: Float32Array | undefined;
  #size = 0;
  #next = 0;

  constructor({ capacity, observationDim, actionDim, mcReturns = false }: ReplayBufferShape) {
    for (const [field, value] of [
      ['capacity', capacity],
      ['observationDim', observationDim],
      ['actionDim', actionDim],
    ] as const) {
      if (!(Number.isInteger(value) && value > 0)) {
        throw new DatasetError('bad-argument', `must be a positive integer, got ${value}`, { field });
      }
    }
    this.capacity = capacity;
    this.observationDim = observationDim;
    this.actionDim = actionDim;
    this.observations = new Float32Array(capacity * observationDim);
    this.actions = new Float32Array(capacity * actionDim);
    this.rewards = new Float32Array(capacity);
    this.nextObservations = new Float32Array(capacity * observationDim);
    this.terminals = new Uint8Array(capacity);
    this.timeouts = new Uint8Array(capacity);
    this.mcReturns = mcReturns ? new Float32Array(capacity) : undefined;
  }

  /** Number of valid rows: min(added so far, capacity). */
  get size(): number {
    return this.#size;
  }

  /** The row the next `add` writes (the oldest row once the buffer is full). */
  get nextRow(): number {
    return this.#next;
  }

  /** Adds one transition; throws, leaving the buffer unchanged, if a vector has the wrong length or a value is not finite. */
  add(transition: Transition): void {
    const { observationDim: od, actionDim: ad } = this;
    checkVector(transition.observation, od, 'observation');
    checkVector(transition.nextObservation, od, 'nextObservation');
    checkVector(transition.action, ad, 'action');
    checkVector([transition.reward], 1, 'reward');
    if (this.mcReturns !== undefined) checkVector([transition.mcReturn ?? Number.NaN], 1, 'mcReturn');
    const row = this.#claimRow();
    for (let k = 0; k < od; k++) {
      this.observations[row * od + k] = transition.observation[k]!;
      this.nextObservations[row * od + k] = transition.nextObservation[k]!;
    }
    for (let k = 0; k < ad; k++) this.actions[row * ad + k] = transition.action[k]!;
    this.rewards[row] = transition.reward;
    this.terminals[row] = transition.terminal ? 1 : 0;
    this.timeouts[row] = transition.timeout === true ? 1 : 0;
    if (this.mcReturns !== undefined) this.mcReturns[row] = transition.mcReturn!;
  }

  /** Adds `rewards.length` transitions given row-major; validates every row before writing any. */
  addMany(rows: TransitionRows): void {
    const count = rows.rewards.length;
    const widths: [keyof TransitionRows, number][] = [
      ['observations', this.observationDim],
      ['nextObservations', this.observationDim],
      ['actions', this.actionDim],
      ['terminals', 1],
      ['timeouts', 1],
      ['mcReturns', 1],
    ];
    if (this.mcReturns !== undefined && rows.mcReturns === undefined) {
      throw new DatasetError('missing-key', 'the buffer holds Monte-Carlo returns; pass them', {
        field: 'mcReturns',
      });
    }
    for (const [field, width] of widths) {
      const array = rows[field];
      if (array !== undefined && array.length !== count * width) {
        throw new DatasetError(
          'row-count-mismatch',
          `has length ${array.length}, expected ${count} × ${width}`,
          { field },
        );
      }
    }
    for (const [field, array] of [
      ['observations', rows.observations],
      ['nextObservations', rows.nextObservations],
      ['actions', rows.actions],
      ['rewards', rows.rewards],
      ['mcReturns', rows.mcReturns ?? []],
    ] as const) {
      const width = array.length / Math.max(count, 1);
      for (let i = 0; i < array.length; i++) {
        const v = array[i]!;
        if (v - v !== 0)
          throw new DatasetError('non-finite', String(v), { field, row: Math.floor(i / width) });
      }
    }
    const { observationDim: od, actionDim: ad } = this;
    for (let i = 0; i < count; i++) {
      const row = this.#claimRow();
      for (let k = 0; k < od; k++) {
        this.observations[row * od + k] = rows.observations[i * od + k]!;
        this.nextObservations[row * od + k] = rows.nextObservations[i * od + k]!;
      }
      for (let k = 0; k < ad; k++) this.actions[row * ad + k] = rows.actions[i * ad + k]!;
      this.rewards[row] = rows.rewards[i]!;
      this.terminals[row] = rows.terminals[i]! ? 1 : 0;
      this.timeouts[row] = rows.timeouts?.[i] ? 1 : 0;
      if (this.mcReturns !== undefined) this.mcReturns[row] = rows.mcReturns![i]!;
    }
  }

  /** Forgets every row (the arrays are kept). */
  clear(): void {
    this.#size = 0;
    this.#next = 0;
  }

  #claimRow(): number {
    const row = this.#next;
    this.#next = (this.#next + 1) % this.capacity;
    this.#size = Math.min(this.#size + 1, this.capacity);
    return row;
  }
}

function checkVector(values: ArrayLike<number>, width: number, field: string): void {
  if (values.length !== width) {
    throw new DatasetError('dimension-mismatch', `has length ${values.length}, expected ${width}`, { field });
  }
  for (let k = 0; k < width; k++) {
    const v = values[k]!;
    if (v - v !== 0) throw new DatasetError('non-finite', `${v} (column ${k})`, { field });
  }
}
