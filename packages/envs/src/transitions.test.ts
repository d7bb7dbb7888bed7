import { describe, expect, it } from 'vitest';
import { TransitionRecorder } from './transitions.js';

describe('TransitionRecorder', () => {
  it('grows past its initial capacity and keeps every row in order', () => {
    const recorder = new TransitionRecorder(2, 1);
    for (let k = 0; k < 3000; k++)
      recorder.push([k, -k], [k / 2], k, [k + 1, -k - 1], k % 7 === 0, k === 2999);
    const transitions = recorder.finish();
    expect(transitions.size).toBe(3000);
    expect(transitions.observations).toHaveLength(6000);
    expect(Array.from(transitions.observations.subarray(4000, 4002))).toEqual([2000, -2000]);
    expect(transitions.actions[2999]).toBe(1499.5);
    expect(transitions.nextObservations[5999]).toBe(-3000);
    expect(transitions.terminals.reduce((a, b) => a + b, 0)).toBe(Math.ceil(3000 / 7));
    expect(Array.from(transitions.timeouts.subarray(2998))).toEqual([0, 1]);
  });

  it('drains another recorder, appending its rows and emptying it', () => {
    const target = new TransitionRecorder(1, 1);
    const episode = new TransitionRecorder(1, 1);
    target.push([0], [0], 0, [1], false, false);
    episode.push([10], [1], 1, [11], false, false);
    episode.push([11], [2], 2, [12], true, false);
    target.drain(episode);
    expect(episode.finish().size).toBe(0);
    const all = target.finish();
    expect(Array.from(all.observations)).toEqual([0, 10, 11]);
    expect(Array.from(all.rewards)).toEqual([0, 1, 2]);
    expect(Array.from(all.terminals)).toEqual([0, 0, 1]);
  });
});
