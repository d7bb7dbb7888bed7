/**
 * An online checkpoint on disk, two safetensors files in a directory (Python reads both with
 * `safetensors.numpy.load_file`):
 *   state.safetensors   the recipe's training state; metadata `format`, `progress` (JSON of `OnlineProgress`)
 *   buffer.safetensors  the replay buffer's rows [0, size) in ring order: observations [N, S], actions
 *                       [N, A], rewards, next_observations, terminals and timeouts (as float32 0/1), and
 *                       mc_returns when held; metadata `capacity`, `size`, `next_row`
 * The loop's checkpoints are taken when no episode is staged (segment ends write them), so staged rows are
 * not stored.
 */
import { join } from 'node:path';
import { disposeTree, loadSafetensors, saveSafetensors, type TensorTree, tf } from '@offrl/tensor';
import type { OnlineBufferSnapshot } from './online-buffer.js';
import type { OnlineCheckpoint, OnlineProgress } from './train-online.js';

const FORMAT = 'offrl-online-checkpoint/1';

export const saveOnlineCheckpoint = async <S extends TensorTree>(
  directory: string,
  checkpoint: OnlineCheckpoint<S>,
): Promise<void> => {
  const { buffer, progress } = checkpoint;
  if (buffer.staged.some((episode) => episode.rewards.length > 0)) {
    throw new Error('saveOnlineCheckpoint: the buffer has staged episodes; checkpoint at a segment end');
  }
  const { size, observationDim: od, actionDim: ad } = buffer;
  const rows = {
    observations: tf.tensor2d(buffer.observations, [size, od]),
    actions: tf.tensor2d(buffer.actions, [size, ad]),
    rewards: tf.tensor1d(buffer.rewards),
    next_observations: tf.tensor2d(buffer.nextObservations, [size, od]),
    terminals: tf.tensor1d(Float32Array.from(buffer.terminals)),
    timeouts: tf.tensor1d(Float32Array.from(buffer.timeouts)),
    ...(buffer.mcReturns === undefined ? {} : { mc_returns: tf.tensor1d(buffer.mcReturns) }),
  };
  try {
    await saveSafetensors(join(directory, 'buffer.safetensors'), rows, {
      format: FORMAT,
      capacity: String(buffer.capacity),
      size: String(size),
      next_row: String(buffer.nextRow),
      envs: String(buffer.staged.length),
    });
  } finally {
    disposeTree(rows);
  }
  await saveSafetensors(join(directory, 'state.safetensors'), checkpoint.state, {
    format: FORMAT,
    progress: JSON.stringify(progress),
  });
};

/** Reads a checkpoint; `expected` (e.g. `recipe.init(key)`, only read) checks the state's structure. */
export const loadOnlineCheckpoint = async <S extends TensorTree>(
  directory: string,
  expected?: S,
): Promise<OnlineCheckpoint<S>> => {
  const statePath = join(directory, 'state.safetensors');
  const state = await loadSafetensors(statePath, expected === undefined ? {} : { expected });
  const rows = await loadSafetensors(join(directory, 'buffer.safetensors'));
  try {
    for (const [path, metadata] of [
      [statePath, state.metadata],
      [join(directory, 'buffer.safetensors'), rows.metadata],
    ] as const) {
      if (metadata['format'] !== FORMAT)
        throw new Error(
          `${path}: not an offrl online checkpoint (format '${metadata['format'] ?? 'missing'}')`,
        );
    }
    const tree = rows.tree as Record<string, tf.Tensor>;
    const read = (name: string) => tree[name]!.dataSync() as Float32Array;
    const [size, observationDim] = tree['observations']!.shape as [number, number];
    const mcReturns = tree['mc_returns'] === undefined ? undefined : Float32Array.from(read('mc_returns'));
    const envs = Number(rows.metadata['envs']);
    const buffer: OnlineBufferSnapshot = {
      capacity: Number(rows.metadata['capacity']),
      observationDim,
      actionDim: tree['actions']!.shape[1]!,
      size,
      nextRow: Number(rows.metadata['next_row']),
      observations: Float32Array.from(read('observations')),
      actions: Float32Array.from(read('actions')),
      rewards: Float32Array.from(read('rewards')),
      nextObservations: Float32Array.from(read('next_observations')),
      terminals: Uint8Array.from(read('terminals')),
      timeouts: Uint8Array.from(read('timeouts')),
      mcReturns,
      staged: Array.from({ length: envs }, () => ({
        observations: [],
        actions: [],
        rewards: [],
        nextObservations: [],
        terminals: [],
        timeouts: [],
      })),
    };
    const progress = JSON.parse(state.metadata['progress'] ?? 'null') as OnlineProgress;
    return { state: state.tree as S, buffer, progress };
  } catch (error) {
    disposeTree(state.tree);
    throw error;
  } finally {
    disposeTree(rows.tree);
  }
};
