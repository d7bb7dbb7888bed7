export * from './adam.js';
export * from './clip.js';
export * from './optimizer.js';
export * from './polyak.js';
export * from './schedule.js';
