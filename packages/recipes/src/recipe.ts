/**
 * A recipe is a named algorithm composed from offrl's parts. Its whole training state (parameters,
 * target parameters, optimiser states) is one tensor tree that `update` replaces, so saving a run is
 * saving that tree. `update` returns fresh tensors and leaves its inputs alone; the caller frees them.
 */
import type { Batch, Key, Metrics, Tensor2D, TensorTree } from '@offrl/tensor';

export interface Dimensions {
  readonly observationDim: number;
  readonly actionDim: number;
  /** Half-width of the symmetric action box. */
  readonly actionScale: number;
}

export interface UpdateResult<S extends TensorTree> {
  readonly state: S;
  readonly metrics: Metrics;
}

/** A recipe bound to a task's dimensions and a configuration; it holds no state of its own. */
export interface Recipe<S extends TensorTree = TensorTree> {
  readonly name: string;
  readonly dimensions: Dimensions;
  init(key: Key): S;
  update(state: S, batch: Batch, key: Key): UpdateResult<S>;
  /** The evaluation action (deterministic: the mode of the policy) for observations [B, S]. */
  act(state: S, observations: Tensor2D): Tensor2D;
}
