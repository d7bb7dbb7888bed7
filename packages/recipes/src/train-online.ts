/**
 * One loop for online, offline-to-online and RLPD-style training (the lecture's second half):
 *
 *   [pretrain]  optional: `trainOffline` on the offline data for `pretrainSteps` updates, then evaluate
 *               (the score at the switch);
 *   repeat      act in `numEnvs` envs (uniform random actions for the first `warmupSteps` transitions,
 *               then the recipe's `explore`), store the transitions, and once `updateAfter` transitions
 *               are in, apply ⌊utd · transitions⌋ updates in total on batches drawn by the buffer policy:
 *                 'online'  the online buffer only (SAC from scratch; fine-tuning that drops the data),
 *                 'append'  one buffer that starts with the offline data (CORL IQL/AWAC fine-tuning,
 *                           IQL `train_finetune.py`), sampled uniformly,
 *                 'mixed'   a fixed fraction of every batch from the offline data, the rest online
 *                           (RLPD's symmetric 50/50, Cal-QL/CORL `mixing_ratio = 0.5`);
 *               evaluate every `evaluateEvery` transitions on envs seeded apart from the training ones.
 *
 * Steps are counted in transitions (env steps summed over the envs), as RLPD and CORL count them. Every
 * random draw derives from `seed` and a counter (update u: `foldIn(updateKey, u)`; vector step t's
 * actions: `foldIn(actKey, t)`; segment k's env reset seed), so a run is reproducible bit for bit on one
 * backend. Checkpoints are taken at segment boundaries: every `checkpointEvery` transitions the training
 * envs are reset with the next segment's seed (an episode running there is cut, its last transition is
 * stored as it was, bootstrapping), so a run resumed from a checkpoint equals the run that went on.
 * With `checkpointEvery` a multiple of the episode length × `numEnvs` (Pendulum: 200) nothing is cut.
 */
import { createBatch, sampleInto, sampleMixedInto, type TransitionSource } from '@offrl/datasets';
import { makeVectorEnv, Random, type VectorEnv } from '@offrl/envs';
import {
  disposeTree,
  foldIn,
  type Key,
  makeKey,
  normal,
  seedFromKey,
  splitKey,
  type TensorTree,
  tf,
} from '@offrl/tensor';
import { batchToTensors } from './batch-tensors.js';
import { nonFiniteTerms, readMetrics, TrainingDivergedError } from './divergence.js';
import { evaluate } from './evaluate.js';
import { OnlineBuffer, type OnlineBufferSnapshot } from './online-buffer.js';
import { type Preprocessing, preparesData, preprocessBatch } from './preprocessing.js';
import type { Recipe } from './recipe.js';
import { trainOffline } from './train-offline.js';

export type BufferPolicy = 'online' | 'append' | 'mixed';

/** The offline data and what the loop does with it. */
export interface OfflineDataOptions {
  readonly dataset: TransitionSource;
  /** Updates on the dataset alone before going online (0: none, e.g. RLPD). Default 0. */
  readonly pretrainSteps?: number;
  /** Default 'mixed'. */
  readonly bufferPolicy?: BufferPolicy;
  /** 'mixed': the fraction of each batch from the dataset. Default 0.5 (RLPD, Cal-QL). */
  readonly offlineFraction?: number;
  /**
   * γ of the online rows' Monte-Carlo returns, needed when the dataset has them (Cal-QL's bound reads
   * them in every batch). Default 0.99.
   */
  readonly mcReturnDiscount?: number;
}

export interface EvaluationRecord {
  readonly phase: 'switch' | 'online';
  /** Online transitions collected so far. */
  readonly envSteps: number;
  /** Updates applied so far (offline ones included). */
  readonly updates: number;
  readonly meanReturn: number;
  /** A fraction (×100 for D4RL's convention). */
  readonly normalizedScore: number;
}

export interface LogRecord {
  readonly phase: 'offline' | 'online';
  readonly envSteps: number;
  readonly updates: number;
  readonly metrics: Readonly<Record<string, number>>;
}

export interface EpisodeRecord {
  readonly envSteps: number;
  readonly return: number;
  readonly length: number;
}

/** Where a run stands: what a checkpoint needs besides the state and the buffer. JSON-serialisable. */
export interface OnlineProgress {
  readonly envSteps: number;
  readonly updates: number;
  readonly segment: number;
  /** The online step from which updates were due (null: not yet). */
  readonly trainingFrom: number | null;
  readonly evaluations: readonly EvaluationRecord[];
  readonly switchEvaluation: EvaluationRecord | undefined;
}

/** A run's resumable state: the recipe's tensor tree, the buffer as typed arrays, the counters. */
export interface OnlineCheckpoint<S extends TensorTree = TensorTree> {
  readonly state: S;
  readonly buffer: OnlineBufferSnapshot;
  readonly progress: OnlineProgress;
}

export interface OnlineTrainingOptions<S extends TensorTree = TensorTree> {
  readonly envId: string;
  /** Online transitions to collect (summed over envs); a multiple of `numEnvs`. */
  readonly envSteps: number;
  /** Default 1. */
  readonly numEnvs?: number;
  /** Worker threads for the training envs (`makeVectorEnv`); default 1 (in-process). */
  readonly workers?: number;
  /** Default 0. */
  readonly seed?: number;
  /** Default 256. */
  readonly batchSize?: number;
  /** Updates per transition collected (RLPD 20, SAC 1); may be fractional. Default 1. */
  readonly utd?: number;
  /** Transitions with uniformly random actions at the start (RLPD `start_training` 5000). Default 0. */
  readonly warmupSteps?: number;
  /** No updates before this many online transitions. Default `warmupSteps` (at least one row). */
  readonly updateAfter?: number;
  /** Std of the Gaussian noise on `act`, × the action scale, for recipes without `explore`. Default 0.1. */
  readonly explorationNoise?: number;
  /** Online buffer rows. Default: the online steps plus the data appended to it. */
  readonly bufferCapacity?: number;
  readonly offline?: OfflineDataOptions;
  /** Start from this state (e.g. another run's) instead of `init`; the loop takes ownership. */
  readonly initialState?: S;
  /** Updates already applied to `initialState` (its step counter). Default 0. */
  readonly initialUpdates?: number;
  /** Evaluate every this many transitions (and at the end). Default 5000. */
  readonly evaluateEvery?: number;
  /** Default 10. */
  readonly evaluationEpisodes?: number;
  /** First seed of the evaluation episodes (env i: seed + i), apart from training's. Default 1_000_000. */
  readonly evaluationSeed?: number;
  /** Report update metrics every this many updates. Default 1000. */
  readonly logEvery?: number;
  readonly onLog?: (record: LogRecord) => void;
  readonly onEvaluation?: (record: EvaluationRecord) => void;
  readonly onEpisode?: (record: EpisodeRecord) => void;
  /** Segment length in transitions (a multiple of `numEnvs`); checkpoints at its ends. Default: none. */
  readonly checkpointEvery?: number;
  /** Receives each checkpoint; its tensors are freed after the promise resolves (copy what you keep). */
  readonly onCheckpoint?: (checkpoint: OnlineCheckpoint<S>) => void | Promise<void>;
  /** Continue from a checkpoint of a run with the same options; the loop takes ownership of its state. */
  readonly resume?: OnlineCheckpoint<S>;
}

export interface OnlineTrainingResult<S extends TensorTree> {
  readonly state: S;
  readonly progress: OnlineProgress;
  /** CORL's regret over the online evaluations (`cumulativeRegret`). */
  readonly regret: number;
  /**
   * The unlearning dip: the score at the switch minus the lowest online evaluation's (normalised, ≥ 0
   * means a drop; negative: never below the switch). NaN without a switch evaluation.
   */
  readonly dip: number;
}

/**
 * CORL's offline-to-online regret (`algorithms/finetune/*.py`, README table): the mean over the online
 * phase's evaluations of 1 − normalised score, scores clipped to [0, 1]. 0: expert from the switch on.
 */
export const cumulativeRegret = (normalizedScores: readonly number[]): number => {
  if (normalizedScores.length === 0) return Number.NaN;
  const total = normalizedScores.reduce((sum, score) => sum + (1 - Math.min(1, Math.max(0, score))), 0);
  return total / normalizedScores.length;
};

export const trainOnline = async <S extends TensorTree>(
  recipe: Recipe<S>,
  options: OnlineTrainingOptions<S>,
): Promise<OnlineTrainingResult<S>> => {
  const o = resolve(recipe, options);
  const [initKey, actKey, sampleKey, updateKey, envKey, pretrainSeedKey] = splitKey(makeKey(o.seed), 6) as [
    Key,
    Key,
    Key,
    Key,
    Key,
    Key,
  ];
  const { observationDim, actionDim, actionScale } = recipe.dimensions;

  let state: S;
  let buffer: OnlineBuffer;
  let envSteps = 0;
  let updates = o.initialUpdates;
  let segment = 0;
  const evaluations: EvaluationRecord[] = [];
  let switchEvaluation: EvaluationRecord | undefined;

  const evaluation = async (phase: EvaluationRecord['phase']): Promise<EvaluationRecord> => {
    const result = await evaluate(recipe, state, o.envId, {
      episodes: o.evaluationEpisodes,
      seed: o.evaluationSeed,
    });
    const record = {
      phase,
      envSteps,
      updates,
      meanReturn: result.meanReturn,
      normalizedScore: result.meanNormalizedScore,
    };
    o.onEvaluation?.(record);
    return record;
  };

  if (o.resume !== undefined) {
    state = o.resume.state;
    buffer = OnlineBuffer.restore(o.resume.buffer, o.mcReturnDiscount);
    ({ envSteps, updates, segment } = o.resume.progress);
    evaluations.push(...o.resume.progress.evaluations);
    switchEvaluation = o.resume.progress.switchEvaluation;
  } else {
    // A recipe that owns its preprocessing (TD3+BC's state normalisation, IQL's reward scale) takes its
    // statistics from the offline data, as `trainOffline` does; from scratch it starts at the identity.
    state =
      o.initialState ??
      (preparesData(recipe) && o.offline !== undefined
        ? recipe.init(initKey, recipe.prepare(o.offline))
        : recipe.init(initKey));
    if (o.offline !== undefined && o.pretrainSteps > 0) {
      const pretrained = trainOffline(recipe, o.offline, {
        steps: updates + o.pretrainSteps,
        batchSize: o.batchSize,
        seed: seedFromKey(pretrainSeedKey),
        logEvery: o.logEvery,
        resume: { state, step: updates },
        onLog: (step, metrics) => o.onLog?.({ phase: 'offline', envSteps: 0, updates: step, metrics }),
      });
      state = pretrained.state;
      updates += o.pretrainSteps;
    }
    if (o.offline !== undefined) switchEvaluation = await evaluation('switch');
    buffer = new OnlineBuffer({
      capacity: o.bufferCapacity,
      observationDim,
      actionDim,
      numEnvs: o.numEnvs,
      mcReturnDiscount: o.mcReturnDiscount,
    });
    if (o.offline !== undefined && o.bufferPolicy === 'append') buffer.addDataset(o.offline);
  }

  // The statistics the state holds, applied to every batch's typed arrays (the identity for most recipes).
  const preprocessing: Preprocessing = preparesData(recipe) ? recipe.preprocessingOf(state) : {};
  const batch = createBatch({
    size: o.batchSize,
    observationDim,
    actionDim,
    mcReturns: o.mcReturnDiscount !== undefined,
  });
  // Updates become due from the step that first finds the buffer ready (no catching up before it).
  let trainingFrom = o.resume?.progress.trainingFrom ?? undefined;
  const env = await makeVectorEnv(o.envId, o.numEnvs, { workers: o.workers });
  try {
    assertEnvFits(recipe, env);
    const segmentSeed = (k: number) => seedFromKey(foldIn(envKey, k)) % 2 ** 30;
    let observations = await env.reset({ seed: segmentSeed(segment) });
    const running = { returns: new Float64Array(o.numEnvs), lengths: new Uint32Array(o.numEnvs) };

    while (envSteps < o.envSteps) {
      const t = envSteps / o.numEnvs;
      const actions =
        envSteps < o.warmupSteps
          ? randomActions(env, seedFromKey(foldIn(actKey, t)))
          : behaviourActions(recipe, state, observations, o, foldIn(actKey, t), actionScale);
      const step = await env.step(actions);
      buffer.addStep({ ...step, observations, actions });
      envSteps += o.numEnvs;
      for (let i = 0; i < o.numEnvs; i++) {
        running.returns[i]! += step.rewards[i]!;
        running.lengths[i]! += 1;
        if (step.terminated[i] === 1 || step.truncated[i] === 1) {
          o.onEpisode?.({ envSteps, return: running.returns[i]!, length: running.lengths[i]! });
          running.returns[i] = 0;
          running.lengths[i] = 0;
        }
      }
      observations = step.observations;

      if (trainingFrom === undefined && envSteps >= o.updateAfter && buffer.size > o.appendedRows) {
        trainingFrom = envSteps - o.numEnvs;
      }
      if (trainingFrom !== undefined) {
        const due = o.trainingUpdatesBefore + Math.floor((envSteps - trainingFrom) * o.utd);
        while (updates < due) {
          const u = updates;
          if (o.offline !== undefined && o.bufferPolicy === 'mixed') {
            sampleMixedInto(batch, o.offline, buffer.source, seedFromKey(foldIn(sampleKey, u)), {
              offlineFraction: o.offlineFraction,
            });
          } else {
            sampleInto(batch, buffer.source, seedFromKey(foldIn(sampleKey, u)));
          }
          preprocessBatch(batch, preprocessing);
          const tensors = batchToTensors(batch);
          const { state: next, metrics } = recipe.update(state, tensors, {
            key: foldIn(updateKey, u),
            step: u,
            // The loop disposes the old state right after: donate it (recipe.ts).
            donate: true,
          });
          disposeTree(tensors as unknown as TensorTree);
          disposeTree(state);
          state = next;
          updates++;
          // Read every update: the divergence guard (divergence.ts) stops at the first non-finite term.
          const values = readMetrics(metrics);
          for (const metric of Object.values(metrics)) metric.dispose();
          const diverged = nonFiniteTerms(values);
          if (diverged !== undefined) {
            disposeTree(state);
            throw new TrainingDivergedError(updates, diverged);
          }
          if (updates % o.logEvery === 0) o.onLog?.({ phase: 'online', envSteps, updates, metrics: values });
        }
      }

      if (envSteps % o.evaluateEvery === 0 || envSteps === o.envSteps)
        evaluations.push(await evaluation('online'));
      // The end of the run is a segment boundary too: its checkpoint lets a longer run continue from it.
      if (o.checkpointEvery !== undefined && envSteps % o.checkpointEvery === 0) {
        segment++;
        buffer.endEpisodes();
        observations = await env.reset({ seed: segmentSeed(segment) });
        running.returns.fill(0);
        running.lengths.fill(0);
        if (o.onCheckpoint !== undefined) {
          const checkpoint = {
            state,
            buffer: buffer.snapshot(),
            progress: {
              envSteps,
              updates,
              segment,
              trainingFrom: trainingFrom ?? null,
              evaluations: [...evaluations],
              switchEvaluation,
            },
          };
          await o.onCheckpoint(checkpoint);
        }
      }
    }
  } finally {
    await env.close();
  }
  const progress = {
    envSteps,
    updates,
    segment,
    trainingFrom: trainingFrom ?? null,
    evaluations,
    switchEvaluation,
  };
  const scores = evaluations.map((e) => e.normalizedScore);
  const dip =
    switchEvaluation === undefined || scores.length === 0
      ? Number.NaN
      : switchEvaluation.normalizedScore - Math.min(...scores);
  return { state, progress, regret: cumulativeRegret(scores), dip };
};

type Resolved<S extends TensorTree> = Required<
  Omit<
    OnlineTrainingOptions<S>,
    | 'offline'
    | 'initialState'
    | 'resume'
    | 'onLog'
    | 'onEvaluation'
    | 'onEpisode'
    | 'onCheckpoint'
    | 'checkpointEvery'
  >
> &
  Pick<
    OnlineTrainingOptions<S>,
    'initialState' | 'resume' | 'onLog' | 'onEvaluation' | 'onEpisode' | 'onCheckpoint' | 'checkpointEvery'
  > & {
    readonly offline: TransitionSource | undefined;
    readonly pretrainSteps: number;
    readonly bufferPolicy: BufferPolicy;
    readonly offlineFraction: number;
    readonly mcReturnDiscount: number | undefined;
    /** Updates applied before the online phase's first (pretraining and `initialUpdates`). */
    readonly trainingUpdatesBefore: number;
    /** Offline rows copied into the online buffer ('append'). */
    readonly appendedRows: number;
  };

const resolve = <S extends TensorTree>(recipe: Recipe<S>, options: OnlineTrainingOptions<S>): Resolved<S> => {
  const where = `trainOnline(${recipe.name})`;
  const numEnvs = options.numEnvs ?? 1;
  const warmupSteps = options.warmupSteps ?? 0;
  const offline = options.offline;
  const bufferPolicy = offline?.bufferPolicy ?? (offline === undefined ? 'online' : 'mixed');
  const pretrainSteps = offline?.pretrainSteps ?? 0;
  const initialUpdates = options.initialUpdates ?? 0;
  const positiveInteger = (name: string, value: number) => {
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`${where}: ${name} must be a positive integer, got ${value}`);
  };
  positiveInteger('numEnvs', numEnvs);
  positiveInteger('envSteps', options.envSteps);
  if (options.envSteps % numEnvs !== 0)
    throw new RangeError(
      `${where}: envSteps (${options.envSteps}) must be a multiple of numEnvs (${numEnvs})`,
    );
  if (options.checkpointEvery !== undefined) {
    positiveInteger('checkpointEvery', options.checkpointEvery);
    if (options.checkpointEvery % numEnvs !== 0)
      throw new RangeError(`${where}: checkpointEvery must be a multiple of numEnvs (${numEnvs})`);
  }
  const utd = options.utd ?? 1;
  if (!(utd > 0)) throw new RangeError(`${where}: utd must be positive, got ${utd}`);
  if (offline !== undefined) {
    const { observationDim, actionDim } = recipe.dimensions;
    if (offline.dataset.observationDim !== observationDim || offline.dataset.actionDim !== actionDim)
      throw new Error(`${where}: the offline dataset's dimensions do not match the recipe's`);
  }
  // The recipe's own need first (AWR, Cal-QL), else whatever the dataset's returns imply.
  const mcReturnDiscount =
    recipe.monteCarloDiscount ??
    (offline?.dataset.mcReturns !== undefined ? (offline.mcReturnDiscount ?? 0.99) : undefined);
  if (mcReturnDiscount !== undefined && offline !== undefined && offline.dataset.mcReturns === undefined)
    throw new Error(
      `${where}: the recipe's batches need Monte-Carlo returns and the offline dataset has none; pass withRecipeReturns(recipe, dataset)`,
    );
  const appended = offline !== undefined && bufferPolicy === 'append' ? offline.dataset.size : 0;
  const evaluateEvery = options.evaluateEvery ?? 5000;
  if (evaluateEvery % numEnvs !== 0)
    throw new RangeError(`${where}: evaluateEvery must be a multiple of numEnvs (${numEnvs})`);
  return {
    envId: options.envId,
    envSteps: options.envSteps,
    numEnvs,
    workers: options.workers ?? 1,
    seed: options.seed ?? 0,
    batchSize: options.batchSize ?? 256,
    utd,
    warmupSteps,
    updateAfter: Math.max(options.updateAfter ?? warmupSteps, 1),
    explorationNoise: options.explorationNoise ?? 0.1,
    bufferCapacity: options.bufferCapacity ?? options.envSteps + appended,
    offline: offline?.dataset,
    pretrainSteps,
    bufferPolicy,
    offlineFraction: offline?.offlineFraction ?? 0.5,
    mcReturnDiscount,
    initialState: options.initialState,
    initialUpdates,
    trainingUpdatesBefore: initialUpdates + pretrainSteps,
    appendedRows: appended,
    evaluateEvery,
    evaluationEpisodes: options.evaluationEpisodes ?? 10,
    evaluationSeed: options.evaluationSeed ?? 1_000_000,
    logEvery: options.logEvery ?? 1000,
    onLog: options.onLog,
    onEvaluation: options.onEvaluation,
    onEpisode: options.onEpisode,
    checkpointEvery: options.checkpointEvery,
    onCheckpoint: options.onCheckpoint,
    resume: options.resume,
  };
};

const assertEnvFits = (recipe: Recipe<TensorTree>, env: VectorEnv): void => {
  const { observationDim, actionDim } = recipe.dimensions;
  const [envObservations] = env.observationSpace.shape;
  const [envActions] = env.actionSpace.shape;
  if (envObservations !== observationDim || envActions !== actionDim) {
    throw new Error(
      `trainOnline(${recipe.name}): ${env.id} has observations ${envObservations} and actions ${envActions}, ` +
        `the recipe was built for ${observationDim} and ${actionDim}`,
    );
  }
};

/** Uniform actions in the env's box, one generator per vector step (so resuming needs no generator state). */
const randomActions = (env: VectorEnv, seed: number): Float64Array => {
  const random = new Random(seed);
  const { low, high } = env.actionSpace;
  const width = low.length;
  const actions = new Float64Array(env.numEnvs * width);
  for (let i = 0; i < actions.length; i++) actions[i] = random.uniform(low[i % width]!, high[i % width]!);
  return actions;
};

/**
 * The recipe's `explore`, or, for a recipe without it, `act` + N(0, (noise · scale)²) clipped to the box
 * (TD3's exploration, `expl_noise` 0.1).
 */
const behaviourActions = <S extends TensorTree>(
  recipe: Recipe<S>,
  state: S,
  observations: Float64Array,
  o: { readonly numEnvs: number; readonly explorationNoise: number },
  key: Key,
  actionScale: number,
): Float32Array => {
  const { observationDim, actionDim } = recipe.dimensions;
  const actions = tf.tidy(() => {
    const input = tf.tensor2d(Float32Array.from(observations), [o.numEnvs, observationDim]);
    if (recipe.explore !== undefined) return recipe.explore(state, input, key);
    const noise = tf.mul(normal(key, [o.numEnvs, actionDim]), o.explorationNoise * actionScale);
    return tf.clipByValue(tf.add(recipe.act(state, input), noise), -actionScale, actionScale);
  });
  const values = actions.dataSync() as Float32Array;
  actions.dispose();
  return values;
};
