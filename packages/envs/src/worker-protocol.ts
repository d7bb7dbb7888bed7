import type { BatchedStep } from './env-group.js';

/** `workerData` of a vector-env worker: which env to build and how many copies. */
export interface WorkerSetup {
  readonly envId: string;
  readonly count: number;
}

/** Messages from `WorkerVectorEnv` to a worker. A seed applies to the worker's first env; env i gets seed + i. */
export type WorkerRequest =
  | { readonly type: 'reset'; readonly seed: number | undefined }
  | { readonly type: 'step'; readonly actions: Float64Array }
  | { readonly type: 'close' };

/** Messages from a worker: `ready` once its envs exist, then one reply per request. */
export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'reset'; readonly observations: Float64Array }
  | { readonly type: 'step'; readonly step: BatchedStep }
  | { readonly type: 'closed' }
  | { readonly type: 'error'; readonly message: string };
