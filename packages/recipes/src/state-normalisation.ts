/**
 * A recipe that trains on normalised states, s ← (s − μ)/(σ + 10⁻³) with the dataset's statistics, as
 * CORL's CQL and Cal-QL do by default (`normalize=True`, `compute_mean_std(eps=1e-3)`), while its own
 * update knows nothing of it: the training loop normalises the batches (`prepare`, preprocessing.ts), the
 * state holds the statistics beside the recipe's own fields, and `act`/`explore` normalise environment
 * observations with them. Without `normalise` the statistics are the identity, so the state has the same
 * shape either way.
 */
import { observationNormaliser } from '@offrl/datasets';
import type { Key, Tensor2D, TensorTree } from '@offrl/tensor';
import { tf } from '@offrl/tensor';
import { carryOver } from './carry-over.js';
import {
  normaliseInput,
  type PreparingRecipe,
  type PreprocessingState,
  preprocessingState,
  readPreprocessing,
} from './preprocessing.js';
import type { Recipe } from './recipe.js';

export type NormalisedState<S extends TensorTree> = S & { readonly preprocessing: PreprocessingState };

export const withStateNormalisation = <S extends TensorTree>(
  recipe: Recipe<S>,
  normalise: boolean,
): PreparingRecipe<NormalisedState<S>> => {
  const { explore } = recipe;
  const inner = (state: NormalisedState<S>): S => {
    const { preprocessing: _, ...rest } = state;
    return rest as unknown as S;
  };
  return {
    name: recipe.name,
    dimensions: recipe.dimensions,
    ...(recipe.monteCarloDiscount === undefined ? {} : { monteCarloDiscount: recipe.monteCarloDiscount }),
    prepare: (dataset) => (normalise ? { observations: observationNormaliser(dataset) } : {}),
    preprocessingOf: (state) => readPreprocessing(state.preprocessing),
    init: (key, preprocessing) => ({
      ...recipe.init(key),
      preprocessing: preprocessingState(recipe.dimensions.observationDim, preprocessing),
    }),
    update: (state, batch, context) => {
      const result = recipe.update(inner(state), batch, context);
      return {
        state: { ...result.state, preprocessing: carryOver(state.preprocessing) },
        metrics: result.metrics,
      };
    },
    act: (state, observations) =>
      tf.tidy(() => recipe.act(inner(state), normaliseInput(state.preprocessing, observations))),
    ...(explore === undefined
      ? {}
      : {
          explore: (state: NormalisedState<S>, observations: Tensor2D, key: Key) =>
            tf.tidy(() => explore(inner(state), normaliseInput(state.preprocessing, observations), key)),
        }),
  };
};
