/**
 * Single-env throughput of every task, and for the MuJoCo tasks the ratio to a raw physics loop on
 * the same model (ctrl writes, frame-skip × mj_step and resets on the same health check, no
 * observation copies, rewards or validation). Wrapper and raw loop alternate in short rounds so
 * that load from other processes hits both alike. Random uniform actions, auto-reset.
 */

import type { LocomotionSpec } from '../locomotion-spec.js';
import { compileModel, loadPhysics } from '../physics.js';
import { Random } from '../random.js';
import { envIds, makeEnv } from '../registry.js';
import { boxSize } from '../space.js';
import { halfCheetahV4, halfCheetahV5 } from '../tasks/half-cheetah.js';
import { hopperV4, hopperV5 } from '../tasks/hopper.js';
import { walker2dV4, walker2dV5 } from '../tasks/walker2d.js';
import { report, throughput } from './measure.js';

const chunkSteps = 500;
const rounds = 4;
const roundSeconds = 0.3;

async function wrapperLoop(id: string): Promise<{ run: () => number; close: () => void }> {
  const env = await makeEnv(id);
  const random = new Random(0);
  const action = new Float64Array(boxSize(env.actionSpace));
  env.reset({ seed: 0 });
  return {
    run: () => {
      for (let t = 0; t < chunkSteps; t++) {
        for (let i = 0; i < action.length; i++) action[i] = random.uniform(-1, 1);
        const result = env.step(action);
        if (result.terminated || result.truncated) env.reset();
      }
      return chunkSteps;
    },
    close: () => env.close(),
  };
}

async function rawLoop(spec: LocomotionSpec): Promise<{ run: () => number; close: () => void }> {
  const physics = await loadPhysics();
  const model = compileModel(physics, spec.mjcf, `${spec.id}-raw`);
  const data = new physics.MjData(model);
  const random = new Random(0);
  const nu = model.nu;
  let episodeSteps = 0;
  return {
    run: () => {
      const qpos = data.qpos as Float64Array;
      const qvel = data.qvel as Float64Array;
      const ctrl = data.ctrl as Float64Array;
      for (let t = 0; t < chunkSteps; t++) {
        for (let i = 0; i < nu; i++) ctrl[i] = random.uniform(-1, 1);
        for (let k = 0; k < spec.frameSkip; k++) physics.mj_step(model, data);
        episodeSteps++;
        if (
          episodeSteps >= spec.maxEpisodeSteps ||
          (spec.health !== undefined && !spec.health.isHealthy(qpos, qvel))
        ) {
          physics.mj_resetData(model, data);
          physics.mj_forward(model, data);
          episodeSteps = 0;
        }
      }
      return chunkSteps;
    },
    close: () => {
      data.delete();
      model.delete();
    },
  };
}

const specs: Record<string, LocomotionSpec> = {
  'Hopper-v5': hopperV5,
  'Hopper-v4': hopperV4,
  'HalfCheetah-v5': halfCheetahV5,
  'HalfCheetah-v4': halfCheetahV4,
  'Walker2d-v5': walker2dV5,
  'Walker2d-v4': walker2dV4,
};

for (const id of envIds) {
  const wrapper = await wrapperLoop(id);
  const spec = specs[id];
  const raw = spec === undefined ? undefined : await rawLoop(spec);
  // Warm-up: V8 tiers the wasm and the JS up during the first ~0.5 s of work.
  throughput(0.4, wrapper.run);
  if (raw !== undefined) throughput(0.4, raw.run);
  let wrapperRate = 0;
  let rawRate = 0;
  for (let round = 0; round < rounds; round++) {
    wrapperRate += throughput(roundSeconds, wrapper.run) / rounds;
    if (raw !== undefined) rawRate += throughput(roundSeconds, raw.run) / rounds;
  }
  const task = id.replace(/-v\d+$/, '').toLowerCase();
  const version = id.slice(id.lastIndexOf('-') + 1);
  const name = `envs.${task}${version === 'v5' || raw === undefined ? '' : `-${version}`}.steps-per-second`;
  report({
    name,
    value: Math.round(wrapperRate),
    unit: 'steps/s',
    env: id,
    ...(raw === undefined
      ? {}
      : {
          rawPhysicsStepsPerSecond: Math.round(rawRate),
          ratioToRawPhysics: +(wrapperRate / rawRate).toFixed(3),
        }),
  });
  if (raw !== undefined) {
    report({
      name: `envs.${task}${version === 'v5' ? '' : `-${version}`}.ratio-to-raw-physics`,
      value: +(wrapperRate / rawRate).toFixed(3),
      unit: 'ratio',
      env: id,
    });
  }
  wrapper.close();
  raw?.close();
}
