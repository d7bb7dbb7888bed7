export * from './activation.js';
export * from './dense.js';
export * from './dropout.js';
export * from './ensemble.js';
export * from './init.js';
export * from './layer-norm.js';
export * from './mlp.js';
export { FUSED_OUTPUT_ACTIVATIONS, withPerLayerMlp } from './mlp-kernel.js';
export * from './shapes.js';
