/**
 * An IQL-shaped update for benchmarks (shared/reference/performance.md §5): twin Q (23-256-256-1) with
 * Polyak targets (τ = 0.005), V (17-256-256-1), Gaussian actor (17-256-256-6, tanh mean,
 * state-independent log std clamped to [−20, 2]), batch 256 (halfcheetah: obs 17, act 6), expectile
 * τ = 0.7, β = 3 with weights clipped at 100, γ = 0.99, one tape for the three losses (they touch
 * disjoint parameters), Adam 3e-4. Fixed random data: it measures compute, not learning.
 */
import { valueAndGrad } from '../grad.js';
import { stopGradient, stopGradientTree } from '../loss-combinators.js';
import { type MlpParams, mlp } from '../nn/mlp.js';
import { adam } from '../optim/adam.js';
import type { UpdateOptions } from '../optim/optimizer.js';
import { polyak } from '../optim/polyak.js';
import { type Key, makeKey, splitKey } from '../random.js';
import { type Scalar, type Tensor, tf } from '../tf.js';
import type { TensorTree } from '../tree.js';

const OBS = 17;
const ACT = 6;
const BATCH = 256;

/** An IQL-shaped update: `init()` → state, `step(state)` → next state (inside the caller's tidy). */
export const iqlShapedUpdate = () => {
  const q = mlp({ inputSize: OBS + ACT, hiddenSizes: [256, 256], outputSize: 1 });
  const v = mlp({ inputSize: OBS, hiddenSizes: [256, 256], outputSize: 1 });
  const actor = mlp({ inputSize: OBS, hiddenSizes: [256, 256], outputSize: ACT });
  const optimizer = adam({ learningRate: 3e-4 });
  const batch = tf.tidy(() => ({
    s: tf.keep(tf.randomNormal([BATCH, OBS], 0, 1, 'float32', 21)),
    a: tf.keep(tf.clipByValue(tf.randomNormal([BATCH, ACT], 0, 0.5, 'float32', 22), -0.99, 0.99)),
    r: tf.keep(tf.randomNormal([BATCH, 1], 0, 1, 'float32', 23)),
    s2: tf.keep(tf.randomNormal([BATCH, OBS], 0, 1, 'float32', 24)),
    d: tf.keep(tf.zeros([BATCH, 1])),
  }));
  const sa = tf.keep(tf.concat([batch.s, batch.a], 1));
  type Params = { q1: MlpParams; q2: MlpParams; v: MlpParams; actor: MlpParams; logStd: Tensor };
  type State = { params: Params; targets: { q1: MlpParams; q2: MlpParams }; opt: TensorTree };
  const loss = (p: Params, targets: State['targets']) => {
    const noGrad = { stopInputGradient: true };
    const targetQ = tf.minimum(q.apply(targets.q1, sa, noGrad), q.apply(targets.q2, sa, noGrad));
    const value = v.apply(p.v, batch.s, noGrad);
    const advantage = tf.sub(targetQ, value);
    // Expectile τ = 0.7: |τ − 1(u < 0)|·u².
    const weight = tf.sub(0.7, tf.mul(0.4, tf.step(tf.neg(advantage))));
    const valueLoss = tf.mean(tf.mul(weight, tf.square(advantage)));
    const nextValue = v.apply(stopGradientTree(p.v), batch.s2, noGrad);
    const target = tf.add(batch.r, tf.mul(tf.mul(0.99, tf.sub(1, batch.d)), nextValue));
    const qLoss = tf.add(
      tf.mean(tf.square(tf.sub(q.apply(p.q1, sa, noGrad), target))),
      tf.mean(tf.square(tf.sub(q.apply(p.q2, sa, noGrad), target))),
    );
    const mean = tf.tanh(actor.apply(p.actor, batch.s, noGrad));
    const logStd = tf.clipByValue(p.logStd, -20, 2);
    const z = tf.div(tf.sub(batch.a, mean), tf.exp(logStd));
    const logProb = tf.sum(
      tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(logStd, 0.5 * Math.log(2 * Math.PI))),
      1,
    );
    const advWeight = tf.minimum(tf.exp(tf.mul(3, stopGradient(tf.reshape(advantage, [BATCH])))), 100);
    const actorLoss = tf.mean(tf.mul(advWeight, tf.neg(logProb)));
    return { loss: tf.addN([valueLoss, qLoss, actorLoss]) as Scalar, metrics: {} };
  };
  const init = (): State => {
    const [k1, k2, k3, k4] = splitKey(makeKey(7), 4) as [Key, Key, Key, Key];
    const params: Params = {
      q1: q.init(k1),
      q2: q.init(k2),
      v: v.init(k3),
      actor: actor.init(k4),
      logStd: tf.zeros([ACT]),
    };
    const targets = { q1: q.init(k1), q2: q.init(k2) };
    return { params, targets, opt: optimizer.init(params) };
  };
  /** With `donate`, the old state is consumed (optimizer.ts); the caller then only disposes it. */
  const step = ({ params, targets, opt }: State, options: UpdateOptions = {}): State => {
    const { grads } = valueAndGrad((p: Params) => loss(p, targets), params);
    const next = optimizer.update(grads, opt as never, params, options);
    const nextParams = next.params as Params;
    return {
      params: nextParams,
      targets: {
        q1: polyak(targets.q1, nextParams.q1, 0.005, options),
        q2: polyak(targets.q2, nextParams.q2, 0.005, options),
      },
      opt: next.state,
    };
  };
  return { init, step, dispose: () => tf.dispose([...Object.values(batch), sa]) };
};
