export * from './bc-penalty.js';
export * from './kl-reward-penalty.js';
