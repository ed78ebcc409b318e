// gemm.cpp — see gemm.h. The blocked kernel follows the usual packed-GEMM structure:
//
//   for each block of at most kKc steps of K (K split evenly):
//     pack op(B)'s rows into panels of kNr columns, interleaved (kc × kNr each)
//     for each panel of kMr rows of op(A): pack it too (kc × kMr), unless op(A)'s columns
//     are contiguous already (then the kernel reads A in place)
//       for each (row panel, column panel): the micro-kernel keeps a kMr × kNr tile of C in
//       kMr/4 · kNr vector accumulators and adds one outer product per step of K.
//
// Every element of C is C_old + (a_0·b_0 + a_1·b_1 + …) summed in order of k within a K block,
// whichever kernel (full tile or edge) computes it, so results depend only on the sizes.
// A short wide C is computed as Cᵀ = op(B)ᵀ·op(A)ᵀ (less padding); matrix × vector products
// (N = 1, or M = 1 transposed) have their own unpacked loops (gemv_*).
#include "kernels/gemm.h"

#include <algorithm>
#include <array>
#include <utility>
#include <cstddef>
#include <cstring>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#else
#include <Eigen/Core>
#endif

#include "kernels/simd.h"
#include "base/tensor.h"

namespace dae {
namespace {

// ---- four-float vectors: wasm SIMD128, or GCC/Clang generic vectors elsewhere ------------
#if defined(__wasm_simd128__)
using f4 = v128_t;
inline f4 load(const float* p) { return wasm_v128_load(p); }
inline void store(float* p, f4 v) { wasm_v128_store(p, v); }
inline f4 splat(const float* p) { return wasm_v128_load32_splat(p); }
inline f4 zero4() { return wasm_f32x4_splat(0.f); }
inline f4 add(f4 a, f4 b) { return wasm_f32x4_add(a, b); }
inline f4 mul(f4 a, f4 b) { return wasm_f32x4_mul(a, b); }
#else
typedef float f4 __attribute__((vector_size(16)));
inline f4 load(const float* p) { f4 v; std::memcpy(&v, p, sizeof v); return v; }
inline void store(float* p, f4 v) { std::memcpy(p, &v, sizeof v); }
inline f4 splat(const float* p) { const float x = *p; return f4{x, x, x, x}; }
inline f4 zero4() { return f4{0.f, 0.f, 0.f, 0.f}; }
inline f4 add(f4 a, f4 b) { return a + b; }
inline f4 mul(f4 a, f4 b) { return a * b; }
#endif

// ---- blocking --------------------------------------------------------------------------------
// An 8×5 tile: 10 accumulators + 2 A vectors + 1 broadcast + 1 product = 14 of the 16 vector
// registers V8 has on x64 (8×6 and 12×4 spill and run ~40% slower; measured in node 20).
constexpr int kMr = 8, kNr = 5;
constexpr int kKc = 512;  // K block, at most (K is split evenly): an 8-row A panel (16 KB) and a
                          // 5-column B panel (10 KB) stay in L1
constexpr int kMc = 128;  // rows of A packed at a time (256 KB at most, in L2)

// A strided read-only matrix view: element (r, c) is p[r·rs + c·cs]; one of rs, cs is 1.
struct View {
  const float* p;
  ptrdiff_t rs, cs;
  const float* at(ptrdiff_t r, ptrdiff_t c) const { return p + r * rs + c * cs; }
  View t() const { return {p, cs, rs}; }
};

// ---- micro-kernel ----------------------------------------------------------------------------
// c (MV·4 rows × NR columns, column stride ldc) = [c +] Σ_k a_k ⊗ b_k, where a_k (MV·4 floats)
// starts at a + k·as and b_k (NR floats) at b + k·NR.
template <int MV, int NR>
void micro(int kc, const float* __restrict a, ptrdiff_t as, const float* __restrict b, float* c,
           ptrdiff_t ldc, bool acc) {
  f4 s[MV][NR];
  for (int i = 0; i < MV; ++i)
    for (int j = 0; j < NR; ++j) s[i][j] = zero4();
  // (An end pointer rather than a counter saves V8 a register and an add per step; unrolling
  // the loop measured slower.)
  for (const float* const b_end = b + ptrdiff_t(kc) * NR; b != b_end; a += as, b += NR) {
    f4 av[MV];
    for (int i = 0; i < MV; ++i) av[i] = load(a + 4 * i);
    for (int j = 0; j < NR; ++j) {
      const f4 bj = splat(b + j);
      for (int i = 0; i < MV; ++i) s[i][j] = add(s[i][j], mul(av[i], bj));
    }
  }
  for (int j = 0; j < NR; ++j)
    for (int i = 0; i < MV; ++i) {
      float* cp = c + j * ldc + 4 * i;
      store(cp, acc ? add(load(cp), s[i][j]) : s[i][j]);
    }
}

using Micro = void (*)(int, const float*, ptrdiff_t, const float*, float*, ptrdiff_t, bool);
template <int MV>
constexpr Micro kMicro[kNr + 1] = {nullptr, micro<MV, 1>, micro<MV, 2>, micro<MV, 3>, micro<MV, 4>, micro<MV, 5>};

// ---- packing ---------------------------------------------------------------------------------
// In-register 4×4 transpose: rows r0..r3 become columns.
inline void transpose4(f4& r0, f4& r1, f4& r2, f4& r3) {
#if defined(__wasm_simd128__)
  const f4 t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
  const f4 t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
  r0 = wasm_i64x2_shuffle(t0, t2, 0, 2);
  r1 = wasm_i64x2_shuffle(t0, t2, 1, 3);
  r2 = wasm_i64x2_shuffle(t1, t3, 0, 2);
  r3 = wasm_i64x2_shuffle(t1, t3, 1, 3);
#else
  const f4 t0 = __builtin_shufflevector(r0, r1, 0, 4, 1, 5), t1 = __builtin_shufflevector(r0, r1, 2, 6, 3, 7);
  const f4 t2 = __builtin_shufflevector(r2, r3, 0, 4, 1, 5), t3 = __builtin_shufflevector(r2, r3, 2, 6, 3, 7);
  r0 = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
  r1 = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
  r2 = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
  r3 = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
#endif
}

// Copies the 4 rows × 4 columns of v at (r, c) into dst transposed: column q of the block goes
// to dst + q·stride (4 floats).
inline void copy_transposed4(const View& v, ptrdiff_t r, ptrdiff_t c, float* dst, ptrdiff_t stride) {
  // v.cs == 1: each row of the block is 4 contiguous floats.
  f4 x0 = load(v.at(r, c)), x1 = load(v.at(r + 1, c)), x2 = load(v.at(r + 2, c)), x3 = load(v.at(r + 3, c));
  transpose4(x0, x1, x2, x3);
  store(dst, x0);
  store(dst + stride, x1);
  store(dst + 2 * stride, x2);
  store(dst + 3 * stride, x3);
}

// rows × kc block of view a at (r0, k0) into dst[k·rows + i]; rows is 4 or 8, the rows from
// `valid` on are zero.
void pack_a(const View& a, int r0, int valid, int rows, int k0, int kc, float* dst) {
  int k = 0;
  if (valid == rows) {
    if (a.rs == 1) {  // columns of A are contiguous: plain copies
      for (; k < kc; ++k)
        for (int i = 0; i < rows; i += 4) store(dst + k * rows + i, load(a.at(r0 + i, k0 + k)));
    } else {  // rows of A are contiguous: 4×4 transposes
      for (; k + 4 <= kc; k += 4)
        for (int i = 0; i < rows; i += 4) copy_transposed4(a, r0 + i, k0 + k, dst + k * rows + i, rows);
    }
  }
  for (; k < kc; ++k) {
    for (int i = 0; i < valid; ++i) dst[k * rows + i] = *a.at(r0 + i, k0 + k);
    for (int i = valid; i < rows; ++i) dst[k * rows + i] = 0.f;
  }
}

// kc × nr block of view b at (k0, c0) into dst[k·nr + j].
void pack_b(const View& b, int k0, int kc, int c0, int nr, float* dst) {
  int k = 0;
  if (nr >= 4) {
    if (b.cs == 1) {  // rows of B are contiguous
      for (; k < kc; ++k) {
        store(dst + k * nr, load(b.at(k0 + k, c0)));
        if (nr > 4) dst[k * nr + 4] = *b.at(k0 + k, c0 + 4);
      }
    } else {  // columns of B are contiguous: transpose 4 columns at a time, the 5th one by one
      for (; k + 4 <= kc; k += 4) {
        copy_transposed4(b.t(), c0, k0 + k, dst + k * nr, nr);
        for (int q = 0; q < 4 && nr > 4; ++q) dst[(k + q) * nr + 4] = *b.at(k0 + k + q, c0 + 4);
      }
    }
  }
  for (; k < kc; ++k)
    for (int j = 0; j < nr; ++j) dst[k * nr + j] = *b.at(k0 + k, c0 + j);
}

struct Buffers {
  FloatVec a, b;
  float tile[kMr * kNr];
};
Buffers& buffers() {
  thread_local Buffers buf;
  return buf;
}

// ---- matrix × vector (N = 1) ---------------------------------------------------------------
// y (stride ys) [+]= a (M×K) · x. Each element of A is used once, so nothing is packed.

// Columns of A contiguous: y += A(:, k)·x_k, 32 rows (8 vectors) at a time, in order of k.
template <int V>
void gemv_cols_block(int K, const View& a, int i0, const View& x, float* y, ptrdiff_t ys, bool acc) {
  f4 s[V];
  for (int v = 0; v < V; ++v) s[v] = zero4();
  const float* p = a.at(i0, 0);
  for (int k = 0; k < K; ++k, p += a.cs) {
    const f4 xk = splat(x.at(k, 0));
    for (int v = 0; v < V; ++v) s[v] = add(s[v], mul(load(p + 4 * v), xk));
  }
  float out[4 * V];
  for (int v = 0; v < V; ++v) store(out + 4 * v, s[v]);
  for (int i = 0; i < 4 * V; ++i) y[(i0 + i) * ys] = acc ? y[(i0 + i) * ys] + out[i] : out[i];
}
void gemv_cols(int M, int K, const View& a, const View& x, float* y, ptrdiff_t ys, bool acc) {
  int i = 0;
  for (; i + 32 <= M; i += 32) gemv_cols_block<8>(K, a, i, x, y, ys, acc);
  for (; i + 4 <= M; i += 4) gemv_cols_block<1>(K, a, i, x, y, ys, acc);
  for (; i < M; ++i) {  // the same sums, one at a time
    float s = 0.f;
    for (int k = 0; k < K; ++k) s += *a.at(i, k) * *x.at(k, 0);
    y[i * ys] = acc ? y[i * ys] + s : s;
  }
}

// Rows of A contiguous (x contiguous too): dot products, 4 rows at a time. Lane l of a row's
// accumulator sums the terms k ≡ l (mod 4) below K rounded down to 4; the row's value is
// (lane 0 + lane 1) + (lane 2 + lane 3), then the last K mod 4 terms in order.
void gemv_rows(int M, int K, const View& a, const float* x, float* y, ptrdiff_t ys, bool acc) {
  const int K4 = K / 4 * 4;
  auto finish = [&](int i, float v) {
    const float* r = a.at(i, 0);
    for (int k = K4; k < K; ++k) v += r[k] * x[k];
    y[i * ys] = acc ? y[i * ys] + v : v;
  };
  int i = 0;
  for (; i + 4 <= M; i += 4) {
    const float *r0 = a.at(i, 0), *r1 = a.at(i + 1, 0), *r2 = a.at(i + 2, 0), *r3 = a.at(i + 3, 0);
    f4 s0 = zero4(), s1 = zero4(), s2 = zero4(), s3 = zero4();
    for (int k = 0; k < K4; k += 4) {
      const f4 xv = load(x + k);
      s0 = add(s0, mul(load(r0 + k), xv));
      s1 = add(s1, mul(load(r1 + k), xv));
      s2 = add(s2, mul(load(r2 + k), xv));
      s3 = add(s3, mul(load(r3 + k), xv));
    }
    transpose4(s0, s1, s2, s3);  // now s_l holds lane l of the four rows
    float out[4];
    store(out, add(add(s0, s1), add(s2, s3)));
    for (int q = 0; q < 4; ++q) finish(i + q, out[q]);
  }
  for (; i < M; ++i) {
    const float* r = a.at(i, 0);
    f4 s = zero4();
    for (int k = 0; k < K4; k += 4) s = add(s, mul(load(r + k), load(x + k)));
    float l[4];
    store(l, s);
    finish(i, (l[0] + l[1]) + (l[2] + l[3]));
  }
}

// C (row stride crs, column stride ccs) [+]= a (M×K) · b (K×N).
void product(int M, int N, int K, const View& a, const View& b, float* C, ptrdiff_t crs, ptrdiff_t ccs,
             bool accumulate) {
  Buffers& buf = buffers();
  if (N == 1) {
    if (a.rs == 1) return gemv_cols(M, K, a, b, C, crs, accumulate);
    const float* x = b.p;
    if (b.rs != 1) {  // gather a strided x
      if (buf.b.size() < size_t(K)) buf.b.resize(size_t(K));
      for (int k = 0; k < K; ++k) buf.b[k] = *b.at(k, 0);
      x = buf.b.data();
    }
    return gemv_rows(M, K, a, x, C, crs, accumulate);
  }
  // With contiguous columns, A's full 8-row panels are read in place (packing them measured
  // slower); otherwise (transposed A), and for the last panel of each block, it is packed.
  const bool direct_a = a.rs == 1;
  const int k_blocks = (K + kKc - 1) / kKc, kblock = (K + k_blocks - 1) / k_blocks;
  for (int k0 = 0; k0 < K; k0 += kblock) {
    const int kc = std::min(kblock, K - k0);
    const bool acc = accumulate || k0 > 0;
    if (buf.b.size() < size_t(kc) * N) buf.b.resize(size_t(kc) * N);
    float* bp = buf.b.data();  // column panel j0 at bp + j0·kc
    for (int j0 = 0; j0 < N; j0 += kNr) pack_b(b, k0, kc, j0, std::min(kNr, N - j0), bp + size_t(j0) * kc);

    for (int i0 = 0; i0 < M; i0 += kMc) {
      const int mc = std::min(kMc, M - i0);
      // Row panels: `full` of 8 rows, then the `rest` rows in a zero-padded panel of 4 or 8.
      const int full = mc / kMr, rest = mc % kMr, rest_rows = rest == 0 ? 0 : rest <= 4 ? 4 : 8;
      const int packed_full = direct_a ? 0 : full;
      const size_t need = (size_t(packed_full) * kMr + rest_rows) * kc;
      if (buf.a.size() < need) buf.a.resize(need);
      float* ap = buf.a.data();  // packed full panel p at ap + p·8·kc, then the rest panel
      for (int p = 0; p < packed_full; ++p) pack_a(a, i0 + p * kMr, kMr, kMr, k0, kc, ap + size_t(p) * kMr * kc);
      float* rest_p = ap + size_t(packed_full) * kMr * kc;
      if (rest) pack_a(a, i0 + full * kMr, rest, rest_rows, k0, kc, rest_p);

      for (int j0 = 0; j0 < N; j0 += kNr) {
        const int nr = std::min(kNr, N - j0);
        const float* bpj = bp + size_t(j0) * kc;
        for (int p = 0; p < full + (rest ? 1 : 0); ++p) {
          const int r0 = i0 + p * kMr;
          const bool is_rest = p == full;
          const int rows = is_rest ? rest_rows : kMr, valid = is_rest ? rest : kMr;
          const float* panel = is_rest ? rest_p : direct_a ? a.at(r0, k0) : ap + size_t(p) * kMr * kc;
          const ptrdiff_t step = is_rest || !direct_a ? rows : a.cs;
          const Micro kernel = rows == 8 ? kMicro<2>[nr] : kMicro<1>[nr];
          float* c = C + r0 * crs + j0 * ccs;
          if (crs == 1 && valid == rows) {
            kernel(kc, panel, step, bpj, c, ccs, acc);
          } else {  // padded rows, or C stored transposed: through a small tile
            kernel(kc, panel, step, bpj, buf.tile, rows, false);
            for (int j = 0; j < nr; ++j)
              for (int i = 0; i < valid; ++i) {
                float& d = c[i * crs + j * ccs];
                d = acc ? d + buf.tile[i + j * rows] : buf.tile[i + j * rows];
              }
          }
        }
      }
    }
  }
}

#if !defined(__wasm_simd128__)
void gemm_eigen(bool transA, bool transB, int M, int N, int K, const float* A, int lda, const float* B,
                int ldb, float* C, int ldc, bool accumulate) {
  using Stride = Eigen::OuterStride<>;
  using CMap = Eigen::Map<const Eigen::MatrixXf, 0, Stride>;
  Eigen::Map<Eigen::MatrixXf, 0, Stride> c(C, M, N, Stride(ldc));
  const CMap a(A, transA ? K : M, transA ? M : K, Stride(lda));
  const CMap b(B, transB ? N : K, transB ? K : N, Stride(ldb));
  auto run = [&](const auto& x, const auto& y) {
    if (accumulate) c.noalias() += x * y;
    else c.noalias() = x * y;
  };
  if (transA && transB) run(a.transpose(), b.transpose());
  else if (transA) run(a.transpose(), b);
  else if (transB) run(a, b.transpose());
  else run(a, b);
}
#endif

// ---- row-major kernel (gemm_rowmajor) ------------------------------------------------------
// A tile of MR rows × NV vectors of C in registers: per step of k, NV vector loads of B's row k,
// MR broadcasts of A's column k, MR·NV multiply-adds.
#if defined(__AVX512F__)
constexpr int kRmAcc = 24, kRmMaxNv = 4;  // of 32 vector registers
#elif defined(__AVX2__) && defined(__FMA__)
constexpr int kRmAcc = 12, kRmMaxNv = 2;  // of 16
#else
constexpr int kRmAcc = 8, kRmMaxNv = 4;  // 2 rows × 4 vectors: V8 on x64 has 15 usable (more spill)
#endif
constexpr int rm_rows(int nv) { return kRmAcc / nv < 12 ? kRmAcc / nv : 12; }

template <int MR, int NV>
void rm_tile(int K, const float* __restrict a, ptrdiff_t ams, ptrdiff_t aks, const float* __restrict b,
             ptrdiff_t ldb, float* c, ptrdiff_t ldc, bool acc) {
  namespace v = simd;
  // (The unroll pragmas make GCC keep s in registers; otherwise it also stores every
  // accumulator to the stack on each step of k.)
  v::vf s[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) s[i][j] = v::zero();
  for (int k = 0; k < K; ++k, a += aks, b += ldb) {
    v::vf bv[NV];
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) bv[j] = v::load(b + j * v::kLanes);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const v::vf av = v::bcast(a + i * ams);
#pragma GCC unroll 4
      for (int j = 0; j < NV; ++j) s[i][j] = v::fmadd(av, bv[j], s[i][j]);
    }
  }
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < NV; ++j) {
      float* cp = c + i * ldc + j * v::kLanes;
      v::store(cp, acc ? v::add(v::load(cp), s[i][j]) : s[i][j]);
    }
}

using RmTile = void (*)(int, const float*, ptrdiff_t, ptrdiff_t, const float*, ptrdiff_t, float*, ptrdiff_t, bool);
template <int NV, int... I>
constexpr std::array<RmTile, sizeof...(I)> rm_table(std::integer_sequence<int, I...>) {
  return {rm_tile<I + 1, NV>...};
}
// kRmTiles[nv − 1][mr − 1]: the tile of mr rows × nv vectors.
template <int NV>
constexpr auto kRmTileTable = rm_table<NV>(std::make_integer_sequence<int, rm_rows(NV)>());
const RmTile* const kRmTiles[4] = {kRmTileTable<1>.data(), kRmTileTable<2>.data(),
                                   kRmMaxNv >= 3 ? kRmTileTable<3>.data() : nullptr,
                                   kRmMaxNv >= 4 ? kRmTileTable<4>.data() : nullptr};

}  // namespace

void gemm_rowmajor(int M, int N, int K, const float* a, ptrdiff_t ams, ptrdiff_t aks, const float* b, ptrdiff_t ldb,
                   float* c, ptrdiff_t ldc, bool accumulate) {
  constexpr int L = simd::kLanes;
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate)
      for (int i = 0; i < M; ++i) std::fill(c + i * ldc, c + i * ldc + N, 0.f);
    return;
  }
  for (int j0 = 0; j0 < N / L;) {  // column blocks of kRmMaxNv vectors, then the rest
    const int nv = std::min(kRmMaxNv, N / L - j0), mr = rm_rows(nv);
    const RmTile* tiles = kRmTiles[nv - 1];
    for (int i0 = 0; i0 < M; i0 += mr) {
      const int rows = std::min(mr, M - i0);
      tiles[rows - 1](K, a + i0 * ams, ams, aks, b + j0 * L, ldb, c + i0 * ldc + j0 * L, ldc, accumulate);
    }
    j0 += nv;
  }
}

void gemm_blocked(bool transA, bool transB, int M, int N, int K, const float* A, int lda, const float* B,
                  int ldb, float* C, int ldc, bool accumulate) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate)
      for (int j = 0; j < N; ++j) std::fill(C + size_t(j) * ldc, C + size_t(j) * ldc + M, 0.f);
    return;
  }
  const View a = transA ? View{A, lda, 1} : View{A, 1, lda};  // op(A), M×K
  const View b = transB ? View{B, ldb, 1} : View{B, 1, ldb};  // op(B), K×N
  // Rows are computed in panels of 8 (or 4 at the end): for a short, wide C (the filter
  // gradient of a first layer, 9×32) computing Cᵀ = op(B)ᵀ·op(A)ᵀ wastes less on padding.
  auto padded = [](int rows) { return rows / kMr * kMr + (rows % kMr == 0 ? 0 : rows % kMr <= 4 ? 4 : kMr); };
  if (4 * padded(M) * N > 5 * padded(N) * M)
    product(N, M, K, b.t(), a.t(), C, ldc, 1, accumulate);
  else
    product(M, N, K, a, b, C, 1, ldc, accumulate);
}

void gemm(bool transA, bool transB, int M, int N, int K, const float* A, int lda, const float* B, int ldb,
          float* C, int ldc, bool accumulate) {
#if defined(__wasm_simd128__)
  gemm_blocked(transA, transB, M, N, K, A, lda, B, ldb, C, ldc, accumulate);
#else
  gemm_eigen(transA, transB, M, N, K, A, lda, B, ldb, C, ldc, accumulate);
#endif
}

}  // namespace dae
