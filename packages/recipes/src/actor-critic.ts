/**
 * The off-policy actor-critic that SAC, CQL, Cal-QL, AWAC and BRAC share, in the lecture's lines:
 *   y = r + γ(1 − d)·(min_i Q̄_i(s′, a′) + b(a′)),  a′ ~ π(·|s′)   b: the actor's backup bonus (SAC's
 *                                                                  −α·log π, BRAC-vp's −α·D̂) when backed up;
 *       the min over all N members, or over a random subset of M (REDQ, RLPD `num_min_qs = 2`);
 *   or, with a max-Q backup of K samples,  y = r + γ(1 − d)·max_j min_i Q̄_i(s′, a′_j)   (CQL option);
 *   Q ← argmin Σ_i mean (Q_i(s, a) − y)²  [+ CQL's conservative penalty, fixed or Lagrange α, Cal-QL bound];
 *   π ← the actor part's objective, reading q = min_i Q_i(s, ·) (or mean_i, RLPD) and the advantage
 *       A = min_i Q_i(s, a) − min_i Q_i(s, ã), ã ~ π(·|s)  (AWAC's V(s) ≈ Q(s, π(s)), CORL `awac.py`);
 *   θ̄ ← θ̄ + τ(θ − θ̄).
 * The actor (and its temperature) may step on every k-th update only (RLPD: k = UTD critic steps per actor
 * step, `sac_learner.py` `update`); between, the critic alone steps.
 * Two orders: 'joint' (CORL `cql.py`, SAC: every loss at the pre-update point, one gradient tape over
 * actor, critic and α′) and 'criticFirst' (CORL `awac.py`: the actor follows the updated critic).
 * Policy samples for the target and the penalty are drawn before the tape, so they are constants
 * (CQL detaches them), and cost no backward pass.
 */

import { conservativePenalty } from '@offrl/constraints';
import {
  ensembleMean,
  ensembleMin,
  maxOverSamples,
  qEnsemble,
  randomMemberSubset,
  tdRegressionLoss,
  tdTarget,
} from '@offrl/critics';
import {
  type AdamState,
  adam,
  foldIn,
  type Key,
  type LossResult,
  type MlpParams,
  polyak,
  type Scalar,
  sliceMembers,
  splitKey,
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  type TensorTree,
  tf,
  uniform,
  valueAndGrad,
} from '@offrl/tensor';
import { assertStochastic, type StochasticActorPart, type ValueSignals } from './actor-parts.js';
import { carryOver } from './carry-over.js';
import type { Dimensions, Recipe, RecipeBatch, UpdateContext } from './recipe.js';
import { repeatRows } from './repeat-rows.js';

/** CQL's conservative penalty on the critic (constraints' `conservativePenalty`). */
export interface ConservativeConfig {
  /** α (`cql_alpha`). */
  readonly alpha: number;
  /** T (`cql_temp`). */
  readonly temperature: number;
  /** K actions of each kind (`cql_n_actions`). */
  readonly samples: number;
  /** Tune α′ by dual descent towards `targetActionGap` (`cql_lagrange`). */
  readonly lagrange: boolean;
  /** τ (`cql_target_action_gap`). */
  readonly targetActionGap: number;
  /** Cal-QL: raise policy-action Q-values to the batch's Monte-Carlo returns. */
  readonly calibrated: boolean;
  /** log α′ at the start of the Lagrange variant; default 0 (α′ = 1). CORL's `Scalar(1.0)` is 1. */
  readonly initialLogMultiplier?: number | undefined;
}

export interface ActorCriticConfig {
  /** The critic's hidden layers. */
  readonly hiddenSizes: readonly number[];
  /** Q ensemble size N. */
  readonly members: number;
  readonly layerNorm: boolean;
  readonly criticLearningRate: number;
  readonly discount: number;
  readonly polyak: number;
  /** Add the actor's backup bonus (SAC's entropy, BRAC's value penalty) to the target. */
  readonly backupEntropy: boolean;
  /** K > 0: CQL's max-Q backup over K policy samples; 0: one sample. */
  readonly maxQBackup: number;
  readonly order: 'joint' | 'criticFirst';
  readonly conservative: ConservativeConfig | undefined;
  /** M: the target's min over M random target members, one subset per update (RLPD 2). Default: all N. */
  readonly targetMembers?: number | undefined;
  /** What the actor maximises: min_i Q_i (SAC, CQL; default) or mean_i Q_i (RLPD `q = qs.mean(0)`). */
  readonly actorQ?: 'min' | 'mean' | undefined;
  /** Step the actor on updates with step % k = k − 1 only (RLPD: k = UTD). Default 1 (every update). */
  readonly actorEvery?: number | undefined;
  /** The critic's initialisation (`qEnsemble`'s `init`): CQL's is CORL's orthogonal one. Default 'pytorch'. */
  readonly criticInit?: 'pytorch' | 'orthogonal' | undefined;
}

export type ActorCriticState<P extends TensorTree> = {
  readonly actor: P;
  readonly actorOptimizer: AdamState;
  readonly critic: MlpParams;
  readonly criticTarget: MlpParams;
  readonly criticOptimizer: AdamState;
  /** CQL-Lagrange's `{ logMultiplier, optimizer }` (log α′ and its Adam state); empty otherwise. */
  readonly lagrange: TensorTree;
  /** Updates applied so far (int32 scalar). */
  readonly step: Tensor;
};

export const actorCritic = <P extends TensorTree>(
  name: string,
  dimensions: Dimensions,
  config: ActorCriticConfig,
  actor: StochasticActorPart<P, ValueSignals>,
): Recipe<ActorCriticState<P>> => {
  const part = assertStochastic(name, actor);
  const c = config;
  const conservative = c.conservative;
  if (!Number.isInteger(c.maxQBackup) || c.maxQBackup < 0)
    throw new RangeError(`${name}: maxQBackup must be a non-negative integer, got ${c.maxQBackup}`);
  if (c.maxQBackup > 0 && c.backupEntropy && part.backupBonus !== undefined) {
    throw new Error(
      `${name}: a max-Q backup with the actor's entropy backup is not supported; set backupEntropy false`,
    );
  }
  const targetMembers = c.targetMembers ?? c.members;
  if (!Number.isInteger(targetMembers) || targetMembers < 1 || targetMembers > c.members)
    throw new RangeError(
      `${name}: targetMembers must be an integer in [1, ${c.members}], got ${targetMembers}`,
    );
  const actorEvery = c.actorEvery ?? 1;
  if (!Number.isInteger(actorEvery) || actorEvery < 1)
    throw new RangeError(`${name}: actorEvery must be a positive integer, got ${actorEvery}`);
  const actorReduce = c.actorQ === 'mean' ? ensembleMean : ensembleMin;
  const { actionDim, actionScale } = dimensions;
  const critic = qEnsemble({
    ...dimensions,
    members: c.members,
    hiddenSizes: c.hiddenSizes,
    layerNorm: c.layerNorm,
    init: c.criticInit ?? 'pytorch',
  });
  const criticOptimizer = adam({ learningRate: c.criticLearningRate });
  // CORL `cql.py` steps log α′ with the critic's learning rate.
  const lagrangeOptimizer = adam({ learningRate: c.criticLearningRate });
  const lagrange = conservative?.lagrange === true;
  const backupSamples = Math.max(c.maxQBackup, 1);
  const penaltySamples = conservative?.samples ?? 0;

  /** min_i (or mean_i) Q_i(s, ·), differentiable in the actions only. */
  const qOf = (params: MlpParams, observations: Tensor2D) => (actions: Tensor2D) =>
    actorReduce(critic.apply(params, observations, actions, { actionGradient: true }));

  /**
   * The actor's signals, made before the actor's tape: the advantage is a constant, and the critic's
   * parameters are read through clones, tensors the tape does not know (so no actor gradient reaches
   * the critic in the joint order, where the critic's own parameters are on the same tape).
   */
  const signalsFor = (
    state: ActorCriticState<P>,
    criticParams: MlpParams,
    batch: RecipeBatch,
    key: Key,
  ): ValueSignals => {
    const { observations, actions } = batch;
    const advantage = part.needsValue
      ? tf.sub(
          ensembleMin(critic.apply(criticParams, observations, actions)),
          ensembleMin(critic.apply(criticParams, observations, part.sample(state.actor, observations, key))),
        )
      : undefined;
    return {
      observations,
      actions,
      q: qOf(carryOver(criticParams), observations),
      get advantage(): Tensor1D {
        if (advantage === undefined)
          throw new Error(`${name}: the actor '${part.name}' read an advantage it did not declare`);
        return advantage as Tensor1D;
      },
    };
  };

  return {
    name,
    dimensions,
    // Cal-QL's bound reads G_t in every batch, at the TD discount.
    ...(config.conservative?.calibrated ? { monteCarloDiscount: config.discount } : {}),
    init: (key) => {
      const [actorKey, criticKey] = splitKey(key, 2) as [Key, Key];
      const actorParams = part.init(actorKey);
      const criticParams = critic.init(criticKey);
      const multiplier = (): TensorTree => {
        const logMultiplier = tf.scalar(conservative?.initialLogMultiplier ?? 0);
        return { logMultiplier, optimizer: lagrangeOptimizer.init({ logMultiplier }) };
      };
      return {
        actor: actorParams,
        actorOptimizer: part.optimizer.init(actorParams),
        critic: criticParams,
        criticTarget: carryOver(criticParams),
        criticOptimizer: criticOptimizer.init(criticParams),
        lagrange: lagrange ? multiplier() : {},
        step: tf.scalar(0, 'int32'),
      };
    },
    update: (state, batch, { key, step, donate }) =>
      tf.tidy(() => {
        // Optimisers and Polyak consume the caller's old state when it is donated (recipe.ts).
        const donation = { donate: donate === true };
        const { observations, actions, rewards, nextObservations, terminals } = batch;
        const [actorKey, nextKey, currentKey, uniformKey, advantageKey] = splitKey(key, 5) as Key[] as [
          Key,
          Key,
          Key,
          Key,
          Key,
        ];
        const batchSize = observations.shape[0]!;
        const context: UpdateContext = { key: actorKey, step };
        const actorSteps = step % actorEvery === actorEvery - 1;
        // A key of its own (not a sixth split) keeps the other draws of existing recipes unchanged.
        const targetParams =
          targetMembers === c.members
            ? state.criticTarget
            : sliceMembers(
                state.criticTarget,
                randomMemberSubset(foldIn(key, SUBSET_STREAM), c.members, targetMembers),
              );

        // Draws from π at s′ (backup, then the penalty's next-state actions) in one policy pass.
        const nextDraws = part.sampleMany(
          state.actor,
          nextObservations,
          nextKey,
          backupSamples + penaltySamples,
        );
        const backupDraws = {
          actions: tf.slice(nextDraws.actions, [0, 0, 0], [backupSamples, batchSize, actionDim]),
          logProb: tf.slice(nextDraws.logProb, [0, 0], [backupSamples, batchSize]) as Tensor2D,
        };
        const target = tdTarget(
          { rewards, terminals, nextValues: nextValue(state, targetParams, nextObservations, backupDraws) },
          c.discount,
        );

        // CQL's sampled actions, all evaluated at s with the data's actions in one critic pass.
        let penaltyInputs: PenaltyDraws | undefined;
        if (conservative !== undefined) {
          const current = part.sampleMany(state.actor, observations, currentKey, penaltySamples);
          const k = penaltySamples;
          const lowerBound = batch.mcReturns;
          if (conservative.calibrated && lowerBound === undefined) {
            throw new Error(
              `${name}: the batch has no Monte-Carlo returns for Cal-QL's bound; ` +
                'train on withRecipeReturns(recipe, dataset)',
            );
          }
          penaltyInputs = {
            observations: repeatRows(observations, 1 + 3 * k),
            actions: tf.concat([
              actions,
              uniform(uniformKey, [k * batchSize, actionDim], -actionScale, actionScale),
              tf.reshape(current.actions, [k * batchSize, actionDim]),
              tf.reshape(tf.slice(nextDraws.actions, [backupSamples, 0, 0], [k, batchSize, actionDim]), [
                k * batchSize,
                actionDim,
              ]),
            ]) as Tensor2D,
            currentLogProb: current.logProb,
            nextLogProb: tf.slice(nextDraws.logProb, [backupSamples, 0], [k, batchSize]),
            ...(conservative.calibrated ? { lowerBound: lowerBound! } : {}),
          };
        }

        const criticLoss = (params: MlpParams, logMultiplier: Tensor | undefined): LossResult => {
          if (penaltyInputs === undefined || conservative === undefined) {
            const q = critic.apply(params, observations, actions);
            const loss = tdRegressionLoss(q, target);
            return { loss, metrics: { 'critic/loss': loss, 'critic/q': tf.mean(q) as Scalar } };
          }
          const k = conservative.samples;
          const all = critic.apply(params, penaltyInputs.observations, penaltyInputs.actions);
          const members = all.shape[0];
          const part3 = (index: number) =>
            tf.reshape(tf.slice(all, [0, (1 + index * k) * batchSize], [members, k * batchSize]), [
              members,
              k,
              batchSize,
            ]);
          const dataQ = tf.slice(all, [0, 0], [members, batchSize]);
          const td = tdRegressionLoss(dataQ, target);
          const penalty = conservativePenalty(
            {
              dataQ,
              uniformQ: part3(0),
              currentQ: part3(1),
              nextQ: part3(2),
              currentLogProb: penaltyInputs.currentLogProb,
              nextLogProb: penaltyInputs.nextLogProb,
              ...(penaltyInputs.lowerBound === undefined ? {} : { lowerBound: penaltyInputs.lowerBound }),
              ...(logMultiplier === undefined ? {} : { logLagrangeMultiplier: logMultiplier }),
            },
            {
              actionDim,
              actionScale,
              alpha: conservative.alpha,
              temperature: conservative.temperature,
              targetActionGap: conservative.targetActionGap,
            },
          );
          return {
            loss: tf.add(td, penalty.loss) as Scalar,
            metrics: { ...penalty.metrics, 'critic/loss': td, 'critic/q': tf.mean(dataQ) as Scalar },
          };
        };
        const logMultiplierOf = (tree: TensorTree): Tensor | undefined =>
          lagrange ? (tree['logMultiplier'] as Tensor) : undefined;

        type Joint = { actor: P; critic: MlpParams; lagrange: TensorTree };
        let grads: Joint;
        let metrics: Record<string, Scalar>;
        let actorGrads: P;
        if (c.order === 'joint' && actorSteps) {
          const signals = signalsFor(state, state.critic, batch, advantageKey);
          const joint = valueAndGrad(
            (params: Joint) => {
              const actorResult = part.loss(params.actor, signals, context);
              const criticResult = criticLoss(params.critic, logMultiplierOf(params.lagrange));
              return {
                loss: tf.add(actorResult.loss, criticResult.loss) as Scalar,
                metrics: { ...actorResult.metrics, ...criticResult.metrics, 'actor/loss': actorResult.loss },
              };
            },
            {
              actor: state.actor,
              critic: state.critic,
              lagrange: lagrange ? { logMultiplier: state.lagrange['logMultiplier'] as Tensor } : {},
            } as Joint,
          );
          grads = joint.grads;
          actorGrads = joint.grads.actor;
          metrics = { ...joint.metrics };
        } else {
          const criticStep = valueAndGrad(
            (params: Omit<Joint, 'actor'>) => criticLoss(params.critic, logMultiplierOf(params.lagrange)),
            {
              critic: state.critic,
              lagrange: lagrange ? { logMultiplier: state.lagrange['logMultiplier'] as Tensor } : {},
            } as Omit<Joint, 'actor'>,
          );
          grads = { ...criticStep.grads, actor: undefined as unknown as P };
          metrics = { ...criticStep.metrics };
          actorGrads = undefined as unknown as P;
        }
        const criticNext = criticOptimizer.update(
          grads.critic,
          state.criticOptimizer,
          state.critic,
          donation,
        );
        if (c.order === 'criticFirst' && actorSteps) {
          const signals = signalsFor(state, criticNext.params, batch, advantageKey);
          const actorStep = valueAndGrad((params: P) => {
            const result = part.loss(params, signals, context);
            return { loss: result.loss, metrics: { ...result.metrics, 'actor/loss': result.loss } };
          }, state.actor);
          actorGrads = actorStep.grads;
          Object.assign(metrics, actorStep.metrics);
        }
        const actorNext = actorSteps
          ? part.optimizer.update(actorGrads, state.actorOptimizer, state.actor, donation)
          : { params: carryOver(state.actor), state: carryOver(state.actorOptimizer) };
        let lagrangeNext: TensorTree = {};
        if (lagrange) {
          const next = lagrangeOptimizer.update(
            { logMultiplier: grads.lagrange['logMultiplier'] as Tensor },
            state.lagrange['optimizer'] as AdamState,
            { logMultiplier: state.lagrange['logMultiplier'] as Tensor },
            donation,
          );
          lagrangeNext = { logMultiplier: next.params.logMultiplier, optimizer: next.state };
        }
        metrics['critic/target'] = tf.mean(target) as Scalar;
        return {
          state: {
            actor: actorNext.params,
            actorOptimizer: actorNext.state,
            critic: criticNext.params,
            criticTarget: polyak(state.criticTarget, criticNext.params, c.polyak, donation),
            criticOptimizer: criticNext.state,
            lagrange: lagrangeNext,
            step: tf.add(state.step, tf.scalar(1, 'int32')),
          },
          metrics,
        };
      }),
    act: (state, observations) => part.act(state.actor, observations),
    explore: (state, observations, key) => part.sample(state.actor, observations, key),
  };

  /** min_i Q̄_i(s′, a′) (+ the actor's bonus), or the max over K samples of it (max-Q backup): [B]. */
  function nextValue(
    state: ActorCriticState<P>,
    targetParams: MlpParams,
    nextObservations: Tensor2D,
    draws: { actions: Tensor; logProb: Tensor2D },
  ): Tensor1D {
    const [k, batchSize] = draws.logProb.shape as [number, number];
    if (c.maxQBackup > 0) {
      const q = critic.apply(
        targetParams,
        repeatRows(nextObservations, k),
        tf.reshape(draws.actions, [k * batchSize, actionDim]),
      );
      return maxOverSamples(tf.reshape(ensembleMin(q), [k, batchSize]));
    }
    const nextActions = tf.reshape(draws.actions, [batchSize, actionDim]) as Tensor2D;
    const q = ensembleMin(critic.apply(targetParams, nextObservations, nextActions));
    if (!c.backupEntropy || part.backupBonus === undefined) return q;
    return tf.add(q, part.backupBonus(state.actor, nextObservations, draws)) as Tensor1D;
  }
};

/** foldIn data naming the stream of the target's member subsets. */
const SUBSET_STREAM = 0x5eb5e7;

interface PenaltyDraws {
  readonly observations: Tensor2D;
  readonly actions: Tensor2D;
  readonly currentLogProb: Tensor;
  readonly nextLogProb: Tensor;
  readonly lowerBound?: Tensor;
}
