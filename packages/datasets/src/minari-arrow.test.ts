import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it, describe as suite } from 'vitest';
import { describe } from './describe.js';
import { readMinari } from './minari.js';
import type { ArrowEpisodeSpec } from './testing/arrow.fixture.js';
import { writeArrowMinari } from './testing/arrow.fixture.js';
import { temporaryDirectory } from './testing/h5py.fixture.js';
import { rejection } from './testing/rejection.fixture.js';

const { dir, cleanup } = temporaryDirectory();
afterAll(cleanup);

/** Episode e of T steps: observation t = (10e + t, 0.5), action t = t/10, reward e + t. */
function episode(e: number, steps: number, ending: 'terminal' | 'timeout'): ArrowEpisodeSpec {
  return {
    observations: Array.from({ length: steps + 1 }, (_, t) => [10 * e + t, 0.5]),
    actions: Array.from({ length: steps }, (_, t) => [t / 10]),
    rewards: Array.from({ length: steps }, (_, t) => e + t),
    terminations: Array.from({ length: steps }, (_, t) => ending === 'terminal' && t === steps - 1),
    truncations: Array.from({ length: steps }, (_, t) => ending === 'timeout' && t === steps - 1),
  };
}

const EPISODES = Array.from({ length: 11 }, (_, e) =>
  episode(e, 2 + (e % 3), e % 2 === 0 ? 'terminal' : 'timeout'),
);

suite('readMinari, Arrow storage', () => {
  it('reads pyarrow-style episode partitions, dropping the padding row', async () => {
    const root = join(dir, 'arrow');
    writeArrowMinari(root, EPISODES);
    const dataset = await readMinari(root);
    const size = EPISODES.reduce((sum, e) => sum + e.rewards.length, 0);
    expect(dataset.size).toBe(size);
    expect([dataset.observationDim, dataset.actionDim]).toEqual([2, 1]);
    expect(dataset.episodeEnds.length).toBe(11);
    // episode 10 comes last (numeric, not lexical, order of the directories)
    const start10 = dataset.episodeEnds[9]!;
    expect(Array.from(dataset.observations.slice(start10 * 2, start10 * 2 + 2))).toEqual([100, 0.5]);
    // s'_t = observation row t + 1; the final observation of the episode is the last next observation
    const steps10 = EPISODES[10]!.rewards.length;
    expect(dataset.nextObservations[(size - 1) * 2]).toBe(100 + steps10);
    expect(Array.from(dataset.rewards.slice(0, 2))).toEqual([0, 1]);
    expect(Array.from(dataset.actions.slice(0, 2))).toEqual([0, 0.1].map(Math.fround));
    const description = describe(dataset);
    expect([description.terminals, description.timeouts]).toEqual([6, 5]);
    expect(dataset.metadata['data_format']).toBe('arrow');
  });

  it('names the episode and step of a NaN reward', async () => {
    const root = join(dir, 'arrow-nan');
    const bad = EPISODES.slice(0, 3).map((e, k) =>
      k === 2 ? { ...e, rewards: [e.rewards[0]!, Number.NaN, ...e.rewards.slice(2)] } : e,
    );
    writeArrowMinari(root, bad);
    expect(await rejection(readMinari(root))).toMatchObject({
      code: 'non-finite',
      field: '2/rewards',
      row: 1,
    });
  });

  it('rejects observations without the final row (a null in the Arrow column)', async () => {
    // Arrow columns of one table have one length: a missing final observation arrives as a null.
    const root = join(dir, 'arrow-short');
    const short = EPISODES.slice(0, 2).map((e, k) =>
      k === 1 ? { ...e, observations: e.observations.slice(0, -1) } : e,
    );
    writeArrowMinari(root, short);
    const error = await rejection(readMinari(root));
    expect(error).toMatchObject({ code: 'bad-value', field: 'observations' });
    expect(error.file).toBe(join(root, 'data', '1'));
  });

  it('rejects a missing column and a corrupt Arrow file, naming them', async () => {
    const root = join(dir, 'arrow-corrupt');
    writeArrowMinari(root, EPISODES.slice(0, 2));
    const file = join(
      root,
      'data',
      '1',
      readdirSync(join(root, 'data', '1')).find((n) => n.endsWith('.arrow'))!,
    );
    writeFileSync(file, 'not arrow at all');
    expect(await rejection(readMinari(root))).toMatchObject({ code: 'unreadable', file });
    rmSync(join(root, 'data', '1'), { recursive: true });
    expect(await rejection(readMinari(root))).toMatchObject({ code: 'bad-metadata', field: 'total_steps' });
  });
});
