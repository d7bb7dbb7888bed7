export * from './grad.js';
export * from './loss.js';
export * from './loss-combinators.js';
export * from './module.js';
export * from './optim/index.js';
export * from './random.js';
export * from './tf.js';
export * from './tree.js';
