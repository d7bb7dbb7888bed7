/**
 * Polyak averaging of target-network parameters (Polyak & Juditsky 1992; DDPG, Lillicrap et al. 2016):
 *   θ' ← θ' + τ(θ − θ') = (1 − τ)·θ' + τ·θ
 * (PyTorch's `target.lerp_(online, tau)`), one fused kernel per leaf on cpu and wasm. Returns a new tree;
 * the caller disposes the old target, or donates it (`{ donate: true }`, optimizer.ts): then `polyak`
 * disposes it and, where kernels.ts allows, writes the average into its buffers (same bits).
 */
import { tf } from '../tf.js';
import { flattenTree, type TensorTree, zipTrees } from '../tree.js';
import { fusedKernelsApply, fusedPolyakLeaf, inPlaceWritesSafe } from './kernels.js';
import type { UpdateOptions } from './optimizer.js';

export const polyak = <T extends TensorTree>(
  target: T,
  online: T,
  tau: number,
  options: UpdateOptions = {},
): T => {
  if (!(tau >= 0 && tau <= 1)) throw new RangeError(`polyak: tau must be in [0, 1], got ${tau}`);
  const donate = options.donate === true;
  const old = flattenTree(target).map(({ tensor }) => tensor);
  const fused = fusedKernelsApply([...old, ...flattenTree(online).map(({ tensor }) => tensor)]);
  const inPlace = donate && inPlaceWritesSafe();
  const next = tf.tidy(() => {
    const rate = tf.scalar(tau);
    return zipTrees<T>([target, online], ([t, o]) =>
      fused ? fusedPolyakLeaf(t!, o!, tau, inPlace) : tf.add(t!, tf.mul(tf.sub(o!, t!), rate)),
    );
  });
  if (donate) for (const tensor of old) tensor.dispose();
  return next;
};
