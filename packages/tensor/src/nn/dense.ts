/**
 * A dense layer y = f(x·W + b) with kernel W [in, out] and bias b [out], and a hand-written gradient
 * that is fast on tfjs-backend-wasm (performance.md §2, §5):
 *
 * - forward: one `tf.fused.matMul` with bias and activation and NO transposed operand. (Fused matMul
 *   with transposeA/B plus bias or activation returns wrong values on wasm 4.22; see dense.test.ts.)
 * - backward, dz = dy ⊙ f′(z):
 *     dx = dz·Wᵀ  (explicit `tf.transpose`, or a reshape when out = 1; skipped with `stopInputGradient`)
 *     dW = xᵀ·dz  (explicit transpose of the smaller of x and dz: (dzᵀ·x)ᵀ when that moves fewer floats)
 *     db = 1ᵀ·dz  (a ones-row product: 10× faster than `tf.sum(dz, 0)` on wasm)
 *   Only plain 2-D non-transposed products reach XNNPACK; tfjs autodiff of matMul uses transposed
 *   products, which take a scalar path about 12× slower. Where the wasm matMul kernels are
 *   accelerated (src/accel), transposed products are as fast as plain ones, so the transposes go
 *   into the product's flags instead (saving ~0.25 ms per 256×256 transpose).
 */
import { acceleratedMatMul } from '../accel/matmul-kernels.js';
import type { Key } from '../random.js';
import { splitKey } from '../random.js';
import { type Tensor, type Tensor1D, type Tensor2D, tf } from '../tf.js';
import type { TensorTree } from '../tree.js';
import { withRank1Storage } from '../wasm-kernels.js';
import { type Activation, activate, activationBackward, assertActivation, isFusable } from './activation.js';
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

/** Whether transposed operands cost nothing extra: the wasm matMul kernels run on the accelerator. */
const transposesAreFast = (): boolean => tf.getBackend() === 'wasm' && acceleratedMatMul() !== undefined;

/** dW = xᵀ·dz with one explicit transpose of whichever operand is cheaper to transpose. */
const kernelGradient = (x: Tensor2D, dz: Tensor2D): Tensor2D => {
  if (transposesAreFast()) return tf.matMul(x, dz, true, false);
  const [batch, inputs] = x.shape;
  const outputs = dz.shape[1];
  if (outputs === 1) {
    // [1,B]·[B,in] → [1,in] → [in,1]: reshapes are free.
    return tf.reshape(tf.matMul(tf.reshape(dz, [1, batch]), x), [inputs, 1]);
  }
  // Transposing x moves B·in floats; transposing dz and the product moves B·out + in·out.
  return batch * inputs <= batch * outputs + inputs * outputs
    ? tf.matMul(tf.transpose(x), dz)
    : (tf.transpose(tf.matMul(tf.transpose(dz), x)) as Tensor2D);
};

/** dx = dz·Wᵀ. */
const inputGradient = (dz: Tensor2D, kernel: Tensor2D): Tensor2D => {
  if (transposesAreFast()) return tf.matMul(dz, kernel, false, true);
  const [inputs, outputs] = kernel.shape;
  const kernelT = outputs === 1 ? tf.reshape(kernel, [1, inputs]) : tf.transpose(kernel);
  return tf.matMul(dz, kernelT);
};

type DenseOp = (x: Tensor2D, kernel: Tensor2D, bias: Tensor1D) => Tensor2D;

// Built per call: a customGrad wrapper is a cheap closure, and a memo table would be module state.
const denseOp = (activation: Activation, withInputGradient: boolean): DenseOp =>
  tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const [xs, w, b, save] = args as [Tensor2D, Tensor2D, Tensor1D, tf.GradSaveFunc];
    let y: Tensor2D;
    if (isFusable(activation)) {
      y = tf.fused.matMul({ a: xs, b: w, bias: b, activation }) as Tensor2D;
    } else {
      const z = tf.fused.matMul({ a: xs, b: w, bias: b });
      y = activate(z, activation) as Tensor2D;
      z.dispose();
    }
    save([xs, w, y]);
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const [sx, sw, sy] = saved as [Tensor2D, Tensor2D, Tensor2D];
        const dz = activationBackward(dy as Tensor2D, sy, activation) as Tensor2D;
        const dx = withInputGradient ? inputGradient(dz, sw) : tf.zerosLike(sx);
        const ones = tf.ones([1, sx.shape[0]]);
        const db = tf.reshape(tf.matMul(ones, dz), [sw.shape[1]]);
        return [dx, kernelGradient(sx, dz), db];
      },
    };
  }) as unknown as DenseOp;

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
  return denseOp(activation, options.stopInputGradient !== true)(x as Tensor2D, kernel, storedBias);
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
