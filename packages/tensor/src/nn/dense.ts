/**
 * A dense layer y = f(x·W + b) with kernel W [in, out] and bias b [out]: one registered kernel with a
 * registered gradient (dense-kernel.ts), fast on tfjs-backend-wasm with either the stock or the
 * accelerated matMul kernels (performance.md §2, §5). Only the forward's product is fused with bias and
 * activation, and it has no transposed operand: fused products with transposeA/B plus bias or
 * activation return wrong values on stock wasm 4.22 (dense.test.ts).
 */
import type { Key } from '../random.js';
import { splitKey } from '../random.js';
import type { Tensor, Tensor1D, Tensor2D } from '../tf.js';
import type { TensorTree } from '../tree.js';
import { withRank1Storage } from '../wasm-kernels.js';
import { type Activation, assertActivation } from './activation.js';
import { denseKernel } from './dense-kernel.js';
import { type Initializer, pytorchUniformInit } from './init.js';
import { assertShape } from './shapes.js';

export interface DenseParams extends TensorTree {
  readonly kernel: Tensor2D;
  readonly bias: Tensor1D;
}

export interface DenseSpec {
  readonly inputSize: number;
  readonly outputSize: number;
  /** Default 'linear'. */
  readonly activation?: Activation;
  /** Default PyTorch's U(±1/√in). */
  readonly kernelInit?: Initializer;
  /** Default PyTorch's U(±1/√in). */
  readonly biasInit?: Initializer;
  /** Used in error messages. Default 'dense'. */
  readonly name?: string;
}

export interface DenseApplyOptions {
  readonly activation?: Activation;
  readonly name?: string;
  /**
   * Treat x as a constant: its gradient is zero and the dx product is skipped. Right for input layers
   * fed with data (observations, dataset actions); wrong where dL/dx is wanted (an actor's action fed
   * into a critic), so it is off by default.
   */
  readonly stopInputGradient?: boolean;
}

const assertPositiveInteger = (layer: string, what: string, value: number): void => {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${layer}: ${what} must be a positive integer, got ${value}`);
};

/** Draws {kernel [in, out], bias [out]} from two keys split off `key`. */
export const denseInit = (key: Key, spec: DenseSpec): DenseParams => {
  const name = spec.name ?? 'dense';
  assertPositiveInteger(name, 'inputSize', spec.inputSize);
  assertPositiveInteger(name, 'outputSize', spec.outputSize);
  const [kernelKey, biasKey] = splitKey(key, 2) as [Key, Key];
  const kernel = (spec.kernelInit ?? pytorchUniformInit())(
    kernelKey,
    [spec.inputSize, spec.outputSize],
    spec.inputSize,
  );
  const bias = (spec.biasInit ?? pytorchUniformInit())(biasKey, [spec.outputSize], spec.inputSize);
  assertShape(name, 'initialised kernel', kernel, [spec.inputSize, spec.outputSize]);
  assertShape(name, 'initialised bias', bias, [spec.outputSize]);
  return { kernel: kernel as Tensor2D, bias: bias as Tensor1D };
};

/** y = f(x·W + b) for x [B, in]; throws naming the layer when the shapes do not fit. */
export const denseApply = (params: DenseParams, x: Tensor, options: DenseApplyOptions = {}): Tensor2D => {
  const name = options.name ?? 'dense';
  const activation = assertActivation(name, options.activation ?? 'linear');
  const { kernel, bias } = params;
  if (kernel.rank !== 2)
    throw new Error(`${name}: kernel has shape [${kernel.shape}], expected rank 2 [in,out]`);
  const [inputs, outputs] = kernel.shape;
  assertShape(name, 'bias', bias, [outputs]);
  assertShape(name, 'input', x, [-1, inputs]);
  const storedBias = withRank1Storage(bias) as Tensor1D;
  return denseKernel(x as Tensor2D, kernel, storedBias, activation, options.stopInputGradient !== true);
};

/** A dense layer as a `Module`. */
export const dense = (spec: DenseSpec) => ({
  spec,
  init: (key: Key): DenseParams => denseInit(key, spec),
  apply: (
    params: DenseParams,
    x: Tensor,
    options: Omit<DenseApplyOptions, 'activation' | 'name'> = {},
  ): Tensor2D =>
    denseApply(params, x, {
      ...options,
      activation: spec.activation ?? 'linear',
      name: spec.name ?? 'dense',
    }),
});
