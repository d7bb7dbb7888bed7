import { expect, it, describe as suite } from 'vitest';
import { describe } from './describe.js';
import {
  episodeIndexOfRows,
  episodeLengths,
  episodeReturns,
  episodeStarts,
  episodeStatistics,
  monteCarloReturns,
  returnsToGo,
  withMonteCarloReturns,
} from './episodes.js';
import type { TransitionDataset } from './transitions.js';
import { transitionsOrThrow } from './transitions.js';

/**
 * Seven rows: episode A = rows 0–1 ending in a terminal, episode B = rows 2–4 ending in a timeout,
 * episode C = rows 5–6, cut off by the end of the data. Rewards 1..7.
 */
function threeEpisodes(): TransitionDataset {
  const size = 7;
  return transitionsOrThrow({
    observationDim: 1,
    actionDim: 1,
    observations: new Float32Array(size),
    actions: new Float32Array(size),
    rewards: Float32Array.of(1, 2, 3, 4, 5, 6, 7),
    nextObservations: new Float32Array(size),
    terminals: Uint8Array.of(0, 1, 0, 0, 0, 0, 0),
    timeouts: Uint8Array.of(0, 0, 0, 0, 1, 0, 0),
  });
}

suite('episode boundaries', () => {
  it('splits at the terminal, at the timeout, and keeps the cut-off tail', () => {
    const dataset = threeEpisodes();
    expect(Array.from(dataset.episodeEnds)).toEqual([2, 5, 7]);
    expect(Array.from(episodeStarts(dataset))).toEqual([0, 2, 5]);
    expect(Array.from(episodeLengths(dataset))).toEqual([2, 3, 2]);
    expect(Array.from(episodeIndexOfRows(dataset))).toEqual([0, 0, 1, 1, 1, 2, 2]);
  });

  it('sums returns per episode', () => {
    // A: 1 + 2 = 3; B: 3 + 4 + 5 = 12; C: 6 + 7 = 13
    expect(Array.from(episodeReturns(threeEpisodes()))).toEqual([3, 12, 13]);
    // discounted with γ = 0.5: A = 1 + 1 = 2; B = 3 + 2 + 1.25 = 6.25; C = 6 + 3.5 = 9.5
    expect(Array.from(episodeReturns(threeEpisodes(), 0.5))).toEqual([2, 6.25, 9.5]);
  });
});

suite('returnsToGo', () => {
  it('restarts at every boundary and never crosses one', () => {
    // A: [1+2, 2]; B: [3+4+5, 4+5, 5]; C: [6+7, 7]
    expect(Array.from(returnsToGo(threeEpisodes()))).toEqual([3, 2, 12, 9, 5, 13, 7]);
  });

  it('discounts within an episode', () => {
    // B with γ = 0.5: G4 = 5, G3 = 4 + 2.5 = 6.5, G2 = 3 + 3.25 = 6.25
    expect(Array.from(returnsToGo(threeEpisodes(), 0.5)).slice(2, 5)).toEqual([6.25, 6.5, 5]);
  });
});

suite('monteCarloReturns', () => {
  it('follows G_t = r_t + γ (1 − d_t) G_{t+1} inside each episode', () => {
    const g = monteCarloReturns(threeEpisodes(), { discount: 0.5 });
    // A: G1 = 2 (terminal), G0 = 1 + 0.5·2 = 2; B: 6.25, 6.5, 5 (timeout: no value past it); C: 6 + 3.5, 7
    expect(Array.from(g)).toEqual([2, 2, 6.25, 6.5, 5, 9.5, 7]);
  });

  it('gives failed sparse-reward episodes the return of failing forever, r / (1 − γ)', () => {
    const size = 5;
    const dataset = transitionsOrThrow({
      observationDim: 1,
      actionDim: 1,
      observations: new Float32Array(size),
      actions: new Float32Array(size),
      // episode 1 (rows 0–2) never succeeds: every reward is the failure value −5;
      // episode 2 (rows 3–4) reaches the goal: +5 at its last step.
      rewards: Float32Array.of(-5, -5, -5, -5, 5),
      nextObservations: new Float32Array(size),
      timeouts: Uint8Array.of(0, 0, 1, 0, 0),
      terminals: Uint8Array.of(0, 0, 0, 0, 1),
    });
    const g = monteCarloReturns(dataset, { discount: 0.9, failureReward: -5 });
    // −5 / (1 − 0.9) = −50 for every failed row; the success: G4 = 5, G3 = −5 + 0.9·5 = −0.5
    expect(Array.from(g.slice(0, 3))).toEqual([-50, -50, -50].map(Math.fround));
    expect(g[4]).toBe(5);
    expect(g[3]).toBeCloseTo(-0.5, 6);
    expect(withMonteCarloReturns(dataset, { discount: 0.9, failureReward: -5 }).mcReturns).toEqual(g);
  });

  it('rejects γ = 1 with a failure reward', () => {
    expect(() => monteCarloReturns(threeEpisodes(), { discount: 1, failureReward: 0 })).toThrow('discount');
  });
});

suite('statistics', () => {
  it('summarises returns and lengths', () => {
    const stats = episodeStatistics(threeEpisodes());
    expect(stats.transitions).toBe(7);
    expect(stats.episodes).toBe(3);
    expect(stats.returns).toMatchObject({ min: 3, max: 13 });
    expect(stats.returns.mean).toBeCloseTo(28 / 3, 12);
    // population std of [3, 12, 13]: mean 28/3, squared deviations sum = 182/3, /3 → sqrt(182/9)
    expect(stats.returns.std).toBeCloseTo(Math.sqrt(182 / 9), 12);
    expect(stats.lengths).toMatchObject({ min: 2, max: 3 });
  });

  it('describe reports the fields of `offrl datasets info`', () => {
    expect(describe(threeEpisodes())).toEqual({
      transitions: 7,
      episodes: 3,
      observationDim: 1,
      actionDim: 1,
      terminals: 1,
      timeouts: 1,
      returns: { min: 3, mean: 28 / 3, max: 13 },
    });
  });
});
