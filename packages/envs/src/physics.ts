import loadMujoco, { type MainModule, type MjModel } from 'mujoco-js';

/** The mujoco-js module: MuJoCo 3.3.8 compiled to wasm, with its own heap and in-memory filesystem. */
export type Physics = MainModule;

// The one piece of module-level state: each `loadMujoco()` instantiates a new 11 MB wasm module
// (~100 ms, ~120 MB RSS), so a process loads it once and every env in the process shares it.
let physicsModule: Promise<Physics> | undefined;

/** The process-wide physics module, loaded on first use. A failed load is retried on the next call. */
export function loadPhysics(): Promise<Physics> {
  if (physicsModule === undefined) {
    physicsModule = loadMujoco().catch((error: unknown) => {
      physicsModule = undefined;
      throw error;
    });
  }
  return physicsModule;
}

/**
 * Compiles an MJCF string. mujoco-js only loads models from its virtual filesystem, so the XML is
 * written to a scratch file that is removed again. MuJoCo's parser message does not survive the
 * wasm boundary (only the exception type does), hence the generic wording of the error.
 */
export function compileModel(physics: Physics, mjcf: string, name: string): MjModel {
  const path = `/offrl-${name.replace(/[^A-Za-z0-9_-]/g, '_')}.xml`;
  physics.FS.writeFile(path, mjcf);
  try {
    return physics.MjModel.loadFromXML(path);
  } catch (error) {
    throw new Error(`${name}: MuJoCo could not compile the MJCF (${describeMujocoError(physics, error)})`);
  } finally {
    physics.FS.unlink(path);
  }
}

function describeMujocoError(physics: Physics, error: unknown): string {
  // A C++ exception arrives as a `CppException` whose only payload is a pointer to the exception;
  // `getExceptionMessage` (present at run time, missing from the typings) turns it into its type name.
  if (typeof error === 'object' && error !== null && 'excPtr' in error) {
    const getMessage = (physics as unknown as { getExceptionMessage: (pointer: unknown) => unknown[] })
      .getExceptionMessage;
    const [type, message] = getMessage(error.excPtr);
    return message === undefined ? String(type) : `${String(type)}: ${String(message)}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Current size of the physics module's wasm heap in bytes. The heap grows on demand (up to 2 GiB)
 * and never shrinks, so a stable value over many steps and resets means no native memory leaks.
 */
export async function physicsHeapBytes(): Promise<number> {
  const physics = await loadPhysics();
  const probe = new physics.DoubleBuffer(1);
  try {
    return (probe.GetView() as Float64Array).buffer.byteLength;
  } finally {
    probe.delete();
  }
}
