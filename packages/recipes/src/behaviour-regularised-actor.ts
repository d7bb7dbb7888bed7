/**
 * BRAC's actor (Wu et al. 2019, `brac_primal_agent.py`) as a part: a tanh-Gaussian policy π, a
 * behaviour policy π_β fitted to the data by likelihood BC, and the policy loss
 *   L_π = mean_s [α_ent·log π(ã|s) − Q(s, ã)·1(step ≥ warmStart)] + α·D̂(π, π_β),   ã ~ π(·|s),
 * with D̂ the KL estimate of `@offrl/constraints` from K = 4 samples (`n_div_samples`), reverse
 * KL(π‖π_β) by default (BRAC's `kl`) or forward KL(π_β‖π). α_ent is learned towards −|A| as in SAC.
 * The value-penalty variant (`value_penalty=True`) also backs up −α_ent·log π(a′|s′) − α·D̂(s′), with
 * D̂(s′) = log π(a′|s′) − log π_β(a′|s′) from the backup's own sample a′.
 *
 * π_β is a constant here: BRAC trains it first, by likelihood BC alone (`scripts/train_bc.sh`), then
 * loads it frozen (`behavior_ckpt_file`). `behaviourLoss` is that BC objective, on π_β's parameters
 * only; the `brac` recipe runs it for its first updates and this part's `loss` after (brac.ts).
 * The warm start (the first `warmStart` updates of `loss` without the Q term, BRAC's 20 000) lets the
 * actor follow π_β before Q is trusted.
 */
import { behaviourCloningLikelihood, tanhGaussianPolicy, temperatureLoss } from '@offrl/actors';
import { type KlDirection, klActorPenalty } from '@offrl/constraints';
import {
  adam,
  type Key,
  type LearningRate,
  type LossResult,
  type MlpParams,
  type Scalar,
  splitKey,
  stopGradient,
  stopGradientTree,
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  tf,
} from '@offrl/tensor';
import type { BatchSignals, CriticSignals, SampledActions, StochasticActorPart } from './actor-parts.js';
import type { Dimensions } from './recipe.js';
import { repeatRows } from './repeat-rows.js';

export interface BehaviourRegularisedActorConfig {
  readonly hiddenSizes: readonly number[];
  /** Policy and temperature; 3e-4. */
  readonly learningRate: LearningRate;
  /** α, the divergence weight: 1.0 (BRAC `alpha`; `train_alpha=False`). */
  readonly divergenceWeight: number;
  /** 'reverse' KL(π‖π_β) (BRAC's `kl`) or 'forward' KL(π_β‖π). */
  readonly divergence: KlDirection;
  /** Samples per state for D̂: 4 (`n_div_samples`). */
  readonly divergenceSamples: number;
  /** Updates before the Q term enters the actor's loss: 20 000 (`warm_start`). */
  readonly warmStart: number;
  /** BRAC-vp (penalty in the backup too) or BRAC-pr (policy penalty only). */
  readonly valuePenalty: boolean;
  /** H̄ for α_ent; −|A| (BRAC `target_entropy=None` → −|A|). */
  readonly targetEntropy: number;
  /** α_ent at the start; 1. */
  readonly initialTemperature: number;
}

export type BehaviourRegularisedActorParams = {
  readonly policy: MlpParams;
  readonly behaviour: MlpParams;
  /** log α_ent, a scalar. */
  readonly logAlpha: Tensor;
};

export interface BehaviourRegularisedActorPart
  extends StochasticActorPart<BehaviourRegularisedActorParams, CriticSignals> {
  /** −mean log π_β(a|s) of the data's actions: π_β's BC objective, on its parameters alone. */
  readonly behaviourLoss: (behaviour: MlpParams, signals: BatchSignals) => LossResult;
}

export const behaviourRegularisedActor = (
  dimensions: Dimensions,
  config: Partial<BehaviourRegularisedActorConfig> = {},
): BehaviourRegularisedActorPart => {
  const {
    hiddenSizes = [256, 256],
    learningRate = 3e-4,
    divergenceWeight = 1,
    divergence = 'reverse',
    divergenceSamples = 4,
    warmStart = 20_000,
    valuePenalty = false,
    targetEntropy = -dimensions.actionDim,
    initialTemperature = 1,
  } = config;
  if (!(initialTemperature > 0)) {
    throw new RangeError(
      `behaviourRegularisedActor: initialTemperature must be positive, got ${initialTemperature}`,
    );
  }
  const policy = tanhGaussianPolicy({ ...dimensions, hiddenSizes });
  const penalty = klActorPenalty(divergenceWeight, divergence);
  const alphaOf = (params: BehaviourRegularisedActorParams) => tf.exp(stopGradient(params.logAlpha));
  /** log π_β of actions [K, B, A] at states [B, S] (π_β's parameters constant): [K, B]. */
  const behaviourLogProb = (behaviour: MlpParams, observations: Tensor2D, actions: Tensor) => {
    const [k, b, a] = actions.shape as [number, number, number];
    const flat = tf.reshape(actions, [k * b, a]);
    return tf.reshape(policy.logProb(behaviour, repeatRows(observations, k), flat), [k, b]);
  };
  /** log π of actions [K, B, A] at states [B, S], differentiable in π's parameters: [K, B]. */
  const policyLogProb = (params: MlpParams, observations: Tensor2D, actions: Tensor) => {
    const [k, b, a] = actions.shape as [number, number, number];
    const flat = tf.reshape(actions, [k * b, a]);
    return tf.reshape(policy.logProb(params, repeatRows(observations, k), flat), [k, b]);
  };
  return {
    name: 'behaviourRegularised',
    needsValue: false,
    needsQ: true,
    init: (key) => {
      const [policyKey, behaviourKey] = splitKey(key, 2) as [Key, Key];
      return {
        policy: policy.init(policyKey),
        behaviour: policy.init(behaviourKey),
        logAlpha: tf.scalar(Math.log(initialTemperature)),
      };
    },
    optimizer: adam({ learningRate }),
    loss: (params, { observations, q }, { key, step }) =>
      tf.tidy(() => {
        const [sampleKey, divergenceKey] = splitKey(key, 2) as [Key, Key];
        const behaviour = stopGradientTree(params.behaviour);
        const { actions: sampled, logProb } = policy.sample(params.policy, observations, sampleKey);
        const alpha = alphaOf(params);
        const entropyTerm = tf.mean(tf.mul(alpha, logProb));
        const useQ = step >= warmStart;
        const qValue = useQ ? tf.mean(q(sampled)) : tf.scalar(0);
        let divergenceTerm: ReturnType<typeof penalty>;
        if (divergence === 'reverse') {
          const draws = policy.sampleMany(params.policy, observations, divergenceKey, divergenceSamples);
          divergenceTerm = penalty({
            policyLogProb: draws.logProb,
            behaviourLogProb: behaviourLogProb(behaviour, observations, draws.actions),
          });
        } else {
          const draws = policy.sampleMany(behaviour, observations, divergenceKey, divergenceSamples);
          const behaviourActions = stopGradient(draws.actions);
          divergenceTerm = penalty({
            policyLogProb: policyLogProb(params.policy, observations, behaviourActions),
            behaviourLogProb: draws.logProb,
          });
        }
        const temperature = temperatureLoss(params.logAlpha, logProb, targetEntropy);
        const actorLoss = tf.add(tf.sub(entropyTerm, qValue), divergenceTerm.loss);
        return {
          loss: tf.add(actorLoss, temperature.loss) as Scalar,
          metrics: {
            ...divergenceTerm.metrics,
            ...temperature.metrics,
            'actor/q': qValue as Scalar,
            'actor/entropy': tf.neg(tf.mean(logProb)) as Scalar,
          },
        };
      }),
    behaviourLoss: (behaviour, { observations, actions }) =>
      behaviourCloningLikelihood(policy.logProb(behaviour, observations, actions)),
    act: (params, observations) => policy.apply(params.policy, observations),
    sample: (params, observations, key) =>
      tf.tidy(() => policy.sample(params.policy, observations, key).actions),
    sampleMany: (params, observations, key, count) =>
      policy.sampleMany(params.policy, observations, key, count),
    ...(valuePenalty
      ? {
          backupBonus: (
            params: BehaviourRegularisedActorParams,
            nextObservations: Tensor2D,
            next: SampledActions,
          ) =>
            tf.tidy(() => {
              const logProb = next.logProb;
              const divergence = tf.sub(
                logProb,
                behaviourLogProb(stopGradientTree(params.behaviour), nextObservations, next.actions),
              );
              const bonus = tf.add(tf.mul(alphaOf(params), logProb), tf.mul(divergenceWeight, divergence));
              return tf.neg(tf.reshape(tf.mean(bonus, 0), [-1])) as Tensor1D;
            }),
        }
      : {}),
  };
};
