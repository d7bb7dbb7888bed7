/**
 * What `offrl train` says when a run diverges: the guard's message (the update and the non-finite
 * terms) plus where the last good checkpoint is, since every checkpoint is checked finite before it is
 * written and the run directory still holds it.
 */
import { TrainingDivergedError } from '@offrl/recipes';

/** Where the last checkpoint of this run was written, and at which point of the run. */
export interface LastCheckpoint {
  readonly where: string;
  /** e.g. 'update 3000' or 'env step 20000'. */
  readonly at: string;
}

/** `error` unchanged, or, for a divergence, an error that also names the last good checkpoint. */
export const explainDivergence = (error: unknown, last: LastCheckpoint | undefined): unknown =>
  error instanceof TrainingDivergedError
    ? new Error(
        `${error.message}; the run stopped. ${
          last === undefined
            ? 'No checkpoint was written before it.'
            : `The last good checkpoint is ${last.where} (${last.at}).`
        } Lower the learning rates or check the dataset’s rewards and observations.`,
        { cause: error },
      )
    : error;
