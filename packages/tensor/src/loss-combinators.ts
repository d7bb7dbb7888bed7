/**
 * Loss combinators: stop-gradient, weighted sums and scaling of losses, all pure. A combined loss is a
 * `Loss` again, so penalties and auxiliary terms compose (`sumLosses(td, scaleLoss(5, cqlPenalty))`).
 * Like the losses they combine, they are meant to run inside `valueAndGrad` or a `tf.tidy`, which
 * frees the intermediate tensors.
 */
import type { Loss, LossResult, Metrics } from './loss.js';
import { type Key, splitKey } from './random.js';
import { type Scalar, type Tensor, tf } from './tf.js';
import { mapTree, type TensorTree } from './tree.js';

/**
 * The identity in the forward pass with a zero gradient, as `jax.lax.stop_gradient` (tfjs has none).
 * A `customGrad` whose gradient is zeros; it works for float tensors of any rank. Note that it does not
 * make ops *before* it differentiable: a comparison (`tf.greater`) upstream still breaks the backward
 * pass, so compute masks with `tf.step` or from stopped inputs (`shared/reference/toolchain.md` §5).
 */
export const stopGradient = <T extends Tensor>(x: T): T =>
  tf.customGrad((input) => ({
    value: tf.clone(input as T),
    gradFunc: (dy: T) => tf.zerosLike(dy),
  }))(x) as T;

/** `stopGradient` on every leaf of a tree (e.g. target-network parameters). */
export const stopGradientTree = <T extends TensorTree>(tree: T): T => mapTree(tree, (t) => stopGradient(t));

const assertScalar = (loss: Scalar, where: string): void => {
  if (loss.rank !== 0) throw new Error(`${where}: the loss must be a scalar, got shape [${loss.shape}]`);
};

const disposeResults = (results: readonly LossResult[]): void => {
  for (const { loss, metrics } of results) {
    loss.dispose();
    for (const metric of Object.values(metrics)) metric.dispose();
  }
};

/** The key each of `n` combined losses receives: the key itself for one, else independent splits. */
const keysFor = (key: Key, n: number): Key[] => (n === 1 ? [key] : splitKey(key, n));

const sumScalars = (losses: readonly Scalar[]): Scalar =>
  (losses.length === 1 ? tf.clone(losses[0]!) : tf.addN([...losses])) as Scalar;

/**
 * L = Σᵢ Lᵢ with the metrics of all terms merged. A metric name used by two terms is an error naming it
 * and both terms (use `sumNamedLosses` to prefix them). With several terms each receives its own key
 * (`splitKey(key, n)`), so stochastic terms draw independent noise.
 */
export const sumLosses = <P extends TensorTree, B>(...losses: Loss<P, B>[]): Loss<P, B> => {
  if (losses.length === 0) throw new Error('sumLosses: no losses given');
  return (params, batch, key) => {
    const keys = keysFor(key, losses.length);
    const results = losses.map((loss, i) => loss(params, batch, keys[i]!));
    const metrics: Record<string, Scalar> = {};
    const owner: Record<string, number> = {};
    for (const [i, result] of results.entries()) {
      assertScalar(result.loss, `sumLosses: term ${i}`);
      for (const [name, metric] of Object.entries(result.metrics)) {
        if (owner[name] !== undefined) {
          disposeResults(results);
          throw new Error(
            `sumLosses: metric '${name}' comes from term ${owner[name]} and term ${i}; ` +
              'rename it or use sumNamedLosses to prefix the metrics',
          );
        }
        owner[name] = i;
        metrics[name] = metric;
      }
    }
    return { loss: sumScalars(results.map((r) => r.loss)), metrics };
  };
};

/**
 * L = Σ_name L_name, with each term's metrics prefixed `name/metric` and its value reported as
 * `name/loss`: `sumNamedLosses({ td: tdLoss, cql: cqlPenalty })` logs `td/loss`, `cql/loss`, `cql/alpha`.
 * Names must be non-empty and contain no '/'. Keys are split as in `sumLosses`, in the order given.
 */
export const sumNamedLosses = <P extends TensorTree, B>(
  losses: Readonly<Record<string, Loss<P, B>>>,
): Loss<P, B> => {
  const entries = Object.entries(losses);
  if (entries.length === 0) throw new Error('sumNamedLosses: no losses given');
  for (const [name] of entries) {
    if (name === '' || name.includes('/'))
      throw new Error(`sumNamedLosses: bad term name '${name}' (empty or has '/')`);
  }
  return (params, batch, key) => {
    const keys = keysFor(key, entries.length);
    const results = entries.map(([, loss], i) => loss(params, batch, keys[i]!));
    const metrics: Record<string, Scalar> = {};
    for (const [i, result] of results.entries()) {
      const name = entries[i]![0];
      assertScalar(result.loss, `sumNamedLosses: term '${name}'`);
      if ('loss' in result.metrics) {
        disposeResults(results);
        throw new Error(
          `sumNamedLosses: term '${name}' has a metric named 'loss', which clashes with '${name}/loss'`,
        );
      }
      metrics[`${name}/loss`] = tf.clone(result.loss) as Scalar;
      for (const [metricName, metric] of Object.entries(result.metrics))
        metrics[`${name}/${metricName}`] = metric;
    }
    return { loss: sumScalars(results.map((r) => r.loss)), metrics };
  };
};

/** w·L with the metrics unchanged (they describe the term, not its weight). */
export const scaleLoss = <P extends TensorTree, B>(weight: number, loss: Loss<P, B>): Loss<P, B> => {
  if (!Number.isFinite(weight)) throw new RangeError(`scaleLoss: weight must be finite, got ${weight}`);
  return (params, batch, key) => {
    const result = loss(params, batch, key);
    assertScalar(result.loss, 'scaleLoss');
    const metrics: Metrics = result.metrics;
    return { loss: tf.mul(result.loss, weight) as Scalar, metrics };
  };
};
