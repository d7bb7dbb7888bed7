/**
 * `pendulum-medium-replay-v0`: SAC's replay buffer up to the medium checkpoint, rebuilt by re-running
 * the seeded behaviour training (bit for bit on one backend; checked against the committed sha256).
 * Pendulum's run is short enough to repeat on demand; the MuJoCo runs are not (`mujoco-replay.ts`).
 */
import type { TransitionDataset } from '@offrl/datasets';
import { transitionsOrThrow } from '@offrl/datasets';
import type { OnlineBufferSnapshot } from '@offrl/recipes';
import { disposeTree, type TensorTree } from '@offrl/tensor';
import type { BehaviourInfo } from './behaviour-policy.js';
import { pendulumBehaviourTraining, trainPendulumBehaviour } from './behaviour-training.js';
import { datasetDigest } from './policy-recording.js';

/** A replay buffer's rows [0, size) as a dataset (the buffer has not wrapped: capacity = the run's steps). */
export const replayDataset = (buffer: OnlineBufferSnapshot, envSteps: number): TransitionDataset => {
  const rows = buffer.size;
  return transitionsOrThrow({
    observationDim: buffer.observationDim,
    actionDim: buffer.actionDim,
    observations: buffer.observations.slice(0, rows * buffer.observationDim),
    actions: buffer.actions.slice(0, rows * buffer.actionDim),
    rewards: buffer.rewards.slice(0, rows),
    nextObservations: buffer.nextObservations.slice(0, rows * buffer.observationDim),
    terminals: buffer.terminals.slice(0, rows),
    timeouts: buffer.timeouts.slice(0, rows),
    metadata: { name: 'pendulum-medium-replay-v0', env: 'Pendulum-v1', algorithm: 'SAC', envSteps },
    source: 'pendulum-medium-replay-v0',
  });
};

/** The replay buffer of the behaviour run at `envSteps` (a checkpoint step), by re-running the run to it. */
export const replayDatasetAt = async (envSteps: number): Promise<TransitionDataset> => {
  let dataset: TransitionDataset | undefined;
  const result = await trainPendulumBehaviour({
    // The checkpoint at `envSteps` is taken only if the run goes on past it.
    envSteps: envSteps + pendulumBehaviourTraining.checkpointEvery,
    onCheckpoint: ({ buffer, progress }) => {
      if (progress.envSteps === envSteps) dataset = replayDataset(buffer, envSteps);
    },
  });
  disposeTree(result.state as unknown as TensorTree);
  if (dataset === undefined) throw new Error(`the behaviour run has no checkpoint at ${envSteps} env steps`);
  return dataset;
};

/** The replay data up to medium, checked against the sha256 `pendulum.json` records. */
export const pendulumMediumReplay = async (info: BehaviourInfo): Promise<TransitionDataset> => {
  const dataset = await replayDatasetAt(info.medium.envSteps);
  const digest = datasetDigest(dataset);
  if (digest !== info.mediumReplay.sha256)
    throw new Error(
      `pendulum-medium-replay-v0: re-running the behaviour training gave different data (sha256 ${digest}, committed ${info.mediumReplay.sha256}); this backend does not reproduce the committed run`,
    );
  return dataset;
};
