import type { Tensor } from '@offrl/tensor';

/** Throws naming the function, the argument and both shapes when `tensor` is not of `shape`. */
export const assertShape = (where: string, name: string, tensor: Tensor, shape: readonly number[]): void => {
  if (tensor.shape.length !== shape.length || tensor.shape.some((size, i) => size !== shape[i])) {
    throw new Error(`${where}: ${name} has shape [${tensor.shape}], expected [${shape}]`);
  }
};

/** Throws unless `tensor` has the given rank. */
export const assertRank = (where: string, name: string, tensor: Tensor, rank: number): void => {
  if (tensor.rank !== rank)
    throw new Error(`${where}: ${name} must have rank ${rank}, got shape [${tensor.shape}]`);
};
