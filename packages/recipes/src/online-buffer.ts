/**
 * The online replay buffer of `trainOnline`: a `ReplayBuffer` ring that takes a vector env's steps,
 * optionally seeded with the offline data (CORL's IQL/AWAC fine-tuning keeps one buffer: dataset
 * first, online rows appended), and optionally holding Monte-Carlo returns (Cal-QL's online data needs
 * them as the offline data does). With returns, each env's running episode is staged and written when
 * it ends, with G_t = r_t + γ(1 − d_t)·G_{t+1} inside the episode (a time-limit cut bootstraps from
 * nothing, as CORL `cal_ql.py` computes returns of finished online episodes); staged rows are not
 * sampled until then.
 *
 * A snapshot is plain typed arrays (rows [0, size) in the ring's physical order, the next row, and the
 * staged episodes) and `restore` rebuilds the identical ring, so a resumed run samples the same rows.
 * The staged values are float32-rounded on arrival, as the ring stores them, so returns computed
 * before and after a resume agree bit for bit.
 */
import { ReplayBuffer, type TransitionSource } from '@offrl/datasets';

export interface OnlineBufferOptions {
  readonly capacity: number;
  readonly observationDim: number;
  readonly actionDim: number;
  readonly numEnvs: number;
  /** Hold Monte-Carlo returns with this discount γ (Cal-QL); absent: none. */
  readonly mcReturnDiscount?: number | undefined;
}

/** One env's running episode, float32 values, row-major. */
export interface StagedEpisode {
  readonly observations: number[];
  readonly actions: number[];
  readonly rewards: number[];
  readonly nextObservations: number[];
  readonly terminals: number[];
  readonly timeouts: number[];
}

/** Everything a buffer holds, as typed arrays (what a checkpoint stores). */
export interface OnlineBufferSnapshot {
  readonly capacity: number;
  readonly observationDim: number;
  readonly actionDim: number;
  readonly size: number;
  readonly nextRow: number;
  readonly observations: Float32Array;
  readonly actions: Float32Array;
  readonly rewards: Float32Array;
  readonly nextObservations: Float32Array;
  readonly terminals: Uint8Array;
  readonly timeouts: Uint8Array;
  readonly mcReturns?: Float32Array | undefined;
  /** Per env, the rows of its running episode not yet in the ring (with Monte-Carlo returns only). */
  readonly staged: readonly StagedEpisode[];
}

/** One vector-env step's transitions, row i from env i. */
export interface VectorTransitions {
  readonly observations: ArrayLike<number>;
  readonly actions: ArrayLike<number>;
  readonly rewards: ArrayLike<number>;
  readonly nextObservations: ArrayLike<number>;
  readonly terminated: ArrayLike<number>;
  readonly truncated: ArrayLike<number>;
}

const emptyEpisode = (): StagedEpisode => ({
  observations: [],
  actions: [],
  rewards: [],
  nextObservations: [],
  terminals: [],
  timeouts: [],
});

export class OnlineBuffer {
  readonly replay: ReplayBuffer;
  readonly numEnvs: number;
  readonly mcReturnDiscount: number | undefined;
  readonly #staged: StagedEpisode[];

  constructor(options: OnlineBufferOptions) {
    const { capacity, observationDim, actionDim, numEnvs, mcReturnDiscount } = options;
    if (mcReturnDiscount !== undefined && !(mcReturnDiscount >= 0 && mcReturnDiscount <= 1)) {
      throw new RangeError(`OnlineBuffer: mcReturnDiscount must be in [0, 1], got ${mcReturnDiscount}`);
    }
    this.replay = new ReplayBuffer({
      capacity,
      observationDim,
      actionDim,
      mcReturns: mcReturnDiscount !== undefined,
    });
    this.numEnvs = numEnvs;
    this.mcReturnDiscount = mcReturnDiscount;
    this.#staged = Array.from({ length: numEnvs }, emptyEpisode);
  }

  /** The sampleable rows. */
  get source(): TransitionSource {
    return this.replay;
  }

  get size(): number {
    return this.replay.size;
  }

  /** Copies every row of `dataset` in (the 'append' buffer policy); its Monte-Carlo returns when the buffer holds them. */
  addDataset(dataset: TransitionSource): void {
    if (this.mcReturnDiscount !== undefined && dataset.mcReturns === undefined) {
      throw new Error('OnlineBuffer: the buffer holds Monte-Carlo returns and the dataset has none');
    }
    this.replay.addMany({
      observations: dataset.observations.subarray(0, dataset.size * dataset.observationDim),
      actions: dataset.actions.subarray(0, dataset.size * dataset.actionDim),
      rewards: dataset.rewards.subarray(0, dataset.size),
      nextObservations: dataset.nextObservations.subarray(0, dataset.size * dataset.observationDim),
      terminals: dataset.terminals.subarray(0, dataset.size),
      timeouts: dataset.timeouts.subarray(0, dataset.size),
      ...(this.mcReturnDiscount === undefined
        ? {}
        : { mcReturns: dataset.mcReturns!.subarray(0, dataset.size) }),
    });
  }

  /** Adds one vector step (row i from env i); with returns, rows wait until their episode ends. */
  addStep(step: VectorTransitions): void {
    const { numEnvs } = this;
    const { observationDim: od, actionDim: ad } = this.replay;
    if (this.mcReturnDiscount === undefined) {
      const timeouts = new Uint8Array(numEnvs);
      for (let i = 0; i < numEnvs; i++) timeouts[i] = step.truncated[i]! && !step.terminated[i]! ? 1 : 0;
      this.replay.addMany({
        observations: step.observations,
        actions: step.actions,
        rewards: step.rewards,
        nextObservations: step.nextObservations,
        terminals: step.terminated,
        timeouts,
      });
      return;
    }
    for (let i = 0; i < numEnvs; i++) {
      const episode = this.#staged[i]!;
      for (let k = 0; k < od; k++) {
        episode.observations.push(Math.fround(step.observations[i * od + k]!));
        episode.nextObservations.push(Math.fround(step.nextObservations[i * od + k]!));
      }
      for (let k = 0; k < ad; k++) episode.actions.push(Math.fround(step.actions[i * ad + k]!));
      episode.rewards.push(Math.fround(step.rewards[i]!));
      const terminal = step.terminated[i]! ? 1 : 0;
      episode.terminals.push(terminal);
      episode.timeouts.push(step.truncated[i]! && !terminal ? 1 : 0);
      if (step.terminated[i]! || step.truncated[i]!) {
        this.#flush(episode);
        this.#staged[i] = emptyEpisode();
      }
    }
  }

  /**
   * Ends every running episode where it stands (the loop resets its envs at a segment boundary): staged
   * rows are written, the last one marked a timeout (it bootstraps; its return stops there).
   */
  endEpisodes(): void {
    if (this.mcReturnDiscount === undefined) return;
    this.#staged.forEach((episode, i) => {
      const last = episode.rewards.length - 1;
      if (last < 0) return;
      episode.timeouts[last] = episode.terminals[last] === 1 ? 0 : 1;
      this.#flush(episode);
      this.#staged[i] = emptyEpisode();
    });
  }

  #flush(episode: StagedEpisode): void {
    const gamma = this.mcReturnDiscount!;
    const length = episode.rewards.length;
    const mcReturns = new Float32Array(length);
    let next = 0;
    for (let t = length - 1; t >= 0; t--) {
      next = episode.rewards[t]! + gamma * (1 - episode.terminals[t]!) * next;
      mcReturns[t] = next;
    }
    this.replay.addMany({ ...episode, mcReturns });
  }

  snapshot(): OnlineBufferSnapshot {
    const { replay } = this;
    const { size, observationDim: od, actionDim: ad } = replay;
    return {
      capacity: replay.capacity,
      observationDim: od,
      actionDim: ad,
      size,
      nextRow: replay.nextRow,
      observations: replay.observations.slice(0, size * od),
      actions: replay.actions.slice(0, size * ad),
      rewards: replay.rewards.slice(0, size),
      nextObservations: replay.nextObservations.slice(0, size * od),
      terminals: replay.terminals.slice(0, size),
      timeouts: replay.timeouts.slice(0, size),
      mcReturns: replay.mcReturns?.slice(0, size),
      staged: this.#staged.map((episode) => ({
        observations: [...episode.observations],
        actions: [...episode.actions],
        rewards: [...episode.rewards],
        nextObservations: [...episode.nextObservations],
        terminals: [...episode.terminals],
        timeouts: [...episode.timeouts],
      })),
    };
  }

  /**
   * The buffer a snapshot was taken of. A full ring is refilled in physical order and then its first
   * `nextRow` rows once more (overwriting them with themselves), which leaves the same rows and the same
   * next row: `ReplayBuffer` has no setter for its write position.
   */
  static restore(snapshot: OnlineBufferSnapshot, mcReturnDiscount?: number): OnlineBuffer {
    const { capacity, observationDim: od, actionDim: ad, size, nextRow } = snapshot;
    const buffer = new OnlineBuffer({
      capacity,
      observationDim: od,
      actionDim: ad,
      numEnvs: snapshot.staged.length,
      mcReturnDiscount,
    });
    if ((snapshot.mcReturns !== undefined) !== (mcReturnDiscount !== undefined)) {
      throw new Error(
        'OnlineBuffer.restore: the snapshot and the options disagree about Monte-Carlo returns',
      );
    }
    if (size < capacity && nextRow !== size) {
      throw new Error(
        `OnlineBuffer.restore: a ring of ${size} < ${capacity} rows must write next at ${size}, not ${nextRow}`,
      );
    }
    const rows = (begin: number, end: number) => ({
      observations: snapshot.observations.subarray(begin * od, end * od),
      actions: snapshot.actions.subarray(begin * ad, end * ad),
      rewards: snapshot.rewards.subarray(begin, end),
      nextObservations: snapshot.nextObservations.subarray(begin * od, end * od),
      terminals: snapshot.terminals.subarray(begin, end),
      timeouts: snapshot.timeouts.subarray(begin, end),
      ...(snapshot.mcReturns === undefined ? {} : { mcReturns: snapshot.mcReturns.subarray(begin, end) }),
    });
    buffer.replay.addMany(rows(0, size));
    if (size === capacity && nextRow > 0) buffer.replay.addMany(rows(0, nextRow));
    snapshot.staged.forEach((episode, i) => {
      const target = buffer.#staged[i]!;
      for (const field of Object.keys(target) as (keyof StagedEpisode)[])
        target[field].push(...episode[field]);
    });
    return buffer;
  }
}
