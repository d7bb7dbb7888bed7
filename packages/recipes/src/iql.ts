/**
 * Implicit Q-learning (Kostrikov et al. 2022), in the official update order (`learner.py`):
 *   V ← argmin mean ℓ_τ(min_i Q̄_i(s, a) − V(s))                         expectile τ, target critic;
 *   π ← argmax mean min(exp(β·(min_i Q̄_i(s, a) − V(s))), 100)·log π(a|s)  with the new V;
 *   Q ← argmin Σ_i mean (r + γ(1 − d)·V(s′) − Q_i(s, a))²                  with the new V;
 *   θ̄ ← θ̄ + τ_polyak(θ − θ̄).
 * The actor and Q losses read disjoint parameters at the same point (after the V step), so one
 * gradient tape serves both (performance.md §5); V needs its own, before them.
 *
 * The actor is a part (actor-parts.ts) reading `ValueSignals`: the advantage above, or a differentiable
 * min_i Q̄_i(s, ·) for a Q-maximising actor.
 *
 * Rewards are rescaled as the official locomotion code does (`train_offline.py::normalize`),
 *   r ← r · m / (max episode return − min episode return),
 * as part of the recipe (`prepare`, preprocessing.ts). The official m = 1000 is the length of a D4RL
 * locomotion episode: it makes the per-step reward range about 1 whatever the task's reward units, which
 * is what β = 3 and the clip at 100 are tuned for. On tasks with shorter episodes m = 1000 inflates the
 * advantages by 1000/length (×5 on Pendulum's 200 steps) and saturates exp(β·A) at the clip; the
 * default `'episodeLength'` takes m = the longest episode's length (1000 on D4RL locomotion).
 */
import type { GaussianPolicyParams } from '@offrl/actors';
import {
  ensembleMin,
  expectileLoss,
  qEnsemble,
  tdRegressionLoss,
  tdTarget,
  valueNetwork,
} from '@offrl/critics';
import { episodeLengths, returnRangeScale } from '@offrl/datasets';
import {
  type AdamState,
  adam,
  cosineDecaySchedule,
  type Key,
  type MlpParams,
  polyak,
  type Scalar,
  splitKey,
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  type TensorTree,
  tf,
  valueAndGrad,
} from '@offrl/tensor';
import { type ActorPart, advantageWeightedActor, isStochastic, type ValueSignals } from './actor-parts.js';
import { carryOver } from './carry-over.js';
import { jointActorStep } from './joint-actor-step.js';
import {
  normaliseInput,
  type PreparingRecipe,
  type PreprocessingState,
  preprocessingState,
  readPreprocessing,
  withEpisodes,
} from './preprocessing.js';
import type { Dimensions } from './recipe.js';

/** Defaults of the official IQL code (`ikostrikov/implicit_q_learning`), D4RL locomotion. */
export const iqlDefaults = {
  /** τ of the expectile: 0.7 (`configs/mujoco_config.py`). */
  expectile: 0.7,
  /** β of exp(β·A): 3.0 (`configs/mujoco_config.py` `temperature`). */
  temperature: 3.0,
  /** Clip of exp(β·A): 100 (`actor.py`, `jnp.minimum(exp_a, 100.0)`). */
  maxWeight: 100,
  /** (256, 256) for actor, critic and value (`hidden_dims`). */
  hiddenSizes: [256, 256] as readonly number[],
  /** 3e-4 each (`actor_lr`, `critic_lr`, `value_lr`). */
  actorLearningRate: 3e-4,
  criticLearningRate: 3e-4,
  valueLearningRate: 3e-4,
  /** The actor's rate decays to 0 by cosine over the run (`opt_decay_schedule="cosine"`, `max_steps` 1M). */
  actorDecaySteps: 1_000_000,
  /** 0.99 (`discount`). */
  discount: 0.99,
  /** 0.005 (`tau`). */
  polyak: 0.005,
  /**
   * m of the reward scale m/(max return − min return) (official `normalize`, m = 1000 for locomotion);
   * 'episodeLength': the dataset's longest episode (= 1000 on D4RL locomotion); 'none': rewards as given
   * (the antmaze preset's r − 1 is a dataset transform).
   */
  rewardScale: 'episodeLength' as number | 'episodeLength' | 'none',
};

export type IqlConfig = typeof iqlDefaults;

/** Per-domain settings of the official configs, as data. */
export const iqlPresets = {
  /** `configs/mujoco_config.py`. */
  locomotion: {},
  /** `configs/antmaze_config.py`: τ 0.9, β 10 (rewards r − 1 in `train_offline.py`). */
  antmaze: { expectile: 0.9, temperature: 10, rewardScale: 'none' },
  /** `configs/kitchen_config.py` (also Adroit): β 0.5; its dropout 0.1 is not applied here. */
  kitchen: { expectile: 0.7, temperature: 0.5 },
} satisfies Record<string, Partial<IqlConfig>>;

export type IqlState<P extends TensorTree = GaussianPolicyParams> = {
  readonly actor: P;
  readonly critic: MlpParams;
  readonly criticTarget: MlpParams;
  readonly value: MlpParams;
  readonly actorOptimizer: AdamState;
  readonly criticOptimizer: AdamState;
  readonly valueOptimizer: AdamState;
  /** Updates applied so far (int32 scalar). */
  readonly step: Tensor;
  /** The reward scale (and identity observation statistics) the run trains with. */
  readonly preprocessing: PreprocessingState;
};

export const iql = <P extends TensorTree = GaussianPolicyParams>(
  dimensions: Dimensions,
  config: Partial<IqlConfig> = {},
  actor?: ActorPart<P, ValueSignals>,
): PreparingRecipe<IqlState<P>> => {
  const c = { ...iqlDefaults, ...config };
  if (typeof c.rewardScale === 'number' && !(c.rewardScale > 0))
    throw new RangeError(
      `iql: rewardScale must be positive, 'episodeLength' or 'none', got ${c.rewardScale}`,
    );
  const part = (actor ??
    advantageWeightedActor(dimensions, {
      temperature: c.temperature,
      maxWeight: c.maxWeight,
      hiddenSizes: c.hiddenSizes,
      learningRate: cosineDecaySchedule({ init: c.actorLearningRate, steps: c.actorDecaySteps }),
    })) as unknown as ActorPart<P, ValueSignals>;
  const critic = qEnsemble({ ...dimensions, members: 2, hiddenSizes: c.hiddenSizes });
  const value = valueNetwork({ observationDim: dimensions.observationDim, hiddenSizes: c.hiddenSizes });
  const criticOptimizer = adam({ learningRate: c.criticLearningRate });
  const valueOptimizer = adam({ learningRate: c.valueLearningRate });

  return {
    name: 'iql',
    dimensions,
    prepare: (dataset) => {
      if (c.rewardScale === 'none') return {};
      const episodes = withEpisodes(dataset, 'iql');
      const multiplier =
        c.rewardScale === 'episodeLength'
          ? episodeLengths(episodes).reduce((a, b) => Math.max(a, b), 0)
          : c.rewardScale;
      return { rewards: returnRangeScale(episodes, multiplier) };
    },
    preprocessingOf: (state) => readPreprocessing(state.preprocessing),
    init: (key, preprocessing) => {
      const [actorKey, criticKey, valueKey] = splitKey(key, 3) as [Key, Key, Key];
      const actorParams = part.init(actorKey);
      const criticParams = critic.init(criticKey);
      const valueParams = value.init(valueKey);
      return {
        actor: actorParams,
        critic: criticParams,
        criticTarget: carryOver(criticParams),
        value: valueParams,
        actorOptimizer: part.optimizer.init(actorParams),
        criticOptimizer: criticOptimizer.init(criticParams),
        valueOptimizer: valueOptimizer.init(valueParams),
        step: tf.scalar(0, 'int32'),
        preprocessing: preprocessingState(dimensions.observationDim, preprocessing),
      };
    },
    update: (state, batch, { key, step }) =>
      tf.tidy(() => {
        const { observations, actions, rewards, nextObservations, terminals } = batch;
        // V ← expectile_τ of min_i Q̄_i(s, a)
        const targetQ = ensembleMin(critic.apply(state.criticTarget, observations, actions));
        const valueStep = valueAndGrad((params: MlpParams) => {
          const v = value.apply(params, observations);
          const loss = expectileLoss(v, targetQ, c.expectile);
          return { loss, metrics: { 'value/loss': loss, 'value/v': tf.mean(v) as Scalar } };
        }, state.value);
        const valueNext = valueOptimizer.update(valueStep.grads, state.valueOptimizer, state.value);

        // π ← exp(β·(Q̄ − V))-weighted likelihood;  Q ← r + γ(1 − d)·V(s′); one tape, disjoint parameters.
        const signals: ValueSignals = {
          observations,
          actions,
          advantage: tf.sub(targetQ, value.apply(valueNext.params, observations)) as Tensor1D,
          q: (policyActions) =>
            ensembleMin(
              critic.apply(state.criticTarget, observations, policyActions, { actionGradient: true }),
            ),
        };
        const nextValues = value.apply(valueNext.params, nextObservations);
        const target = tdTarget({ rewards, terminals, nextValues }, c.discount);
        const jointStep = jointActorStep(
          part,
          { params: state.actor, optimizerState: state.actorOptimizer },
          signals,
          { key, step },
          {
            params: state.critic,
            optimizer: criticOptimizer,
            optimizerState: state.criticOptimizer,
            loss: (params: MlpParams) => {
              const q = critic.apply(params, observations, actions);
              const criticLoss = tdRegressionLoss(q, target);
              return {
                loss: criticLoss,
                metrics: { 'critic/loss': criticLoss, 'critic/q': tf.mean(q) as Scalar },
              };
            },
          },
        );
        const actorNext = jointStep.actor;
        const criticNext = jointStep.learner;
        return {
          state: {
            actor: actorNext.params,
            critic: criticNext.params,
            criticTarget: polyak(state.criticTarget, criticNext.params, c.polyak),
            value: valueNext.params,
            actorOptimizer: actorNext.state,
            criticOptimizer: criticNext.state,
            valueOptimizer: valueNext.state,
            step: tf.add(state.step, tf.scalar(1, 'int32')),
            preprocessing: carryOver(state.preprocessing),
          },
          metrics: { ...valueStep.metrics, ...jointStep.metrics },
        };
      }),
    act: (state, observations) =>
      tf.tidy(() => part.act(state.actor, normaliseInput(state.preprocessing, observations))),
    // Online fine-tuning samples π (IQL's `train_finetune.py`, CORL); a deterministic actor part has
    // nothing to sample, so the online loop explores it with Gaussian noise on `act` instead.
    ...(isStochastic(part)
      ? {
          explore: (state: IqlState<P>, observations: Tensor2D, key: Key) =>
            tf.tidy(() => part.sample(state.actor, normaliseInput(state.preprocessing, observations), key)),
        }
      : {}),
  };
};
