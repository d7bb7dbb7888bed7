/**
 * TD3+BC (Fujimoto & Gu 2021), in the lecture's order:
 *   Q ← argmin Σ_i (Q_i(s, a) − y)²,  y = r + γ(1 − d)·min_i Q̄_i(s′, ã′),  ã′ = smoothed π̄(s′);
 *   every `policyDelay` updates:  π ← argmin −λ·Q_1(s, π(s)) + ‖π(s) − a‖²  (with the updated Q),
 *   then θ̄ ← θ̄ + τ(θ − θ̄) for the critic and the actor.
 * The actor is a part (actor-parts.ts): any actor that needs only `CriticSignals` fits.
 *
 * The paper's state normalisation (`normalize=True`: s ← (s − μ)/(σ + 10⁻³) with the dataset's
 * statistics, also at evaluation) is part of the recipe through `withStateNormalisation`: the training
 * loop normalises every batch and `act` normalises the environment's observations with the statistics
 * held in the state.
 */
import { smoothTargetActions } from '@offrl/actors';
import { ensembleMin, qEnsemble, tdRegressionLoss, tdTarget } from '@offrl/critics';
import {
  type AdamState,
  adam,
  type Key,
  type MlpParams,
  mapTree,
  polyak,
  type Scalar,
  splitKey,
  type Tensor,
  type Tensor1D,
  type TensorTree,
  tf,
  valueAndGrad,
} from '@offrl/tensor';
import {
  type ActorPart,
  assertNoValueNeeded,
  type CriticSignals,
  deterministicBcActor,
} from './actor-parts.js';
import { carryOver } from './carry-over.js';
import type { PreparingRecipe } from './preprocessing.js';
import type { Dimensions, Recipe } from './recipe.js';
import { type NormalisedState, withStateNormalisation } from './state-normalisation.js';

/** Defaults of the TD3_BC reference code (`sfujim/TD3_BC` `main.py`, `TD3_BC.py`), also CORL `td3_bc.py`. */
export const td3bcDefaults = {
  /** `--alpha 2.5`. */
  alpha: 2.5,
  /** Actor and critic 256-256 (`TD3_BC.py` `Actor`, `Critic`). */
  hiddenSizes: [256, 256] as readonly number[],
  /** Adam 3e-4 for both (`TD3_BC.py`). */
  actorLearningRate: 3e-4,
  criticLearningRate: 3e-4,
  /** `--discount 0.99`. */
  discount: 0.99,
  /** `--tau 0.005`. */
  polyak: 0.005,
  /** `--policy_noise 0.2`, times the action scale. */
  policyNoise: 0.2,
  /** `--noise_clip 0.5`, times the action scale. */
  noiseClip: 0.5,
  /** `--policy_freq 2`. */
  policyDelay: 2,
  /** `--normalize True`: states normalised by the dataset's mean and std (+10⁻³). */
  normaliseObservations: true as boolean,
};

export type Td3bcConfig = typeof td3bcDefaults;

type Td3bcCoreState<P extends TensorTree> = {
  readonly actor: P;
  readonly actorTarget: P;
  readonly critic: MlpParams;
  readonly criticTarget: MlpParams;
  readonly actorOptimizer: AdamState;
  readonly criticOptimizer: AdamState;
  /** Updates applied so far (int32 scalar): where a resumed run picks up the policy delay. */
  readonly step: Tensor;
};

/** With `preprocessing`: the observation statistics the run trains with (identity without `normaliseObservations`). */
export type Td3bcState<P extends TensorTree = MlpParams> = NormalisedState<Td3bcCoreState<P>>;

export const td3bc = <P extends TensorTree = MlpParams>(
  dimensions: Dimensions,
  config: Partial<Td3bcConfig> = {},
  actor?: ActorPart<P, CriticSignals>,
): PreparingRecipe<Td3bcState<P>> => {
  const c = { ...td3bcDefaults, ...config };
  if (!Number.isInteger(c.policyDelay) || c.policyDelay < 1)
    throw new RangeError(`td3bc: policyDelay must be a positive integer, got ${c.policyDelay}`);
  const part = (actor ??
    deterministicBcActor(dimensions, {
      alpha: c.alpha,
      hiddenSizes: c.hiddenSizes,
      learningRate: c.actorLearningRate,
    })) as unknown as ActorPart<P, CriticSignals>;
  assertNoValueNeeded('td3bc', part);
  const critic = qEnsemble({ ...dimensions, members: 2, hiddenSizes: c.hiddenSizes });
  const criticOptimizer = adam({ learningRate: c.criticLearningRate });
  const smoothing = { noise: c.policyNoise, noiseClip: c.noiseClip, actionScale: dimensions.actionScale };

  const core: Recipe<Td3bcCoreState<P>> = {
    name: 'td3bc',
    dimensions,
    init: (key) => {
      const [actorKey, criticKey] = splitKey(key, 2) as [Key, Key];
      const actorParams = part.init(actorKey);
      const criticParams = critic.init(criticKey);
      return {
        actor: actorParams,
        actorTarget: carryOver(actorParams),
        critic: criticParams,
        criticTarget: carryOver(criticParams),
        actorOptimizer: part.optimizer.init(actorParams),
        criticOptimizer: criticOptimizer.init(criticParams),
        step: tf.scalar(0, 'int32'),
      };
    },
    update: (state, batch, { key, step }) =>
      tf.tidy(() => {
        const { observations, actions, rewards, nextObservations, terminals } = batch;
        const [noiseKey, actorKey] = splitKey(key, 2) as [Key, Key];
        // Q ← r + γ(1 − d)·min_i Q̄_i(s′, clip(π̄(s′) + clip(ε)))
        const nextActions = smoothTargetActions(
          part.act(state.actorTarget, nextObservations),
          noiseKey,
          smoothing,
        );
        const nextValues = ensembleMin(critic.apply(state.criticTarget, nextObservations, nextActions));
        const target = tdTarget({ rewards, terminals, nextValues }, c.discount);
        const criticStep = valueAndGrad((params: MlpParams) => {
          const q = critic.apply(params, observations, actions);
          const loss = tdRegressionLoss(q, target);
          return { loss, metrics: { 'critic/loss': loss, 'critic/q': tf.mean(q) as Scalar } };
        }, state.critic);
        const criticNext = criticOptimizer.update(criticStep.grads, state.criticOptimizer, state.critic);
        const common = {
          critic: criticNext.params,
          criticOptimizer: criticNext.state,
          step: tf.add(state.step, tf.scalar(1, 'int32')),
        };
        if ((step + 1) % c.policyDelay !== 0) {
          return {
            state: {
              ...common,
              actor: carryOver(state.actor),
              actorTarget: carryOver(state.actorTarget),
              criticTarget: carryOver(state.criticTarget),
              actorOptimizer: carryOver(state.actorOptimizer),
            },
            metrics: criticStep.metrics,
          };
        }
        // π ← argmin −λ·Q_1(s, π(s)) + BC, against the critic just updated (TD3's `critic.Q1`).
        // The first member as a one-member ensemble: a slice of each leaf (a gather, as `sliceMembers`
        // makes, runs on a slow fallback kernel on wasm and cost ~6 % of an update).
        const firstCritic = mapTree(criticNext.params, (leaf) => tf.slice(leaf, 0, 1));
        const signals: CriticSignals = {
          observations,
          actions,
          q: (policyActions) =>
            tf.squeeze(
              critic.apply(firstCritic, observations, policyActions, { actionGradient: true }),
              [0],
            ) as Tensor1D,
        };
        const actorStep = valueAndGrad((params: P) => {
          const { loss, metrics } = part.loss(params, signals, { key: actorKey, step });
          return { loss, metrics: { ...metrics, 'actor/loss': loss } };
        }, state.actor);
        const actorNext = part.optimizer.update(actorStep.grads, state.actorOptimizer, state.actor);
        return {
          state: {
            ...common,
            actor: actorNext.params,
            actorOptimizer: actorNext.state,
            actorTarget: polyak(state.actorTarget, actorNext.params, c.polyak),
            criticTarget: polyak(state.criticTarget, criticNext.params, c.polyak),
          },
          metrics: { ...criticStep.metrics, ...actorStep.metrics },
        };
      }),
    act: (state, observations) => part.act(state.actor, observations),
  };
  return withStateNormalisation(core, c.normaliseObservations);
};
