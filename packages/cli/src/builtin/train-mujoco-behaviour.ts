/**
 * Trains one built-in MuJoCo behaviour run (`mujoco-behaviour-training.ts`) into a work directory,
 * resumably:
 *   nice -n 10 node packages/cli/dist/builtin/train-mujoco-behaviour.js <hopper|halfcheetah|walker2d> <work-dir>
 * Every snapshot (`snapshotEvery` env steps) writes `actor-<steps>.safetensors` (the SAC actor) and a
 * checkpoint directory `ckpt-<steps>/` (state, replay buffer, the training episodes' returns so far)
 * named by `latest`; run the same command again after a kill and it continues from there, bit for
 * bit. At the end `done.json` holds every evaluation and training episode; `select-mujoco-behaviour.js`
 * then picks the medium policy and writes the committed files.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type EpisodeRecord,
  loadOnlineCheckpoint,
  type OnlineCheckpoint,
  type SacState,
  saveOnlineCheckpoint,
  trainOnline,
} from '@offrl/recipes';
import { disposeTree, initBackend, makeKey, saveSafetensors, type TensorTree } from '@offrl/tensor';
import { BEHAVIOUR_FORMAT } from './behaviour-policy.js';
import {
  type MujocoTask,
  mujocoBehaviourEnvs,
  mujocoBehaviourTraining,
  mujocoSac,
  mujocoTasks,
} from './mujoco-behaviour-training.js';

const [taskArgument, work] = process.argv.slice(2);
const task = mujocoTasks.find((t) => t === taskArgument);
if (task === undefined || work === undefined) {
  console.error(`usage: train-mujoco-behaviour.js <${mujocoTasks.join('|')}> <work-dir>`);
  process.exit(2);
}

/** The actor as its own safetensors file, the metadata saying where in the run it was taken. */
const snapshotMetadata = (t: MujocoTask, envSteps: number) => ({
  format: BEHAVIOUR_FORMAT,
  recipe: 'sac',
  envId: mujocoBehaviourEnvs[t].envId,
  envSteps: String(envSteps),
  seed: String(mujocoBehaviourTraining.seed),
});

const main = async (t: MujocoTask, directory: string) => {
  if (existsSync(join(directory, 'done.json'))) {
    console.log(`${t}: ${directory}/done.json exists, nothing to do`);
    return;
  }
  const backend = await initBackend();
  await mkdir(directory, { recursive: true });
  const recipe = mujocoSac(t);
  const { envId, envSteps } = mujocoBehaviourEnvs[t];
  const { seed, warmupSteps, batchSize, utd, snapshotEvery, evaluationEpisodes, evaluationSeed } =
    mujocoBehaviourTraining;
  let resume: OnlineCheckpoint<SacState> | undefined;
  let episodes: EpisodeRecord[] = [];
  const latestPath = join(directory, 'latest');
  if (existsSync(latestPath)) {
    const checkpointDirectory = join(directory, (await readFile(latestPath, 'utf8')).trim());
    const template = recipe.init(makeKey(0));
    try {
      resume = await loadOnlineCheckpoint(checkpointDirectory, template);
    } finally {
      disposeTree(template);
    }
    episodes = JSON.parse(await readFile(join(checkpointDirectory, 'episodes.json'), 'utf8'));
    console.log(`${t}: resuming at ${resume.progress.envSteps} of ${envSteps} env steps`);
  }
  console.log(`${t}: backend ${backend.name}; SAC on ${envId} for ${envSteps} env steps`);
  const started = Date.now();
  const result = await trainOnline(recipe, {
    envId,
    envSteps,
    seed,
    batchSize,
    utd,
    warmupSteps,
    evaluateEvery: snapshotEvery,
    checkpointEvery: snapshotEvery,
    evaluationEpisodes,
    evaluationSeed,
    ...(resume === undefined ? {} : { resume }),
    onEpisode: (episode) => episodes.push(episode),
    onEvaluation: (e) =>
      console.log(
        `${t} ${e.envSteps}: return ${e.meanReturn.toFixed(1)} (score ${(100 * e.normalizedScore).toFixed(1)}) ${((Date.now() - started) / 1000).toFixed(0)} s`,
      ),
    onCheckpoint: async (checkpoint) => {
      const steps = checkpoint.progress.envSteps;
      await saveSafetensors(
        join(directory, `actor-${steps}.safetensors`),
        checkpoint.state.actor as unknown as TensorTree,
        snapshotMetadata(t, steps),
      );
      const name = `ckpt-${steps}`;
      await mkdir(join(directory, name), { recursive: true });
      await saveOnlineCheckpoint(join(directory, name), checkpoint);
      await writeFile(join(directory, name, 'episodes.json'), JSON.stringify(episodes));
      // `latest` moves only once the new checkpoint is complete; then the previous one goes.
      const previous = existsSync(latestPath) ? (await readFile(latestPath, 'utf8')).trim() : undefined;
      await writeFile(`${latestPath}.tmp`, name);
      await rename(`${latestPath}.tmp`, latestPath);
      if (previous !== undefined && previous !== name)
        await rm(join(directory, previous), { recursive: true });
    },
  });
  disposeTree(result.state as unknown as TensorTree);
  await writeFile(
    join(directory, 'done.json'),
    `${JSON.stringify({ task: t, envId, evaluations: result.progress.evaluations, episodes })}\n`,
  );
  console.log(`${t}: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
};

await main(task, work);
