/**
 * A probabilistic dynamics ensemble (PETS/MBPO/MOPO): N MLPs map (s, a) to a diagonal Gaussian over
 * (s′ − s, r). The raw log-variance is softly bounded to [minLogVariance, maxLogVariance] (PETS,
 * appendix A.1), so far-from-data inputs cannot produce exploding or vanishing variances.
 */
import { ensemble, type Key, type MlpParams, type Tensor, type Tensor3D, tf } from '@offrl/tensor';

export interface DynamicsEnsembleSpec {
  readonly observationDim: number;
  readonly actionDim: number;
  /** Default 7 (MBPO, MOPO). */
  readonly members?: number;
  /** Default [200, 200, 200, 200] (MBPO, MOPO). */
  readonly hiddenSizes?: readonly number[];
  /** Default 0.5 and −10 (MBPO's initial bounds, kept fixed here). */
  readonly maxLogVariance?: number;
  readonly minLogVariance?: number;
}

export interface DynamicsPrediction {
  /** [N, B, S + 1]: predicted (s′ − s, r). */
  readonly mean: Tensor3D;
  readonly logVariance: Tensor3D;
}

export interface DynamicsEnsemble {
  readonly spec: Required<DynamicsEnsembleSpec>;
  init(key: Key): MlpParams;
  apply(params: MlpParams, observations: Tensor, actions: Tensor): DynamicsPrediction;
}

export const dynamicsEnsemble = (spec: DynamicsEnsembleSpec): DynamicsEnsemble => {
  const full: Required<DynamicsEnsembleSpec> = {
    members: 7,
    hiddenSizes: [200, 200, 200, 200],
    maxLogVariance: 0.5,
    minLogVariance: -10,
    ...spec,
  };
  if (!(full.minLogVariance < full.maxLogVariance)) {
    throw new RangeError(
      `dynamicsEnsemble: minLogVariance (${full.minLogVariance}) must be below maxLogVariance (${full.maxLogVariance})`,
    );
  }
  const outputSize = full.observationDim + 1;
  const net = ensemble({
    inputSize: full.observationDim + full.actionDim,
    hiddenSizes: full.hiddenSizes,
    outputSize: 2 * outputSize,
    activation: 'relu',
    members: full.members,
    name: 'dynamicsEnsemble',
  });
  return {
    spec: full,
    init: (key) => net.init(key),
    apply: (params, observations, actions) => {
      const batch = observations.shape[0]!;
      if (observations.shape.join(',') !== `${batch},${full.observationDim}`) {
        throw new Error(
          `dynamicsEnsemble: observations [${observations.shape}], expected [${batch},${full.observationDim}]`,
        );
      }
      if (actions.shape.join(',') !== `${batch},${full.actionDim}`) {
        throw new Error(
          `dynamicsEnsemble: actions [${actions.shape}], expected [${batch},${full.actionDim}]`,
        );
      }
      return tf.tidy(() => {
        const out = net.apply(params, tf.concat([observations, actions], 1), { stopInputGradient: true });
        const [mean, raw] = tf.split(out, 2, 2) as [Tensor3D, Tensor3D];
        const upper = tf.sub(full.maxLogVariance, tf.softplus(tf.sub(full.maxLogVariance, raw)));
        const logVariance = tf.add(
          full.minLogVariance,
          tf.softplus(tf.sub(upper, full.minLogVariance)),
        ) as Tensor3D;
        return { mean, logVariance };
      });
    },
  };
};
