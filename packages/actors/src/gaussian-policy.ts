/**
 * IQL's Gaussian policy (Kostrikov et al. 2022; official `policy.py`, `learner.py` lines 77–83):
 *   π(a | s) = N(μ(s), diag σ²),  μ(s) = scale · tanh(f_θ(s)),  log σ a state-independent parameter
 * clipped to [log_std_min, log_std_max] = [−5, 2]. The tanh is on the mean only: the density is a plain
 * Gaussian, not a tanh-squashed one, so log π(a|s) of a dataset action needs no atanh.
 * The evaluation action is the mean μ(s).
 */
import {
  type Activation,
  clampLogStd,
  type DiagonalGaussian,
  diagonalGaussian,
  type Key,
  type MlpParams,
  mlp,
  type Tensor,
  type Tensor2D,
  type TensorTree,
  tf,
} from '@offrl/tensor';

export interface GaussianPolicySpec {
  readonly observationDim: number;
  readonly actionDim: number;
  /** Default [256, 256] (official `hidden_dims`). */
  readonly hiddenSizes?: readonly number[];
  /** Default 'relu'. */
  readonly activation?: Activation;
  /** Half-width of the action box. Default 1. */
  readonly actionScale?: number;
  /** Default −5 (official `log_std_min`). */
  readonly logStdMin?: number;
  /** Default 2 (official `LOG_STD_MAX`). */
  readonly logStdMax?: number;
}

export interface GaussianPolicyParams extends TensorTree {
  readonly mean: MlpParams;
  /** log σ [A], shared by all states; initialised to 0 (official `nn.initializers.zeros`). */
  readonly logStd: Tensor;
}

export interface GaussianPolicy {
  readonly spec: Required<GaussianPolicySpec>;
  init(key: Key): GaussianPolicyParams;
  /** π(· | s) for observations [B, S]. */
  distribution(params: GaussianPolicyParams, observations: Tensor): DiagonalGaussian;
  /** The mean action [B, A] (evaluation). */
  apply(params: GaussianPolicyParams, observations: Tensor): Tensor2D;
  /**
   * K reparameterised draws per state [K, B, A] with their log-densities [K, B]; the network runs once.
   * Draws are not clipped to the action box (the density is a plain Gaussian).
   */
  sampleMany(
    params: GaussianPolicyParams,
    observations: Tensor,
    key: Key,
    count: number,
  ): { actions: Tensor; logProb: Tensor2D };
}

export const gaussianPolicy = (spec: GaussianPolicySpec): GaussianPolicy => {
  const full: Required<GaussianPolicySpec> = {
    hiddenSizes: [256, 256],
    activation: 'relu',
    actionScale: 1,
    logStdMin: -5,
    logStdMax: 2,
    ...spec,
  };
  if (!(full.actionScale > 0))
    throw new RangeError(`gaussianPolicy: actionScale must be positive, got ${full.actionScale}`);
  if (!(full.logStdMin < full.logStdMax)) {
    throw new RangeError(
      `gaussianPolicy: logStdMin ${full.logStdMin} must be below logStdMax ${full.logStdMax}`,
    );
  }
  const net = mlp({
    inputSize: full.observationDim,
    hiddenSizes: full.hiddenSizes,
    outputSize: full.actionDim,
    activation: full.activation,
    outputActivation: 'tanh',
    name: 'gaussianPolicy',
  });
  const mean = (params: GaussianPolicyParams, observations: Tensor): Tensor2D =>
    tf.tidy(() => {
      const squashed = net.apply(params.mean, observations, { stopInputGradient: true });
      return full.actionScale === 1 ? squashed : tf.mul(squashed, full.actionScale);
    }) as Tensor2D;
  return {
    spec: full,
    init: (key) => ({ mean: net.init(key), logStd: tf.zeros([full.actionDim]) }),
    distribution: (params, observations) =>
      diagonalGaussian({
        loc: mean(params, observations),
        logScale: clampLogStd(params.logStd, full.logStdMin, full.logStdMax),
      }),
    apply: mean,
    sampleMany: (params, observations, key, count) => {
      if (!(Number.isInteger(count) && count >= 1))
        throw new RangeError(`gaussianPolicy.sampleMany: count must be a positive integer, got ${count}`);
      return tf.tidy(() => {
        const loc = mean(params, observations);
        const { sample, logProb } = diagonalGaussian({
          loc: tf.broadcastTo(loc, [count, ...loc.shape]),
          logScale: clampLogStd(params.logStd, full.logStdMin, full.logStdMax),
        }).sampleWithLogProb(key);
        return { actions: sample, logProb: logProb as Tensor2D };
      });
    },
  };
};
