export * from './backup.js';
export * from './ensemble-reduce.js';
export * from './q-ensemble.js';
export * from './td-target.js';
export * from './value-losses.js';
export * from './value-network.js';
