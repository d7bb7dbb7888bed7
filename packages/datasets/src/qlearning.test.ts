import { expect, it, describe as suite } from 'vitest';
import { inferTimeouts, qlearningDataset } from './qlearning.js';
import { transitionsOrThrow } from './transitions.js';

/** Row i has observation i; flags as given. */
function rows(terminals: number[], timeouts: number[]) {
  const size = terminals.length;
  return transitionsOrThrow({
    observationDim: 1,
    actionDim: 1,
    observations: Float32Array.from({ length: size }, (_, i) => i),
    actions: new Float32Array(size),
    rewards: Float32Array.from({ length: size }, (_, i) => i),
    nextObservations: Float32Array.from({ length: size }, (_, i) => i + 1),
    terminals: Uint8Array.from(terminals),
    timeouts: Uint8Array.from(timeouts),
  });
}

suite('qlearningDataset (D4RL qlearning_dataset)', () => {
  // episodes: rows 0–2 (timeout at 2), rows 3–4 (terminal at 4), rows 5–6 (cut off)
  const dataset = rows([0, 0, 0, 0, 1, 0, 0], [0, 0, 1, 0, 0, 0, 0]);

  it('drops timeout rows and the last row; the row before a timeout ends its episode unflagged', () => {
    const q = qlearningDataset(dataset);
    expect(Array.from(q.observations)).toEqual([0, 1, 3, 4, 5]);
    expect(Array.from(q.terminals)).toEqual([0, 0, 0, 1, 0]);
    expect(Array.from(q.timeouts)).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(q.episodeEnds)).toEqual([2, 4, 5]);
  });

  it('keeps timeout rows with terminateOnEnd', () => {
    const q = qlearningDataset(dataset, { terminateOnEnd: true });
    expect(Array.from(q.observations)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(q.timeouts)).toEqual([0, 0, 1, 0, 0, 0]);
  });

  it('counts steps when the file has no timeouts, with D4RL counter quirk', () => {
    // max 3 steps, no terminals: step counter 0,1,2 → row 2 is final and dropped; counter resets to 0
    // and rows 3,4 count 0,1, row 5 counts 2 → dropped; row 6 is the last row → dropped.
    const q = qlearningDataset(rows([0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0]), { maxEpisodeSteps: 3 });
    expect(Array.from(q.observations)).toEqual([0, 1, 3, 4]);
    // after a terminal D4RL sets the counter to 0 and then increments it for the terminal row itself,
    // so the next episode counts from 1: terminal at row 0 → rows 1, 2 count 1, 2 → row 2 is final.
    const quirk = qlearningDataset(rows([1, 0, 0, 0, 0], [0, 0, 0, 0, 0]), { maxEpisodeSteps: 3 });
    expect(Array.from(quirk.observations)).toEqual([0, 1, 3]);
  });
});

suite('inferTimeouts', () => {
  it('marks the max-th step of each episode that did not terminate', () => {
    expect(Array.from(inferTimeouts(Uint8Array.of(0, 0, 0, 0, 1, 0, 0, 0), 3))).toEqual([
      0, 0, 1, 0, 0, 0, 0, 1,
    ]);
  });
});
