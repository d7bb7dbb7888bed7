import { describe, expect, it } from 'vitest';
import { formatProgress } from './progress.js';

describe('formatProgress', () => {
  it('shows the fraction, the rate, the time left and the last score', () => {
    // 250 of 1000 steps in 5 s → 50 steps/s, 750 left → 15 s
    expect(
      formatProgress(
        { step: 250, totalSteps: 1000, elapsedSeconds: 5, stepsThisRun: 250, lastEvaluation: 0.4567 },
        8,
      ),
    ).toBe('[##......] 250/1000  50 steps/s  eta 0:15  score 45.7');
  });

  it('counts only this process’s steps in the rate of a resumed run, and says when the ETA is unknown', () => {
    // resumed at 500: 100 steps in 2 s → 50 steps/s; 400 left → 8 s
    expect(formatProgress({ step: 600, totalSteps: 1000, elapsedSeconds: 2, stepsThisRun: 100 }, 4)).toBe(
      '[##..] 600/1000  50 steps/s  eta 0:08',
    );
    expect(formatProgress({ step: 0, totalSteps: 10, elapsedSeconds: 0, stepsThisRun: 0 }, 2)).toBe(
      '[..] 0/10  0 steps/s  eta --:--',
    );
  });
});
