/**
 * Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019) with PyTorch's semantics and defaults
 * (`torch.optim.Adam`/`AdamW`: lr 1e-3, β = (0.9, 0.999), ε = 1e-8 added to the bias-corrected √v̂).
 * For step t = 1, 2, … (state.step counts the updates done so far):
 *
 *   m_t = m + (1 − β1)(g − m)                 (= β1·m + (1 − β1)·g, PyTorch's lerp)
 *   v_t = β2·v + (1 − β2)·g²
 *   p_t = p·(1 − lr·λ) − lr/(1 − β1^t) · m_t / (√v_t / √(1 − β2^t) + ε)
 *
 * with λ = 0 for Adam and λ = the decoupled weight decay for AdamW; lr is taken at t − 1 (the schedule's
 * step). The last line is computed as p·(1 − lr·λ) − s·m_t/(√v_t + ε̂) with the scalars
 * s = lr·√(1 − β2^t)/(1 − β1^t) and ε̂ = ε·√(1 − β2^t), which is the same expression with the scalar
 * work moved out of the per-leaf loop. On cpu and wasm the scalars are computed once per update on the
 * host in float64 and each leaf is one fused kernel call (kernels.ts), in place when the caller donates
 * the old state and the backend allows it; elsewhere they are scalar tensors (the step is never read
 * back from a device) and each leaf is 12 elementwise ops (13 with decay), against 14 plus three
 * assigns in `tf.train.adam`.
 *
 * The state is a tensor tree, `{ step: int32 scalar, mu: moments like params, nu: likewise }` (optax's
 * names), so it is saved and loaded like parameters.
 */
import { type Tensor, tf } from '../tf.js';
import type { TensorTree } from '../tree.js';
import { fusedAdamLeaf, fusedKernelsApply, inPlaceWritesSafe } from './kernels.js';
import { alignLeaves, type Optimizer, type OptimizerStep, treeFromLeaves } from './optimizer.js';
import { type LearningRate, learningRateAt } from './schedule.js';

export type AdamState = {
  readonly step: Tensor;
  readonly mu: TensorTree;
  readonly nu: TensorTree;
};

export interface AdamOptions {
  /** Default 1e-3. */
  readonly learningRate?: LearningRate;
  /** Default 0.9. */
  readonly beta1?: number;
  /** Default 0.999. */
  readonly beta2?: number;
  /** Default 1e-8. */
  readonly epsilon?: number;
  /**
   * Use the fused one-loop-per-leaf kernel on the cpu and wasm backends (kernels.ts). Default true;
   * false forces the op-by-op form, which other backends always use.
   */
  readonly fused?: boolean;
}

export interface AdamWOptions extends AdamOptions {
  /** λ, default 0.01 (PyTorch's AdamW default). */
  readonly weightDecay?: number;
  /** Which parameters decay (e.g. `(path) => !path.endsWith('bias')`); default all. */
  readonly decayMask?: (path: string) => boolean;
}

const checkRange = (name: string, value: number, low: number, high: number): void => {
  if (!(value >= low && value < high))
    throw new RangeError(`${name} must be in [${low}, ${high}), got ${value}`);
};

const makeAdam = (options: AdamWOptions, weightDecay: number, name: string): Optimizer<AdamState> => {
  const {
    learningRate = 1e-3,
    beta1 = 0.9,
    beta2 = 0.999,
    epsilon = 1e-8,
    decayMask,
    fused = true,
  } = options;
  checkRange(`${name}: beta1`, beta1, 0, 1);
  checkRange(`${name}: beta2`, beta2, 0, 1);
  checkRange(`${name}: epsilon`, epsilon, 0, Number.POSITIVE_INFINITY);
  checkRange(`${name}: weightDecay`, weightDecay, 0, Number.POSITIVE_INFINITY);
  if (typeof learningRate === 'number')
    checkRange(`${name}: learningRate`, learningRate, 0, Number.POSITIVE_INFINITY);

  /** The fused form: scalars on the host in float64, then one kernel per leaf (kernels.ts). */
  const fusedUpdate = (
    paths: readonly string[],
    [ps, gs, mus, nus]: readonly Tensor[][],
    step: Tensor,
    donate: boolean,
  ) => {
    // On cpu and wasm reading the step is a memory read, not a device sync.
    const done = step.dataSync()[0]!;
    const t = done + 1;
    const lr = typeof learningRate === 'number' ? learningRate : learningRate.at(done);
    const sqrtBc2 = Math.sqrt(-Math.expm1(t * Math.log(beta2)));
    const base = {
      beta1,
      beta2,
      stepSize: (lr * sqrtBc2) / -Math.expm1(t * Math.log(beta1)),
      epsHat: epsilon * sqrtBc2,
    };
    const inPlace = donate && inPlaceWritesSafe();
    const leaves = paths.map((path, i) => {
      const decays = weightDecay > 0 && (decayMask === undefined || decayMask(path));
      const scalars = { ...base, decay: decays ? 1 - lr * weightDecay : 1 };
      return fusedAdamLeaf({ param: ps![i]!, grad: gs![i]!, mu: mus![i]!, nu: nus![i]! }, scalars, inPlace);
    });
    return {
      params: treeFromLeaves(
        paths,
        leaves.map((leaf) => leaf.param),
      ),
      state: {
        step: tf.scalar(t, step.dtype),
        mu: treeFromLeaves(
          paths,
          leaves.map((leaf) => leaf.mu),
        ),
        nu: treeFromLeaves(
          paths,
          leaves.map((leaf) => leaf.nu),
        ),
      },
    };
  };
  /** The op-by-op form, on scalar tensors (no read of the step). */
  const opByOpUpdate = (paths: readonly string[], [ps, gs, mus, nus]: readonly Tensor[][], step: Tensor) =>
    tf.tidy(() => {
      const next = tf.add(step, tf.scalar(1, step.dtype));
      const t = tf.cast(next, 'float32');
      const lr = learningRateAt(learningRate, step);
      // 1 − β^t as −expm1(t·ln β): in float32, 1 − 0.999 loses 1e-5 of relative precision; this keeps ~1e-7
      // (PyTorch computes the corrections in double).
      const bc1 = tf.neg(tf.expm1(tf.mul(t, Math.log(beta1))));
      const sqrtBc2 = tf.sqrt(tf.neg(tf.expm1(tf.mul(t, Math.log(beta2)))));
      const stepSize = tf.div(tf.mul(lr, sqrtBc2), bc1);
      const epsHat = tf.mul(epsilon, sqrtBc2);
      const oneMinusBeta1 = tf.scalar(1 - beta1);
      const beta2T = tf.scalar(beta2);
      const oneMinusBeta2 = tf.scalar(1 - beta2);
      const decay = weightDecay > 0 ? tf.sub(1, tf.mul(lr, weightDecay)) : undefined;
      const newParams: Tensor[] = [];
      const newMu: Tensor[] = [];
      const newNu: Tensor[] = [];
      for (const [i, path] of paths.entries()) {
        const p = ps![i]!;
        const g = gs![i]!;
        const decays = decay !== undefined && (decayMask === undefined || decayMask(path));
        const m = tf.add(mus![i]!, tf.mul(tf.sub(g, mus![i]!), oneMinusBeta1));
        const v = tf.add(tf.mul(nus![i]!, beta2T), tf.mul(tf.square(g), oneMinusBeta2));
        const direction = tf.div(m, tf.add(tf.sqrt(v), epsHat));
        const decayed = decays ? tf.mul(p, decay!) : p;
        newParams.push(tf.sub(decayed, tf.mul(direction, stepSize)));
        newMu.push(m);
        newNu.push(v);
      }
      return {
        params: treeFromLeaves(paths, newParams),
        state: { step: next, mu: treeFromLeaves(paths, newMu), nu: treeFromLeaves(paths, newNu) },
      };
    });
  return {
    init: (params) =>
      tf.tidy(() => {
        const zeros = (tree: TensorTree) => {
          const { paths, columns } = alignLeaves([tree], ['params'], `${name}.init`);
          return treeFromLeaves(
            paths,
            columns[0]!.map((p) => tf.zerosLike(p)),
          );
        };
        return { step: tf.scalar(0, 'int32'), mu: zeros(params), nu: zeros(params) };
      }),
    update: (grads, state, params, options = {}) => {
      const { paths, columns } = alignLeaves(
        [params, grads, state.mu, state.nu],
        ['params', 'grads', 'state.mu', 'state.nu'],
        `${name}.update`,
      );
      const donate = options.donate === true;
      const next =
        fused && fusedKernelsApply(columns.flat())
          ? fusedUpdate(paths, columns, state.step, donate)
          : opByOpUpdate(paths, columns, state.step);
      if (donate)
        for (const tensor of [state.step, columns[0]!, columns[2]!, columns[3]!].flat()) tensor.dispose();
      return next as OptimizerStep<typeof params, AdamState>;
    },
  };
};

/** Adam with PyTorch semantics (see the module comment). */
export const adam = (options: AdamOptions = {}): Optimizer<AdamState> => makeAdam(options, 0, 'adam');

/** AdamW: Adam with decoupled weight decay p ← p·(1 − lr·λ) before the Adam step (PyTorch's order). */
export const adamW = (options: AdamWOptions = {}): Optimizer<AdamState> =>
  makeAdam(options, options.weightDecay ?? 0.01, 'adamW');
