/**
 * A multilayer perceptron as a functional `Module`: hidden dense layers, each optionally followed by
 * LayerNorm, then the activation, then optional dropout (the order of DroQ, Hiraoka et al. 2022, and of
 * LayerNorm critics), and a final dense layer with an optional output activation.
 *
 * Parameters are a plain tree: `hidden0.kernel`, `hidden0.bias`, `norm0.scale`, `norm0.offset`, …,
 * `output.kernel`, `output.bias`. Without LayerNorm, a hidden layer is one fused matMul + bias +
 * activation with the fast dense gradient (dense.ts); with it, the activation follows the norm.
 */
import type { ApplyOptions, Module } from '../module.js';
import { foldIn, type Key, splitKey } from '../random.js';
import type { Tensor, Tensor2D } from '../tf.js';
import type { TensorTree } from '../tree.js';
import { type Activation, activate, assertActivation } from './activation.js';
import { type DenseParams, denseApply, denseInit } from './dense.js';
import { assertDropoutRate, dropoutApply } from './dropout.js';
import type { Initializer } from './init.js';
import { type LayerNormParams, layerNormApply, layerNormInit } from './layer-norm.js';
import { fusedMlp } from './mlp-kernel.js';
import { assertShape } from './shapes.js';

export interface MlpSpec {
  readonly inputSize: number;
  /** Widths of the hidden layers, e.g. [256, 256]. May be empty (a linear model). */
  readonly hiddenSizes: readonly number[];
  readonly outputSize: number;
  /** Hidden activation; default 'relu'. */
  readonly activation?: Activation;
  /** Default 'linear' ('tanh' for bounded deterministic actors). */
  readonly outputActivation?: Activation;
  /** LayerNorm after each hidden dense layer (before the activation). Default false. */
  readonly layerNorm?: boolean;
  /** Dropout rate after each hidden activation, active only in training. Default 0. */
  readonly dropout?: number;
  /** Hidden kernels and biases; default PyTorch's U(±1/√fan_in). */
  readonly kernelInit?: Initializer;
  readonly biasInit?: Initializer;
  /** Output layer; default the same as the hidden layers. */
  readonly outputKernelInit?: Initializer;
  readonly outputBiasInit?: Initializer;
  /** Used in error messages. Default 'mlp'. */
  readonly name?: string;
}

/**
 * Layer name → that layer's parameters. Leaves are [in, out] / [out] in an MLP and carry a leading
 * member axis ([N, in, out] / [N, out]) in an ensemble.
 */
export interface MlpParams extends TensorTree {
  readonly [layer: string]: { readonly [parameter: string]: Tensor };
}

export interface MlpApplyOptions extends ApplyOptions {
  /**
   * Treat the input as a constant (no gradient flows to it) and skip the input layer's dx product.
   * Use for observations and dataset actions; leave off where dL/d(input) is needed.
   */
  readonly stopInputGradient?: boolean;
}

export const hiddenLayerName = (i: number): string => `hidden${i}`;
export const normLayerName = (i: number): string => `norm${i}`;
export const OUTPUT_LAYER = 'output';

/** Validates a spec once, when the module is made, so errors point at the configuration. */
export const checkMlpSpec = (spec: MlpSpec): void => {
  const name = spec.name ?? 'mlp';
  const sizes = [spec.inputSize, ...spec.hiddenSizes, spec.outputSize];
  for (const size of sizes) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`${name}: layer sizes must be positive integers, got [${sizes.join(', ')}]`);
    }
  }
  assertActivation(name, spec.activation ?? 'relu');
  assertActivation(name, spec.outputActivation ?? 'linear');
  assertDropoutRate(name, spec.dropout ?? 0);
};

export const mlpInit = (key: Key, spec: MlpSpec): MlpParams => {
  const name = spec.name ?? 'mlp';
  const depth = spec.hiddenSizes.length;
  const keys = splitKey(key, depth + 1);
  const params: Record<string, DenseParams | LayerNormParams> = {};
  let inputSize = spec.inputSize;
  for (const [i, width] of spec.hiddenSizes.entries()) {
    params[hiddenLayerName(i)] = denseInit(keys[i]!, {
      inputSize,
      outputSize: width,
      name: `${name}.${hiddenLayerName(i)}`,
      ...(spec.kernelInit === undefined ? {} : { kernelInit: spec.kernelInit }),
      ...(spec.biasInit === undefined ? {} : { biasInit: spec.biasInit }),
    });
    if (spec.layerNorm === true) params[normLayerName(i)] = layerNormInit(keys[i]!, width);
    inputSize = width;
  }
  const outputKernelInit = spec.outputKernelInit ?? spec.kernelInit;
  const outputBiasInit = spec.outputBiasInit ?? spec.biasInit;
  params[OUTPUT_LAYER] = denseInit(keys[depth]!, {
    inputSize,
    outputSize: spec.outputSize,
    name: `${name}.${OUTPUT_LAYER}`,
    ...(outputKernelInit === undefined ? {} : { kernelInit: outputKernelInit }),
    ...(outputBiasInit === undefined ? {} : { biasInit: outputBiasInit }),
  });
  return params as MlpParams;
};

/** The parameters of one layer, or an error naming the MLP and the missing layer. */
export const layerParams = (params: MlpParams, layer: string, mlpName: string) => {
  const found = params[layer];
  if (found === undefined) {
    throw new Error(
      `${mlpName}: parameters have no layer '${layer}' (found ${Object.keys(params).join(', ')})`,
    );
  }
  return found;
};

/** x [B, in] → [B, out]. Dropout masks come from `foldIn(options.key, layer)`. */
export const mlpApply = (
  spec: MlpSpec,
  params: MlpParams,
  x: Tensor,
  options: MlpApplyOptions = {},
): Tensor2D => {
  const name = spec.name ?? 'mlp';
  const activation = spec.activation ?? 'relu';
  const rate = spec.dropout ?? 0;
  const sizes = [spec.inputSize, ...spec.hiddenSizes, spec.outputSize];
  // Parameters of another architecture would otherwise run silently wherever their shapes chain.
  const kernelOf = (id: string, i: number): DenseParams => {
    const layer = layerParams(params, id, name) as DenseParams;
    assertShape(`${name}.${id}`, 'kernel', layer.kernel, [sizes[i]!, sizes[i + 1]!]);
    return layer;
  };
  const depth = spec.hiddenSizes.length;
  const outputActivation = spec.outputActivation ?? 'linear';
  // The whole MLP as one tape node where the products are accelerated (mlp-kernel.ts).
  if (
    spec.layerNorm !== true &&
    (activation === 'relu' || depth === 0) &&
    (rate === 0 || options.training !== true)
  ) {
    const ids = [...spec.hiddenSizes.map((_, i) => hiddenLayerName(i)), OUTPUT_LAYER];
    const layers = ids.map((id, i) => {
      const layer = kernelOf(id, i);
      assertShape(`${name}.${id}`, 'bias', layer.bias, [sizes[i + 1]!]);
      return layer;
    });
    assertShape(`${name}.${ids[0]}`, 'input', x, [-1, spec.inputSize]);
    const fused = fusedMlp(x, layers, outputActivation, options.stopInputGradient !== true);
    if (fused !== undefined) return fused;
  }
  let h: Tensor = x;
  for (let i = 0; i < depth; i++) {
    const layer = `${name}.${hiddenLayerName(i)}`;
    const denseParams = kernelOf(hiddenLayerName(i), i);
    const denseOptions = { name: layer, stopInputGradient: i === 0 && options.stopInputGradient === true };
    if (spec.layerNorm === true) {
      const z = denseApply(denseParams, h, { ...denseOptions, activation: 'linear' });
      const norm = layerParams(params, normLayerName(i), name) as LayerNormParams;
      h = activate(layerNormApply(norm, z, { name: `${name}.${normLayerName(i)}` }), activation);
    } else {
      h = denseApply(denseParams, h, { ...denseOptions, activation });
    }
    h = dropoutApply(h, rate, {
      key: options.key === undefined ? undefined : foldIn(options.key, i),
      training: options.training,
      name: layer,
    });
  }
  return denseApply(kernelOf(OUTPUT_LAYER, depth), h, {
    name: `${name}.${OUTPUT_LAYER}`,
    activation: outputActivation,
    stopInputGradient: depth === 0 && options.stopInputGradient === true,
  });
};

export interface Mlp extends Module<MlpParams, Tensor, Tensor2D> {
  readonly spec: MlpSpec;
  apply(params: MlpParams, x: Tensor, options?: MlpApplyOptions): Tensor2D;
}

/**
 * An MLP module, e.g. a critic `mlp({ inputSize: 23, hiddenSizes: [256, 256], outputSize: 1 })`.
 * `apply(params, x [B, in], { key, training, stopInputGradient })` → [B, out].
 */
export const mlp = (spec: MlpSpec): Mlp => {
  checkMlpSpec(spec);
  return {
    spec,
    init: (key) => mlpInit(key, spec),
    apply: (params, x, options = {}) => mlpApply(spec, params, x, options),
  };
};
