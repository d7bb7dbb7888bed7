/**
 * The committed behaviour policies (`packages/cli/behaviour/`): SAC actor parameters as safetensors
 * (`{ policy, logAlpha }`, the tanh-Gaussian MLP and its temperature) and `pendulum.json` with how and
 * when each was taken and its measured returns. Loading checks the structure against a fresh actor.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { MaxEntropyActorParams, SacState } from '@offrl/recipes';
import { disposeTree, loadSafetensors, makeKey, mapTree, type TensorTree, tf } from '@offrl/tensor';
import { pendulumSac } from './behaviour-training.js';

/** The folder with the committed files, next to `src/` and `dist/` alike. */
export const behaviourDirectory = fileURLToPath(new URL('../../behaviour/', import.meta.url));

export const BEHAVIOUR_FORMAT = 'offrl-behaviour/1';

export type BehaviourLevel = 'medium' | 'expert';

export const behaviourPath = (level: BehaviourLevel) => `${behaviourDirectory}pendulum-${level}.safetensors`;

export const behaviourInfoPath = `${behaviourDirectory}pendulum.json`;

/** One policy's record in `pendulum.json`. */
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

/** `pendulum.json`. */
export interface BehaviourInfo {
  readonly envId: string;
  readonly training: Readonly<Record<string, number | string>>;
  readonly mediumRule: string;
  readonly expert: BehaviourRecord;
  readonly medium: BehaviourRecord;
  /** The replay buffer up to the medium checkpoint: rows and the sha256 of its arrays. */
  readonly mediumReplay: { readonly rows: number; readonly sha256: string };
  /** Every evaluation of the run: env steps, mean return, normalised score. */
  readonly evaluations: readonly (readonly [number, number, number])[];
}

export const readBehaviourInfo = async (): Promise<BehaviourInfo> =>
  JSON.parse(await readFile(behaviourInfoPath, 'utf8')) as BehaviourInfo;

/** A fresh SAC state for sampling (`explore` reads only its actor), with the committed actor in it. */
export const loadBehaviourState = async (level: BehaviourLevel): Promise<SacState> => {
  const recipe = pendulumSac();
  const template = recipe.init(makeKey(0));
  const { tree, metadata } = await loadSafetensors(behaviourPath(level), {
    expected: template.actor as unknown as TensorTree,
  });
  if (metadata['format'] !== BEHAVIOUR_FORMAT) {
    disposeTree(tree);
    disposeTree(template);
    throw new Error(`${behaviourPath(level)}: metadata format is '${metadata['format'] ?? 'missing'}'`);
  }
  disposeTree(template.actor as unknown as TensorTree);
  return { ...template, actor: tree as unknown as MaxEntropyActorParams };
};

/** Copies of the actor's tensors (a checkpoint's are freed after its callback). */
export const cloneActor = (state: SacState): MaxEntropyActorParams =>
  mapTree(state.actor as unknown as TensorTree, (tensor) =>
    tf.clone(tensor),
  ) as unknown as MaxEntropyActorParams;
