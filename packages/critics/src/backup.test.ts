import { tf } from '@offrl/tensor';
import { describe, expect, it } from 'vitest';
import { entropyBackup, maxOverSamples } from './backup.js';

describe('entropyBackup', () => {
  it('subtracts α·log π from the next Q', () => {
    // α = 0.5: [2 − 0.5·(−2), −1 − 0.5·4] = [3, −3]
    const v = entropyBackup(tf.tensor1d([2, -1]), tf.tensor1d([-2, 4]), 0.5);
    expect(Array.from(v.dataSync())).toEqual([3, -3]);
    expect(Array.from(entropyBackup(tf.tensor1d([2]), tf.tensor1d([-2]), tf.scalar(1)).dataSync())).toEqual([
      4,
    ]);
    expect(() => entropyBackup(tf.zeros([2]), tf.zeros([3]), 1)).toThrow(
      /nextLogProb has shape \[3\], expected \[2\]/,
    );
  });
});

describe('maxOverSamples', () => {
  it('takes the best of K sampled next actions per state', () => {
    // K = 3, B = 2: column maxima [5, 2]
    const q = tf.tensor2d([
      [1, 2],
      [5, -1],
      [0, 0],
    ]);
    expect(Array.from(maxOverSamples(q).dataSync())).toEqual([5, 2]);
    expect(() => maxOverSamples(tf.zeros([3]))).toThrow(/rank 2/);
  });
});
