/**
 * BRAC's two phases (Wu et al. 2019): the behaviour policy π_β is trained first, by likelihood BC alone
 * (`scripts/train_bc.sh`: 300 000 updates, Adam 5e-4), then loaded frozen (`behavior_ckpt_file`) by the
 * agent. `withBehaviourPretraining(recipe, part, config)` runs a recipe whose actor part is the
 * behaviour-regularised one that way:
 * - updates 0 … steps − 1 fit π_β (`part.behaviourLoss`) with their own Adam, whose state sits in the
 *   actor's optimiser slot; the other actor leaves get zero gradients (their moments stay 0, so they do
 *   not move) and the rest of the state (critics, targets, their optimisers) is carried over;
 * - at update `steps` the actor's Adam starts afresh, so π_β, whose gradient is zero in the agent's
 *   loss, keeps exactly its pretrained values, and the recipe runs with its update counter (warm
 *   starts, policy delays) starting at 0.
 * The state keeps the recipe's shape, and its `step` counts all updates, so checkpoints and resuming
 * work across the switch.
 */
import {
  type AdamState,
  adam,
  disposeTree,
  type LearningRate,
  type Tensor,
  type TensorTree,
  tf,
  valueAndGrad,
} from '@offrl/tensor';
import type {
  BehaviourRegularisedActorParams,
  BehaviourRegularisedActorPart,
} from './behaviour-regularised-actor.js';
import { carryOver } from './carry-over.js';
import type { Recipe } from './recipe.js';

export interface BehaviourPretrainingConfig {
  /** π_β's BC updates before the recipe's own. */
  readonly steps: number;
  readonly learningRate: LearningRate;
}

/** The state fields the pretraining phase reads and writes; the rest is carried over. */
export type PretrainableState = TensorTree & {
  readonly actor: BehaviourRegularisedActorParams;
  readonly actorOptimizer: AdamState;
  readonly step: Tensor;
};

export const withBehaviourPretraining = <S extends PretrainableState, R extends Recipe<S>>(
  recipe: R,
  part: BehaviourRegularisedActorPart,
  config: BehaviourPretrainingConfig,
): R => {
  const { steps } = config;
  if (!Number.isInteger(steps) || steps < 0)
    throw new RangeError(
      `${recipe.name}: behaviour pretraining steps must be a non-negative integer, got ${steps}`,
    );
  if (steps === 0) return recipe;
  const optimizer = adam({ learningRate: config.learningRate });
  const init = recipe.init.bind(recipe) as (...args: unknown[]) => S;
  return {
    ...recipe,
    init: (...args: unknown[]) => {
      const state = init(...args);
      disposeTree(state.actorOptimizer);
      return { ...state, actorOptimizer: optimizer.init(state.actor) };
    },
    update: (state: S, batch, context) => {
      const step = context.step - steps;
      if (step > 0) return recipe.update(state, batch, { ...context, step });
      if (step === 0) {
        // Only the key and step are passed on, so the update reads the fresh Adam state without
        // consuming it, and it can be freed here.
        const fresh = part.optimizer.init(state.actor);
        const result = recipe.update({ ...state, actorOptimizer: fresh }, batch, { key: context.key, step });
        disposeTree(fresh);
        return result;
      }
      return tf.tidy(() => {
        const cloning = valueAndGrad(
          (actor: BehaviourRegularisedActorParams) => part.behaviourLoss(actor.behaviour, batch),
          state.actor,
        );
        const next = optimizer.update(cloning.grads, state.actorOptimizer, state.actor);
        // Each field apart: an empty tree (no Lagrange multiplier) would vanish inside another.
        const carried = Object.fromEntries(
          Object.entries(state)
            .filter(([name]) => !['actor', 'actorOptimizer', 'step'].includes(name))
            .map(([name, tree]) => [name, carryOver(tree as TensorTree)]),
        );
        return {
          state: {
            ...carried,
            actor: next.params,
            actorOptimizer: next.state,
            step: tf.add(state.step, tf.scalar(1, 'int32')),
          } as unknown as S,
          metrics: { ...cloning.metrics, 'behaviour/loss': cloning.loss },
        };
      });
    },
  } as R;
};
