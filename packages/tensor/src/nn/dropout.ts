/**
 * Inverted dropout (Srivastava et al. 2014): in training, each unit is kept with probability 1 − rate
 * and scaled by 1/(1 − rate), so evaluation needs no rescaling: y = x ⊙ m / (1 − rate), m ~ Bernoulli(1 − rate).
 * The mask is drawn from a `Key`, so a training step is reproducible.
 */
import { type Key, uniform } from '../random.js';
import { type Tensor, tf } from '../tf.js';

/** The scaled mask m / (1 − rate) of `shape`; floor(u + keep) is 1 with probability keep for u ~ U[0, 1). */
export const dropoutMask = (key: Key, shape: readonly number[], rate: number): Tensor => {
  const keep = 1 - rate;
  return tf.tidy(() => tf.div(tf.floor(tf.add(uniform(key, shape), keep)), keep));
};

export const assertDropoutRate = (layer: string, rate: number): void => {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`${layer}: dropout rate must be in [0, 1), got ${rate}`);
};

/** x ⊙ mask when training with rate > 0; x itself otherwise. Throws, naming the layer, if training has no key. */
export const dropoutApply = (
  x: Tensor,
  rate: number,
  options: {
    readonly key?: Key | undefined;
    readonly training?: boolean | undefined;
    readonly name?: string;
  },
): Tensor => {
  const name = options.name ?? 'dropout';
  assertDropoutRate(name, rate);
  if (options.training !== true || rate === 0) return x;
  if (options.key === undefined)
    throw new Error(`${name}: dropout in training mode needs a key (apply options.key)`);
  return tf.mul(x, dropoutMask(options.key, x.shape, rate));
};
