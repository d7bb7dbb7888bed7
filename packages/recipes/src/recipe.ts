/**
 * A recipe is a named algorithm composed from offrl's parts. Its whole training state (parameters,
 * target parameters, optimiser states, the update counter) is one tensor tree that `update` replaces,
 * so saving a run is saving that tree. `update` returns fresh tensors and leaves its inputs alone; the
 * caller frees them.
 */
import type { Batch, Key, Metrics, Tensor1D, Tensor2D, TensorTree } from '@offrl/tensor';

export interface Dimensions {
  readonly observationDim: number;
  readonly actionDim: number;
  /** Half-width of the symmetric action box. */
  readonly actionScale: number;
}

/** A batch as recipes receive it: `@offrl/tensor`'s `Batch`, with Monte-Carlo returns when sampled (Cal-QL, AWR). */
export interface RecipeBatch extends Batch {
  /** G_t [B] from `withMonteCarloReturns`; present when the dataset has them. */
  readonly mcReturns?: Tensor1D;
}

export interface UpdateResult<S extends TensorTree> {
  readonly state: S;
  readonly metrics: Metrics;
}

/** What an update needs besides the state and the batch. */
export interface UpdateContext {
  /** This update's randomness (target noise, policy samples, member subsets). */
  readonly key: Key;
  /**
   * The number of updates applied before this one (0 for the first), counted as optimisers and
   * learning-rate schedules count. Recipes branch on it (delayed actor updates, warm starts) without
   * reading the device; where a recipe keeps its own `step` tensor in the state, the two agree.
   */
  readonly step: number;
  /**
   * The caller gives the old state up: it will only dispose it after the update (as the training loops
   * do). The update may then consume the old state and write the new one into its buffers
   * (`@offrl/tensor`'s `{ donate: true }`; the results are the same bits). Default false: the old state
   * is only read.
   */
  readonly donate?: boolean;
}

/** A recipe bound to a task's dimensions and a configuration; it holds no state of its own. */
export interface Recipe<S extends TensorTree = TensorTree> {
  readonly name: string;
  readonly dimensions: Dimensions;
  init(key: Key): S;
  update(state: S, batch: RecipeBatch, context: UpdateContext): UpdateResult<S>;
  /** The evaluation action (deterministic: the mode of the policy) for observations [B, S]. */
  act(state: S, observations: Tensor2D): Tensor2D;
  /**
   * The behaviour action while collecting data online [B, S] → [B, A], inside the action box: a draw
   * from the policy for stochastic actors (SAC, CQL, Cal-QL, AWAC, BRAC sample π(·|s)). Optional: a
   * recipe without it (a deterministic actor) is explored by the online loop's Gaussian noise on `act`.
   */
  explore?(state: S, observations: Tensor2D, key: Key): Tensor2D;
  /**
   * Set when every batch must carry Monte-Carlo returns G_t at this discount (AWR's targets, Cal-QL's
   * bound): `withRecipeReturns` adds them to a dataset, and the online loop keeps them for its rows.
   */
  readonly monteCarloDiscount?: number;
}
