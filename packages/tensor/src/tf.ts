/**
 * The one TensorFlow.js entry point of offrl. Other packages import `tf` from here (never from
 * `@tensorflow/*` directly), so a single tfjs engine is shared and backends stay this package's business.
 */
import * as tf from '@tensorflow/tfjs';

export type { Rank, Scalar, Tensor, Tensor1D, Tensor2D, Tensor3D, TensorContainer } from '@tensorflow/tfjs';
export { tf };
