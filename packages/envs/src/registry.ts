import { CartPoleSwingUp } from './cart-pole-swing-up.js';
import type { Env } from './env.js';
import { MujocoEnv } from './mujoco-env.js';
import { Pendulum } from './pendulum.js';
import { halfCheetahV4, halfCheetahV5 } from './tasks/half-cheetah.js';
import { hopperV4, hopperV5 } from './tasks/hopper.js';
import { walker2dV4, walker2dV5 } from './tasks/walker2d.js';

const factories = {
  'Pendulum-v1': async () => new Pendulum(),
  'CartPoleSwingUp-v0': async () => new CartPoleSwingUp(),
  'Hopper-v5': () => MujocoEnv.create(hopperV5),
  'Hopper-v4': () => MujocoEnv.create(hopperV4),
  'HalfCheetah-v5': () => MujocoEnv.create(halfCheetahV5),
  'HalfCheetah-v4': () => MujocoEnv.create(halfCheetahV4),
  'Walker2d-v5': () => MujocoEnv.create(walker2dV5),
  'Walker2d-v4': () => MujocoEnv.create(walker2dV4),
} as const satisfies Record<string, () => Promise<Env>>;

/** Every env id `makeEnv` knows. */
export type EnvId = keyof typeof factories;

export const envIds: readonly EnvId[] = Object.freeze(Object.keys(factories) as EnvId[]);

export function isEnvId(id: string): id is EnvId {
  return Object.hasOwn(factories, id);
}

/** Throws, listing the known ids, unless `id` is one of them. */
export function assertEnvId(id: string): asserts id is EnvId {
  if (!isEnvId(id)) throw new Error(`Unknown env id "${id}"; known ids: ${envIds.join(', ')}`);
}

/**
 * Creates an env by its Gymnasium-style id. Async because the MuJoCo tasks load the physics module
 * (once per process, ~0.2 s); the pure-TS tasks resolve at once.
 */
export async function makeEnv(id: string): Promise<Env> {
  assertEnvId(id);
  return factories[id]();
}
