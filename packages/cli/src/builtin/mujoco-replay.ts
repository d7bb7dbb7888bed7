/**
 * `<task>-medium-replay-v0` for Hopper, HalfCheetah and Walker2d. D4RL's medium-replay is SAC's replay
 * buffer up to the medium checkpoint; re-running a MuJoCo SAC run on demand takes far too long here,
 * so the buffer is regenerated from the actor snapshots committed with the run: the run's first
 * `medium.envSteps` env steps in intervals of `snapshotEvery`, each interval collected again by the
 * policy that started it (uniform actions during the warm-up, then the snapshot taken at the
 * interval's start, its actions sampled), on one env as training had. An approximation of the real
 * buffer (within an interval the policy is held fixed, and the env seeds are new), with the same
 * progression from random to medium. An episode still running at an interval's end is cut there and
 * marked as a timeout, as the training loop's segment end cut it.
 */
import type { TransitionDataset } from '@offrl/datasets';
import { makeVectorEnv, TransitionRecorder } from '@offrl/envs';
import { disposeTree, type TensorTree } from '@offrl/tensor';
import { type BehaviourInfo, behaviourTaskSpec, loadActorState, snapshotPath } from './behaviour-policy.js';
import { type MujocoTask, mujocoBehaviourTraining } from './mujoco-behaviour-training.js';
import { type SteppedPolicy, sampledPolicy, toDataset, uniformPolicy } from './policy-recording.js';

/** Interval k of seed s: env seed and action seed REPLAY_SEED_OFFSET + 1000·s + k (apart from the other kinds'). */
const REPLAY_SEED_OFFSET = 40_000_000;

/** The env steps where intervals start before `mediumSteps`, and the policy of each: 'uniform' or a snapshot. */
export const replayIntervals = (mediumSteps: number): { start: number; policy: 'uniform' | number }[] => {
  const { snapshotEvery, warmupSteps } = mujocoBehaviourTraining;
  if (mediumSteps % snapshotEvery !== 0)
    throw new RangeError(`medium-replay: ${mediumSteps} env steps is not a multiple of ${snapshotEvery}`);
  return Array.from({ length: mediumSteps / snapshotEvery }, (_, k) => {
    const start = k * snapshotEvery;
    return { start, policy: start < warmupSteps ? 'uniform' : start };
  });
};

export const mujocoMediumReplay = async (
  task: MujocoTask,
  info: BehaviourInfo,
  seed: number,
): Promise<TransitionDataset> => {
  const spec = behaviourTaskSpec(task);
  const { observationDim, actionDim } = spec.dimensions;
  const recipe = spec.recipe();
  const recorder = new TransitionRecorder(observationDim, actionDim);
  const env = await makeVectorEnv(spec.envId, 1);
  try {
    for (const [k, { policy }] of replayIntervals(info.medium.envSteps).entries()) {
      const intervalSeed = REPLAY_SEED_OFFSET + 1000 * seed + k;
      const state = policy === 'uniform' ? undefined : await loadActorState(task, snapshotPath(task, policy));
      try {
        const act: SteppedPolicy =
          state === undefined
            ? uniformPolicy(spec.dimensions, intervalSeed)
            : sampledPolicy(recipe, state, spec.dimensions, intervalSeed);
        let observations = await env.reset({ seed: intervalSeed });
        for (let t = 0; t < mujocoBehaviourTraining.snapshotEvery; t++) {
          const actions = act(observations, 1, t);
          const step = await env.step(actions);
          const terminal = step.terminated[0] === 1;
          const last = t === mujocoBehaviourTraining.snapshotEvery - 1;
          recorder.push(
            observations,
            actions,
            step.rewards[0]!,
            step.nextObservations,
            terminal,
            step.truncated[0] === 1 || (last && !terminal),
          );
          observations = step.observations;
        }
      } finally {
        if (state !== undefined) disposeTree(state as unknown as TensorTree);
      }
    }
  } finally {
    await env.close();
  }
  const name = `${task}-medium-replay-v0`;
  return toDataset(recorder.finish(), {
    name,
    env: spec.envId,
    algorithm: 'SAC',
    envSteps: info.medium.envSteps,
    seed,
  });
};
