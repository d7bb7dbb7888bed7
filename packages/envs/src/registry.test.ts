import { describe, expect, it } from 'vitest';
import { envIds, isEnvId, makeEnv } from './registry.js';

describe('makeEnv', () => {
  it('knows the Gymnasium-style ids', () => {
    expect([...envIds].sort()).toEqual(
      [
        'CartPoleSwingUp-v0',
        'HalfCheetah-v4',
        'HalfCheetah-v5',
        'Hopper-v4',
        'Hopper-v5',
        'Pendulum-v1',
        'Walker2d-v4',
        'Walker2d-v5',
      ].sort(),
    );
    expect(isEnvId('Hopper-v5')).toBe(true);
    expect(isEnvId('toString')).toBe(false);
  });

  it('rejects unknown ids and lists the known ones', async () => {
    await expect(makeEnv('Hopper-v3')).rejects.toThrow(
      `Unknown env id "Hopper-v3"; known ids: ${envIds.join(', ')}`,
    );
  });

  it.each([
    ['Pendulum-v1', 3, 1],
    ['CartPoleSwingUp-v0', 5, 1],
    ['Hopper-v5', 11, 3],
    ['Hopper-v4', 11, 3],
    ['HalfCheetah-v5', 17, 6],
    ['HalfCheetah-v4', 17, 6],
    ['Walker2d-v5', 17, 6],
    ['Walker2d-v4', 17, 6],
  ])('%s has a %i-dim observation and a %i-dim action', async (id, observationSize, actionSize) => {
    const env = await makeEnv(id);
    expect(env.id).toBe(id);
    expect(env.observationSpace.shape).toEqual([observationSize]);
    expect(env.actionSpace.shape).toEqual([actionSize]);
    expect(env.reset({ seed: 0 }).observation).toHaveLength(observationSize);
    env.close();
  });
});
