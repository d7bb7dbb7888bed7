/**
 * Transitions recorded by `rollout`, in the flat row-major layout of D4RL's HDF5 files.
 * `terminals[i]`: the episode reached a terminal state (do not bootstrap); `timeouts[i]`: it hit the
 * time limit (bootstrap from `nextObservations`). Unlike D4RL, a step can be both: D4RL stores such
 * a step as a timeout only, which makes a terminal state at the time limit look bootstrappable.
 */
export interface Transitions {
  readonly size: number;
  readonly observationSize: number;
  readonly actionSize: number;
  readonly observations: Float64Array;
  readonly actions: Float64Array;
  readonly rewards: Float64Array;
  readonly nextObservations: Float64Array;
  readonly terminals: Uint8Array;
  readonly timeouts: Uint8Array;
}

/** Appends transitions into typed arrays that double in capacity when full. */
export class TransitionRecorder {
  private count = 0;
  private capacity = 1024;
  private observations: Float64Array;
  private actions: Float64Array;
  private rewards = new Float64Array(this.capacity);
  private nextObservations: Float64Array;
  private terminals = new Uint8Array(this.capacity);
  private timeouts = new Uint8Array(this.capacity);

  constructor(
    readonly observationSize: number,
    readonly actionSize: number,
  ) {
    this.observations = new Float64Array(this.capacity * observationSize);
    this.actions = new Float64Array(this.capacity * actionSize);
    this.nextObservations = new Float64Array(this.capacity * observationSize);
  }

  /** Appends one transition; the arrays are copied, so callers may reuse them. */
  push(
    observation: ArrayLike<number>,
    action: ArrayLike<number>,
    reward: number,
    nextObservation: ArrayLike<number>,
    terminal: boolean,
    timeout: boolean,
  ): void {
    if (this.count === this.capacity) this.grow();
    const i = this.count++;
    this.observations.set(observation, i * this.observationSize);
    this.actions.set(action, i * this.actionSize);
    this.rewards[i] = reward;
    this.nextObservations.set(nextObservation, i * this.observationSize);
    this.terminals[i] = terminal ? 1 : 0;
    this.timeouts[i] = timeout ? 1 : 0;
  }

  /** Appends every transition of another recorder, in order, and empties it. */
  drain(other: TransitionRecorder): void {
    const batch = other.finish();
    for (let k = 0; k < batch.size; k++) {
      this.push(
        batch.observations.subarray(k * this.observationSize, (k + 1) * this.observationSize),
        batch.actions.subarray(k * this.actionSize, (k + 1) * this.actionSize),
        batch.rewards[k] as number,
        batch.nextObservations.subarray(k * this.observationSize, (k + 1) * this.observationSize),
        batch.terminals[k] === 1,
        batch.timeouts[k] === 1,
      );
    }
    other.count = 0;
  }

  /** The recorded transitions, trimmed to their size (copies). */
  finish(): Transitions {
    const n = this.count;
    return {
      size: n,
      observationSize: this.observationSize,
      actionSize: this.actionSize,
      observations: this.observations.slice(0, n * this.observationSize),
      actions: this.actions.slice(0, n * this.actionSize),
      rewards: this.rewards.slice(0, n),
      nextObservations: this.nextObservations.slice(0, n * this.observationSize),
      terminals: this.terminals.slice(0, n),
      timeouts: this.timeouts.slice(0, n),
    };
  }

  private grow(): void {
    this.capacity *= 2;
    const enlarge = <T extends Float64Array | Uint8Array>(
      array: T,
      make: (length: number) => T,
      width: number,
    ) => {
      const larger = make(this.capacity * width);
      larger.set(array);
      return larger;
    };
    const float = (length: number) => new Float64Array(length);
    const byte = (length: number) => new Uint8Array(length);
    this.observations = enlarge(this.observations, float, this.observationSize);
    this.actions = enlarge(this.actions, float, this.actionSize);
    this.rewards = enlarge(this.rewards, float, 1);
    this.nextObservations = enlarge(this.nextObservations, float, this.observationSize);
    this.terminals = enlarge(this.terminals, byte, 1);
    this.timeouts = enlarge(this.timeouts, byte, 1);
  }
}
