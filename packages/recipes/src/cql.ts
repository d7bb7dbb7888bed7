/**
 * Conservative Q-learning (Kumar et al. 2020) on SAC, as CORL `algorithms/offline/cql.py`:
 *   Q ← argmin Σ_i mean (Q_i(s, a) − y)² + α·Σ_i mean_s [T·logsumexp_j(x_ij/T) − Q_i(s, a)],
 * x the importance-weighted Q-values of K = 10 uniform actions, K from π(·|s) and K from π(·|s′), all
 * at s (`conservativePenalty`); y from min_i Q̄_i(s′, a′) without the entropy term by default
 * (`backup_entropy=False`), or CQL's max-Q backup over K samples; the SAC actor with learned α.
 * Lagrange variant: α·α′ with α′ tuned so the gap settles at `targetActionGap`.
 *
 * Cal-QL (Nakamoto et al. 2023), offline phase: the same, with policy-action Q-values raised to the
 * batch's Monte-Carlo return (`calibrated`); train on `withMonteCarloReturns(dataset, { discount })`.
 *
 * CORL's network details are defaults too: the critic's orthogonal init, the policy's log-std offset −1
 * and small output layer, the optional BC warm-up (`bc_steps`, 0 by default), and states normalised by
 * the dataset's statistics (`normalize=True`; `withStateNormalisation`). Reward scale/bias
 * belong to the dataset (`transformRewards` of `@offrl/datasets`; presets below name them).
 */
import type { TensorTree } from '@offrl/tensor';
import { type ActorCriticState, actorCritic } from './actor-critic.js';
import type { StochasticActorPart, ValueSignals } from './actor-parts.js';
import { type MaxEntropyActorParams, maxEntropyActor } from './max-entropy-actor.js';
import type { PreparingRecipe } from './preprocessing.js';
import type { Dimensions } from './recipe.js';
import { type NormalisedState, withStateNormalisation } from './state-normalisation.js';

/** CORL `algorithms/offline/cql.py` `TrainConfig` defaults. */
export const cqlDefaults = {
  /** `cql_alpha` 10.0. */
  alpha: 10,
  /** `cql_temp` 1.0. */
  temperature: 1,
  /** `cql_n_actions` 10. */
  samples: 10,
  /** `cql_lagrange` False. */
  lagrange: false,
  /** `cql_target_action_gap` −1.0. */
  targetActionGap: -1,
  /** log α′ at the start of the Lagrange variant: 1 (`log_alpha_prime = Scalar(1.0)`, so α′ = e). */
  initialLogMultiplier: 1,
  /** `cql_max_target_backup` False (0); K samples when on. */
  maxQBackup: 0,
  /** `backup_entropy` False. */
  backupEntropy: false,
  /** `q_n_hidden_layers` 3, 256 wide. */
  criticHiddenSizes: [256, 256, 256] as readonly number[],
  /** CORL's `TanhGaussianPolicy` base network: three 256-wide layers. */
  actorHiddenSizes: [256, 256, 256] as readonly number[],
  /** `qf_lr` 3e-4 (also α′'s rate). */
  criticLearningRate: 3e-4,
  /** `policy_lr` 3e-5 (also α's rate). */
  actorLearningRate: 3e-5,
  /** `discount` 0.99. */
  discount: 0.99,
  /** `soft_target_update_rate` 5e-3. */
  polyak: 0.005,
  /** `target_entropy` −|A| (`undefined`); Cal-QL's AntMaze runs use 0. */
  targetEntropy: undefined as number | undefined,
  /** Two critics. */
  members: 2,
  /** α at the start: 1 (`log_alpha` initialised to 0, `alpha_multiplier` 1.0). */
  initialTemperature: 1,
  /** Cal-QL's Monte-Carlo bound on policy-action terms. */
  calibrated: false,
  /** `orthogonal_init` True: the critic's orthogonal init (`init_module_weights`). */
  criticInit: 'orthogonal' as 'pytorch' | 'orthogonal',
  /** `TanhGaussianPolicy(log_std_offset=-1.0)`: σ starts near e⁻¹. */
  policyLogStdOffset: -1,
  /** The policy's last layer `xavier_uniform_(gain=1e-2)`, zero bias (`init_module_weights`). */
  policyOutputInit: 'small' as 'pytorch' | 'small',
  /** `bc_steps` 0: updates of likelihood BC before the actor follows Q. */
  bcSteps: 0,
  /** `normalize` True: states normalised by the dataset's mean and std (+10⁻³), also when acting. */
  normaliseObservations: true as boolean,
};

export type CqlConfig = typeof cqlDefaults;

/** Per-setting values from the references, as data (rewards are the dataset's: apply their scale first). */
export const cqlPresets = {
  /** CORL defaults (D4RL locomotion). */
  corl: {},
  /** OfflineRL-Kit `run_cql.py`: weight 5, actor 1e-4, deterministic backup, 3×256. */
  offlineRlKit: { alpha: 5, actorLearningRate: 1e-4, backupEntropy: false },
  /** d3rlpy reproduction: weight 10 for medium-v0, else 5; actor 1e-4; α fixed (not reproduced: its threshold). */
  d3rlpyMedium: { alpha: 10, actorLearningRate: 1e-4 },
  /**
   * offrl's, for Pendulum runs of a few thousand updates (the references train 1M): at CORL's rates
   * (actor 3e-5, critic 3e-4) the policy barely moves in 2000 updates and stays below BC on the mixed
   * Pendulum data; at 1e-3 both, with OfflineRL-Kit's and d3rlpy's weight 5, CQL ends far above BC
   * (mixed-data.test.ts: −204 / −520 against BC's −1152 / −1099 on seeds 0 / 1, 2000 updates).
   */
  pendulumShortRun: { alpha: 5, actorLearningRate: 1e-3, criticLearningRate: 1e-3 },
} satisfies Record<string, Partial<CqlConfig>>;

/**
 * Cal-QL, offline phase. Defaults: CORL `algorithms/finetune/cal_ql.py` (`cql_alpha` 10, two hidden
 * layers of 256) with the official `conservative_sac.py` (`policy_lr` 1e-4, `cql_max_target_backup`
 * True, `backup_entropy` False).
 */
export const calqlDefaults: CqlConfig = {
  ...cqlDefaults,
  calibrated: true,
  criticHiddenSizes: [256, 256],
  actorHiddenSizes: [256, 256],
  actorLearningRate: 1e-4,
  maxQBackup: 10,
};

export const calqlPresets = {
  /**
   * Official `scripts/run_antmaze.sh`: weight 5, gap 0.8, Lagrange, Q 256×4, policy 256-256, target
   * entropy 0; its rewards are `10·r − 5` (`reward_scale`, `reward_bias`), a dataset transform.
   */
  antmaze: {
    alpha: 5,
    targetActionGap: 0.8,
    lagrange: true,
    criticHiddenSizes: [256, 256, 256, 256],
    targetEntropy: 0,
  },
  /**
   * offrl's, for Pendulum runs of a few thousand updates before fine-tuning: `cqlPresets.pendulumShortRun`
   * (weight 5, actor and critic 1e-3) for the same reason, that at the references' rates the policy
   * barely moves in so few updates. Carried over from CQL, not tuned for Cal-QL.
   */
  pendulumShortRun: { alpha: 5, actorLearningRate: 1e-3, criticLearningRate: 1e-3 },
} satisfies Record<string, Partial<CqlConfig>>;

export type CqlState<P extends TensorTree = MaxEntropyActorParams> = NormalisedState<ActorCriticState<P>>;

const build = <P extends TensorTree>(
  name: string,
  dimensions: Dimensions,
  c: CqlConfig,
  actor: StochasticActorPart<P, ValueSignals> | undefined,
): PreparingRecipe<CqlState<P>> =>
  withStateNormalisation(
    actorCritic(
      name,
      dimensions,
      {
        hiddenSizes: c.criticHiddenSizes,
        members: c.members,
        layerNorm: false,
        criticLearningRate: c.criticLearningRate,
        discount: c.discount,
        polyak: c.polyak,
        backupEntropy: c.backupEntropy,
        maxQBackup: c.maxQBackup,
        order: 'joint',
        criticInit: c.criticInit,
        conservative: {
          alpha: c.alpha,
          temperature: c.temperature,
          samples: c.samples,
          lagrange: c.lagrange,
          targetActionGap: c.targetActionGap,
          calibrated: c.calibrated,
          initialLogMultiplier: c.initialLogMultiplier,
        },
      },
      actor ??
        (maxEntropyActor(dimensions, {
          hiddenSizes: c.actorHiddenSizes,
          learningRate: c.actorLearningRate,
          initialTemperature: c.initialTemperature,
          logStdOffset: c.policyLogStdOffset,
          outputInit: c.policyOutputInit,
          bcSteps: c.bcSteps,
          ...(c.targetEntropy === undefined ? {} : { targetEntropy: c.targetEntropy }),
        }) as unknown as StochasticActorPart<P, ValueSignals>),
    ),
    c.normaliseObservations,
  );

export const cql = <P extends TensorTree = MaxEntropyActorParams>(
  dimensions: Dimensions,
  config: Partial<CqlConfig> = {},
  actor?: StochasticActorPart<P, ValueSignals>,
): PreparingRecipe<CqlState<P>> => build('cql', dimensions, { ...cqlDefaults, ...config }, actor);

export const calql = <P extends TensorTree = MaxEntropyActorParams>(
  dimensions: Dimensions,
  config: Partial<CqlConfig> = {},
  actor?: StochasticActorPart<P, ValueSignals>,
): PreparingRecipe<CqlState<P>> => build('calql', dimensions, { ...calqlDefaults, ...config }, actor);
