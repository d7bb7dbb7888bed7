/**
 * Shape checks for the layers: a broken shape throws at once, naming the layer and both shapes, rather
 * than letting broadcasting or a kernel produce a silently wrong result.
 */
import type { Tensor } from '../tf.js';

export const formatShape = (shape: readonly number[]): string => `[${shape.join(',')}]`;

/** Throws `<layer>: <what> has shape [..], expected [..]` (`-1` in `expected` matches any size). */
export const assertShape = (
  layer: string,
  what: string,
  tensor: Tensor,
  expected: readonly number[],
): void => {
  const { shape } = tensor;
  const ok =
    shape.length === expected.length && expected.every((size, i) => size === -1 || size === shape[i]);
  if (!ok) {
    const wanted = expected.map((size) => (size === -1 ? '*' : String(size))).join(',');
    throw new Error(`${layer}: ${what} has shape ${formatShape(shape)}, expected [${wanted}]`);
  }
};
