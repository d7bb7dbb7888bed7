export * from './bc-penalty.js';
export * from './conservative-penalty.js';
export * from './kl-penalty.js';
export * from './kl-reward-penalty.js';
