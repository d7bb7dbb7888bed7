/**
 * Polyak averaging of target-network parameters (Polyak & Juditsky 1992; DDPG, Lillicrap et al. 2016):
 *   θ' ← θ' + τ(θ − θ') = (1 − τ)·θ' + τ·θ
 * (PyTorch's `target.lerp_(online, tau)`), one fused kernel per leaf on cpu and wasm. Returns a new tree; the caller disposes the old target.
 */
import { tf } from '../tf.js';
import { type TensorTree, zipTrees } from '../tree.js';
import { fusedPolyakLeaf } from './kernels.js';

export const polyak = <T extends TensorTree>(target: T, online: T, tau: number): T => {
  if (!(tau >= 0 && tau <= 1)) throw new RangeError(`polyak: tau must be in [0, 1], got ${tau}`);
  return tf.tidy(() => {
    const rate = tf.scalar(tau);
    return zipTrees<T>(
      [target, online],
      ([t, o]) => fusedPolyakLeaf(t!, o!, tau) ?? tf.add(t!, tf.mul(tf.sub(o!, t!), rate)),
    );
  });
};
