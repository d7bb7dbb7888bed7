/**
 * The tanh-squashed Gaussian policy of SAC and CQL (Haarnoja et al. 2018, appendix C; CORL `cql.py`
 * `TanhGaussianPolicy`): one MLP outputs μ(s) and log σ(s) (clipped to [−20, 2], CORL's bounds), and
 *   a = scale · tanh(u),  u ~ N(μ(s), diag σ(s)²),
 *   log π(a | s) = log N(u; μ, σ) − Σ_d log(1 − tanh(u_d)²) − A · log scale.
 * The last term is the Jacobian of the scaling; it vanishes for the usual scale 1. The evaluation action
 * is scale · tanh(μ(s)).
 *
 * CORL's CQL policy differs from a plain SAC one in two ways, both options here: log σ(s) is the network's
 * output plus an offset (`policy_log_std_offset` −1, so σ starts near e⁻¹ rather than 1), and the output
 * layer starts small (`init_module_weights`: Xavier-uniform kernel with gain 10⁻², zero bias), so the
 * first policy is μ ≈ 0 for every state instead of a random function. (CORL's offset and its ×1
 * multiplier are trainable scalars, `Scalar(...)`; here the offset is a constant, which the output
 * layer's bias can absorb.)
 */
import {
  type Activation,
  clampLogStd,
  type Initializer,
  type Key,
  type MlpParams,
  mlp,
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  tanhGaussian,
  tf,
  uniform,
  zerosInit,
} from '@offrl/tensor';

export interface TanhGaussianPolicySpec {
  readonly observationDim: number;
  readonly actionDim: number;
  /** Default [256, 256]. */
  readonly hiddenSizes?: readonly number[];
  /** Default 'relu'. */
  readonly activation?: Activation;
  /** Half-width of the action box. Default 1. */
  readonly actionScale?: number;
  /** Default −20 (CORL). */
  readonly logStdMin?: number;
  /** Default 2 (CORL). */
  readonly logStdMax?: number;
  /** Added to the network's log σ before clipping. Default 0; CORL's CQL −1 (`policy_log_std_offset`). */
  readonly logStdOffset?: number;
  /** 'pytorch' (default): `nn.Linear`'s init everywhere. 'small': CORL's output layer, Xavier-uniform ×10⁻², bias 0. */
  readonly outputInit?: 'pytorch' | 'small';
}

export interface TanhGaussianPolicy {
  readonly spec: Required<TanhGaussianPolicySpec>;
  init(key: Key): MlpParams;
  /** A reparameterised action [B, A] and its log-density [B]. */
  sample(params: MlpParams, observations: Tensor, key: Key): { actions: Tensor2D; logProb: Tensor1D };
  /**
   * K reparameterised actions per state [K, B, A] and their log-densities [K, B] (CQL's sampled actions,
   * max-Q backups, KL estimates); the network runs once on the B states.
   */
  sampleMany(
    params: MlpParams,
    observations: Tensor,
    key: Key,
    count: number,
  ): { actions: Tensor; logProb: Tensor2D };
  /** log π(a | s) [B] of given actions (e.g. the dataset's), clipped just inside the box. */
  logProb(params: MlpParams, observations: Tensor, actions: Tensor): Tensor1D;
  /** scale · tanh(μ(s)) [B, A]. */
  apply(params: MlpParams, observations: Tensor): Tensor2D;
}

/** CORL `init_module_weights`: the last layer's `xavier_uniform_(gain=1e-2)`. */
const SMALL_OUTPUT_GAIN = 1e-2;

/** Glorot & Bengio's U(±gain·√(6/(fan_in + fan_out))) for a kernel [in, out]. */
const xavierUniform =
  (gain: number): Initializer =>
  (key, shape) => {
    const bound = gain * Math.sqrt(6 / (shape[0]! + shape[1]!));
    return uniform(key, shape, -bound, bound);
  };

export const tanhGaussianPolicy = (spec: TanhGaussianPolicySpec): TanhGaussianPolicy => {
  const full: Required<TanhGaussianPolicySpec> = {
    hiddenSizes: [256, 256],
    activation: 'relu',
    actionScale: 1,
    logStdMin: -20,
    logStdMax: 2,
    logStdOffset: 0,
    outputInit: 'pytorch',
    ...spec,
  };
  if (!(full.actionScale > 0))
    throw new RangeError(`tanhGaussianPolicy: actionScale must be positive, got ${full.actionScale}`);
  const { actionDim, actionScale } = full;
  const net = mlp({
    inputSize: full.observationDim,
    hiddenSizes: full.hiddenSizes,
    outputSize: 2 * actionDim,
    activation: full.activation,
    name: 'tanhGaussianPolicy',
    ...(full.outputInit === 'small'
      ? { outputKernelInit: xavierUniform(SMALL_OUTPUT_GAIN), outputBiasInit: zerosInit() }
      : {}),
  });
  const logScaleJacobian = actionDim * Math.log(actionScale);
  const distribution = (params: MlpParams, observations: Tensor, count?: number) => {
    const out = net.apply(params, observations, { stopInputGradient: true });
    const [loc, rawLogStd] = tf.split(out, 2, 1) as [Tensor2D, Tensor2D];
    const logStd = full.logStdOffset === 0 ? rawLogStd : tf.add(rawLogStd, full.logStdOffset);
    const logScale = clampLogStd(logStd, full.logStdMin, full.logStdMax);
    if (count === undefined) return tanhGaussian({ loc, logScale });
    // K copies by concatenation: broadcastTo runs wasm's Tile kernel, many times slower (recipes' repeatRows).
    const copies = (x: Tensor) => tf.concat(new Array<Tensor>(count).fill(tf.expandDims(x, 0)));
    return tanhGaussian({ loc: copies(loc), logScale: copies(logScale) });
  };
  const scaled = (sample: Tensor, logProb: Tensor) => ({
    actions: actionScale === 1 ? sample : tf.mul(sample, actionScale),
    logProb: logScaleJacobian === 0 ? logProb : tf.sub(logProb, logScaleJacobian),
  });
  return {
    spec: full,
    init: (key) => net.init(key),
    sample: (params, observations, key) =>
      tf.tidy(() => {
        const { sample, logProb } = distribution(params, observations).sampleWithLogProb(key);
        return scaled(sample, logProb) as { actions: Tensor2D; logProb: Tensor1D };
      }),
    sampleMany: (params, observations, key, count) => {
      if (!(Number.isInteger(count) && count >= 1))
        throw new RangeError(`tanhGaussianPolicy.sampleMany: count must be a positive integer, got ${count}`);
      return tf.tidy(() => {
        const { sample, logProb } = distribution(params, observations, count).sampleWithLogProb(key);
        return scaled(sample, logProb) as { actions: Tensor; logProb: Tensor2D };
      });
    },
    logProb: (params, observations, actions) =>
      tf.tidy(
        () =>
          tf.sub(
            distribution(params, observations).logProb(tf.div(actions, actionScale)),
            logScaleJacobian,
          ) as Tensor1D,
      ),
    apply: (params, observations) =>
      tf.tidy(() => {
        const mode = distribution(params, observations).mode();
        return actionScale === 1 ? mode : tf.mul(mode, actionScale);
      }) as Tensor2D,
  };
};
