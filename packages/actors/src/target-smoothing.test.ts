import { makeKey, tf } from '@offrl/tensor';
import { describe, expect, it } from 'vitest';
import { smoothTargetActions } from './target-smoothing.js';

describe('smoothTargetActions', () => {
  it('adds noise clipped to c·scale and keeps actions in the box', () => {
    // scale 2: σ = 0.4, c = 1; a large σ fraction (5 → σ = 10) makes nearly every draw hit the clip
    const actions = tf.tensor2d([[1.9], [0], [-1.5], [0.5]]);
    const smoothed = smoothTargetActions(actions, makeKey(0), { noise: 5, actionScale: 2 });
    const a = actions.dataSync();
    for (const [i, value] of smoothed.dataSync().entries()) {
      expect(Math.abs(value)).toBeLessThanOrEqual(2);
      expect(Math.abs(value - a[i]!)).toBeLessThanOrEqual(1 + 1e-6);
    }
    // [0] ± 1 exactly, since |ε| ≥ 1 with probability ≈ 0.92 per draw for σ = 10: at least one of 4 hits
    expect(Array.from(smoothed.dataSync()).some((v, i) => Math.abs(Math.abs(v - a[i]!) - 1) < 1e-6)).toBe(
      true,
    );
  });

  it('is the identity (inside the box) without noise, and reproducible from the key', () => {
    const actions = tf.tensor2d([[0.3, -0.2]]);
    expect(Array.from(smoothTargetActions(actions, makeKey(1), { noise: 0 }).dataSync())).toEqual(
      Array.from(actions.dataSync()),
    );
    const once = smoothTargetActions(actions, makeKey(2)).dataSync();
    expect(Array.from(smoothTargetActions(actions, makeKey(2)).dataSync())).toEqual(Array.from(once));
  });
});
