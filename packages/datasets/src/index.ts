export type { Column, MetadataValue, NumericArray } from './column.js';
export { gatherColumnRows, rowWidth } from './column.js';
export type { ExpectedDimensions, ReadD4RLOptions, WriteD4RLOptions } from './d4rl.js';
export { readD4RL, readD4RLEither, writeD4RL } from './d4rl.js';
export type { DatasetDescription } from './describe.js';
export { describe } from './describe.js';
export { discontinuityEnds, splitAtDiscontinuities } from './discontinuities.js';
export type { EpisodeStatistics, EpisodeView, MonteCarloOptions, Summary } from './episodes.js';
export {
  episodeIndexOfRows,
  episodeLengths,
  episodeReturns,
  episodeStarts,
  episodeStatistics,
  monteCarloReturns,
  returnsToGo,
  summarise,
  withMonteCarloReturns,
} from './episodes.js';
export type { DatasetErrorCode, DatasetErrorLocation } from './errors.js';
export { DatasetError } from './errors.js';
export type { BoxSpace, ReadMinariOptions, WriteMinariOptions } from './minari.js';
export {
  minariRoot,
  readMinari,
  readMinariEither,
  resolveMinariDataDir,
  unboundedBox,
  writeMinari,
} from './minari.js';
export type { MixedSampleOptions } from './mixed-sampler.js';
export { linearSchedule, offlineRows, sampleMixed, sampleMixedInto } from './mixed-sampler.js';
export type { NormaliserOptions, ObservationNormaliser } from './normaliser.js';
export {
  denormaliseObservations,
  normaliseBatch,
  normaliseDataset,
  normaliseObservations,
  observationNormaliser,
} from './normaliser.js';
export { parsePythonJson, stringifyPythonJson } from './python-json.js';
export type { QLearningOptions } from './qlearning.js';
export { inferTimeouts, qlearningDataset } from './qlearning.js';
export type { ReplayBufferShape, Transition, TransitionRows } from './replay-buffer.js';
export { ReplayBuffer } from './replay-buffer.js';
export type { RewardTransform } from './rewards.js';
export { returnRangeScale, transformRewards } from './rewards.js';
export type { RngState } from './rng.js';
export { nextUint32, seedRng } from './rng.js';
export type { Batch, BatchShape } from './sampler.js';
export { createBatch, sample, sampleInto } from './sampler.js';
export type { TopEpisodesOptions } from './select.js';
export { selectRows, topEpisodes } from './select.js';
export type { TransitionDataset, TransitionFields, TransitionSource } from './transitions.js';
export { createTransitions, firstNonFinite, transitionsOrThrow } from './transitions.js';
