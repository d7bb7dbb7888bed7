/** A state-value network V(s): an MLP with one output, returning [B]. */

import {
  type Activation,
  assertShape,
  type Key,
  type MlpParams,
  mlp,
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  tf,
} from '@offrl/tensor';

export interface ValueNetworkSpec {
  readonly observationDim: number;
  /** Default [256, 256]. */
  readonly hiddenSizes?: readonly number[];
  /** Default 'relu'. */
  readonly activation?: Activation;
  /** Default false. */
  readonly layerNorm?: boolean;
}

export interface ValueNetwork {
  readonly spec: Required<ValueNetworkSpec>;
  init(key: Key): MlpParams;
  apply(params: MlpParams, observations: Tensor): Tensor1D;
}

export const valueNetwork = (spec: ValueNetworkSpec): ValueNetwork => {
  const full: Required<ValueNetworkSpec> = {
    hiddenSizes: [256, 256],
    activation: 'relu',
    layerNorm: false,
    ...spec,
  };
  const net = mlp({
    inputSize: full.observationDim,
    hiddenSizes: full.hiddenSizes,
    outputSize: 1,
    activation: full.activation,
    layerNorm: full.layerNorm,
    name: 'valueNetwork',
  });
  return {
    spec: full,
    init: (key) => net.init(key),
    apply: (params, observations) => {
      const batch = observations.shape[0]!;
      assertShape('valueNetwork', 'observations', observations, [batch, full.observationDim]);
      return tf.tidy(() =>
        tf.reshape(net.apply(params, observations as Tensor2D, { stopInputGradient: true }), [batch]),
      ) as Tensor1D;
    },
  };
};
