export * from './matmul-kernels.js';
export * from './ort-gemm.js';
export * from './select-matmul.js';
