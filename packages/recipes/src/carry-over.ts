/**
 * Parts of a training state that an update leaves unchanged (TD3+BC's actor on a critic-only step)
 * are returned as clones: a clone shares the data (no copy) but is a tensor of its own, so the caller
 * can free the old state without freeing the new one.
 */
import { mapTree, type TensorTree, tf } from '@offrl/tensor';

export const carryOver = <T extends TensorTree>(tree: T): T => mapTree(tree, (tensor) => tf.clone(tensor));
