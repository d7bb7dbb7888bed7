/** Recipes by name, so a configuration file or the command line can pick one. */
import { awac } from './awac.js';
import { awr } from './awr.js';
import { bc } from './bc.js';
import { brac } from './brac.js';
import { calql, cql } from './cql.js';
import { iql } from './iql.js';
import type { Dimensions, Recipe } from './recipe.js';
import { rlpd } from './rlpd.js';
import { sac } from './sac.js';
import { td3bc } from './td3bc.js';

// biome-ignore lint/suspicious/noExplicitAny: each factory has its own config type; callers pass validated options.
type RecipeFactory = (dimensions: Dimensions, config?: any) => Recipe<any>;

export const recipes: Readonly<Record<string, RecipeFactory>> = {
  awac,
  awr,
  bc,
  brac,
  calql,
  cql,
  iql,
  rlpd,
  sac,
  td3bc,
};

export const recipeNames = (): string[] => Object.keys(recipes).sort();

export const makeRecipe = (
  name: string,
  dimensions: Dimensions,
  config: Record<string, unknown> = {},
): Recipe => {
  const factory = recipes[name];
  if (factory === undefined) {
    throw new Error(`unknown recipe '${name}'; known recipes: ${recipeNames().join(', ')}`);
  }
  return factory(dimensions, config);
};
