/**
 * A dataset as a recipe's batches need it: with Monte-Carlo returns at the recipe's discount when the
 * recipe reads them (AWR's value targets, Cal-QL's bound), else unchanged. The returns are always
 * recomputed, since a dataset does not record the discount of returns it may already carry. Sparse
 * failure values (Cal-QL on AntMaze) need `withMonteCarloReturns(dataset, { discount, failureReward })`.
 */
import { type TransitionDataset, withMonteCarloReturns } from '@offrl/datasets';
import type { Recipe } from './recipe.js';

export const withRecipeReturns = <T extends TransitionDataset>(
  recipe: Pick<Recipe, 'monteCarloDiscount'>,
  dataset: T,
): T =>
  recipe.monteCarloDiscount === undefined
    ? dataset
    : withMonteCarloReturns(dataset, { discount: recipe.monteCarloDiscount });
