/**
 * N Q-networks Q_i(s, a) evaluated together: the observation and action are concatenated and fed to an
 * ensemble of MLPs with stacked parameters (2 members for clipped double Q, 10 for RLPD/REDQ).
 */

import type { Key } from '@offrl/tensor';
import {
  type Activation,
  assertShape,
  ensemble,
  type MlpParams,
  orthogonalInit,
  type Tensor,
  type Tensor2D,
  tf,
  zerosInit,
} from '@offrl/tensor';

export interface QEnsembleSpec {
  readonly observationDim: number;
  readonly actionDim: number;
  /** Default 2. */
  readonly members?: number;
  /** Default [256, 256]. */
  readonly hiddenSizes?: readonly number[];
  /** Default 'relu'. */
  readonly activation?: Activation;
  /** LayerNorm after each hidden layer (RLPD, ReBRAC critics). Default false. */
  readonly layerNorm?: boolean;
  /**
   * 'pytorch': `nn.Linear`'s default U(±1/√fan_in) (default). 'orthogonal': CORL's
   * `init_module_weights(orthogonal_init=True)` (`cql.py`): hidden kernels orthogonal with gain √2,
   * the output kernel orthogonal with gain 10⁻², all biases 0, so Q starts near 0 for every action.
   */
  readonly init?: 'pytorch' | 'orthogonal';
}

export interface QEnsemble {
  readonly spec: Required<QEnsembleSpec>;
  init(key: Key): MlpParams;
  /**
   * Q-values [N, B] of `actions` [B, A] in `observations` [B, S]. Set `actionGradient` when the caller
   * differentiates through the action (an actor maximising Q); otherwise inputs are treated as constants.
   */
  apply(
    params: MlpParams,
    observations: Tensor,
    actions: Tensor,
    options?: { actionGradient?: boolean },
  ): Tensor2D;
}

export const qEnsemble = (spec: QEnsembleSpec): QEnsemble => {
  const full: Required<QEnsembleSpec> = {
    members: 2,
    hiddenSizes: [256, 256],
    activation: 'relu',
    layerNorm: false,
    init: 'pytorch',
    ...spec,
  };
  const net = ensemble({
    inputSize: full.observationDim + full.actionDim,
    hiddenSizes: full.hiddenSizes,
    outputSize: 1,
    activation: full.activation,
    layerNorm: full.layerNorm,
    members: full.members,
    name: 'qEnsemble',
    ...(full.init === 'orthogonal'
      ? {
          kernelInit: orthogonalInit(Math.SQRT2),
          biasInit: zerosInit(),
          outputKernelInit: orthogonalInit(1e-2),
          outputBiasInit: zerosInit(),
        }
      : {}),
  });
  return {
    spec: full,
    init: (key) => net.init(key),
    apply: (params, observations, actions, options = {}) => {
      const batch = observations.shape[0]!;
      assertShape('qEnsemble', 'observations', observations, [batch, full.observationDim]);
      assertShape('qEnsemble', 'actions', actions, [batch, full.actionDim]);
      return tf.tidy(() => {
        const input = tf.concat([observations, actions], 1);
        const q = net.apply(params, input, { stopInputGradient: !options.actionGradient });
        return tf.reshape(q, [q.shape[0], batch]);
      }) as Tensor2D;
    },
  };
};
