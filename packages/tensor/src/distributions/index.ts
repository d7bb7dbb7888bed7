export * from './distribution.js';
export * from './gauss-hermite.js';
export * from './gaussian.js';
export * from './tanh-gaussian.js';
