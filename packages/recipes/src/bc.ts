/**
 * Behaviour cloning: π ← argmin_π mean ‖π(s) − a‖² over the dataset (the lecture's baseline; d3rlpy
 * `BC` with `policy_type="deterministic"`). Defaults: lr 1e-3 (d3rlpy `bc.py`), 2×256 hidden layers.
 */
import { behaviourCloningMse, deterministicPolicy } from '@offrl/actors';
import { type AdamState, adam, type MlpParams, tf, valueAndGrad } from '@offrl/tensor';
import type { Dimensions, Recipe } from './recipe.js';

export interface BcConfig {
  readonly hiddenSizes: readonly number[];
  readonly learningRate: number;
}

export const bcDefaults: BcConfig = { hiddenSizes: [256, 256], learningRate: 1e-3 };

export type BcState = {
  readonly actor: MlpParams;
  readonly actorOptimizer: AdamState;
};

export const bc = (dimensions: Dimensions, config: Partial<BcConfig> = {}): Recipe<BcState> => {
  const { hiddenSizes, learningRate } = { ...bcDefaults, ...config };
  const policy = deterministicPolicy({ ...dimensions, hiddenSizes });
  const optimizer = adam({ learningRate });
  return {
    name: 'bc',
    dimensions,
    init: (key) => {
      const actor = policy.init(key);
      return { actor, actorOptimizer: optimizer.init(actor) };
    },
    update: (state, batch) =>
      tf.tidy(() => {
        const { metrics, grads } = valueAndGrad(
          (actor: MlpParams) => behaviourCloningMse(policy.apply(actor, batch.observations), batch.actions),
          state.actor,
        );
        const next = optimizer.update(grads, state.actorOptimizer, state.actor);
        return { state: { actor: next.params, actorOptimizer: next.state }, metrics };
      }),
    act: (state, observations) => policy.apply(state.actor, observations),
  };
};
