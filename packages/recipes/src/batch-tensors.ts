/** The learner's side of the typed-array boundary: a `@offrl/datasets` batch becomes tensors. */
import type { Batch as ArrayBatch } from '@offrl/datasets';
import { tf } from '@offrl/tensor';
import type { RecipeBatch } from './recipe.js';

export const batchToTensors = (batch: ArrayBatch): RecipeBatch => ({
  observations: tf.tensor2d(batch.observations, [batch.size, batch.observationDim]),
  actions: tf.tensor2d(batch.actions, [batch.size, batch.actionDim]),
  rewards: tf.tensor1d(batch.rewards),
  nextObservations: tf.tensor2d(batch.nextObservations, [batch.size, batch.observationDim]),
  terminals: tf.tensor1d(batch.terminals),
  ...(batch.mcReturns === undefined ? {} : { mcReturns: tf.tensor1d(batch.mcReturns) }),
});
