import { expect, it, describe as suite } from 'vitest';
import { ReplayBuffer } from './replay-buffer.js';
import { sample } from './sampler.js';

function step(i: number, terminal = false) {
  return { observation: [i, i], action: [-i], reward: i, nextObservation: [i + 1, i + 1], terminal };
}

suite('ReplayBuffer', () => {
  it('adds transitions and reports its size', () => {
    const buffer = new ReplayBuffer({ capacity: 4, observationDim: 2, actionDim: 1 });
    buffer.add(step(0));
    buffer.add({ ...step(1, true), timeout: true });
    expect(buffer.size).toBe(2);
    expect(Array.from(buffer.observations.slice(0, 4))).toEqual([0, 0, 1, 1]);
    expect(Array.from(buffer.terminals.slice(0, 2))).toEqual([0, 1]);
    expect(Array.from(buffer.timeouts.slice(0, 2))).toEqual([0, 1]);
  });

  it('overwrites the oldest row once full', () => {
    const buffer = new ReplayBuffer({ capacity: 3, observationDim: 2, actionDim: 1 });
    for (let i = 0; i < 5; i++) buffer.add(step(i));
    expect(buffer.size).toBe(3);
    // rows 0, 1 were overwritten by transitions 3, 4; row 2 still holds transition 2
    expect(Array.from(buffer.rewards)).toEqual([3, 4, 2]);
    expect(buffer.nextRow).toBe(2);
    const batch = sample(buffer, 50, 1);
    expect(new Set(batch.rewards)).toEqual(new Set([2, 3, 4]));
  });

  it('adds many rows at once, wrapping around', () => {
    const buffer = new ReplayBuffer({ capacity: 4, observationDim: 1, actionDim: 1 });
    buffer.add({ observation: [9], action: [9], reward: 9, nextObservation: [9], terminal: false });
    buffer.addMany({
      observations: [0, 1, 2, 3],
      actions: [0, -1, -2, -3],
      rewards: [0, 10, 20, 30],
      nextObservations: [1, 2, 3, 4],
      terminals: [0, 0, 0, 1],
    });
    expect(buffer.size).toBe(4);
    expect(Array.from(buffer.rewards)).toEqual([30, 0, 10, 20]);
    expect(Array.from(buffer.terminals)).toEqual([1, 0, 0, 0]);
  });

  it('rejects wrong lengths and non-finite values, leaving the buffer unchanged', () => {
    const buffer = new ReplayBuffer({ capacity: 4, observationDim: 2, actionDim: 1 });
    expect(() => buffer.add({ ...step(0), observation: [1] })).toThrow(
      'observation: has length 1, expected 2',
    );
    expect(() => buffer.add({ ...step(0), reward: Number.NaN })).toThrow('reward: NaN');
    expect(() =>
      buffer.addMany({
        observations: [0, 0],
        actions: [0],
        rewards: [Number.POSITIVE_INFINITY],
        nextObservations: [0, 0],
        terminals: [0],
      }),
    ).toThrow('rewards, row 0: Infinity');
    expect(buffer.size).toBe(0);
    expect(() => new ReplayBuffer({ capacity: 0, observationDim: 1, actionDim: 1 })).toThrow('capacity');
  });

  it('holds Monte-Carlo returns for Cal-QL and hands them to the samplers', () => {
    const buffer = new ReplayBuffer({ capacity: 8, observationDim: 2, actionDim: 1, mcReturns: true });
    buffer.add({ ...step(0), mcReturn: -3 });
    buffer.addMany({
      observations: [1, 1, 2, 2],
      actions: [0, 0],
      rewards: [1, 2],
      nextObservations: [2, 2, 3, 3],
      terminals: [0, 1],
      mcReturns: [2.5, 2],
    });
    expect(Array.from(buffer.mcReturns!.slice(0, 3))).toEqual([-3, 2.5, 2]);
    const batch = sample(buffer, 16, 4);
    for (let i = 0; i < 16; i++) expect(batch.mcReturns![i]).toBe(buffer.mcReturns![batch.indices[i]!]);
    expect(() => buffer.add(step(1))).toThrow('mcReturn: NaN');
    expect(() =>
      buffer.addMany({
        observations: [0, 0],
        actions: [0],
        rewards: [0],
        nextObservations: [0, 0],
        terminals: [0],
      }),
    ).toThrow('pass them');
    expect(buffer.size).toBe(3);
  });

  it('clears without reallocating', () => {
    const buffer = new ReplayBuffer({ capacity: 2, observationDim: 2, actionDim: 1 });
    buffer.add(step(0));
    buffer.clear();
    expect(buffer.size).toBe(0);
    expect(buffer.nextRow).toBe(0);
  });
});
