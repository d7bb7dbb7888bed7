export * from './dynamics-ensemble.js';
export * from './gaussian-nll.js';
