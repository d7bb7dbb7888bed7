import type { Tensor } from '@offrl/tensor';

/** Throws unless `tensor` has the given rank (shape checks proper are `@offrl/tensor`'s `assertShape`). */
export const assertRank = (where: string, name: string, tensor: Tensor, rank: number): void => {
  if (tensor.rank !== rank)
    throw new Error(`${where}: ${name} must have rank ${rank}, got shape [${tensor.shape}]`);
};
