export * from './batch-tensors.js';
export * from './bc.js';
export * from './evaluate.js';
export * from './recipe.js';
export * from './registry.js';
export * from './scripted-dataset.js';
export * from './train-offline.js';
