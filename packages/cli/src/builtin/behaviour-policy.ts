/**
 * The committed behaviour policies (`packages/cli/behaviour/`): SAC actor parameters as safetensors
 * (`{ policy, logAlpha }`, the tanh-Gaussian MLP and its temperature), per task `<task>-medium` and
 * `<task>-expert`, for MuJoCo also `<task>-snapshot-<envSteps>` (the actors medium-replay is
 * regenerated from), and `<task>.json` with how and when each was taken and its measured returns.
 * Loading checks the structure against a fresh actor of the task's recipe.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Dimensions, MaxEntropyActorParams, Recipe, SacState } from '@offrl/recipes';
import { disposeTree, loadSafetensors, makeKey, mapTree, type TensorTree, tf } from '@offrl/tensor';
import { pendulumBehaviourTraining, pendulumDimensions, pendulumSac } from './behaviour-training.js';
import { type MujocoTask, mujocoBehaviourEnvs, mujocoSac, mujocoTasks } from './mujoco-behaviour-training.js';

/** The folder with the committed files, next to `src/` and `dist/` alike. */
export const behaviourDirectory = fileURLToPath(new URL('../../behaviour/', import.meta.url));

export const BEHAVIOUR_FORMAT = 'offrl-behaviour/1';

export type BehaviourTask = 'pendulum' | MujocoTask;

export const behaviourTasks: readonly BehaviourTask[] = ['pendulum', ...mujocoTasks];

export type BehaviourLevel = 'medium' | 'expert';

/** What a task's datasets are recorded with: its env, dimensions and the SAC recipe its policies came from. */
export interface BehaviourTaskSpec {
  readonly envId: string;
  readonly dimensions: Dimensions;
  readonly recipe: () => Recipe<SacState>;
  /** Episodes per policy when an id has no `:N` (≈ 100 000 transitions for a policy that lasts the time limit). */
  readonly defaultEpisodes: number;
}

export const behaviourTaskSpec = (task: BehaviourTask): BehaviourTaskSpec =>
  task === 'pendulum'
    ? {
        envId: pendulumBehaviourTraining.envId,
        dimensions: pendulumDimensions,
        recipe: pendulumSac,
        defaultEpisodes: 500,
      }
    : {
        envId: mujocoBehaviourEnvs[task].envId,
        dimensions: mujocoBehaviourEnvs[task].dimensions,
        recipe: () => mujocoSac(task),
        defaultEpisodes: 100,
      };

export const behaviourPath = (task: BehaviourTask, level: BehaviourLevel) =>
  `${behaviourDirectory}${task}-${level}.safetensors`;

/** The actor a MuJoCo run had at `envSteps` (a snapshot before medium, for medium-replay). */
export const snapshotPath = (task: MujocoTask, envSteps: number) =>
  `${behaviourDirectory}${task}-snapshot-${envSteps}.safetensors`;

export const behaviourInfoPath = (task: BehaviourTask) => `${behaviourDirectory}${task}.json`;

/** One policy's record in `<task>.json`. */
export interface BehaviourRecord {
  /** Env steps of training when it was taken. */
  readonly envSteps: number;
  /** Mean return of the deterministic (mode) action at that checkpoint, as training evaluated it. */
  readonly evaluationReturn: number;
  readonly evaluationNormalizedScore: number;
  /** Mean and std of sampled-action returns (what the datasets hold), `sampledEpisodes` episodes. */
  readonly sampledReturn: number;
  readonly sampledReturnStd: number;
  readonly sampledNormalizedScore: number;
  readonly sampledEpisodes: number;
}

/** `<task>.json`. */
export interface BehaviourInfo {
  readonly envId: string;
  readonly training: Readonly<Record<string, number | string | readonly number[]>>;
  readonly mediumRule: string;
  readonly expert: BehaviourRecord;
  readonly medium: BehaviourRecord;
  /**
   * The replay data up to the medium checkpoint: its rows; Pendulum's the sha256 of its arrays (a
   * re-run of the training must reproduce it), MuJoCo's the env steps of the snapshots that regenerate it.
   */
  readonly mediumReplay: {
    readonly rows: number;
    readonly sha256?: string;
    readonly snapshots?: readonly number[];
    /** MuJoCo: the returns of the training episodes that ended before medium (what the real buffer held). */
    readonly trainingEpisodes?: {
      readonly count: number;
      readonly min: number;
      readonly mean: number;
      readonly max: number;
    };
  };
  /** Every evaluation of the run: env steps, mean return, normalised score. */
  readonly evaluations: readonly (readonly [number, number, number])[];
}

export const readBehaviourInfo = async (task: BehaviourTask): Promise<BehaviourInfo> =>
  JSON.parse(await readFile(behaviourInfoPath(task), 'utf8')) as BehaviourInfo;

/** A fresh SAC state for sampling (`explore` reads only its actor), with the actor of `path` in it. */
export const loadActorState = async (task: BehaviourTask, path: string): Promise<SacState> => {
  const template = behaviourTaskSpec(task).recipe().init(makeKey(0));
  const { tree, metadata } = await loadSafetensors(path, {
    expected: template.actor as unknown as TensorTree,
  });
  if (metadata['format'] !== BEHAVIOUR_FORMAT) {
    disposeTree(tree);
    disposeTree(template);
    throw new Error(`${path}: metadata format is '${metadata['format'] ?? 'missing'}'`);
  }
  disposeTree(template.actor as unknown as TensorTree);
  return { ...template, actor: tree as unknown as MaxEntropyActorParams };
};

export const loadBehaviourState = (task: BehaviourTask, level: BehaviourLevel): Promise<SacState> =>
  loadActorState(task, behaviourPath(task, level));

/** Copies of the actor's tensors (a checkpoint's are freed after its callback). */
export const cloneActor = (state: SacState): MaxEntropyActorParams =>
  mapTree(state.actor as unknown as TensorTree, (tensor) =>
    tf.clone(tensor),
  ) as unknown as MaxEntropyActorParams;
