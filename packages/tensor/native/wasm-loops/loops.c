// Elementwise loops of offrl's wasm kernels in WebAssembly SIMD-128 (four float32 lanes): the optimiser
// updates of src/optim/kernels.ts (~10× faster than JavaScript loops on 285k parameters) and the ReLU
// derivative and bias gradient of the dense backward (src/nn/dense-kernel.ts). Every element is read
// before it is written, so an output may be its input (in-place updates of donated buffers). The tail
// after the last full vector repeats the vector's operations on scalars, in the same order, so each
// element gets the same float32 result wherever it falls.
#include <wasm_simd128.h>

// Adam/AdamW for n elements (adam.ts):
//   m' = m + (g − m)·(1 − β1);  v' = β2·v + ((1 − β2)·g)·g;  p' = p·decay − (s·m')/(√v' + ε̂).
void adam(const float *p, const float *g, const float *m, const float *v, float *p_out, float *m_out,
          float *v_out, int n, float one_minus_beta1, float beta2, float one_minus_beta2,
          float step_size, float eps_hat, float decay) {
  const v128_t c1 = wasm_f32x4_splat(one_minus_beta1), b2 = wasm_f32x4_splat(beta2),
               c2 = wasm_f32x4_splat(one_minus_beta2), s = wasm_f32x4_splat(step_size),
               e = wasm_f32x4_splat(eps_hat), d = wasm_f32x4_splat(decay);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t gi = wasm_v128_load(g + i), mi0 = wasm_v128_load(m + i), vi0 = wasm_v128_load(v + i),
                 pi = wasm_v128_load(p + i);
    const v128_t mi = wasm_f32x4_add(mi0, wasm_f32x4_mul(wasm_f32x4_sub(gi, mi0), c1));
    const v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(b2, vi0), wasm_f32x4_mul(wasm_f32x4_mul(c2, gi), gi));
    const v128_t step = wasm_f32x4_div(wasm_f32x4_mul(s, mi), wasm_f32x4_add(wasm_f32x4_sqrt(vi), e));
    wasm_v128_store(m_out + i, mi);
    wasm_v128_store(v_out + i, vi);
    wasm_v128_store(p_out + i, wasm_f32x4_sub(wasm_f32x4_mul(pi, d), step));
  }
  for (; i < n; i++) {
    const float gi = g[i], mi = m[i] + (gi - m[i]) * one_minus_beta1;
    const float vi = beta2 * v[i] + (one_minus_beta2 * gi) * gi;
    const float step = (step_size * mi) / (__builtin_sqrtf(vi) + eps_hat);
    m_out[i] = mi;
    v_out[i] = vi;
    p_out[i] = p[i] * decay - step;
  }
}

// Polyak averaging (polyak.ts): t' = t + τ·(o − t).
void polyak(const float *t, const float *o, float *out, int n, float tau) {
  const v128_t r = wasm_f32x4_splat(tau);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t ti = wasm_v128_load(t + i);
    wasm_v128_store(out + i, wasm_f32x4_add(ti, wasm_f32x4_mul(r, wasm_f32x4_sub(wasm_v128_load(o + i), ti))));
  }
  for (; i < n; i++) out[i] = t[i] + tau * (o[i] - t[i]);
}

// Column sums of a row-major [rows, cols] matrix: out[j] = Σ_i x[i, j], each summed from row 0 down in
// float32 (the bias gradient db = 1ᵀ·dz of a dense layer).
void column_sums(const float *x, float *out, int rows, int cols) {
  for (int j = 0; j < cols; j++) out[j] = 0.0f;
  for (int i = 0; i < rows; i++) {
    const float *row = x + i * cols;
    int j = 0;
    for (; j + 4 <= cols; j += 4)
      wasm_v128_store(out + j, wasm_f32x4_add(wasm_v128_load(out + j), wasm_v128_load(row + j)));
    for (; j < cols; j++) out[j] = out[j] + row[j];
  }
}

// The ReLU layer's dz = dy ⊙ step(y) (relu′ from the output y, as tfjs's Step then Multiply: dy·1 or
// dy·0), and its column sums db as column_sums computes them.
void relu_backward(const float *dy, const float *y, float *dz, float *db, int rows, int cols) {
  const v128_t zero = wasm_f32x4_splat(0.0f), one = wasm_f32x4_splat(1.0f);
  const int size = rows * cols;
  int i = 0;
  for (; i + 4 <= size; i += 4) {
    const v128_t step = wasm_v128_and(wasm_f32x4_gt(wasm_v128_load(y + i), zero), one);
    wasm_v128_store(dz + i, wasm_f32x4_mul(wasm_v128_load(dy + i), step));
  }
  for (; i < size; i++) dz[i] = dy[i] * (y[i] > 0.0f ? 1.0f : 0.0f);
  column_sums(dz, db, rows, cols);
}
