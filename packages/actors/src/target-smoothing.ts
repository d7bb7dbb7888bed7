/**
 * TD3's target policy smoothing (Fujimoto et al. 2018, eq. 14; TD3_BC `TD3_BC.py`): the next action in
 * the critic's target is the target actor's, plus clipped Gaussian noise,
 *   ã′ = clip(π̄(s′) + clip(ε, −c, c), −scale, scale),   ε ~ N(0, σ²),
 * with σ = 0.2·scale and c = 0.5·scale (`policy_noise`, `noise_clip`, both multiplied by `max_action`).
 */
import { type Key, normal, type Tensor, type Tensor2D, tf } from '@offrl/tensor';

export interface TargetSmoothingOptions {
  /** σ as a fraction of the action scale; default 0.2. */
  readonly noise?: number;
  /** c as a fraction of the action scale; default 0.5. */
  readonly noiseClip?: number;
  /** Half-width of the action box; default 1. */
  readonly actionScale?: number;
}

export const smoothTargetActions = (
  actions: Tensor,
  key: Key,
  { noise = 0.2, noiseClip = 0.5, actionScale = 1 }: TargetSmoothingOptions = {},
): Tensor2D => {
  if (actions.rank !== 2)
    throw new Error(`smoothTargetActions: actions must be [B, A], got [${actions.shape}]`);
  if (!(noise >= 0 && noiseClip >= 0)) {
    throw new RangeError(
      `smoothTargetActions: noise ${noise} and noiseClip ${noiseClip} must be non-negative`,
    );
  }
  return tf.tidy(() => {
    const clip = noiseClip * actionScale;
    const epsilon = tf.clipByValue(tf.mul(normal(key, actions.shape), noise * actionScale), -clip, clip);
    return tf.clipByValue(tf.add(actions, epsilon), -actionScale, actionScale);
  }) as Tensor2D;
};
