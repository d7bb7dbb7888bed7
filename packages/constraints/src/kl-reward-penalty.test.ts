import { tf } from '@offrl/tensor';
import { describe, expect, it } from 'vitest';
import { klRewardPenalty } from './kl-reward-penalty.js';

describe('klRewardPenalty', () => {
  it('adds λ·log π_β(a|s) to the reward', () => {
    // [1 + 0.5·(−2), 0 + 0.5·(−0.2)] = [0, −0.1]
    const r = klRewardPenalty(tf.tensor1d([1, 0]), tf.tensor1d([-2, -0.2]), 0.5);
    expect(Array.from(r.dataSync())).toEqual([0, Math.fround(-0.1)]);
  });

  it('rejects mismatched shapes and negative λ', () => {
    expect(() => klRewardPenalty(tf.zeros([2]), tf.zeros([3]), 1)).toThrow(/\[2\].*\[3\]/);
    expect(() => klRewardPenalty(tf.zeros([2]), tf.zeros([2]), -1)).toThrow(/lambda/);
  });
});
