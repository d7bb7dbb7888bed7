/**
 * The contract between the wasm backend's matMul kernels (matmul-kernels.ts) and the engines that run
 * their products: onnxruntime-node (ort-gemm.ts) and offrl's own wasm SIMD GEMM (wasm-gemm.ts).
 *
 *   y[m,n] = act(op(a)·op(b) + bias),  op(x) = x or xᵀ,  bias broadcast to [m,n].
 */

/** The epilogue activations of tfjs's `_FusedMatMul`. */
export const FUSED_ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const;
export type FusedActivation = (typeof FUSED_ACTIVATIONS)[number];

/** A row-major [rows, cols] operand broadcast to the [m, n] output (rows ∈ {1, m}, cols ∈ {1, n}). */
export interface Broadcast {
  readonly data: Float32Array;
  readonly rows: number;
  readonly cols: number;
}

export interface GemmCall {
  /** [m, k], or [k, m] when `transposeA`. */
  readonly a: Float32Array;
  /** [k, n], or [n, k] when `transposeB`. */
  readonly b: Float32Array;
  /** [m, n], overwritten. */
  readonly y: Float32Array;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly bias?: Broadcast;
  /** One of the engine's `activations`; 'linear' when absent. */
  readonly activation?: FusedActivation;
  /** LeakyReLU slope. */
  readonly alpha?: number;
  /** PReLU slopes. */
  readonly prelu?: Broadcast;
  /** `scratchFloats` floats of working space on the same heap as the operands, when the engine asks. */
  readonly scratch?: Float32Array;
}

/** Who runs the wasm backend's products: onnxruntime-node, or offrl's wasm SIMD GEMM. */
export type GemmProvider = 'ort' | 'wasm';

export interface GemmEngine {
  readonly provider: GemmProvider;
  /** onnxruntime-node's version, or the wasm GEMM's instruction set ('simd128' | 'relaxed-simd'). */
  readonly version: string;
  /** Threads the engine runs a product on. */
  readonly threads: number;
  /** The activations it fuses; the kernels apply the others after the product with stock kernels. */
  readonly activations: readonly FusedActivation[];
  /** Working space each call needs on the wasm heap (0: none). */
  readonly scratchFloats: number;
  /** Runs one product; m, n, k must be positive. */
  gemm(call: GemmCall): void;
}

/** The engine's reason for not loading, or the engine. */
export type GemmEngineLoad = { readonly engine: GemmEngine } | { readonly problem: string };

export const messageOf = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
