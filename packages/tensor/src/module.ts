/**
 * A functional module: configuration is bound when the module is made, parameters are a plain tree
 * created by `init` and passed to `apply`. Nothing is stored inside the module, so the same module
 * serves online parameters, target parameters and ensembles alike.
 */
import type { Key } from './random.js';
import type { Tensor } from './tf.js';
import type { TensorTree } from './tree.js';

export interface ApplyOptions {
  /** Needed only by stochastic layers (dropout) in training mode. */
  readonly key?: Key;
  /** Dropout is active only when true. Defaults to false (evaluation). */
  readonly training?: boolean;
}

export interface Module<P extends TensorTree, In extends Tensor = Tensor, Out extends Tensor = Tensor> {
  init(key: Key): P;
  apply(params: P, input: In, options?: ApplyOptions): Out;
}
