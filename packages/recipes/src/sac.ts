/**
 * Soft actor-critic (Haarnoja et al. 2018a,b), usable offline (as the base CQL builds on) and later
 * online: twin critics with the entropy backup y = r + γ(1 − d)(min_i Q̄_i(s′, a′) − α·log π(a′|s′)),
 * a tanh-Gaussian actor maximising min_i Q_i(s, ã) − α·log π(ã|s), α learned towards H̄ = −|A|.
 * Offline without a constraint it overestimates out-of-distribution actions (the lecture's motivation for
 * CQL); it is here as the shared base and for offline-to-online use.
 */

import type { TensorTree } from '@offrl/tensor';
import type { ActorCriticState } from './actor-critic.js';
import { actorCritic } from './actor-critic.js';
import type { StochasticActorPart, ValueSignals } from './actor-parts.js';
import { type MaxEntropyActorParams, maxEntropyActor } from './max-entropy-actor.js';
import type { Dimensions, Recipe } from './recipe.js';

/** SAC defaults (RLPD `configs/sac_config.py`, `td_config.py`; CORL's SAC-N base), each with its source. */
export const sacDefaults = {
  /** (256, 256) for actor and critics (`hidden_dims`). */
  hiddenSizes: [256, 256] as readonly number[],
  /** 3e-4 for actor, critic and temperature (`actor_lr`, `critic_lr`, `temp_lr`). */
  actorLearningRate: 3e-4,
  criticLearningRate: 3e-4,
  /** 2 critics (`num_qs`, SAC's clipped double Q). */
  members: 2,
  /** RLPD's critics use LayerNorm; plain SAC does not (`critic_layer_norm` default False in SAC). */
  layerNorm: false,
  /** 0.99 (`discount`). */
  discount: 0.99,
  /** 0.005 (`tau`). */
  polyak: 0.005,
  /** 1.0 (`init_temperature`). */
  initialTemperature: 1,
  /** −|A| (SAC; RLPD uses −|A|/2). `undefined` means −|A|. */
  targetEntropy: undefined as number | undefined,
  /** True (`backup_entropy`). */
  backupEntropy: true,
};

export type SacConfig = typeof sacDefaults;

export type SacState<P extends TensorTree = MaxEntropyActorParams> = ActorCriticState<P>;

export const sac = <P extends TensorTree = MaxEntropyActorParams>(
  dimensions: Dimensions,
  config: Partial<SacConfig> = {},
  actor?: StochasticActorPart<P, ValueSignals>,
): Recipe<SacState<P>> => {
  const c = { ...sacDefaults, ...config };
  const part =
    actor ??
    (maxEntropyActor(dimensions, {
      hiddenSizes: c.hiddenSizes,
      learningRate: c.actorLearningRate,
      initialTemperature: c.initialTemperature,
      ...(c.targetEntropy === undefined ? {} : { targetEntropy: c.targetEntropy }),
    }) as unknown as StochasticActorPart<P, ValueSignals>);
  return actorCritic(
    'sac',
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
    },
    part,
  );
};
