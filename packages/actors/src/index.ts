export * from './advantage-weighted.js';
export * from './behaviour-cloning.js';
export * from './deterministic-policy.js';
export * from './gaussian-policy.js';
export * from './max-entropy.js';
export * from './maximise-q.js';
export * from './tanh-gaussian-policy.js';
export * from './target-smoothing.js';
