import { expect, it, describe as suite } from 'vitest';
import { selectRows, topEpisodes } from './select.js';
import type { TransitionDataset } from './transitions.js';
import { transitionsOrThrow } from './transitions.js';

/** Four episodes of two rows each, returns 2, 8, 4, 6 (rewards 1, 4, 2, 3 per step); row i has observation i. */
function fourEpisodes(): TransitionDataset {
  const size = 8;
  return transitionsOrThrow({
    observationDim: 1,
    actionDim: 1,
    observations: Float32Array.from({ length: size }, (_, i) => i),
    actions: Float32Array.from({ length: size }, (_, i) => -i),
    rewards: Float32Array.of(1, 1, 4, 4, 2, 2, 3, 3),
    nextObservations: Float32Array.from({ length: size }, (_, i) => i + 1),
    terminals: Uint8Array.of(0, 1, 0, 1, 0, 0, 0, 1),
    timeouts: Uint8Array.of(0, 0, 0, 0, 0, 1, 0, 0),
    infos: { step: { data: Int32Array.from({ length: size }, (_, i) => i % 2), shape: [size] } },
  });
}

suite('topEpisodes (BC-x%)', () => {
  it('keeps the best half by return, in the original order', () => {
    const best = topEpisodes(fourEpisodes(), 0.5);
    // returns 2, 8, 4, 6 → keep episodes 1 (8) and 3 (6), i.e. rows 2, 3, 6, 7
    expect(Array.from(best.observations)).toEqual([2, 3, 6, 7]);
    expect(Array.from(best.episodeEnds)).toEqual([2, 4]);
    expect(Array.from(best.terminals)).toEqual([0, 1, 0, 1]);
    expect(Array.from(best.infos['step']!.data)).toEqual([0, 1, 0, 1]);
  });

  it('keeps at least one episode', () => {
    expect(topEpisodes(fourEpisodes(), 0.1).size).toBe(2);
  });

  it('rejects a fraction outside (0, 1]', () => {
    expect(() => topEpisodes(fourEpisodes(), 0)).toThrow('fraction');
  });
});

suite('selectRows', () => {
  it('ends an episode where a dropped row breaks it, without setting a flag', () => {
    // drop row 5 (the timeout of episode 2): row 4 becomes an unflagged end
    const kept = selectRows(fourEpisodes(), Uint32Array.of(0, 1, 2, 3, 4, 6, 7));
    expect(Array.from(kept.episodeEnds)).toEqual([2, 4, 5, 7]);
    expect(Array.from(kept.timeouts)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(kept.nextObservations)).toEqual([1, 2, 3, 4, 5, 7, 8]);
  });

  it('rejects rows that are not increasing', () => {
    expect(() => selectRows(fourEpisodes(), Uint32Array.of(2, 1))).toThrow('not increasing');
  });
});
