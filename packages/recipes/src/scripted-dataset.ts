/**
 * Small offline datasets for the demo and the tests, made with real physics on Pendulum-v1 and recorded
 * with Gymnasium's termination/truncation flags. They stand in until the built-in D4RL-style datasets
 * (trained SAC behaviour policies) exist.
 * - `pendulumScriptedDataset`: a noisy energy-shaping swing-up controller (Gaussian noise on the torque,
 *   then clipped to the action box): near-expert data.
 * - `pendulumMixedDataset`: some of those episodes and many of uniformly random torques, like D4RL's
 *   medium-replay mixtures. Cloning it averages good and random actions; an offline RL method that
 *   weighs actions by their value can pick out the good ones.
 */
import { createTransitions, type TransitionDataset } from '@offrl/datasets';
import { makeVectorEnv, pendulumController, Random, rollout, type Transitions } from '@offrl/envs';
import * as E from 'fp-ts/lib/Either.js';

export interface ScriptedDatasetOptions {
  readonly episodes: number;
  /** Standard deviation of the torque noise, in N·m (the action box is ±2). Default 0.5. */
  readonly noise?: number;
  readonly seed?: number;
}

export interface ScriptedDataset {
  readonly dataset: TransitionDataset;
  /** The behaviour policy's mean episode return. */
  readonly behaviourReturn: number;
}

/** The torque for one observation [cos θ, sin θ, θ̇], drawing noise from `random`. */
type Torque = (observation: Float64Array, random: Random) => number;

const controller =
  (noise: number): Torque =>
  (observation, random) =>
    pendulumController(observation)[0]! + noise * random.normal();

const uniformTorque: Torque = (_observation, random) => random.uniform(-2, 2);

const record = async (episodes: number, seed: number, torque: Torque) => {
  const env = await makeVectorEnv('Pendulum-v1', Math.min(episodes, 8));
  const random = new Random(seed);
  try {
    const result = await rollout(
      env,
      (observations, numEnvs) => {
        const actions = new Float64Array(numEnvs);
        for (let i = 0; i < numEnvs; i++) {
          const value = torque(observations.subarray(3 * i, 3 * i + 3) as Float64Array, random);
          actions[i] = Math.max(-2, Math.min(2, value));
        }
        return actions;
      },
      { episodes, seed, record: true },
    );
    return { transitions: result.transitions!, returns: Array.from(result.returns) };
  } finally {
    await env.close();
  }
};

const toDataset = (parts: readonly Transitions[], source: string): TransitionDataset => {
  const join = <T extends Float32Array | Uint8Array>(
    make: new (n: number) => T,
    pick: (t: Transitions) => ArrayLike<number>,
  ) => {
    const total = parts.reduce((n, t) => n + pick(t).length, 0);
    const out = new make(total);
    let offset = 0;
    for (const t of parts) {
      out.set(pick(t), offset);
      offset += pick(t).length;
    }
    return out;
  };
  const dataset = createTransitions({
    observationDim: parts[0]!.observationSize,
    actionDim: parts[0]!.actionSize,
    observations: join(Float32Array, (t) => t.observations),
    actions: join(Float32Array, (t) => t.actions),
    rewards: join(Float32Array, (t) => t.rewards),
    nextObservations: join(Float32Array, (t) => t.nextObservations),
    terminals: join(Uint8Array, (t) => t.terminals),
    timeouts: join(Uint8Array, (t) => t.timeouts),
    source,
  });
  if (E.isLeft(dataset)) throw dataset.left;
  return dataset.right;
};

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

export const pendulumScriptedDataset = async (options: ScriptedDatasetOptions): Promise<ScriptedDataset> => {
  const { episodes, noise = 0.5, seed = 0 } = options;
  const { transitions, returns } = await record(episodes, seed, controller(noise));
  return { dataset: toDataset([transitions], 'pendulum-scripted'), behaviourReturn: mean(returns) };
};

export interface MixedDatasetOptions {
  /** Episodes of the noisy controller. */
  readonly expertEpisodes: number;
  /** Episodes of uniformly random torques in [−2, 2]. */
  readonly randomEpisodes: number;
  /** The controller's torque noise (N·m). Default 0.5. */
  readonly noise?: number;
  readonly seed?: number;
}

export interface MixedDataset extends ScriptedDataset {
  readonly expertReturn: number;
  readonly randomReturn: number;
}

/** Controller episodes first, then random ones; deterministic from `seed`. */
export const pendulumMixedDataset = async (options: MixedDatasetOptions): Promise<MixedDataset> => {
  const { expertEpisodes, randomEpisodes, noise = 0.5, seed = 0 } = options;
  const expert = await record(expertEpisodes, seed, controller(noise));
  // A distinct seed stream for the random part, so its start states differ from the controller's.
  const random = await record(randomEpisodes, seed + 7919, uniformTorque);
  return {
    dataset: toDataset([expert.transitions, random.transitions], 'pendulum-mixed'),
    behaviourReturn: mean([...expert.returns, ...random.returns]),
    expertReturn: mean(expert.returns),
    randomReturn: mean(random.returns),
  };
};
