/**
 * The step IQL and AWR share: the actor part's loss and one other learner's loss (IQL's critic, AWR's
 * V) summed on one gradient tape, then one optimiser update for each. The two losses read disjoint
 * parameters, so the sum's gradient is each loss's own gradient, and one backward pass serves both.
 */
import {
  type AdamState,
  type LossResult,
  type Optimizer,
  type OptimizerStep,
  type Scalar,
  type TensorTree,
  tf,
  valueAndGrad,
} from '@offrl/tensor';
import type { ActorPart, BatchSignals } from './actor-parts.js';
import type { UpdateContext } from './recipe.js';

/** A learner beside the actor: its parameters, optimiser and state, and its loss. */
export interface JointLearner<L extends TensorTree> {
  readonly params: L;
  readonly optimizer: Optimizer<AdamState>;
  readonly optimizerState: AdamState;
  readonly loss: (params: L) => LossResult;
}

export interface JointActorStep<P extends TensorTree, L extends TensorTree> {
  readonly actor: OptimizerStep<P, AdamState>;
  readonly learner: OptimizerStep<L, AdamState>;
  /** The actor's metrics, its loss as 'actor/loss', then the learner's metrics. */
  readonly metrics: Record<string, Scalar>;
}

export const jointActorStep = <P extends TensorTree, In extends BatchSignals, L extends TensorTree>(
  part: ActorPart<P, In>,
  actor: { readonly params: P; readonly optimizerState: AdamState },
  signals: In,
  context: UpdateContext,
  learner: JointLearner<L>,
): JointActorStep<P, L> => {
  const joint = valueAndGrad(
    (params: { actor: P; learner: L }) => {
      const actorResult = part.loss(params.actor, signals, context);
      const learnerResult = learner.loss(params.learner);
      return {
        loss: tf.add(actorResult.loss, learnerResult.loss) as Scalar,
        metrics: { ...actorResult.metrics, 'actor/loss': actorResult.loss, ...learnerResult.metrics },
      };
    },
    { actor: actor.params, learner: learner.params },
  );
  return {
    actor: part.optimizer.update(joint.grads.actor, actor.optimizerState, actor.params),
    learner: learner.optimizer.update(joint.grads.learner, learner.optimizerState, learner.params),
    metrics: joint.metrics as Record<string, Scalar>,
  };
};
