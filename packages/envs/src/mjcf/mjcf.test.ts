import { describe, expect, it } from 'vitest';
import { compileModel, loadPhysics } from '../physics.js';
import { halfCheetahMjcf } from './half-cheetah.js';
import { hopperMjcf } from './hopper.js';
import { walker2dV4Mjcf, walker2dV5Mjcf } from './walker2d.js';

/** Capsule mass at density 1000: ρ·(π·r²·L + 4/3·π·r³). */
const capsuleMass = (radius: number, length: number) =>
  1000 * (Math.PI * radius ** 2 * length + (4 / 3) * Math.PI * radius ** 3);

async function inspect(mjcf: string, name: string) {
  const physics = await loadPhysics();
  const model = compileModel(physics, mjcf, name);
  const bodyMass = Array.from(model.body_mass as Float64Array);
  const friction = (geom: string) => {
    const id = physics.mj_name2id(model, physics.mjtObj.mjOBJ_GEOM.value, geom);
    return (model.geom_friction as Float64Array)[3 * id];
  };
  const result = {
    nq: model.nq,
    nv: model.nv,
    nu: model.nu,
    qpos0: Array.from(model.qpos0 as Float64Array),
    bodyMass,
    totalMass: bodyMass.reduce((a, b) => a + b, 0),
    timestep: model.opt.timestep,
    gear: Array.from({ length: model.nu }, (_, i) => (model.actuator_gear as Float64Array)[6 * i]),
    footFriction: [friction('foot_geom'), friction('foot_left_geom')],
  };
  model.delete();
  return result;
}

describe('shipped MJCF', () => {
  it('Hopper: capsule masses, qpos0 and actuators of Gymnasium’s hopper.xml', async () => {
    const hopper = await inspect(hopperMjcf, 'hopper-test');
    expect([hopper.nq, hopper.nv, hopper.nu]).toEqual([6, 6, 3]);
    expect(hopper.qpos0).toEqual([0, 1.25, 0, 0, 0, 0]);
    // torso r 0.05 L 0.4 → 3.665; thigh r 0.05 L 0.45 → 4.058; leg r 0.04 L 0.5 → 2.781; foot r 0.06 L 0.39 → 5.316
    const expected = [
      0,
      capsuleMass(0.05, 0.4),
      capsuleMass(0.05, 0.45),
      capsuleMass(0.04, 0.5),
      capsuleMass(0.06, 0.39),
    ];
    for (const [i, mass] of hopper.bodyMass.entries()) expect(mass).toBeCloseTo(expected[i] as number, 9);
    expect(hopper.totalMass).toBeCloseTo(15.82, 2);
    expect(hopper.timestep).toBe(0.002);
    expect(hopper.gear).toEqual([200, 200, 200]);
  });

  it('HalfCheetah: 14 kg in Gymnasium’s proportions', async () => {
    const cheetah = await inspect(halfCheetahMjcf, 'half-cheetah-test');
    expect([cheetah.nq, cheetah.nv, cheetah.nu]).toEqual([9, 9, 6]);
    expect(cheetah.totalMass).toBeCloseTo(14, 9);
    const expected = [0, 6.25, 1.544, 1.587, 1.095, 1.438, 1.201, 0.885];
    for (const [i, mass] of cheetah.bodyMass.entries()) expect(mass).toBeCloseTo(expected[i] as number, 3);
    expect(cheetah.timestep).toBe(0.01);
    expect(cheetah.gear).toEqual([120, 90, 60, 120, 60, 30]);
  });

  it('Walker2d: v5 feet both 1.9, v4 right foot 0.9; same masses', async () => {
    const v5 = await inspect(walker2dV5Mjcf, 'walker2d-v5-test');
    const v4 = await inspect(walker2dV4Mjcf, 'walker2d-v4-test');
    expect(v5.footFriction).toEqual([1.9, 1.9]);
    expect(v4.footFriction).toEqual([0.9, 1.9]);
    expect(v5.totalMass).toBeCloseTo(23.68, 2);
    expect(v4.bodyMass).toEqual(v5.bodyMass);
    expect(v5.qpos0).toEqual([0, 1.25, 0, 0, 0, 0, 0, 0, 0]);
    expect(v5.gear).toEqual([100, 100, 100, 100, 100, 100]);
  });

  it('reports a model that does not compile, naming it', async () => {
    const physics = await loadPhysics();
    expect(() =>
      compileModel(physics, '<mujoco><worldbody><geom size="-1" bogus="1"/></worldbody></mujoco>', 'broken'),
    ).toThrow('broken: MuJoCo could not compile the MJCF (mjXError)');
  });
});
