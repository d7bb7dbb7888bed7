/**
 * Entry point of a vector-env worker thread: owns an `EnvGroup` (and its own physics module) and
 * answers reset/step/close requests from `WorkerVectorEnv`, one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EnvGroup } from './env-group.js';
import { makeEnv } from './registry.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('vector-worker: must run in a worker thread');
const setup = workerData as WorkerSetup;

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer);
}

try {
  const envs = await Promise.all(Array.from({ length: setup.count }, () => makeEnv(setup.envId)));
  const group = new EnvGroup(envs);
  port.on('message', (request: WorkerRequest) => {
    try {
      switch (request.type) {
        case 'reset': {
          const observations = group.reset(request.seed);
          reply({ type: 'reset', observations }, [observations.buffer as ArrayBuffer]);
          return;
        }
        case 'step': {
          const step = group.step(request.actions);
          reply({ type: 'step', step }, [
            step.observations.buffer as ArrayBuffer,
            step.nextObservations.buffer as ArrayBuffer,
            step.rewards.buffer as ArrayBuffer,
            step.terminated.buffer as ArrayBuffer,
            step.truncated.buffer as ArrayBuffer,
          ]);
          return;
        }
        case 'close':
          group.close();
          reply({ type: 'closed' });
          port.close();
          return;
      }
    } catch (error) {
      reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  });
  reply({ type: 'ready' });
} catch (error) {
  reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
