import { TrainingDivergedError } from '@offrl/recipes';
import { describe, expect, it } from 'vitest';
import { explainDivergence } from './diverged-run.js';

describe('explainDivergence', () => {
  const diverged = new TrainingDivergedError(412, { 'critic/loss': Number.NaN });

  it('adds the last good checkpoint to a divergence', () => {
    const explained = explainDivergence(diverged, {
      where: '/runs/a/checkpoint.safetensors',
      at: 'update 400',
    });
    expect(explained).toBeInstanceOf(Error);
    expect((explained as Error).message).toBe(
      "training diverged at update 412: 'critic/loss' = NaN; the run stopped. The last good checkpoint is " +
        '/runs/a/checkpoint.safetensors (update 400). Lower the learning rates or check the dataset’s rewards and observations.',
    );
    expect((explained as Error).cause).toBe(diverged);
  });

  it('says when no checkpoint was written, and leaves other errors alone', () => {
    expect((explainDivergence(diverged, undefined) as Error).message).toContain(
      'No checkpoint was written before it.',
    );
    const other = new Error('disk full');
    expect(explainDivergence(other, undefined)).toBe(other);
  });
});
