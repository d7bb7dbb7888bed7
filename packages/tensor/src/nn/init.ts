/**
 * Parameter initialisers. Each is a function of a `Key` and a shape, so every draw is reproducible; the
 * random numbers come from tfjs's seeded generators, which run in JS and give the same values on every
 * backend, and the orthogonalisation runs in float64 JS, so parameters are bit-identical on cpu and wasm.
 */
import { type Key, normal, uniform } from '../random.js';
import { type Tensor, tf } from '../tf.js';

/**
 * Makes a parameter of `shape`; `fanIn` is the number of inputs of the layer (`shape[0]` of a dense
 * kernel [in, out], and also passed for its bias [out]).
 */
export type Initializer = (key: Key, shape: readonly number[], fanIn: number) => Tensor;

/** All zeros (a common bias initialiser). */
export const zerosInit = (): Initializer => (_key, shape) => tf.zeros([...shape]);

/** U(−bound, bound). */
export const uniformInit =
  (bound: number): Initializer =>
  (key, shape) =>
    uniform(key, shape, -bound, bound);

/**
 * PyTorch's `nn.Linear` default for both weight and bias: U(−1/√fan_in, 1/√fan_in). (The weight uses
 * `kaiming_uniform_(a=√5)`, whose bound gain·√(3/fan_in) with gain = √(2/(1+5)) is exactly 1/√fan_in.)
 */
export const pytorchUniformInit = (): Initializer => (key, shape, fanIn) => {
  if (!(fanIn > 0)) throw new RangeError(`pytorchUniformInit: fanIn must be positive, got ${fanIn}`);
  const bound = 1 / Math.sqrt(fanIn);
  return uniform(key, shape, -bound, bound);
};

/**
 * Householder QR of the tall m×n matrix `a` (row-major, m ≥ n), in place. Returns the thin Q (m×n,
 * row-major) with each column multiplied by sign(R_kk), which makes Q Haar-distributed when `a` is
 * Gaussian (Mezzadri 2007, "How to generate random matrices from the classical compact groups").
 */
const orthonormalColumns = (a: Float64Array, m: number, n: number): Float64Array => {
  const reflectors: Float64Array[] = [];
  const signs: number[] = [];
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += a[i * n + k]! ** 2;
    norm = Math.sqrt(norm);
    const head = a[k * n + k]!;
    // R_kk = alpha; choosing alpha opposite in sign to the head avoids cancellation in v.
    const alpha = head >= 0 ? -norm : norm;
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = a[i * n + k]!;
    v[0]! -= alpha;
    let vNorm = 0;
    for (const value of v) vNorm += value * value;
    vNorm = Math.sqrt(vNorm);
    if (vNorm > 0) for (let i = 0; i < v.length; i++) v[i]! /= vNorm;
    // a[k:, k:] ← (I − 2vvᵀ) a[k:, k:]
    for (let j = k; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k]! * a[i * n + j]!;
      for (let i = k; i < m; i++) a[i * n + j]! -= 2 * v[i - k]! * dot;
    }
    reflectors.push(v);
    signs.push(alpha === 0 ? 1 : Math.sign(alpha));
  }
  // Q = H_0 H_1 … H_{n−1} I[:, :n], applied right to left.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = reflectors[k]!;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k]! * q[i * n + j]!;
      for (let i = k; i < m; i++) q[i * n + j]! -= 2 * v[i - k]! * dot;
    }
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[i * n + j]! *= signs[j]!;
  return q;
};

/**
 * Orthogonal initialisation (Saxe et al. 2014; `torch.nn.init.orthogonal_`): the parameter, viewed as
 * a matrix of shape[0] rows and prod(shape[1:]) columns, has orthonormal columns (if it is tall) or
 * rows (if it is wide), scaled by `gain` (√2 for ReLU layers is common, 1 for outputs, 0.01 for policies).
 */
export const orthogonalInit =
  (gain = 1): Initializer =>
  (key, shape) => {
    if (shape.length < 2)
      throw new RangeError(`orthogonalInit: needs a rank ≥ 2 shape, got [${shape.join(',')}]`);
    const rows = shape[0]!;
    const cols = shape.slice(1).reduce((p, s) => p * s, 1);
    const tall = rows >= cols;
    const m = tall ? rows : cols;
    const n = tall ? cols : rows;
    const draws = normal(key, [m, n]);
    const a = Float64Array.from(draws.dataSync());
    draws.dispose();
    const q = orthonormalColumns(a, m, n);
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) out[i * cols + j] = gain * (tall ? q[i * n + j]! : q[j * n + i]!);
    }
    return tf.tensor(out, [...shape], 'float32');
  };
