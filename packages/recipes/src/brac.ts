/**
 * BRAC (Wu et al. 2019, `behavior_regularized_offline_rl/brac/brac_primal_agent.py`): SAC-style twin
 * critics (`ensemble_q_lambda=1` → min) and the behaviour-regularised actor part: a KL penalty
 * α·D̂(π, π_β) against a behaviour policy learned by BC, with a warm start without the Q term.
 * Variants: 'policy' (BRAC-pr, the penalty on the actor only; the backup is min_i Q̄_i(s′, a′)) and
 * 'value' (BRAC-vp, y = r + γ(1 − d)(min_i Q̄_i(s′, a′) − α_ent·log π(a′|s′) − α·D̂(s′))).
 */
import { type ActorCriticState, actorCritic } from './actor-critic.js';
import {
  type BehaviourRegularisedActorParams,
  behaviourRegularisedActor,
} from './behaviour-regularised-actor.js';
import type { Dimensions, Recipe } from './recipe.js';

/** Defaults of `brac_primal_agent.py` where algorithms.md gives them; the rest as marked. */
export const bracDefaults = {
  /** 'value' (`value_penalty=True`) or 'policy'. */
  variant: 'policy' as 'policy' | 'value',
  /** `divergence_name='kl'`: reverse KL(π‖π_β); 'forward' KL(π_β‖π) is the lecture's alternative. */
  divergence: 'reverse' as 'forward' | 'reverse',
  /** α = 1.0 (`alpha`, `train_alpha=False`). */
  divergenceWeight: 1,
  /** `n_div_samples` 4. */
  divergenceSamples: 4,
  /** `warm_start` 20 000. */
  warmStart: 20_000,
  /** offrl's 256-256 (the BRAC hidden sizes are not in algorithms.md). */
  hiddenSizes: [256, 256] as readonly number[],
  /** 3e-4 for all learners (offrl's SAC rate; BRAC's are not in algorithms.md). */
  actorLearningRate: 3e-4,
  criticLearningRate: 3e-4,
  discount: 0.99,
  polyak: 0.005,
  /** α_ent at the start: 1 (BRAC `alpha_entropy`). */
  initialTemperature: 1,
};

export type BracConfig = typeof bracDefaults;

export type BracState = ActorCriticState<BehaviourRegularisedActorParams>;

export const brac = (dimensions: Dimensions, config: Partial<BracConfig> = {}): Recipe<BracState> => {
  const c = { ...bracDefaults, ...config };
  const valuePenalty = c.variant === 'value';
  return actorCritic(
    'brac',
    dimensions,
    {
      hiddenSizes: c.hiddenSizes,
      members: 2,
      layerNorm: false,
      criticLearningRate: c.criticLearningRate,
      discount: c.discount,
      polyak: c.polyak,
      backupEntropy: valuePenalty,
      maxQBackup: 0,
      order: 'joint',
      conservative: undefined,
    },
    behaviourRegularisedActor(dimensions, {
      hiddenSizes: c.hiddenSizes,
      learningRate: c.actorLearningRate,
      divergenceWeight: c.divergenceWeight,
      divergence: c.divergence,
      divergenceSamples: c.divergenceSamples,
      warmStart: c.warmStart,
      valuePenalty,
      initialTemperature: c.initialTemperature,
    }),
  );
};
