/**
 * The task a dataset belongs to: its dimensions and action bounds, checked against the environment
 * the policy will be evaluated on, so a mismatch fails before training rather than at evaluation.
 */

import type { TransitionSource } from '@offrl/datasets';
import { makeEnv } from '@offrl/envs';
import type { Dimensions } from '@offrl/recipes';

export const taskDimensions = async (envId: string, dataset?: TransitionSource): Promise<Dimensions> => {
  const env = await makeEnv(envId);
  try {
    const observationDim = env.observationSpace.shape[0]!;
    const actionDim = env.actionSpace.shape[0]!;
    if (
      dataset !== undefined &&
      (observationDim !== dataset.observationDim || actionDim !== dataset.actionDim)
    ) {
      throw new Error(
        `${envId} has observations of size ${observationDim} and actions of size ${actionDim}, ` +
          `the dataset has ${dataset.observationDim} and ${dataset.actionDim}`,
      );
    }
    const { low, high } = env.actionSpace;
    const actionScale = high[0]!;
    for (let i = 0; i < actionDim; i++) {
      if (high[i] !== actionScale || low[i] !== -actionScale) {
        throw new Error(
          `${envId}: recipes need a symmetric action box with one bound, got [${low}] to [${high}]`,
        );
      }
    }
    return { observationDim, actionDim, actionScale };
  } finally {
    env.close();
  }
};
