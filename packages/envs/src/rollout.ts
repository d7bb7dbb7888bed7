import { normalizedScore } from './scores.js';
import { boxSize } from './space.js';
import { TransitionRecorder, type Transitions } from './transitions.js';
import type { VectorEnv } from './vector-env-interface.js';

/** Maps a batch of observations (`numEnvs × observationSize`) to a batch of actions (`numEnvs × actionSize`). */
export type BatchPolicy = (
  observations: Float64Array,
  numEnvs: number,
) => ArrayLike<number> | Promise<ArrayLike<number>>;

export interface RolloutOptions {
  /** Episodes to complete, spread over the envs as evenly as possible. */
  readonly episodes: number;
  /** Seed of the first reset (env i gets seed + i); later episodes continue each env's stream. */
  readonly seed?: number;
  /** Record every transition of the counted episodes. */
  readonly record?: boolean;
}

/** Per-episode results in the order the episodes finished (ties: lower env index first). */
export interface RolloutResult {
  /** Undiscounted return per episode. */
  readonly returns: Float64Array;
  readonly lengths: Uint32Array;
  /** `normalizedScore(env.id, return)` per episode (a fraction; ×100 for papers). */
  readonly normalizedScores: Float64Array;
  /** With `record`: every transition of the counted episodes, each episode contiguous, in the same order. */
  readonly transitions?: Transitions;
}

/**
 * Runs `policy` on a vector env until `episodes` episodes have finished. Each env gets a fixed
 * quota of episodes up front (env i: ⌊episodes/n⌋, plus one for i < episodes mod n) rather than
 * counting whichever episodes end first, which would over-represent short episodes. Envs that
 * have met their quota keep stepping with the batch but are no longer counted or recorded.
 */
export async function rollout(
  env: VectorEnv,
  policy: BatchPolicy,
  options: RolloutOptions,
): Promise<RolloutResult> {
  const { episodes } = options;
  if (!Number.isInteger(episodes) || episodes < 1) {
    throw new Error(`rollout(${env.id}): episodes must be a positive integer, got ${episodes}`);
  }
  const n = env.numEnvs;
  const observationSize = boxSize(env.observationSpace);
  const actionSize = boxSize(env.actionSpace);
  const quota = Array.from({ length: n }, (_, i) => Math.floor(episodes / n) + (i < episodes % n ? 1 : 0));
  const episodesDone = new Uint32Array(n);
  const returns: number[] = [];
  const lengths: number[] = [];
  const runningReturn = new Float64Array(n);
  const runningLength = new Uint32Array(n);
  const record = options.record === true;
  const recorder = record ? new TransitionRecorder(observationSize, actionSize) : undefined;
  // The running episode of each env, moved into `recorder` when it ends, so episodes stay contiguous.
  const episodeRecorders = record
    ? Array.from({ length: n }, () => new TransitionRecorder(observationSize, actionSize))
    : undefined;
  let remaining = episodes;

  let observations = await env.reset(options.seed === undefined ? {} : { seed: options.seed });
  while (remaining > 0) {
    const actions = await policy(observations, n);
    if (actions.length !== n * actionSize) {
      throw new Error(
        `rollout(${env.id}): policy returned ${actions.length} action values, expected ${n} envs × ${actionSize}`,
      );
    }
    const step = await env.step(actions);
    for (let i = 0; i < n; i++) {
      if ((episodesDone[i] as number) >= (quota[i] as number)) continue;
      runningReturn[i] = (runningReturn[i] as number) + (step.rewards[i] as number);
      runningLength[i] = (runningLength[i] as number) + 1;
      const terminal = step.terminated[i] === 1;
      const timeout = step.truncated[i] === 1;
      episodeRecorders?.[i]?.push(
        observations.subarray(i * observationSize, (i + 1) * observationSize),
        rowOf(actions, i, actionSize),
        step.rewards[i] as number,
        step.nextObservations.subarray(i * observationSize, (i + 1) * observationSize),
        terminal,
        timeout,
      );
      if (terminal || timeout) {
        returns.push(runningReturn[i] as number);
        lengths.push(runningLength[i] as number);
        if (recorder !== undefined && episodeRecorders !== undefined) recorder.drain(episodeRecorders[i]!);
        episodesDone[i] = (episodesDone[i] as number) + 1;
        runningReturn[i] = 0;
        runningLength[i] = 0;
        remaining--;
      }
    }
    observations = step.observations;
  }

  const result = {
    returns: Float64Array.from(returns),
    lengths: Uint32Array.from(lengths),
    normalizedScores: Float64Array.from(returns, (value) => normalizedScore(env.id, value)),
  };
  return recorder === undefined ? result : { ...result, transitions: recorder.finish() };
}

function rowOf(values: ArrayLike<number>, row: number, width: number): Float64Array {
  const out = new Float64Array(width);
  for (let j = 0; j < width; j++) out[j] = values[row * width + j] as number;
  return out;
}
