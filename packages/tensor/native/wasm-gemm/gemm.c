/*
 * A float32 GEMM for WebAssembly SIMD-128 that runs on tfjs-backend-wasm's own memory (imported), so the
 * wasm matMul kernels read their operands and write their output where tfjs keeps them, without copies:
 *
 *   y[m,n] = act(op(a)·op(b) + bias),  op(x) = x or xᵀ,  bias and PReLU slopes broadcast to [m,n].
 *
 * Layout (BLIS-style): op(b) is packed in KC×NR column panels, op(a) in MR×KC row panels, and an MR×NR
 * register tile accumulates one k-block; the transposes are absorbed by the packing, so one micro-kernel
 * serves NN, NT, TN and TT. Edges are zero-padded in the packed panels and stored through a tile buffer.
 *
 * The module has no data, no stack and no globals (build.sh checks): it would otherwise place them at
 * addresses that tfjs's allocator owns. All scratch space comes from the caller (gemm_scratch_floats).
 * RELAXED selects f32x4.relaxed_madd (one fused multiply-add where the CPU has it) over mul + add.
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define MR 4
#define NR 8
#define KC 256
#define MC (16 * MR)
#define NC 512

#define EXPORT(name) __attribute__((export_name(#name)))

#ifdef RELAXED
#define MADD(a, b, c) ((v128_t)__builtin_wasm_relaxed_madd_f32x4((__f32x4)(a), (__f32x4)(b), (__f32x4)(c)))
#else
#define MADD(a, b, c) wasm_f32x4_add((c), wasm_f32x4_mul((a), (b)))
#endif

enum { LINEAR = 0, RELU = 1, RELU6 = 2, LEAKYRELU = 3, PRELU = 4 };

/* Floats of scratch one call needs: packed a, packed b, one edge tile. */
EXPORT(gemm_scratch_floats) int gemm_scratch_floats(void) { return MC * KC + KC * NC + MR * NR; }

/* Packs rows [0, mc) × cols [0, kc) of op(a) (element (i, p) at a[i*rs + p*cs]) into MR-row panels. */
static void pack_a(const float *a, int rs, int cs, int mc, int kc, float *out) {
  for (int i0 = 0; i0 < mc; i0 += MR) {
    const int rows = mc - i0 < MR ? mc - i0 : MR;
    if (rows == MR) {
      const float *first = a + i0 * rs;
      for (int p = 0; p < kc; p++, out += MR)
#pragma unroll
        for (int r = 0; r < MR; r++) out[r] = first[r * rs + p * cs];
    } else {
      for (int p = 0; p < kc; p++, out += MR)
        for (int r = 0; r < MR; r++) out[r] = r < rows ? a[(i0 + r) * rs + p * cs] : 0.0f;
    }
  }
}

/* Packs rows [0, kc) × cols [0, nc) of op(b) (element (p, j) at b[p*rs + j*cs]) into NR-column panels. */
static void pack_b(const float *b, int rs, int cs, int kc, int nc, float *out) {
  for (int j0 = 0; j0 < nc; j0 += NR) {
    const int cols = nc - j0 < NR ? nc - j0 : NR;
    if (cs == 1 && cols == NR) {
      for (int p = 0; p < kc; p++, out += NR) {
        const float *src = b + p * rs + j0;
        wasm_v128_store(out, wasm_v128_load(src));
        wasm_v128_store(out + 4, wasm_v128_load(src + 4));
      }
    } else if (rs == 1 && cols == NR) {
      const float *c0 = b + j0 * cs;
      for (int p = 0; p < kc; p++, out += NR)
        for (int c = 0; c < NR; c++) out[c] = c0[c * cs + p];
    } else {
      for (int p = 0; p < kc; p++, out += NR)
        for (int c = 0; c < NR; c++) out[c] = c < cols ? b[p * rs + (j0 + c) * cs] : 0.0f;
    }
  }
}

/* c[MR×NR] (row stride ldc) = (accumulate ? c : 0) + ap·bp over kc; the loops unroll into registers. */
static void micro_kernel(int kc, const float *ap, const float *bp, float *c, int ldc, int accumulate) {
  v128_t acc[MR][2];
#pragma unroll
  for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = wasm_f32x4_splat(0);
  for (int p = 0; p < kc; p++, ap += MR, bp += NR) {
    const v128_t b0 = wasm_v128_load(bp), b1 = wasm_v128_load(bp + 4);
#pragma unroll
    for (int r = 0; r < MR; r++) {
      const v128_t a = wasm_v128_load32_splat(ap + r);
      acc[r][0] = MADD(a, b0, acc[r][0]);
      acc[r][1] = MADD(a, b1, acc[r][1]);
    }
  }
#pragma unroll
  for (int r = 0; r < MR; r++) {
    float *row = c + r * ldc;
    if (accumulate) {
      acc[r][0] = wasm_f32x4_add(acc[r][0], wasm_v128_load(row));
      acc[r][1] = wasm_f32x4_add(acc[r][1], wasm_v128_load(row + 4));
    }
    wasm_v128_store(row, acc[r][0]);
    wasm_v128_store(row + 4, acc[r][1]);
  }
}

/* y = act(y + bias): bias and slope element (i, j) at bias[i*brs + j*bcs] (a null bias adds nothing). */
static void epilogue(float *y, int m, int n, const float *bias, int brs, int bcs, int act, float alpha,
                     const float *slope, int srs, int scs) {
  for (int i = 0; i < m; i++) {
    float *row = y + i * n;
    for (int j = 0; j < n; j++) {
      float v = row[j];
      if (bias) v += bias[i * brs + j * bcs];
      if (act == RELU) v = v > 0.0f ? v : 0.0f;
      else if (act == RELU6) v = v > 0.0f ? (v < 6.0f ? v : 6.0f) : 0.0f;
      else if (act == LEAKYRELU) v = v > 0.0f ? v : v * alpha;
      else if (act == PRELU) v = v > 0.0f ? v : v * slope[i * srs + j * scs];
      row[j] = v;
    }
  }
}

/*
 * y[m,n] (row-major, overwritten) = act(op(a)·op(b) + bias); a is [m,k] ([k,m] when ta), b is [k,n]
 * ([n,k] when tb); m, n, k > 0. scratch holds gemm_scratch_floats() floats, 16-byte aligned.
 */
EXPORT(gemm)
void gemm(const float *a, const float *b, float *y, int m, int n, int k, int ta, int tb, const float *bias,
          int brs, int bcs, int act, float alpha, const float *slope, int srs, int scs, float *scratch) {
  const int ars = ta ? 1 : k, acs = ta ? m : 1;
  const int brs_ = tb ? 1 : n, bcs_ = tb ? k : 1;
  float *pa = scratch, *pb = scratch + MC * KC, *tile = pb + KC * NC;
  for (int j0 = 0; j0 < n; j0 += NC) {
    const int nc = n - j0 < NC ? n - j0 : NC;
    for (int p0 = 0; p0 < k; p0 += KC) {
      const int kc = k - p0 < KC ? k - p0 : KC;
      pack_b(b + p0 * brs_ + j0 * bcs_, brs_, bcs_, kc, nc, pb);
      for (int i0 = 0; i0 < m; i0 += MC) {
        const int mc = m - i0 < MC ? m - i0 : MC;
        pack_a(a + i0 * ars + p0 * acs, ars, acs, mc, kc, pa);
        for (int jr = 0; jr < nc; jr += NR) {
          const int cols = nc - jr < NR ? nc - jr : NR;
          for (int ir = 0; ir < mc; ir += MR) {
            const int rows = mc - ir < MR ? mc - ir : MR;
            float *c = y + (i0 + ir) * n + j0 + jr;
            const float *ap = pa + ir * kc, *bp = pb + jr * kc;
            if (rows == MR && cols == NR) {
              micro_kernel(kc, ap, bp, c, n, p0 > 0);
            } else {
              micro_kernel(kc, ap, bp, tile, NR, 0);
              for (int r = 0; r < rows; r++)
                for (int s = 0; s < cols; s++)
                  c[r * n + s] = (p0 > 0 ? c[r * n + s] : 0.0f) + tile[r * NR + s];
            }
          }
        }
      }
    }
  }
  if (bias || act != LINEAR) epilogue(y, m, n, bias, brs, bcs, act, alpha, slope, srs, scs);
}
