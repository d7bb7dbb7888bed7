/**
 * AWAC (Nair et al. 2020), as CORL `algorithms/offline/awac.py`: twin critics with
 * y = r + γ(1 − d)·min_i Q̄_i(s′, a′), a′ ~ π(·|s′) (no entropy term); then, against the updated critic,
 * the actor  π ← argmax mean min(exp(A/λ), 100)·log π(a|s),  A = min_i Q_i(s, a) − min_i Q_i(s, ã),
 * ã ~ π(·|s) (the lecture's V(s) ≈ Q(s, a ~ π)). The actor is IQL's Gaussian part with β = 1/λ.
 * CORL's actor has an unsquashed mean and log σ in [−20, 2]; this one keeps the tanh mean and [−5, 2].
 */
import type { GaussianPolicyParams } from '@offrl/actors';
import type { TensorTree } from '@offrl/tensor';
import { type ActorCriticState, actorCritic } from './actor-critic.js';
import { advantageWeightedActor, type StochasticActorPart, type ValueSignals } from './actor-parts.js';
import type { Dimensions, Recipe } from './recipe.js';

/** CORL `algorithms/offline/awac.py` `TrainConfig` and networks. */
export const awacDefaults = {
  /** `awac_lambda` 1.0: weights exp(A/λ). */
  lambda: 1,
  /** `exp_adv_max` 100. */
  maxWeight: 100,
  /** `hidden_dim` 256, three hidden layers in `Actor._mlp` and the critics. */
  hiddenSizes: [256, 256, 256] as readonly number[],
  /** `learning_rate` 3e-4 for both. */
  actorLearningRate: 3e-4,
  criticLearningRate: 3e-4,
  /** `gamma` 0.99. */
  discount: 0.99,
  /** `tau` 5e-3. */
  polyak: 0.005,
};

export type AwacConfig = typeof awacDefaults;

export type AwacState<P extends TensorTree = GaussianPolicyParams> = ActorCriticState<P>;

export const awac = <P extends TensorTree = GaussianPolicyParams>(
  dimensions: Dimensions,
  config: Partial<AwacConfig> = {},
  actor?: StochasticActorPart<P, ValueSignals>,
): Recipe<AwacState<P>> => {
  const c = { ...awacDefaults, ...config };
  if (!(c.lambda > 0)) throw new RangeError(`awac: lambda must be positive, got ${c.lambda}`);
  return actorCritic(
    'awac',
    dimensions,
    {
      hiddenSizes: c.hiddenSizes,
      members: 2,
      layerNorm: false,
      criticLearningRate: c.criticLearningRate,
      discount: c.discount,
      polyak: c.polyak,
      backupEntropy: false,
      maxQBackup: 0,
      order: 'criticFirst',
      conservative: undefined,
    },
    actor ??
      (advantageWeightedActor(dimensions, {
        temperature: 1 / c.lambda,
        maxWeight: c.maxWeight,
        hiddenSizes: c.hiddenSizes,
        learningRate: c.actorLearningRate,
      }) as unknown as StochasticActorPart<P, ValueSignals>),
  );
};
