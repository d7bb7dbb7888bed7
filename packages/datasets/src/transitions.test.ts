import * as E from 'fp-ts/lib/Either.js';
import { expect, it, describe as suite } from 'vitest';
import { DatasetError } from './errors.js';
import type { TransitionFields } from './transitions.js';
import { createTransitions, firstNonFinite, transitionsOrThrow } from './transitions.js';

/** Three rows, observation dim 2, action dim 1. */
function fields(overrides: Partial<TransitionFields> = {}): TransitionFields {
  return {
    observationDim: 2,
    actionDim: 1,
    observations: Float32Array.of(0, 0, 1, 1, 2, 2),
    actions: Float32Array.of(0.1, 0.2, 0.3),
    rewards: Float32Array.of(1, 2, 3),
    nextObservations: Float32Array.of(1, 1, 2, 2, 3, 3),
    ...overrides,
  };
}

function leftOf(result: E.Either<DatasetError, unknown>): DatasetError {
  if (E.isRight(result)) throw new Error('expected a Left');
  return result.left;
}

suite('createTransitions', () => {
  it('keeps the arrays and defaults the flags to zero', () => {
    const dataset = transitionsOrThrow(fields());
    expect(dataset.size).toBe(3);
    expect(Array.from(dataset.terminals)).toEqual([0, 0, 0]);
    expect(Array.from(dataset.timeouts)).toEqual([0, 0, 0]);
    // no flag: the whole dataset is one cut-off episode
    expect(Array.from(dataset.episodeEnds)).toEqual([3]);
  });

  it('ends an episode at every terminal and timeout, and at the last row', () => {
    const dataset = transitionsOrThrow(
      fields({ terminals: Uint8Array.of(1, 0, 0), timeouts: Uint8Array.of(0, 1, 0) }),
    );
    expect(Array.from(dataset.episodeEnds)).toEqual([1, 2, 3]);
  });

  it('merges explicit episode ends with the flagged ones', () => {
    const dataset = transitionsOrThrow(
      fields({ terminals: Uint8Array.of(0, 1, 0), episodeEnds: Uint32Array.of(1) }),
    );
    expect(Array.from(dataset.episodeEnds)).toEqual([1, 2, 3]);
  });

  it('rejects explicit episode ends that do not increase', () => {
    const error = leftOf(createTransitions(fields({ episodeEnds: Uint32Array.of(2, 2) })));
    expect(error.code).toBe('bad-episodes');
    expect(error.field).toBe('episodeEnds');
  });

  it('reports a NaN reward with its field and row', () => {
    const error = leftOf(
      createTransitions(fields({ rewards: Float32Array.of(1, Number.NaN, 3), source: 'x.hdf5' })),
    );
    expect(error).toBeInstanceOf(DatasetError);
    expect(error.code).toBe('non-finite');
    expect(error).toMatchObject({ file: 'x.hdf5', field: 'rewards', row: 1 });
    expect(error.message).toBe('x.hdf5: rewards, row 1: NaN');
  });

  it('reports an infinite observation with its row and column', () => {
    const error = leftOf(
      createTransitions(fields({ nextObservations: Float32Array.of(1, 1, 2, 2, 3, -Infinity) })),
    );
    expect(error).toMatchObject({ code: 'non-finite', field: 'nextObservations', row: 2 });
    expect(error.detail).toBe('-Infinity (column 1)');
  });

  it('reports row counts that disagree with the rewards', () => {
    const error = leftOf(createTransitions(fields({ actions: Float32Array.of(0.1, 0.2) })));
    expect(error).toMatchObject({ code: 'row-count-mismatch', field: 'actions' });
  });

  it('reports flags other than 0 and 1', () => {
    const error = leftOf(createTransitions(fields({ timeouts: Uint8Array.of(0, 2, 0) })));
    expect(error).toMatchObject({ code: 'bad-value', field: 'timeouts', row: 1 });
  });

  it('rejects arrays of the wrong element type', () => {
    const rewards = Float64Array.of(1, 2, 3) as unknown as Float32Array;
    expect(leftOf(createTransitions(fields({ rewards })))).toMatchObject({
      code: 'bad-dtype',
      field: 'rewards',
      detail: 'must be a Float32Array, got Float64Array',
    });
    const terminals = [0, 1, 0] as unknown as Uint8Array;
    expect(leftOf(createTransitions(fields({ terminals })))).toMatchObject({
      code: 'bad-dtype',
      field: 'terminals',
    });
  });

  it('rejects non-positive dimensions', () => {
    const error = leftOf(createTransitions(fields({ observationDim: 0 })));
    expect(error).toMatchObject({ code: 'bad-argument', field: 'observationDim' });
  });

  it('rejects info columns with the wrong number of rows', () => {
    const infos = { qpos: { data: new Float32Array(4), shape: [2, 2] } };
    const error = leftOf(createTransitions(fields({ infos })));
    expect(error).toMatchObject({ code: 'row-count-mismatch', field: 'infos/qpos' });
  });

  it('throws the same error from transitionsOrThrow', () => {
    expect(() =>
      transitionsOrThrow(fields({ rewards: Float32Array.of(1, 2, Number.POSITIVE_INFINITY) })),
    ).toThrow('rewards, row 2: Infinity');
  });
});

suite('firstNonFinite', () => {
  it('finds NaN and both infinities, and nothing in finite data', () => {
    expect(firstNonFinite([0, 1, -1e30])).toBe(-1);
    expect(firstNonFinite([0, Number.NaN])).toBe(1);
    expect(firstNonFinite([Number.NEGATIVE_INFINITY])).toBe(0);
  });
});
