/**
 * A deterministic policy a = scale · tanh(f_θ(s)) (TD3, TD3+BC, ReBRAC, deterministic BC). The tanh
 * keeps actions inside the box; `actionScale` maps [−1, 1] to the environment's bounds when they are
 * not already [−1, 1] (Pendulum's torque is in [−2, 2]).
 */
import {
  type Activation,
  type Key,
  type MlpParams,
  mlp,
  type Tensor,
  type Tensor2D,
  tf,
} from '@offrl/tensor';

export interface DeterministicPolicySpec {
  readonly observationDim: number;
  readonly actionDim: number;
  /** Default [256, 256]. */
  readonly hiddenSizes?: readonly number[];
  /** Default 'relu'. */
  readonly activation?: Activation;
  /** Default false. */
  readonly layerNorm?: boolean;
  /** Half-width of the action box (symmetric bounds). Default 1. */
  readonly actionScale?: number;
}

export interface DeterministicPolicy {
  readonly spec: Required<DeterministicPolicySpec>;
  init(key: Key): MlpParams;
  /** Actions [B, A] for observations [B, S]. */
  apply(params: MlpParams, observations: Tensor): Tensor2D;
}

export const deterministicPolicy = (spec: DeterministicPolicySpec): DeterministicPolicy => {
  const full: Required<DeterministicPolicySpec> = {
    hiddenSizes: [256, 256],
    activation: 'relu',
    layerNorm: false,
    actionScale: 1,
    ...spec,
  };
  if (!(full.actionScale > 0)) {
    throw new RangeError(`deterministicPolicy: actionScale must be positive, got ${full.actionScale}`);
  }
  const net = mlp({
    inputSize: full.observationDim,
    hiddenSizes: full.hiddenSizes,
    outputSize: full.actionDim,
    activation: full.activation,
    outputActivation: 'tanh',
    layerNorm: full.layerNorm,
    name: 'deterministicPolicy',
  });
  return {
    spec: full,
    init: (key) => net.init(key),
    apply: (params, observations) =>
      tf.tidy(() => {
        const actions = net.apply(params, observations as Tensor2D, { stopInputGradient: true });
        return full.actionScale === 1 ? actions : tf.mul(actions, full.actionScale);
      }) as Tensor2D,
  };
};
