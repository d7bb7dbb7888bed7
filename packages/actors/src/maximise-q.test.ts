import { tf } from '@offrl/tensor';
import { describe, expect, it } from 'vitest';
import { maximiseQ } from './maximise-q.js';

describe('maximiseQ', () => {
  it('is −mean Q', () => {
    // −(1 + 3)/2 = −2
    const { loss, metrics } = maximiseQ(tf.tensor1d([1, 3]));
    expect(loss.dataSync()[0]).toBe(-2);
    expect(metrics['actor/q']!.dataSync()[0]).toBe(2);
    expect(() => maximiseQ(tf.zeros([2, 2]))).toThrow(/\[B\]/);
  });
});
