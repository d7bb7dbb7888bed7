/**
 * SAC's actor as a part (Haarnoja et al. 2018b): a tanh-squashed Gaussian policy that maximises
 * min_i Q_i(s, ã) − α·log π(ã|s) for ã ~ π(·|s), with the temperature α = exp(log α) learned towards
 * the target entropy H̄ (`temperatureLoss`), or fixed. The temperature lives in the part's parameters
 * ({ policy, logAlpha }): the two losses read disjoint parameters (α is a constant in the actor's,
 * log π in the temperature's), so one gradient and one Adam serve both. CORL's CQL steps α with the
 * policy's learning rate, as here; SAC's 3e-4 is the same for both.
 * In the critic's backup it adds −α·log π(a′|s′) (the soft value), used when a recipe backs up entropy.
 * CORL's CQL can start with `bc_steps` updates of α·log π(ã|s) − log π(a|s) (likelihood of the data's
 * actions in place of Q; `_policy_loss`), here `bcSteps`.
 */
import { maxEntropyActorLoss, tanhGaussianPolicy, temperatureLoss } from '@offrl/actors';
import {
  adam,
  type LearningRate,
  type MlpParams,
  type Scalar,
  stopGradient,
  type Tensor,
  type Tensor1D,
  tf,
} from '@offrl/tensor';
import type { CriticSignals, StochasticActorPart } from './actor-parts.js';
import type { Dimensions } from './recipe.js';

export interface MaxEntropyActorConfig {
  readonly hiddenSizes: readonly number[];
  readonly learningRate: LearningRate;
  /** α at the start: 1 (CORL `log_alpha` initialised to 0; RLPD `init_temperature` 1.0). */
  readonly initialTemperature: number;
  /** Learn α (SAC's automatic entropy tuning, CORL `use_automatic_entropy_tuning=True`) or keep it. */
  readonly learnTemperature: boolean;
  /** H̄; default −|A| (SAC, CORL CQL). RLPD uses −|A|/2, Cal-QL's AntMaze runs 0. */
  readonly targetEntropy: number;
  /** Added to the policy's log σ (CORL CQL's `policy_log_std_offset` −1). Default 0. */
  readonly logStdOffset: number;
  /** The policy's output layer init: 'small' is CORL CQL's (Xavier ×10⁻², zero bias). Default 'pytorch'. */
  readonly outputInit: 'pytorch' | 'small';
  /** Updates that maximise log π(a|s) of the data's actions instead of Q (CORL `bc_steps`). Default 0. */
  readonly bcSteps: number;
}

export type MaxEntropyActorParams = {
  readonly policy: MlpParams;
  /** log α, a scalar. */
  readonly logAlpha: Tensor;
};

export const maxEntropyActor = (
  dimensions: Dimensions,
  config: Partial<MaxEntropyActorConfig> = {},
): StochasticActorPart<MaxEntropyActorParams, CriticSignals> => {
  const {
    hiddenSizes = [256, 256],
    learningRate = 3e-4,
    initialTemperature = 1,
    learnTemperature = true,
    targetEntropy = -dimensions.actionDim,
    logStdOffset = 0,
    outputInit = 'pytorch',
    bcSteps = 0,
  } = config;
  if (!(initialTemperature > 0))
    throw new RangeError(`maxEntropyActor: initialTemperature must be positive, got ${initialTemperature}`);
  const policy = tanhGaussianPolicy({ ...dimensions, hiddenSizes, logStdOffset, outputInit });
  const alphaOf = (params: MaxEntropyActorParams): Tensor => tf.exp(stopGradient(params.logAlpha));
  return {
    name: 'maxEntropy',
    needsValue: false,
    needsQ: true,
    init: (key) => ({ policy: policy.init(key), logAlpha: tf.scalar(Math.log(initialTemperature)) }),
    optimizer: adam({ learningRate }),
    // Runs inside the recipe's gradient tape, whose scope frees the intermediates.
    loss: (params, { observations, actions: dataActions, q }, { key, step }) => {
      const { actions, logProb } = policy.sample(params.policy, observations, key);
      // CORL's BC warm-up has the same form with the data's log-likelihood in Q's place.
      const value = step < bcSteps ? policy.logProb(params.policy, observations, dataActions) : q(actions);
      const actor = maxEntropyActorLoss({ q: value, logProb, alpha: alphaOf(params) });
      if (!learnTemperature) return actor;
      const temperature = temperatureLoss(params.logAlpha, logProb, targetEntropy);
      return {
        loss: tf.add(actor.loss, temperature.loss) as Scalar,
        metrics: { ...actor.metrics, ...temperature.metrics, 'temperature/loss': temperature.loss },
      };
    },
    act: (params, observations) => policy.apply(params.policy, observations),
    sample: (params, observations, key) =>
      tf.tidy(() => policy.sample(params.policy, observations, key).actions),
    sampleMany: (params, observations, key, count) =>
      policy.sampleMany(params.policy, observations, key, count),
    backupBonus: (params, _nextObservations, next) =>
      tf.tidy(() => tf.neg(tf.mul(alphaOf(params), tf.reshape(next.logProb, [-1]))) as Tensor1D),
  };
};
