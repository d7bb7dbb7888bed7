/**
 * The shared shapes of learning: a batch of transitions as tensors, and a loss as a pure function of
 * (params, batch, key) that returns a scalar to minimise and named scalar metrics for logging.
 */
import type { Key } from './random.js';
import type { Scalar, Tensor1D, Tensor2D } from './tf.js';
import type { TensorTree } from './tree.js';

/**
 * Transitions as tensors. `terminals[i] = 1` means true environment termination: the target does not
 * bootstrap. Time-limit truncations are not terminals (bootstrap through them).
 */
export interface Batch {
  readonly observations: Tensor2D;
  readonly actions: Tensor2D;
  readonly rewards: Tensor1D;
  readonly nextObservations: Tensor2D;
  readonly terminals: Tensor1D;
}

export type Metrics = Readonly<Record<string, Scalar>>;

export interface LossResult {
  readonly loss: Scalar;
  readonly metrics: Metrics;
}

export type Loss<P extends TensorTree, B = Batch> = (params: P, batch: B, key: Key) => LossResult;
