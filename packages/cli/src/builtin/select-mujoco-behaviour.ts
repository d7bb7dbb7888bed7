/**
 * Turns a finished MuJoCo behaviour run (`train-mujoco-behaviour.ts`'s work directory) into the
 * committed files:
 *   node packages/cli/dist/builtin/select-mujoco-behaviour.js <hopper|halfcheetah|walker2d> <work-dir>
 * The expert is the final actor; the medium actor is the snapshot `mediumSnapshotIndex` picks from the
 * evaluations (the one nearest a third of the expert's normalised score); the snapshots from the end
 * of the warm-up up to medium are copied too, for medium-replay. Each policy's sampled-action returns
 * are measured on the files as written, and `<task>.json` records the run, the rule and the numbers.
 */
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { normalizedScore } from '@offrl/envs';
import type { EpisodeRecord, EvaluationRecord } from '@offrl/recipes';
import { disposeTree, initBackend, type TensorTree } from '@offrl/tensor';
import { mean, standardDeviation } from '../report/statistics.js';
import { recordBehaviour } from './behaviour-datasets.js';
import {
  type BehaviourInfo,
  type BehaviourLevel,
  type BehaviourRecord,
  behaviourInfoPath,
  behaviourPath,
  loadBehaviourState,
  snapshotPath,
} from './behaviour-policy.js';
import {
  type MujocoTask,
  mediumSnapshotIndex,
  mujocoBehaviourEnvs,
  mujocoBehaviourTraining,
  mujocoTasks,
} from './mujoco-behaviour-training.js';
import { replayIntervals } from './mujoco-replay.js';

const SAMPLED_EPISODES = 50;

const [taskArgument, work] = process.argv.slice(2);
const task = mujocoTasks.find((t) => t === taskArgument);
if (task === undefined || work === undefined) {
  console.error(`usage: select-mujoco-behaviour.js <${mujocoTasks.join('|')}> <work-dir>`);
  process.exit(2);
}

const main = async (t: MujocoTask, directory: string) => {
  await initBackend();
  const { envId, envSteps } = mujocoBehaviourEnvs[t];
  const done = JSON.parse(await readFile(join(directory, 'done.json'), 'utf8')) as {
    evaluations: EvaluationRecord[];
    episodes: EpisodeRecord[];
  };
  const { evaluations } = done;
  const expertEvaluation = evaluations.at(-1)!;
  // The final evaluation is the expert's own: medium is one of the snapshots before it.
  const index = mediumSnapshotIndex(
    evaluations.slice(0, -1).map((e) => e.normalizedScore),
    expertEvaluation.normalizedScore,
  );
  const mediumEvaluation = evaluations[index]!;
  const actorFile = (steps: number) => join(directory, `actor-${steps}.safetensors`);
  const chosen: Record<BehaviourLevel, EvaluationRecord> = {
    medium: mediumEvaluation,
    expert: expertEvaluation,
  };
  const records = {} as Record<BehaviourLevel, BehaviourRecord>;
  for (const level of ['medium', 'expert'] as const) {
    const evaluation = chosen[level];
    await copyFile(actorFile(evaluation.envSteps), behaviourPath(t, level));
    const state = await loadBehaviourState(t, level);
    const { returns } = await recordBehaviour(t, level, { episodes: SAMPLED_EPISODES, seed: 0 }, state);
    disposeTree(state as unknown as TensorTree);
    records[level] = {
      envSteps: evaluation.envSteps,
      evaluationReturn: evaluation.meanReturn,
      evaluationNormalizedScore: evaluation.normalizedScore,
      sampledReturn: mean(returns),
      sampledReturnStd: standardDeviation(returns),
      sampledNormalizedScore: normalizedScore(envId, mean(returns)),
      sampledEpisodes: SAMPLED_EPISODES,
    };
    console.log(`${t} ${level}: ${JSON.stringify(records[level])}`);
  }
  const snapshots = replayIntervals(mediumEvaluation.envSteps).flatMap(({ policy }) =>
    policy === 'uniform' ? [] : [policy],
  );
  for (const steps of snapshots) await copyFile(actorFile(steps), snapshotPath(t, steps));
  const trainingReturns = done.episodes
    .filter((e) => e.envSteps <= mediumEvaluation.envSteps)
    .map((e) => e.return);
  const info: BehaviourInfo = {
    envId,
    training: { recipe: 'sac (sacDefaults but for the sizes)', envId, envSteps, ...mujocoBehaviourTraining },
    mediumRule:
      'normalised scores of the snapshots before the last (every snapshotEvery env steps, evaluationEpisodes episodes, mode action); target = final score / 3; the snapshot nearest the target (ties: the earlier)',
    expert: records.expert,
    medium: records.medium,
    mediumReplay: {
      rows: mediumEvaluation.envSteps,
      snapshots,
      trainingEpisodes: {
        count: trainingReturns.length,
        min: Math.min(...trainingReturns),
        mean: mean(trainingReturns),
        max: Math.max(...trainingReturns),
      },
    },
    evaluations: evaluations.map((e) => [
      e.envSteps,
      Math.round(e.meanReturn * 100) / 100,
      Math.round(e.normalizedScore * 1e4) / 1e4,
    ]),
  };
  await writeFile(behaviourInfoPath(t), `${JSON.stringify(info, null, 2)}\n`);
  console.log(
    `${t}: medium at ${mediumEvaluation.envSteps} env steps, ${snapshots.length} snapshots; wrote ${behaviourInfoPath(t)}`,
  );
};

await main(task, work);
