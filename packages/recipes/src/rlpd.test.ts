import { sample } from '@offrl/datasets';
import { makeKey } from '@offrl/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchToTensors } from './batch-tensors.js';
import { expectNoLeak, oneUpdate, pendulum, stateValues } from './learning.fixture.js';
import { rlpd } from './rlpd.js';
import { pendulumScriptedDataset, type ScriptedDataset } from './scripted-dataset.js';

let data: ScriptedDataset;

beforeAll(async () => {
  data = await pendulumScriptedDataset({ episodes: 4, seed: 0 });
});

describe('rlpd', () => {
  it('steps the critic on every update and the actor on every utd-th', () => {
    const recipe = rlpd(pendulum, { hiddenSizes: [8], members: 4, utd: 3 });
    const batch = batchToTensors(sample(data.dataset, 16, 1));
    let state = recipe.init(makeKey(0));
    const actors = [stateValues(state.actor)];
    const critics = [stateValues(state.critic)];
    const logged: string[][] = [];
    for (let step = 0; step < 3; step++) {
      const { state: next, metrics } = recipe.update(state, batch, { key: makeKey(10 + step), step });
      logged.push(Object.keys(metrics).sort());
      state = next;
      actors.push(stateValues(state.actor));
      critics.push(stateValues(state.critic));
    }
    // Updates 0 and 1: critic only; update 2 (step % 3 = 2): actor and temperature too.
    expect(actors[1]).toEqual(actors[0]);
    expect(actors[2]).toEqual(actors[0]);
    expect(actors[3]).not.toEqual(actors[2]);
    for (let i = 1; i <= 3; i++) expect(critics[i]).not.toEqual(critics[i - 1]);
    expect(logged[0]).toEqual(['critic/loss', 'critic/q', 'critic/target']);
    expect(logged[2]).toContain('temperature/alpha');
  });

  it('backs up the min over a random pair of members: never below the min over all', () => {
    const pair = oneUpdate(rlpd(pendulum, { hiddenSizes: [8], utd: 1 }), data.dataset).metrics;
    const all = oneUpdate(
      rlpd(pendulum, { hiddenSizes: [8], utd: 1, targetMembers: 10 }),
      data.dataset,
    ).metrics;
    expect(pair['critic/target']).toBeGreaterThan(all['critic/target']!);
  });

  it('refuses a subset larger than the ensemble', () => {
    expect(() => rlpd(pendulum, { members: 4, targetMembers: 5 })).toThrow(
      /targetMembers must be an integer in \[1, 4\], got 5/,
    );
  });

  it('does not leak tensors across steps', () => {
    expectNoLeak(rlpd(pendulum, { hiddenSizes: [8], members: 4, utd: 2 }), data.dataset);
  });
});
