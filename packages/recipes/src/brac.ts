/**
 * BRAC (Wu et al. 2019, `behavior_regularized_offline_rl/brac/brac_primal_agent.py`): SAC-style twin
 * critics (`ensemble_q_lambda=1` → min) and the behaviour-regularised actor part: a KL penalty
 * α·D̂(π, π_β) against a behaviour policy learned by BC, with a warm start without the Q term.
 * Variants: 'policy' (BRAC-pr, the penalty on the actor only; the backup is min_i Q̄_i(s′, a′)) and
 * 'value' (BRAC-vp, y = r + γ(1 − d)(min_i Q̄_i(s′, a′) − α_ent·log π(a′|s′) − α·D̂(s′))).
 *
 * Two phases, as BRAC runs them (a BC run, then the agent loading its checkpoint): the first
 * `behaviourSteps` updates fit π_β alone by likelihood BC, then π_β is frozen and the actor-critic
 * trains (`withBehaviourPretraining`, behaviour-pretraining.ts).
 */
import { type ActorCriticState, actorCritic } from './actor-critic.js';
import type { StochasticActorPart, ValueSignals } from './actor-parts.js';
import { withBehaviourPretraining } from './behaviour-pretraining.js';
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
  /** π_β's BC updates before the agent's: 300 000 (`scripts/train_bc.sh` `--total_train_steps`). */
  behaviourSteps: 300_000,
  /** π_β's Adam rate: 5e-4 (`scripts/train_bc.sh` `optimizers=(('adam', 5e-4),)`). */
  behaviourLearningRate: 5e-4,
};

export type BracConfig = typeof bracDefaults;

/** Settings for runs much shorter than BRAC's, as data (`offrl train brac --set key=value`). */
export const bracPresets = {
  /**
   * offrl's, for runs of a few thousand updates (docs/results.md: 3000): BRAC's 300 000 π_β updates
   * and 20 000-update warm start would fill the whole run, so the Q term would never start. π_β gets
   * the first 1000 updates and the agent's warm start 200 of the remaining ones: proportions chosen for
   * the run's length, not tuned.
   */
  shortRun: { behaviourSteps: 1000, warmStart: 200 },
} satisfies Record<string, Partial<BracConfig>>;

export type BracState = ActorCriticState<BehaviourRegularisedActorParams>;

export const brac = (dimensions: Dimensions, config: Partial<BracConfig> = {}): Recipe<BracState> => {
  const c = { ...bracDefaults, ...config };
  const valuePenalty = c.variant === 'value';
  const part = behaviourRegularisedActor(dimensions, {
    hiddenSizes: c.hiddenSizes,
    learningRate: c.actorLearningRate,
    divergenceWeight: c.divergenceWeight,
    divergence: c.divergence,
    divergenceSamples: c.divergenceSamples,
    warmStart: c.warmStart,
    valuePenalty,
    initialTemperature: c.initialTemperature,
  });
  const agent = actorCritic<BehaviourRegularisedActorParams>(
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
    part as unknown as StochasticActorPart<BehaviourRegularisedActorParams, ValueSignals>,
  );
  return withBehaviourPretraining(agent, part, {
    steps: c.behaviourSteps,
    learningRate: c.behaviourLearningRate,
  });
};
