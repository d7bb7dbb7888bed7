export * from './behaviour-cloning.js';
export * from './deterministic-policy.js';
