/**
 * Advantage-weighted regression (Peng et al. 2019), offline: a state-value function fitted to the
 * data's returns and behaviour cloning weighted by the exponentiated advantage,
 *   V ← argmin mean (G(s, a) − V(s))²,
 *   π ← argmax mean min(exp(A/β), w_max)·log π(a|s),   A = G(s, a) − V(s),
 * with G the Monte-Carlo return of the batch (`withMonteCarloReturns`; AWR's TD(λ) with λ = 1 on a
 * fixed dataset). V and π read disjoint parameters at the same point: one gradient tape.
 * There is no Q-function: an actor that maximises Q is refused (by the type checker, and at build time).
 */
import type { GaussianPolicyParams } from '@offrl/actors';
import { valueNetwork } from '@offrl/critics';
import {
  type AdamState,
  adam,
  type Key,
  type MlpParams,
  type Scalar,
  splitKey,
  type Tensor,
  type TensorTree,
  tf,
} from '@offrl/tensor';
import {
  type ActorPart,
  type AdvantageSignals,
  advantageWeightedActor,
  assertNoQNeeded,
} from './actor-parts.js';
import { jointActorStep } from './joint-actor-step.js';
import type { Dimensions, Recipe } from './recipe.js';

/** d3rlpy's `AWR` defaults (v0.x `algos/awr.py`), where they apply to a fixed dataset. */
export const awrDefaults = {
  /** β in exp(A/β): `beta` 1.0. */
  beta: 1,
  /** w_max: `max_weight` 20.0. */
  maxWeight: 20,
  /** `actor_learning_rate` 5e-5. */
  actorLearningRate: 5e-5,
  /** `critic_learning_rate` 1e-4. */
  valueLearningRate: 1e-4,
  /** d3rlpy's default encoder, 256-256. */
  hiddenSizes: [256, 256] as readonly number[],
  /** γ of the Monte-Carlo returns the value is regressed on: `gamma` 0.99. */
  discount: 0.99,
};

export type AwrConfig = typeof awrDefaults;

export type AwrState<P extends TensorTree = GaussianPolicyParams> = {
  readonly actor: P;
  readonly actorOptimizer: AdamState;
  readonly value: MlpParams;
  readonly valueOptimizer: AdamState;
  readonly step: Tensor;
};

export const awr = <P extends TensorTree = GaussianPolicyParams>(
  dimensions: Dimensions,
  config: Partial<AwrConfig> = {},
  actor?: ActorPart<P, AdvantageSignals>,
): Recipe<AwrState<P>> => {
  const c = { ...awrDefaults, ...config };
  if (!(c.beta > 0)) throw new RangeError(`awr: beta must be positive, got ${c.beta}`);
  const part = (actor ??
    advantageWeightedActor(dimensions, {
      temperature: 1 / c.beta,
      maxWeight: c.maxWeight,
      hiddenSizes: c.hiddenSizes,
      learningRate: c.actorLearningRate,
    })) as unknown as ActorPart<P, AdvantageSignals>;
  assertNoQNeeded('awr', part);
  const value = valueNetwork({ observationDim: dimensions.observationDim, hiddenSizes: c.hiddenSizes });
  const valueOptimizer = adam({ learningRate: c.valueLearningRate });
  return {
    name: 'awr',
    dimensions,
    monteCarloDiscount: c.discount,
    init: (key) => {
      const [actorKey, valueKey] = splitKey(key, 2) as [Key, Key];
      const actorParams = part.init(actorKey);
      const valueParams = value.init(valueKey);
      return {
        actor: actorParams,
        actorOptimizer: part.optimizer.init(actorParams),
        value: valueParams,
        valueOptimizer: valueOptimizer.init(valueParams),
        step: tf.scalar(0, 'int32'),
      };
    },
    update: (state, batch, { key, step }) =>
      tf.tidy(() => {
        const { observations, actions, mcReturns } = batch;
        if (mcReturns === undefined) {
          throw new Error(
            'awr: the batch has no Monte-Carlo returns; train on withRecipeReturns(recipe, dataset)',
          );
        }
        // A = G − V(s) with the V before this update, a constant to both losses.
        const signals: AdvantageSignals = {
          observations,
          actions,
          advantage: tf.sub(mcReturns, value.apply(state.value, observations)) as typeof mcReturns,
        };
        const joint = jointActorStep(
          part,
          { params: state.actor, optimizerState: state.actorOptimizer },
          signals,
          { key, step },
          {
            params: state.value,
            optimizer: valueOptimizer,
            optimizerState: state.valueOptimizer,
            loss: (params: MlpParams) => {
              const v = value.apply(params, observations);
              const valueLoss = tf.mean(tf.square(tf.sub(v, mcReturns))) as Scalar;
              return {
                loss: valueLoss,
                metrics: { 'value/loss': valueLoss, 'value/v': tf.mean(v) as Scalar },
              };
            },
          },
        );
        const actorNext = joint.actor;
        const valueNext = joint.learner;
        return {
          state: {
            actor: actorNext.params,
            actorOptimizer: actorNext.state,
            value: valueNext.params,
            valueOptimizer: valueNext.state,
            step: tf.add(state.step, tf.scalar(1, 'int32')),
          },
          metrics: joint.metrics,
        };
      }),
    act: (state, observations) => part.act(state.actor, observations),
  };
};
