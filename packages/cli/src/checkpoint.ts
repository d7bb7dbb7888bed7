/**
 * Checkpoints are safetensors files of the whole training state; the metadata carries the run config
 * and the step, so a checkpoint alone is enough to rebuild the recipe and evaluate or continue it.
 */
import { makeRecipe, type Recipe } from '@offrl/recipes';
import { disposeTree, loadSafetensors, makeKey, saveSafetensors, type TensorTree } from '@offrl/tensor';
import type { RunConfig } from './run-config.js';

const FORMAT = 'offrl-checkpoint/1';

export const saveCheckpoint = (path: string, state: TensorTree, config: RunConfig, step: number) =>
  saveSafetensors(path, state, { format: FORMAT, step: String(step), config: JSON.stringify(config) });

export interface LoadedCheckpoint {
  readonly config: RunConfig;
  readonly step: number;
  readonly recipe: Recipe;
  readonly state: TensorTree;
}

export const loadCheckpoint = async (path: string): Promise<LoadedCheckpoint> => {
  // Read once without a template to learn the recipe, then again checking the structure it must have.
  const { tree: untyped, metadata } = await loadSafetensors(path);
  disposeTree(untyped);
  if (metadata['format'] !== FORMAT) {
    throw new Error(
      `${path}: not an offrl checkpoint (metadata format is '${metadata['format'] ?? 'missing'}')`,
    );
  }
  const step = Number(metadata['step']);
  if (!Number.isInteger(step) || step < 0)
    throw new Error(`${path}: metadata step '${metadata['step']}' is not a count`);
  let config: RunConfig;
  try {
    config = JSON.parse(metadata['config'] ?? '') as RunConfig;
  } catch {
    throw new Error(`${path}: metadata config is not valid JSON`);
  }
  const recipe = makeRecipe(config.recipe, config.dimensions, { ...config.overrides });
  const template = recipe.init(makeKey(0));
  try {
    const { tree } = await loadSafetensors(path, { expected: template });
    return { config, step, recipe, state: tree };
  } finally {
    disposeTree(template);
  }
};
