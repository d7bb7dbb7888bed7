import { EnvGroup } from './env-group.js';
import { assertEnvId, makeEnv } from './registry.js';
import type { Box } from './space.js';
import type { VectorEnv, VectorStepResult } from './vector-env-interface.js';
import { WorkerVectorEnv } from './worker-vector-env.js';

export interface VectorEnvOptions {
  /**
   * Worker threads to spread the envs over (each loads its own physics module: ~0.1 s and
   * ~120 MB). 1 (default) steps all envs on the calling thread.
   */
  readonly workers?: number;
}

/** Creates a vector env; `workers > 1` spreads the envs as evenly as possible over worker threads. */
export async function makeVectorEnv(
  id: string,
  numEnvs: number,
  options: VectorEnvOptions = {},
): Promise<VectorEnv> {
  assertEnvId(id);
  const workers = options.workers ?? 1;
  if (!Number.isInteger(numEnvs) || numEnvs < 1) {
    throw new Error(`makeVectorEnv(${id}): numEnvs must be a positive integer, got ${numEnvs}`);
  }
  if (!Number.isInteger(workers) || workers < 1) {
    throw new Error(`makeVectorEnv(${id}): workers must be a positive integer, got ${workers}`);
  }
  if (workers > numEnvs) {
    throw new Error(`makeVectorEnv(${id}): workers (${workers}) must not exceed numEnvs (${numEnvs})`);
  }
  if (workers === 1) {
    const envs = [];
    try {
      for (let i = 0; i < numEnvs; i++) envs.push(await makeEnv(id));
    } catch (error) {
      for (const env of envs) env.close();
      throw error;
    }
    return new InProcessVectorEnv(new EnvGroup(envs));
  }
  const probe = await makeEnv(id);
  const spaces = {
    observationSpace: probe.observationSpace,
    actionSpace: probe.actionSpace,
    maxEpisodeSteps: probe.maxEpisodeSteps,
  };
  probe.close();
  return WorkerVectorEnv.start(id, numEnvs, workers, spaces);
}

/** All envs on the calling thread; the promises resolve at once. */
class InProcessVectorEnv implements VectorEnv {
  readonly id: string;
  readonly numEnvs: number;
  readonly workers = 0;
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly maxEpisodeSteps: number;
  private closed = false;

  constructor(private readonly group: EnvGroup) {
    const first = group.envs[0]!;
    this.id = first.id;
    this.numEnvs = group.envs.length;
    this.observationSpace = first.observationSpace;
    this.actionSpace = first.actionSpace;
    this.maxEpisodeSteps = first.maxEpisodeSteps;
  }

  async reset(options: { readonly seed?: number } = {}): Promise<Float64Array> {
    return this.group.reset(options.seed);
  }

  async step(actions: ArrayLike<number>): Promise<VectorStepResult> {
    return this.group.step(actions);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.group.close();
  }
}
