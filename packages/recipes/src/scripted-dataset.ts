/**
 * A small offline dataset for the demo and the tests, made with real physics: a noisy energy-shaping
 * swing-up controller on Pendulum-v1 (Gaussian noise on the torque, then clipped to the action box),
 * recorded with Gymnasium's termination/truncation flags. It stands in until the built-in D4RL-style
 * datasets (trained SAC behaviour policies) exist.
 */
import { createTransitions, type TransitionDataset } from '@offrl/datasets';
import { makeVectorEnv, pendulumController, Random, rollout } from '@offrl/envs';
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

export const pendulumScriptedDataset = async (options: ScriptedDatasetOptions): Promise<ScriptedDataset> => {
  const { episodes, noise = 0.5, seed = 0 } = options;
  const env = await makeVectorEnv('Pendulum-v1', Math.min(episodes, 8));
  const random = new Random(seed);
  try {
    const result = await rollout(
      env,
      (observations, numEnvs) => {
        const actions = new Float64Array(numEnvs);
        for (let i = 0; i < numEnvs; i++) {
          const torque =
            pendulumController(observations.subarray(3 * i, 3 * i + 3))[0]! + noise * random.normal();
          actions[i] = Math.max(-2, Math.min(2, torque));
        }
        return actions;
      },
      { episodes, seed, record: true },
    );
    const t = result.transitions!;
    const dataset = createTransitions({
      observationDim: t.observationSize,
      actionDim: t.actionSize,
      observations: Float32Array.from(t.observations),
      actions: Float32Array.from(t.actions),
      rewards: Float32Array.from(t.rewards),
      nextObservations: Float32Array.from(t.nextObservations),
      terminals: t.terminals,
      timeouts: t.timeouts,
      source: 'pendulum-scripted',
    });
    if (E.isLeft(dataset)) throw dataset.left;
    const returns = Array.from(result.returns);
    return { dataset: dataset.right, behaviourReturn: returns.reduce((a, b) => a + b, 0) / returns.length };
  } finally {
    await env.close();
  }
};
