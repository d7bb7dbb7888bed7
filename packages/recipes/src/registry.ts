/** Recipes by name, so a configuration file or the command line can pick one. */
import { awac, awacDefaults } from './awac.js';
import { awr, awrDefaults } from './awr.js';
import { bc, bcDefaults } from './bc.js';
import { brac, bracDefaults } from './brac.js';
import { calql, calqlDefaults, cql, cqlDefaults } from './cql.js';
import { iql, iqlDefaults } from './iql.js';
import type { Dimensions, Recipe } from './recipe.js';
import { rlpd, rlpdDefaults } from './rlpd.js';
import { sac, sacDefaults } from './sac.js';
import { td3bc, td3bcDefaults } from './td3bc.js';

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

/** Each recipe's options with their reference defaults (the sources are beside each defaults object). */
export const recipeDefaults: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  awac: awacDefaults,
  awr: awrDefaults,
  bc: { ...bcDefaults },
  brac: bracDefaults,
  calql: calqlDefaults,
  cql: cqlDefaults,
  iql: iqlDefaults,
  rlpd: rlpdDefaults,
  sac: sacDefaults,
  td3bc: td3bcDefaults,
};

export const recipeNames = (): string[] => Object.keys(recipes).sort();

const kind = (value: unknown): string =>
  Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;

/**
 * Throws naming the recipe and the option when `config` has an option the recipe does not know (a typo
 * would otherwise be ignored silently), or a number, boolean or array option gets another kind of value.
 * Keyword options (string defaults, some of which also take numbers) are left to the recipe to check.
 */
const checkConfig = (name: string, config: Readonly<Record<string, unknown>>): void => {
  const defaults = recipeDefaults[name] ?? {};
  for (const [key, value] of Object.entries(config)) {
    if (!(key in defaults)) {
      throw new Error(
        `${name}: unknown option '${key}'; options: ${Object.keys(defaults).sort().join(', ')}`,
      );
    }
    // An option whose default is undefined (e.g. a target entropy derived from |A|) takes a number.
    const expected = defaults[key] === undefined ? 'number' : kind(defaults[key]);
    if (['number', 'boolean', 'array'].includes(expected) && kind(value) !== expected) {
      throw new Error(
        `${name}: option '${key}' must be ${expected === 'array' ? 'an' : 'a'} ${expected}, got ${JSON.stringify(value)}`,
      );
    }
  }
};

export const makeRecipe = (
  name: string,
  dimensions: Dimensions,
  config: Record<string, unknown> = {},
): Recipe => {
  const factory = recipes[name];
  if (factory === undefined) {
    throw new Error(`unknown recipe '${name}'; known recipes: ${recipeNames().join(', ')}`);
  }
  checkConfig(name, config);
  return factory(dimensions, config);
};
