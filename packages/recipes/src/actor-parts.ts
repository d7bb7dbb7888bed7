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
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  type TensorTree,
  tf,
} from '@offrl/tensor';
import type { Dimensions, UpdateContext } from './recipe.js';

/** What every recipe offers its actor: the batch's states and actions. */
export interface BatchSignals {
  readonly observations: Tensor2D;
  /** The dataset's actions [B, A]. */
  readonly actions: Tensor2D;
}

/** What a recipe with a Q-function offers (TD3+BC, IQL, SAC, CQL, AWAC, BRAC). */
export interface CriticSignals extends BatchSignals {
  /**
   * Q(s, ·) [B] of the critic the actor follows (which one is the recipe's: TD3's first critic, IQL's
   * target min, SAC's and CQL's min), its parameters held fixed, differentiable in the actions.
   */
  readonly q: (actions: Tensor2D) => Tensor1D;
}

/** What a recipe that estimates advantages offers (IQL and AWR with V; AWAC-style critics with Q(s, π(s))). */
export interface AdvantageSignals extends BatchSignals {
  /** A(s, a) [B] of the dataset's actions, a constant. */
  readonly advantage: Tensor1D;
}

/** Both: a Q-function and advantages (IQL: Q̄ − V; SAC-style critics: Q(s, a) − Q(s, ã), ã ~ π(s)). */
export interface ValueSignals extends CriticSignals, AdvantageSignals {}

export interface ActorPart<P extends TensorTree, In extends BatchSignals = CriticSignals> {
  readonly name: string;
  /**
   * Whether the objective reads an advantage. The same fact as `In`, kept as a value so that a recipe
   * built from untyped configuration refuses the actor with a clear message too.
   */
  readonly needsValue: In extends AdvantageSignals ? true : boolean;
  /** Whether the objective reads `q` (a recipe without a Q-function, AWR, refuses it). */
  readonly needsQ: In extends CriticSignals ? true : boolean;
  readonly init: (key: Key) => P;
  readonly optimizer: Optimizer<AdamState>;
  /**
   * The actor's objective; property syntax so that `In` is checked contravariantly. The context's
   * step lets an objective change over training (BRAC's warm start without the Q term).
   */
  readonly loss: (params: P, signals: In, context: UpdateContext) => LossResult;
  /** The evaluation action (the policy's mode) [B, A]. */
  readonly act: (params: P, observations: Tensor2D) => Tensor2D;
  /** An action drawn from the policy [B, A] (the mode for a deterministic policy). */
  readonly sample: (params: P, observations: Tensor2D, key: Key) => Tensor2D;
}

/** K actions per state [K, B, A], inside the action box, and their log-densities [K, B]. */
export interface SampledActions {
  readonly actions: Tensor;
  readonly logProb: Tensor2D;
}

/**
 * An actor with a density: what SAC's entropy backup, CQL's policy-action penalty terms, max-Q backups
 * and AWAC's V(s) ≈ Q(s, ã) need. A deterministic actor is not one, so `cql(…, deterministicBcActor(…))`
 * does not type-check.
 */
export interface StochasticActorPart<P extends TensorTree, In extends BatchSignals = CriticSignals>
  extends ActorPart<P, In> {
  /** K reparameterised draws per state with their log-densities (the caller stops gradients it must). */
  readonly sampleMany: (params: P, observations: Tensor2D, key: Key, count: number) => SampledActions;
  /**
   * What the actor adds to Q̄(s′, a′) in the critic's backup, for its own sample a′ ~ π(s′) with
   * log-density `logProb` [B]: SAC's −α·log π(a′|s′), BRAC's value penalty −α·D̂(s′). Absent: nothing.
   */
  readonly backupBonus?: (params: P, nextObservations: Tensor2D, next: SampledActions) => Tensor1D;
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
    needsQ: true,
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

/**
 * IQL's actor: the Gaussian policy with a tanh mean, trained by advantage-weighted likelihood. It reads
 * only the advantage, so it fits IQL, AWR and the SAC-style critics (as AWAC's actor). Its draws for
 * other recipes' needs (CQL's policy actions) are clipped to the action box, as CORL's AWAC clamps them.
 */
export const advantageWeightedActor = (
  dimensions: Dimensions,
  config: Partial<AdvantageWeightedActorConfig> = {},
): StochasticActorPart<GaussianPolicyParams, AdvantageSignals> => {
  const { temperature = 3, maxWeight = 100, hiddenSizes = [256, 256], learningRate = 3e-4 } = config;
  const policy = gaussianPolicy({ ...dimensions, hiddenSizes });
  const scale = dimensions.actionScale;
  return {
    name: 'advantageWeighted',
    needsValue: true,
    needsQ: false,
    init: policy.init,
    optimizer: adam({ learningRate }),
    loss: (params, { observations, actions, advantage }) =>
      advantageWeightedLikelihood(
        { logProb: policy.distribution(params, observations).logProb(actions), advantage },
        { temperature, maxWeight },
      ),
    act: policy.apply,
    sample: (params, observations, key) =>
      tf.tidy(
        () =>
          tf.clipByValue(policy.distribution(params, observations).sample(key), -scale, scale) as Tensor2D,
      ),
    sampleMany: (params, observations, key, count) =>
      tf.tidy(() => {
        const { actions, logProb } = policy.sampleMany(params, observations, key, count);
        return { actions: tf.clipByValue(actions, -scale, scale), logProb };
      }),
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

/** Throws, naming recipe and actor, when the actor reads a Q-function that the recipe does not learn. */
export const assertNoQNeeded = (recipe: string, part: { name: string; needsQ: boolean }): void => {
  if (part.needsQ) {
    throw new Error(
      `${recipe}: the actor '${part.name}' maximises a Q-function, which ${recipe} does not learn ` +
        `(it learns only V); use an advantage-weighted actor or a recipe with a Q critic`,
    );
  }
};

/** Whether the actor is a distribution (it can sample and score actions), not a deterministic policy. */
export const isStochastic = <P extends TensorTree, In extends BatchSignals>(
  part: ActorPart<P, In>,
): part is StochasticActorPart<P, In> => 'sampleMany' in part && typeof part.sampleMany === 'function';

/** Throws, naming recipe and actor, when the recipe needs the actor's densities and it has none. */
export const assertStochastic = <P extends TensorTree, In extends BatchSignals>(
  recipe: string,
  part: ActorPart<P, In>,
): StochasticActorPart<P, In> => {
  if (!isStochastic(part)) {
    throw new Error(
      `${recipe}: the actor '${part.name}' has no density to sample from (a deterministic policy), ` +
        `which ${recipe}'s critic needs for its backup or penalty; use a stochastic actor (maxEntropyActor, advantageWeightedActor)`,
    );
  }
  return part;
};
