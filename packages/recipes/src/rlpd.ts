/**
 * RLPD (Ball et al. 2023, "Efficient Online Reinforcement Learning with Offline Data"): SAC from scratch,
 * online, with the offline data as half of every batch. Built from the parts SAC uses:
 *   y = r + γ(1 − d)(min_{i∈M} Q̄_i(s′, a′) − α·log π(a′|s′)),  M: 2 random members of 10, a′ ~ π(·|s′);
 *   Q ← argmin Σ_i mean (Q_i(s, a) − y)²   (10 LayerNorm critics);
 *   π ← argmin mean(α·log π(ã|s) − mean_i Q_i(s, ã)),  α towards H̄ = −|A|/2;
 *   UTD critic steps per actor and temperature step (the actor steps on every `utd`-th update).
 * The symmetric sampling is the loop's: `trainOnline(rlpd(d), { utd: rlpdDefaults.utd,
 * offline: { dataset, bufferPolicy: 'mixed', offlineFraction: 0.5 }, warmupSteps: 5000 })`.
 */
import type { TensorTree } from '@offrl/tensor';
import { type ActorCriticState, actorCritic } from './actor-critic.js';
import type { StochasticActorPart, ValueSignals } from './actor-parts.js';
import { type MaxEntropyActorParams, maxEntropyActor } from './max-entropy-actor.js';
import type { Dimensions, Recipe } from './recipe.js';

/** RLPD `configs/rlpd_config.py`, `sac_config.py`, `td_config.py` and the README's commands. */
export const rlpdDefaults = {
  /** (256, 256) (`hidden_dims`). */
  hiddenSizes: [256, 256] as readonly number[],
  /** 3e-4 (`actor_lr`, `critic_lr`, `temp_lr`). */
  actorLearningRate: 3e-4,
  criticLearningRate: 3e-4,
  /** 10 (`num_qs`). */
  members: 10,
  /** 2 (`num_min_qs`): the target's min over 2 random members. AntMaze runs use 1. */
  targetMembers: 2,
  /** True (`critic_layer_norm`). */
  layerNorm: true,
  /** 0.99. */
  discount: 0.99,
  /** 0.005 (`tau`). */
  polyak: 0.005,
  /** 1.0 (`init_temperature`). */
  initialTemperature: 1,
  /** −|A|/2 (`target_entropy = -action_dim / 2`); `undefined` means that. */
  targetEntropy: undefined as number | undefined,
  /** True (`backup_entropy`); AntMaze and Adroit runs turn it off. */
  backupEntropy: true,
  /**
   * 20 (`--utd_ratio=20`): critic steps per actor step. Give the loop the same `utd` (updates per
   * transition), so that the actor steps once per transition as in RLPD.
   */
  utd: 20,
};

export type RlpdConfig = typeof rlpdDefaults;

export type RlpdState<P extends TensorTree = MaxEntropyActorParams> = ActorCriticState<P>;

export const rlpd = <P extends TensorTree = MaxEntropyActorParams>(
  dimensions: Dimensions,
  config: Partial<RlpdConfig> = {},
  actor?: StochasticActorPart<P, ValueSignals>,
): Recipe<RlpdState<P>> => {
  const c = { ...rlpdDefaults, ...config };
  const part =
    actor ??
    (maxEntropyActor(dimensions, {
      hiddenSizes: c.hiddenSizes,
      learningRate: c.actorLearningRate,
      initialTemperature: c.initialTemperature,
      targetEntropy: c.targetEntropy ?? -dimensions.actionDim / 2,
    }) as unknown as StochasticActorPart<P, ValueSignals>);
  return actorCritic(
    'rlpd',
    dimensions,
    {
      hiddenSizes: c.hiddenSizes,
      members: c.members,
      layerNorm: c.layerNorm,
      criticLearningRate: c.criticLearningRate,
      discount: c.discount,
      polyak: c.polyak,
      backupEntropy: c.backupEntropy,
      maxQBackup: 0,
      order: 'joint',
      conservative: undefined,
      targetMembers: c.targetMembers,
      actorQ: 'mean',
      actorEvery: c.utd,
    },
    part,
  );
};
