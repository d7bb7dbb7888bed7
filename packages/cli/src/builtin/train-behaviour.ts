/**
 * Trains the built-in Pendulum behaviour policies and writes them to `packages/cli/behaviour/`:
 *   node packages/cli/dist/builtin/train-behaviour.js
 * SAC online from seed 0 (`behaviour-training.ts`); the final policy is the expert, the checkpoint
 * `mediumIndex` picks is the medium policy; both actors are saved as safetensors, and `pendulum.json`
 * records the run, the rule, each policy's evaluated and sampled returns and the sha256 of the replay
 * data up to medium (which the medium-replay generator re-creates and checks).
 */
import { writeFile } from 'node:fs/promises';
import { normalizedScore } from '@offrl/envs';
import type { MaxEntropyActorParams } from '@offrl/recipes';
import { disposeTree, initBackend, saveSafetensors, type TensorTree } from '@offrl/tensor';
import { recordBehaviour } from './behaviour-datasets.js';
import {
  BEHAVIOUR_FORMAT,
  type BehaviourInfo,
  type BehaviourLevel,
  type BehaviourRecord,
  behaviourInfoPath,
  behaviourPath,
  cloneActor,
  loadBehaviourState,
} from './behaviour-policy.js';
import { mediumIndex, pendulumBehaviourTraining, trainPendulumBehaviour } from './behaviour-training.js';
import { replayDataset, replayDatasetAt } from './pendulum-replay.js';
import { datasetDigest } from './policy-recording.js';

const SAMPLED_EPISODES = 100;

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const std = (values: readonly number[]) => {
  const m = mean(values);
  return Math.sqrt(mean(values.map((v) => (v - m) ** 2)));
};

const main = async () => {
  const backend = await initBackend();
  const { envId } = pendulumBehaviourTraining;
  console.log(
    `backend ${backend.name}; training SAC on ${envId} for ${pendulumBehaviourTraining.envSteps} steps`,
  );
  const actors = new Map<number, MaxEntropyActorParams>();
  // The replay data's digest at every checkpoint, to check that re-running to medium reproduces it.
  const replayDigests = new Map<number, string>();
  const started = Date.now();
  const result = await trainPendulumBehaviour({
    onEvaluation: (e) =>
      console.log(
        `${e.envSteps} steps: return ${e.meanReturn.toFixed(1)} (score ${e.normalizedScore.toFixed(3)}) ${((Date.now() - started) / 1000).toFixed(0)} s`,
      ),
    onCheckpoint: ({ state, buffer, progress }) => {
      actors.set(progress.envSteps, cloneActor(state));
      replayDigests.set(progress.envSteps, datasetDigest(replayDataset(buffer, progress.envSteps)));
    },
  });
  const evaluations = result.progress.evaluations;
  const expertEvaluation = evaluations.at(-1)!;
  // Checkpoints are at every evaluation but the last (the run's end).
  const checkpointed = evaluations.filter((e) => actors.has(e.envSteps));
  const index = mediumIndex(
    checkpointed.map((e) => e.normalizedScore),
    expertEvaluation.normalizedScore,
  );
  if (index < 0) throw new Error('no checkpoint reached a third of the expert score');
  const mediumEvaluation = checkpointed[index]!;
  const saved: Record<
    BehaviourLevel,
    { actor: MaxEntropyActorParams; envSteps: number; evaluation: typeof expertEvaluation }
  > = {
    expert: { actor: result.state.actor, envSteps: expertEvaluation.envSteps, evaluation: expertEvaluation },
    medium: {
      actor: actors.get(mediumEvaluation.envSteps)!,
      envSteps: mediumEvaluation.envSteps,
      evaluation: mediumEvaluation,
    },
  };
  const records = {} as Record<BehaviourLevel, BehaviourRecord>;
  for (const level of ['medium', 'expert'] as const) {
    const { actor, envSteps, evaluation } = saved[level];
    await saveSafetensors(behaviourPath('pendulum', level), actor as unknown as TensorTree, {
      format: BEHAVIOUR_FORMAT,
      recipe: 'sac',
      envId,
      envSteps: String(envSteps),
      seed: String(pendulumBehaviourTraining.seed),
    });
    // Measure what the datasets hold: sampled actions of the policy as loaded back from the file.
    const state = await loadBehaviourState('pendulum', level);
    const { returns } = await recordBehaviour(
      'pendulum',
      level,
      { episodes: SAMPLED_EPISODES, seed: 0 },
      state,
    );
    disposeTree(state as unknown as TensorTree);
    records[level] = {
      envSteps,
      evaluationReturn: evaluation.meanReturn,
      evaluationNormalizedScore: evaluation.normalizedScore,
      sampledReturn: mean(returns),
      sampledReturnStd: std(returns),
      sampledNormalizedScore: normalizedScore(envId, mean(returns)),
      sampledEpisodes: SAMPLED_EPISODES,
    };
    console.log(`${level}: ${JSON.stringify(records[level])}`);
  }
  for (const actor of actors.values()) disposeTree(actor as unknown as TensorTree);
  disposeTree(result.state as unknown as TensorTree);

  // Re-run the training to medium: the replay data medium-replay is made from, and its digest.
  const replay = await replayDatasetAt(records.medium.envSteps);
  const digest = datasetDigest(replay);
  if (digest !== replayDigests.get(records.medium.envSteps))
    throw new Error(`re-running the training to ${records.medium.envSteps} steps gave different replay data`);
  const info: BehaviourInfo = {
    envId,
    training: { recipe: 'sac (sacDefaults)', ...pendulumBehaviourTraining },
    mediumRule:
      'normalised scores of the per-episode checkpoints (10 evaluation episodes, mode action); target = final score / 3; the first checkpoint reaching the target, or the one before it if closer',
    expert: records.expert,
    medium: records.medium,
    mediumReplay: { rows: replay.size, sha256: digest },
    evaluations: evaluations.map((e) => [
      e.envSteps,
      Math.round(e.meanReturn * 100) / 100,
      Math.round(e.normalizedScore * 1e4) / 1e4,
    ]),
  };
  await writeFile(behaviourInfoPath('pendulum'), `${JSON.stringify(info, null, 2)}\n`);
  console.log(`wrote ${behaviourInfoPath('pendulum')} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
};

await main();
