import { describe, expect, it } from 'vitest';
import { OnlineBuffer } from './online-buffer.js';

/** One env step per row: observation [t], action [t/10], reward t, next [t + 1]. */
const stepOf = (t: number, numEnvs = 1, ended = false) => ({
  observations: Array.from({ length: numEnvs }, (_, i) => t + 100 * i),
  actions: Array.from({ length: numEnvs }, () => t / 10),
  rewards: Array.from({ length: numEnvs }, () => t),
  nextObservations: Array.from({ length: numEnvs }, (_, i) => t + 1 + 100 * i),
  terminated: Array.from({ length: numEnvs }, () => (ended ? 1 : 0)),
  truncated: Array.from({ length: numEnvs }, () => 0),
});

describe('OnlineBuffer', () => {
  it('restores a wrapped ring row for row, with the same next row', () => {
    const buffer = new OnlineBuffer({ capacity: 5, observationDim: 1, actionDim: 1, numEnvs: 1 });
    for (let t = 0; t < 7; t++) buffer.addStep(stepOf(t));
    // Rows 5 and 6 overwrote rows 0 and 1: [5, 6, 2, 3, 4], next row 2.
    expect(Array.from(buffer.replay.rewards)).toEqual([5, 6, 2, 3, 4]);
    const restored = OnlineBuffer.restore(buffer.snapshot());
    expect(restored.replay.nextRow).toBe(2);
    expect(restored.size).toBe(5);
    for (const field of ['observations', 'actions', 'rewards', 'nextObservations', 'terminals'] as const) {
      expect(Array.from(restored.replay[field])).toEqual(Array.from(buffer.replay[field]));
    }
    // Both write the next step to the same row.
    buffer.addStep(stepOf(7));
    restored.addStep(stepOf(7));
    expect(Array.from(restored.replay.rewards)).toEqual(Array.from(buffer.replay.rewards));
  });

  it('stages episodes for Monte-Carlo returns and writes them when they end', () => {
    const buffer = new OnlineBuffer({
      capacity: 10,
      observationDim: 1,
      actionDim: 1,
      numEnvs: 1,
      mcReturnDiscount: 0.5,
    });
    buffer.addStep(stepOf(1));
    buffer.addStep(stepOf(2));
    expect(buffer.size).toBe(0);
    // A staged episode survives a snapshot.
    const resumed = OnlineBuffer.restore(buffer.snapshot(), 0.5);
    for (const b of [buffer, resumed]) {
      b.addStep(stepOf(3, 1, true));
      // r = [1, 2, 3], terminal at the end, γ = 0.5: G = [1 + 0.5·(2 + 0.5·3), 2 + 0.5·3, 3] = [2.75, 3.5, 3].
      expect(Array.from(b.replay.mcReturns!.subarray(0, 3))).toEqual([2.75, 3.5, 3]);
      expect(Array.from(b.replay.terminals.subarray(0, 3))).toEqual([0, 0, 1]);
    }
  });

  it('ends running episodes as timeouts at a segment boundary', () => {
    const buffer = new OnlineBuffer({
      capacity: 10,
      observationDim: 1,
      actionDim: 1,
      numEnvs: 2,
      mcReturnDiscount: 1,
    });
    buffer.addStep(stepOf(1, 2));
    buffer.addStep(stepOf(2, 2));
    buffer.endEpisodes();
    expect(buffer.size).toBe(4);
    // Env 0's rows, then env 1's; returns stop at the cut (γ = 1: [1 + 2, 2]).
    expect(Array.from(buffer.replay.mcReturns!.subarray(0, 4))).toEqual([3, 2, 3, 2]);
    expect(Array.from(buffer.replay.timeouts.subarray(0, 4))).toEqual([0, 1, 0, 1]);
    expect(Array.from(buffer.replay.observations.subarray(0, 4))).toEqual([1, 2, 101, 102]);
  });
});
