import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { assertValidActionBatch } from './action.js';
import type { BatchedStep } from './env-group.js';
import type { Box } from './space.js';
import type { VectorEnv } from './vector-env-interface.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './worker-protocol.js';

/**
 * The worker entry point. Workers need compiled JavaScript: when this module itself runs from
 * TypeScript sources (under vitest), the built `dist/vector-worker.js` is used.
 */
function workerEntry(): URL {
  const sibling = new URL('./vector-worker.js', import.meta.url);
  if (!import.meta.url.endsWith('.ts')) return sibling;
  const built = new URL('../dist/vector-worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(built))) {
    throw new Error(
      `makeVectorEnv: ${fileURLToPath(built)} is missing; build @offrl/envs (tsc -b) to use workers`,
    );
  }
  return built;
}

/** One worker and its single outstanding request. The worker is unref'd while idle so it never keeps the process alive. */
class WorkerChannel {
  private pending: { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(
    readonly worker: Worker,
    readonly count: number,
  ) {
    worker.on('message', (message: WorkerReply) => this.settle(message));
    worker.on('error', (error: Error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`vector env worker exited with code ${code}`)));
  }

  /** Resolves with the worker's first message (`ready` or an error). */
  ready(): Promise<WorkerReply> {
    return this.await();
  }

  request(message: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    const reply = this.await();
    this.worker.postMessage(message, transfer);
    return reply;
  }

  private await(): Promise<WorkerReply> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.pending !== undefined) {
      return Promise.reject(new Error('vector env: a previous reset/step has not finished; await it first'));
    }
    this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
    });
  }

  private settle(message: WorkerReply): void {
    const pending = this.pending;
    this.pending = undefined;
    this.worker.unref();
    pending?.resolve(message);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(error);
  }
}

function expectReply<T extends WorkerReply['type']>(
  envId: string,
  reply: WorkerReply,
  type: T,
): Extract<WorkerReply, { type: T }> {
  if (reply.type === 'error') throw new Error(reply.message);
  if (reply.type !== type)
    throw new Error(`${envId}: vector env worker answered "${reply.type}", expected "${type}"`);
  return reply as Extract<WorkerReply, { type: T }>;
}

interface Spaces {
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly maxEpisodeSteps: number;
}

/** Envs spread over worker threads, each worker holding a contiguous block of them. */
export class WorkerVectorEnv implements VectorEnv {
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  readonly maxEpisodeSteps: number;
  private readonly observationSize: number;
  private readonly actionSize: number;
  private closed = false;

  private constructor(
    readonly id: string,
    readonly numEnvs: number,
    private readonly channels: readonly WorkerChannel[],
    spaces: Spaces,
  ) {
    this.observationSpace = spaces.observationSpace;
    this.actionSpace = spaces.actionSpace;
    this.maxEpisodeSteps = spaces.maxEpisodeSteps;
    this.observationSize = spaces.observationSpace.shape.reduce((a, b) => a * b, 1);
    this.actionSize = spaces.actionSpace.shape.reduce((a, b) => a * b, 1);
  }

  get workers(): number {
    return this.channels.length;
  }

  static async start(
    envId: string,
    numEnvs: number,
    workers: number,
    spaces: Spaces,
  ): Promise<WorkerVectorEnv> {
    const entry = workerEntry();
    const channels = Array.from({ length: workers }, (_, w) => {
      // Blocks as even as possible: the first numEnvs mod workers workers get one env more.
      const count = Math.floor(numEnvs / workers) + (w < numEnvs % workers ? 1 : 0);
      const setup: WorkerSetup = { envId, count };
      // Workers inherit the parent's Node flags; `--input-type` (set by `node -e` scripts) is invalid for a file entry.
      const execArgv = process.execArgv.filter((flag) => !flag.startsWith('--input-type'));
      return new WorkerChannel(new Worker(entry, { workerData: setup, execArgv }), count);
    });
    try {
      const replies = await Promise.all(channels.map((channel) => channel.ready()));
      for (const reply of replies) expectReply(envId, reply, 'ready');
    } catch (error) {
      await Promise.all(channels.map((channel) => channel.worker.terminate()));
      throw error;
    }
    return new WorkerVectorEnv(envId, numEnvs, channels, spaces);
  }

  async reset(options: { readonly seed?: number } = {}): Promise<Float64Array> {
    this.assertOpen();
    let offset = 0;
    const replies = await Promise.all(
      this.channels.map((channel) => {
        const seed = options.seed === undefined ? undefined : options.seed + offset;
        offset += channel.count;
        return channel.request({ type: 'reset', seed });
      }),
    );
    const observations = new Float64Array(this.numEnvs * this.observationSize);
    let row = 0;
    replies.forEach((reply, w) => {
      observations.set(expectReply(this.id, reply, 'reset').observations, row * this.observationSize);
      row += this.channels[w]!.count;
    });
    return observations;
  }

  async step(actions: ArrayLike<number>): Promise<BatchedStep> {
    this.assertOpen();
    assertValidActionBatch(this.id, actions, this.numEnvs, this.actionSize);
    let row = 0;
    const replies = await Promise.all(
      this.channels.map((channel) => {
        const block = Float64Array.from({ length: channel.count * this.actionSize }, (_, k) =>
          Number(actions[row * this.actionSize + k]),
        );
        row += channel.count;
        return channel.request({ type: 'step', actions: block }, [block.buffer]);
      }),
    );
    const n = this.numEnvs;
    const result = {
      observations: new Float64Array(n * this.observationSize),
      nextObservations: new Float64Array(n * this.observationSize),
      rewards: new Float64Array(n),
      terminated: new Uint8Array(n),
      truncated: new Uint8Array(n),
    };
    row = 0;
    replies.forEach((reply, w) => {
      const { step } = expectReply(this.id, reply, 'step');
      result.observations.set(step.observations, row * this.observationSize);
      result.nextObservations.set(step.nextObservations, row * this.observationSize);
      result.rewards.set(step.rewards, row);
      result.terminated.set(step.terminated, row);
      result.truncated.set(step.truncated, row);
      row += this.channels[w]!.count;
    });
    return result;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Ask each worker to free its envs, then terminate it whether or not it answered.
    await Promise.all(
      this.channels.map(async (channel) => {
        await channel.request({ type: 'close' }).catch(() => undefined);
        await channel.worker.terminate();
      }),
    );
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`${this.id}: the vector env is closed`);
  }
}
