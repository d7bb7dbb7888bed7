export * from './gemm-engine.js';
export * from './matmul-kernels.js';
export * from './ort-gemm.js';
export * from './select-matmul.js';
export * from './wasm-gemm.js';
