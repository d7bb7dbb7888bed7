/** The resolved configuration of a training run, as stored in config.json and in every checkpoint. */
import type { Dimensions } from '@offrl/recipes';

export interface RunConfig {
  readonly recipe: string;
  /** A dataset id or path, as given to --dataset. */
  readonly dataset: string;
  readonly env: string;
  readonly seed: number;
  readonly steps: number;
  readonly batchSize: number;
  readonly evalEvery: number;
  readonly evalEpisodes: number;
  /** `--set` overrides of the recipe's defaults. */
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly dimensions: Dimensions;
}
