/** The resolved configuration of a training run, as stored in config.json and in every checkpoint. */
import type { BufferPolicy, Dimensions } from '@offrl/recipes';

/** The online phase of a run (`--env-steps`): after `steps` offline updates on the dataset, if any. */
export interface OnlinePhase {
  readonly envSteps: number;
  /** How batches use the offline data: see `BufferPolicy` of @offrl/recipes. */
  readonly bufferPolicy: BufferPolicy;
  readonly utd: number;
  readonly warmupSteps: number;
  readonly numEnvs: number;
  /** Online rows the replay buffer holds (the dataset's rows come on top with the 'append' policy). */
  readonly bufferSize: number;
}

export interface RunConfig {
  readonly recipe: string;
  /** A dataset id or path, as given to --dataset; absent for online training from scratch. */
  readonly dataset?: string;
  readonly env: string;
  readonly seed: number;
  /** Offline updates (before the online phase, if there is one). */
  readonly steps: number;
  readonly batchSize: number;
  readonly evalEvery: number;
  readonly evalEpisodes: number;
  /** `--set` overrides of the recipe's defaults. */
  readonly overrides: Readonly<Record<string, unknown>>;
  readonly dimensions: Dimensions;
  readonly online?: OnlinePhase;
}
