export * from './demo.js';
export * from './main.js';
