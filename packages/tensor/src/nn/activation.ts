/**
 * Activations of the dense layers. Their derivatives, written in terms of the output y = f(z) so that a
 * gradient needs to keep only y, are in dense-kernel.ts:
 *   relu′ = step(y),  tanh′ = 1 − y²,  elu′ = 1 + min(y, 0)  (e^z = y + 1 for z ≤ 0),  sigmoid′ = y(1 − y).
 */
import { type Tensor, tf } from '../tf.js';

export const ACTIVATIONS = ['linear', 'relu', 'tanh', 'elu', 'sigmoid'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** Activations that `tf.fused.matMul` applies in its epilogue for free (tanh is not among them). */
export const isFusable = (activation: Activation): activation is 'linear' | 'relu' | 'elu' | 'sigmoid' =>
  activation !== 'tanh';

export const assertActivation = (layer: string, activation: string): Activation => {
  const found = ACTIVATIONS.find((a) => a === activation);
  if (found === undefined) {
    throw new Error(
      `${layer}: unknown activation '${activation}', expected one of ${ACTIVATIONS.join(', ')}`,
    );
  }
  return found;
};

/** f(z) with tfjs's own ops (their gradients come from autodiff). */
export const activate = (z: Tensor, activation: Activation): Tensor => {
  switch (activation) {
    case 'linear':
      return z;
    case 'relu':
      return tf.relu(z);
    case 'tanh':
      return tf.tanh(z);
    case 'elu':
      return tf.elu(z);
    case 'sigmoid':
      return tf.sigmoid(z);
  }
};
