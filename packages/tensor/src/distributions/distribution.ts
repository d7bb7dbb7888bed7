/**
 * The interface shared by offrl's continuous distributions. Parameters have shape [...batch, D]; the
 * last axis is the event (an action vector), so `logProb` and `entropy` have shape [...batch].
 */
import type { Key } from '../random.js';
import type { Tensor } from '../tf.js';

export interface Distribution {
  /** A reparameterised draw (differentiable in the parameters), shaped like the parameters. */
  sample(key: Key): Tensor;
  /** A draw and its log-density, sharing work (and, for tanh-Gaussian, avoiding atanh). */
  sampleWithLogProb(key: Key): { readonly sample: Tensor; readonly logProb: Tensor };
  /** log p(x), summed over the event axis: [...batch]. */
  logProb(x: Tensor): Tensor;
  /** Differential entropy in nats, [...batch] (exact or an estimate; see each distribution). */
  entropy(): Tensor;
  /** The deterministic action: the mode, or for tanh-Gaussian tanh of the base mode. */
  mode(): Tensor;
}

/** Throws unless `shape` broadcasts to `target` without changing it (numpy rules, aligned right). */
export const assertBroadcastsTo = (
  shape: readonly number[],
  target: readonly number[],
  what: string,
  where: string,
): void => {
  const offset = target.length - shape.length;
  const fits = offset >= 0 && shape.every((d, i) => d === 1 || d === target[offset + i]);
  if (!fits)
    throw new Error(`${where}: ${what} shape [${shape}] does not broadcast to the loc shape [${target}]`);
};

export const assertSameShape = (
  shape: readonly number[],
  expected: readonly number[],
  what: string,
  where: string,
): void => {
  if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
    throw new Error(`${where}: ${what} has shape [${shape}], expected [${expected}] (the loc shape)`);
  }
};
