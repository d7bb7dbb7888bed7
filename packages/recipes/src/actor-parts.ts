/**
 * Actor parts: what an actor-critic recipe learns as its policy, and by which objective. A critic
 * recipe hands its actor *signals* (the batch, a differentiable Q, maybe an advantage); an actor part
 * declares which signals it reads, so a recipe that cannot supply them does not type-check:
 * an advantage-weighted actor needs `ValueSignals` (a state-value function, as IQL's), and passing it
 * to TD3+BC, whose critic offers only `CriticSignals`, is a compile error.
 *
 * Swapping the part is the one-line mix: `iql(dimensions, config, deterministicBcActor(dimensions))`
 * is IQL's critic with TD3+BC's actor.
 */
import {
  advantageWeightedLikelihood,
  deterministicPolicy,
  type GaussianPolicyParams,
  gaussianPolicy,
} from '@offrl/actors';
import { bcPenalty } from '@offrl/constraints';
import {
  type AdamState,
  adam,
  type Key,
  type LearningRate,
  type LossResult,
  type MlpParams,
  type Optimizer,
  type Tensor1D,
  type Tensor2D,
  type TensorTree,
} from '@offrl/tensor';
import type { Dimensions } from './recipe.js';

/** What every critic offers its actor. */
export interface CriticSignals {
  readonly observations: Tensor2D;
  /** The dataset's actions [B, A]. */
  readonly actions: Tensor2D;
  /**
   * Q(s, ·) [B] of the critic the actor follows (which one is the recipe's: TD3's first critic, IQL's
   * target min), its parameters held fixed, differentiable in the actions.
   */
  readonly q: (actions: Tensor2D) => Tensor1D;
}

/** What a critic with a state-value function also offers (IQL, AWR). */
export interface ValueSignals extends CriticSignals {
  /** A(s, a) = Q̄(s, a) − V(s) [B] of the dataset's actions, a constant. */
  readonly advantage: Tensor1D;
}

export interface ActorPart<P extends TensorTree, In extends CriticSignals = CriticSignals> {
  readonly name: string;
  /**
   * Whether the objective reads `ValueSignals` (the advantage). The same fact as `In`, kept as a value
   * so that a recipe built from untyped configuration refuses the actor with a clear message too.
   */
  readonly needsValue: In extends ValueSignals ? true : boolean;
  readonly init: (key: Key) => P;
  readonly optimizer: Optimizer<AdamState>;
  /** The actor's objective; property syntax so that `In` is checked contravariantly. */
  readonly loss: (params: P, signals: In, key: Key) => LossResult;
  /** The evaluation action (the policy's mode) [B, A]. */
  readonly act: (params: P, observations: Tensor2D) => Tensor2D;
  /** An action drawn from the policy [B, A] (the mode for a deterministic policy). */
  readonly sample: (params: P, observations: Tensor2D, key: Key) => Tensor2D;
}

export interface DeterministicBcActorConfig {
  /** TD3+BC's α; 2.5 (Fujimoto & Gu 2021, `TD3_BC/main.py --alpha`). */
  readonly alpha: number;
  readonly hiddenSizes: readonly number[];
  readonly learningRate: LearningRate;
  /** BC term averaged ('mean', TD3_BC's `F.mse_loss`) or summed over action dimensions ('sum'). */
  readonly reduction: 'mean' | 'sum';
}

/** TD3+BC's actor: a deterministic tanh policy, −λ·Q(s, π(s)) + ‖π(s) − a‖², λ = α/mean|Q|. */
export const deterministicBcActor = (
  dimensions: Dimensions,
  config: Partial<DeterministicBcActorConfig> = {},
): ActorPart<MlpParams, CriticSignals> => {
  const { alpha = 2.5, hiddenSizes = [256, 256], learningRate = 3e-4, reduction = 'mean' } = config;
  const policy = deterministicPolicy({ ...dimensions, hiddenSizes });
  const objective = bcPenalty(alpha, { reduction });
  return {
    name: 'deterministicBc',
    needsValue: false,
    init: policy.init,
    optimizer: adam({ learningRate }),
    loss: (params, { observations, actions, q }) => {
      const policyActions = policy.apply(params, observations);
      return objective({ q: q(policyActions), policyActions, dataActions: actions });
    },
    act: policy.apply,
    sample: (params, observations) => policy.apply(params, observations),
  };
};

export interface AdvantageWeightedActorConfig {
  /** β in exp(β·A); IQL's `temperature` 3.0 (official `configs/mujoco_config.py`). */
  readonly temperature: number;
  /** 100 (IQL `actor.py`, CORL `EXP_ADV_MAX`). */
  readonly maxWeight: number;
  readonly hiddenSizes: readonly number[];
  readonly learningRate: LearningRate;
}

/** IQL's actor: the Gaussian policy with a tanh mean, trained by advantage-weighted likelihood. */
export const advantageWeightedActor = (
  dimensions: Dimensions,
  config: Partial<AdvantageWeightedActorConfig> = {},
): ActorPart<GaussianPolicyParams, ValueSignals> => {
  const { temperature = 3, maxWeight = 100, hiddenSizes = [256, 256], learningRate = 3e-4 } = config;
  const policy = gaussianPolicy({ ...dimensions, hiddenSizes });
  return {
    name: 'advantageWeighted',
    needsValue: true,
    init: policy.init,
    optimizer: adam({ learningRate }),
    loss: (params, { observations, actions, advantage }) =>
      advantageWeightedLikelihood(
        { logProb: policy.distribution(params, observations).logProb(actions), advantage },
        { temperature, maxWeight },
      ),
    act: policy.apply,
    sample: (params, observations, key) => policy.distribution(params, observations).sample(key) as Tensor2D,
  };
};

/** Throws, naming recipe and actor, when the actor reads an advantage that the recipe's critic lacks. */
export const assertNoValueNeeded = (recipe: string, part: { name: string; needsValue: boolean }): void => {
  if (part.needsValue) {
    throw new Error(
      `${recipe}: the actor '${part.name}' needs a state-value function (an advantage A = Q − V), ` +
        `which ${recipe}'s critic does not learn; use a critic recipe with V (iql) or an actor that reads only Q`,
    );
  }
};
