import { describe, expect, it } from 'vitest';
import { box, boxSize } from './space.js';

describe('box', () => {
  it('expands scalar bounds and keeps per-element bounds', () => {
    const space = box(-1, 1, 3, 'float32');
    expect(space.shape).toEqual([3]);
    expect(Array.from(space.low)).toEqual([-1, -1, -1]);
    expect(Array.from(box([0, -2], [1, 2], 2, 'float64').high)).toEqual([1, 2]);
    expect(boxSize(space)).toBe(3);
  });

  it('names the offending bound', () => {
    expect(() => box([0, 0], [1], 2, 'float64')).toThrow('box: high has length 1, expected 2');
    expect(() => box([0, 3], [1, 2], 2, 'float64')).toThrow('box: low[1] = 3 is not <= high[1] = 2');
  });
});
