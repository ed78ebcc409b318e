// winograd.cpp — F(4×4, 3×3) convolutions; see winograd.h for the algorithm.
#include "kernels/winograd.h"

#include <algorithm>
#include <cstring>

#include "kernels/gemm.h"
#include "kernels/simd.h"

namespace dae {
namespace {

using namespace simd;
constexpr int L = kLanes;

// ---- the 1-D transforms of F(4, 3) and their adjoints -------------------------------------------
// Interpolation points 0, ±1, ±2, ∞ (the usual choice, e.g. Lavin & Gray 2016):
//   Bᵀ = [4  0 −5  0  1  0]    G = [ 1/4     0     0]    Aᵀ = [1  1  1  1  1  0]
//        [0 −4 −4  1  1  0]        [−1/6 −1/6  −1/6]         [0  1 −1  2 −2  0]
//        [0  4 −4 −1  1  0]        [−1/6  1/6  −1/6]         [0  1  1  4  4  0]
//        [0 −2 −1  2  1  0]        [1/24  1/12  1/6]         [0  1 −1  8 −8  1]
//        [0  2 −1 −2  1  0]        [1/24 −1/12  1/6]
//        [0  4  0 −5  0  1]        [   0     0     1]
// 1-D: y = Aᵀ[(G g) ⊙ (Bᵀ d)] is the correlation y_i = Σ_k d_{i+k} g_k, i < 4, of 6 inputs with
// 3 taps. Each function applies Bᵀ, G or Aᵀ (or, for backward, its transpose: the adjoint) to a
// column of vectors whose lanes are independent channels, with shared subexpressions.

// v = Bᵀ d
inline void bt(const vf d[6], vf v[6]) {
  const vf t0 = fmadd(set1(-4.f), d[2], d[4]), t1 = fmadd(set1(-4.f), d[1], d[3]);
  const vf t2 = sub(d[4], d[2]), t3 = sub(d[3], d[1]);
  v[0] = fmadd(set1(4.f), d[0], fmadd(set1(-5.f), d[2], d[4]));
  v[1] = add(t0, t1);
  v[2] = sub(t0, t1);
  v[3] = fmadd(set1(2.f), t3, t2);
  v[4] = fmadd(set1(-2.f), t3, t2);
  v[5] = fmadd(set1(4.f), d[1], fmadd(set1(-5.f), d[3], d[5]));
}
// d = B v  (adjoint of bt: the same steps backwards)
inline void b_adj(const vf v[6], vf d[6]) {
  const vf g0 = add(v[1], v[2]), g1 = sub(v[1], v[2]);               // gradients of t0, t1
  const vf g2 = add(v[3], v[4]), g3 = mul(set1(2.f), sub(v[3], v[4]));  // of t2, t3
  d[0] = mul(set1(4.f), v[0]);
  d[1] = sub(fmadd(set1(-4.f), g1, mul(set1(4.f), v[5])), g3);
  d[2] = sub(fmadd(set1(-4.f), g0, mul(set1(-5.f), v[0])), g2);
  d[3] = fmadd(set1(-5.f), v[5], add(g1, g3));
  d[4] = add(add(g0, g2), v[0]);
  d[5] = v[5];
}
// u = G g
inline void g_fwd(const vf g[3], vf u[6]) {
  const vf a = add(g[0], g[2]), b = fmadd(set1(0.25f), g[0], g[2]), h = mul(set1(0.5f), g[1]);
  const vf s = set1(1.f / 6.f), ms = set1(-1.f / 6.f);
  u[0] = mul(set1(0.25f), g[0]);
  u[1] = mul(ms, add(a, g[1]));
  u[2] = mul(ms, sub(a, g[1]));
  u[3] = mul(s, add(b, h));
  u[4] = mul(s, sub(b, h));
  u[5] = g[2];
}
// g = Gᵀ u
inline void g_adj(const vf u[6], vf g[3]) {
  const vf ga = mul(set1(-1.f / 6.f), add(u[1], u[2]));   // gradient of a
  const vf gb = mul(set1(1.f / 6.f), add(u[3], u[4]));    // of b
  const vf gh = mul(set1(1.f / 6.f), sub(u[3], u[4]));    // of h
  g[0] = fmadd(set1(0.25f), add(u[0], gb), ga);
  g[1] = fmadd(set1(0.5f), gh, mul(set1(1.f / 6.f), sub(u[2], u[1])));
  g[2] = add(add(ga, gb), u[5]);
}
// y = Aᵀ m
inline void at(const vf m[6], vf y[4]) {
  const vf s = add(m[1], m[2]), d = sub(m[1], m[2]), S = add(m[3], m[4]), D = sub(m[3], m[4]);
  y[0] = add(add(m[0], s), S);
  y[1] = fmadd(set1(2.f), D, d);
  y[2] = fmadd(set1(4.f), S, s);
  y[3] = add(fmadd(set1(8.f), D, d), m[5]);
}
// m = A y
inline void a_adj(const vf y[4], vf m[6]) {
  const vf gs = add(y[0], y[2]), gS = fmadd(set1(4.f), y[2], y[0]);
  const vf gd = add(y[1], y[3]), gD = fmadd(set1(8.f), y[3], mul(set1(2.f), y[1]));
  m[0] = y[0];
  m[1] = add(gs, gd);
  m[2] = sub(gs, gd);
  m[3] = add(gS, gD);
  m[4] = sub(gS, gD);
  m[5] = y[3];
}

// Applies a 1-D transform f (IN → OUT points) along both axes of an IN×IN tile of vectors:
// the tile's (i, j) comes from get(i, j); the result's (p, q) goes to put(p, q, v).
// (Loops fully unrolled so that the small arrays live in registers where they fit.)
template <int IN, int OUT, class F, class Get, class Put>
inline void transform2d(F f, Get&& get, Put&& put) {
  vf tmp[OUT][IN];
#pragma GCC unroll 8
  for (int j = 0; j < IN; ++j) {  // down each column
    vf col[IN], out[OUT];
#pragma GCC unroll 8
    for (int i = 0; i < IN; ++i) col[i] = get(i, j);
    f(col, out);
#pragma GCC unroll 8
    for (int p = 0; p < OUT; ++p) tmp[p][j] = out[p];
  }
#pragma GCC unroll 8
  for (int p = 0; p < OUT; ++p) {  // along each row
    vf out[OUT];
    f(tmp[p], out);
#pragma GCC unroll 8
    for (int q = 0; q < OUT; ++q) put(p, q, out[q]);
  }
}

// ---- layout --------------------------------------------------------------------------------------
// The 36 Winograd planes of a tensor are read or written together (one vector from each per
// tile), and so are the rows of a patch. Strides that are multiples of 4 KB would put all of them
// in the same L1 cache set, which holds only 8–12 lines (measured: 8× slower in node). So every
// plane and row stride is an odd number of 64-byte lines.
inline size_t spread(size_t floats) { return ((floats + 15) / 16 | 1) * 16; }

// Channels-last buffers: pixel (r, c) of image i sits at (i·R + r)·rs + c·K, with R rows, row
// stride rs and K lanes per pixel. Lanes from C (or O) up to the whole vector are zero or ignored.
struct Geometry {
  int n, C, O, H, W;
  int th, tw, T;  // tiles down / across an image, tiles in the shard
  int Cp, Op;     // channels rounded up to whole vectors
  int Hp, Wp;     // padded input: 4·th + 2 rows × 4·tw + 2 columns, pixel (r, c) at (r + 1, c + 1)
  size_t xrs;     // row stride of the padded input (≥ Wp·Cp)
  size_t vs, ms;  // plane strides of V, dV (≥ T·Cp) and of M, dM (≥ T·Op)
  Geometry(int n_, int C_, int O_, int H_, int W_)
      : n(n_), C(C_), O(O_), H(H_), W(W_), th((H_ + 3) / 4), tw((W_ + 3) / 4), T(n_ * th * tw),
        Cp(round_up(C_)), Op(round_up(O_)), Hp(4 * th + 2), Wp(4 * tw + 2), xrs(spread(size_t(Wp) * Cp)),
        vs(spread(size_t(T) * Cp)), ms(spread(size_t(T) * Op)) {}
  size_t xp_size() const { return size_t(n) * Hp * xrs; }
  template <class F>  // f(t, image, ty, tx) for every tile, in order of t
  void for_tiles(F&& f) const {
    int t = 0;
    for (int i = 0; i < n; ++i)
      for (int ty = 0; ty < th; ++ty)
        for (int tx = 0; tx < tw; ++tx) f(t++, i, ty, tx);
  }
};

// dst[j·dst_rs + i] = src[i·src_rs + j] for i < rows, j < cols; 4×4 blocks through registers.
// (For the small weight matrices.)
void transpose(const float* src, ptrdiff_t src_rs, int rows, int cols, float* dst, ptrdiff_t dst_rs) {
  int i = 0;
  for (; i + 4 <= rows; i += 4) {
    const float* s = src + i * src_rs;
    int j = 0;
    for (; j + 4 <= cols; j += 4) {
      const f4 r0 = load4(s + j), r1 = load4(s + src_rs + j), r2 = load4(s + 2 * src_rs + j),
               r3 = load4(s + 3 * src_rs + j);
      const f4 t0 = lo_zip4(r0, r1), t1 = hi_zip4(r0, r1), t2 = lo_zip4(r2, r3), t3 = hi_zip4(r2, r3);
      float* d = dst + j * dst_rs + i;
      store4(d, __builtin_shufflevector(t0, t2, 0, 1, 4, 5));
      store4(d + dst_rs, __builtin_shufflevector(t0, t2, 2, 3, 6, 7));
      store4(d + 2 * dst_rs, __builtin_shufflevector(t1, t3, 0, 1, 4, 5));
      store4(d + 3 * dst_rs, __builtin_shufflevector(t1, t3, 2, 3, 6, 7));
    }
    for (; j < cols; ++j)
      for (int q = 0; q < 4; ++q) dst[j * dst_rs + i + q] = s[q * src_rs + j];
  }
  for (; i < rows; ++i)
    for (int j = 0; j < cols; ++j) dst[j * dst_rs + i] = src[i * src_rs + j];
}

// ---- NCHW planes ↔ channels-last pixels -----------------------------------------------------------
// A square block of B channels × B pixels goes through registers: B rows loaded, transposed,
// B columns stored. B = 8 with 256-bit vectors (AVX2, AVX-512 builds), else 4.
#if defined(__AVX2__)
constexpr int kTB = 8;
struct Block {
  __m256 r[8];
  void load_row(int i, const float* p) { r[i] = _mm256_loadu_ps(p); }
  void store_row(int i, float* p) const { _mm256_storeu_ps(p, r[i]); }
  void transpose() {
    __m256 t[8], u[8];
    for (int i = 0; i < 8; i += 2) {
      t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
      t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) {
      u[i] = _mm256_shuffle_ps(t[i], t[i + 2], 0x44);
      u[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], 0xEE);
      u[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0x44);
      u[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], 0xEE);
    }
    for (int i = 0; i < 4; ++i) {
      r[i] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x20);
      r[i + 4] = _mm256_permute2f128_ps(u[i], u[i + 4], 0x31);
    }
  }
};
#else
constexpr int kTB = 4;
struct Block {
  f4 r[4];
  void load_row(int i, const float* p) { r[i] = load4(p); }
  void store_row(int i, float* p) const { store4(p, r[i]); }
  void transpose() {
    const f4 t0 = lo_zip4(r[0], r[1]), t1 = hi_zip4(r[0], r[1]), t2 = lo_zip4(r[2], r[3]), t3 = hi_zip4(r[2], r[3]);
    r[0] = __builtin_shufflevector(t0, t2, 0, 1, 4, 5);
    r[1] = __builtin_shufflevector(t0, t2, 2, 3, 6, 7);
    r[2] = __builtin_shufflevector(t1, t3, 0, 1, 4, 5);
    r[3] = __builtin_shufflevector(t1, t3, 2, 3, 6, 7);
  }
};
#endif

// Pixel p = r·W + c of an image ↔ its channels-last vector at base + r·rs + c·K: the pixels of a
// plane are walked in order across row ends (next() steps to p + 1), so blocks need no row
// alignment.
struct PixelMap {
  float* base;
  size_t rs;
  int W, K;
  int r = 0, c = 0;  // the walk's position
  PixelMap(float* b, size_t rs_, int W_, int K_) : base(b), rs(rs_), W(W_), K(K_) {}
  float* next() {
    float* p = base + size_t(r) * rs + size_t(c) * K;
    if (++c == W) c = 0, ++r;
    return p;
  }
};

// map(p)[c] = planes[c·ps + p] for c < C, p < P (one image).
void to_channels_last(const float* planes, size_t ps, int C, int P, PixelMap map) {
  int p0 = 0;
  for (; p0 + kTB <= P; p0 += kTB) {
    float* dst[kTB];
    for (int q = 0; q < kTB; ++q) dst[q] = map.next();
    int c0 = 0;
    for (; c0 + kTB <= C; c0 += kTB) {
      Block b;
      for (int i = 0; i < kTB; ++i) b.load_row(i, planes + (c0 + i) * ps + p0);
      b.transpose();
      for (int q = 0; q < kTB; ++q) b.store_row(q, dst[q] + c0);
    }
    for (; c0 < C; ++c0)
      for (int q = 0; q < kTB; ++q) dst[q][c0] = planes[c0 * ps + p0 + q];
  }
  for (; p0 < P; ++p0) {
    float* d = map.next();
    for (int c = 0; c < C; ++c) d[c] = planes[c * ps + p0];
  }
}

// planes[c·ps + p] = map(p)[c] for c < C, p < P (one image).
void from_channels_last(PixelMap map, int C, int P, float* planes, size_t ps) {
  int p0 = 0;
  for (; p0 + kTB <= P; p0 += kTB) {
    const float* src[kTB];
    for (int q = 0; q < kTB; ++q) src[q] = map.next();
    int c0 = 0;
    for (; c0 + kTB <= C; c0 += kTB) {
      Block b;
      for (int q = 0; q < kTB; ++q) b.load_row(q, src[q] + c0);
      b.transpose();
      for (int i = 0; i < kTB; ++i) b.store_row(i, planes + (c0 + i) * ps + p0);
    }
    for (; c0 < C; ++c0)
      for (int q = 0; q < kTB; ++q) planes[c0 * ps + p0 + q] = src[q][c0];
  }
  for (; p0 < P; ++p0) {
    const float* s = map.next();
    for (int c = 0; c < C; ++c) planes[c * ps + p0] = s[c];
  }
}

// Zeroes n floats (a multiple of L).
void zero_vectors(float* p, size_t n) {
  for (size_t i = 0; i < n; i += L) store(p + i, zero());
}

// Images in a channels-last buffer (rows of rs floats, K lanes per pixel) whose pixels outside
// rows [r0, r1) × columns [c0, c1) must be zero (the interior is written by the caller): zeroes
// just that frame, or everything when there are padding lanes (K > channels), so that no stale
// value, however harmless, ever enters the arithmetic.
void zero_frame(float* buf, int n, int R, size_t rs, int Q, int K, int channels, int r0, int r1, int c0, int c1) {
  if (channels < K) {
    zero_vectors(buf, size_t(n) * R * rs);
    return;
  }
  for (int i = 0; i < n; ++i)
    for (int r = 0; r < R; ++r) {
      float* row = buf + (size_t(i) * R + r) * rs;
      if (r < r0 || r >= r1) {
        zero_vectors(row, size_t(Q) * K);
      } else {
        zero_vectors(row, size_t(c0) * K);
        zero_vectors(row + size_t(c1) * K, size_t(Q - c1) * K);
      }
    }
}

// x (n, C, H, W) → xp (n, Hp rows of Wp pixels, Cp lanes), zero around the image.
void to_padded_hwc(const float* x, const Geometry& g, float* xp) {
  zero_frame(xp, g.n, g.Hp, g.xrs, g.Wp, g.Cp, g.C, 1, g.H + 1, 1, g.W + 1);
  const size_t P = size_t(g.H) * g.W;
  for (int i = 0; i < g.n; ++i)
    to_channels_last(x + i * g.C * P, P, g.C, int(P), {xp + (size_t(i) * g.Hp + 1) * g.xrs + g.Cp, g.xrs, g.W, g.Cp});
}

// V[ξ][t][c] = (Bᵀ d B)[ξ] for every tile's 6×6 patch d of xp.
void input_transform(const float* xp, const Geometry& g, float* V) {
  const ptrdiff_t rs = ptrdiff_t(g.xrs), vs = ptrdiff_t(g.vs);
  g.for_tiles([&](int t, int i, int ty, int tx) {
    const float* patch = xp + (size_t(i) * g.Hp + 4 * ty) * g.xrs + size_t(4 * tx) * g.Cp;
    float* v = V + size_t(t) * g.Cp;
    for (int cv = 0; cv < g.Cp; cv += L)
      transform2d<6, 6>(bt, [&](int r, int c) { return load(patch + r * rs + c * g.Cp + cv); },
                        [&](int p, int q, vf u) { store(v + (p * 6 + q) * vs + cv, u); });
  });
}

// Ut[ξ][c][o] = (G w[o][c] Gᵀ)[ξ], lanes over o (the forward product's right operand); plane
// stride us.
void filter_transform_co(const float* w, const Geometry& g, float* scratch, float* Ut, size_t us) {
  // scratch[(c·9 + tap)·Op + o] = w[(o·C + c)·9 + tap]
  std::fill(scratch, scratch + size_t(g.C) * 9 * g.Op, 0.f);
  transpose(w, ptrdiff_t(g.C) * 9, g.O, g.C * 9, scratch, g.Op);
  for (int c = 0; c < g.C; ++c)
    for (int ov = 0; ov < g.Op; ov += L)
      transform2d<3, 6>(g_fwd, [&](int a, int b) { return load(scratch + (size_t(c) * 9 + a * 3 + b) * g.Op + ov); },
                        [&](int p, int q, vf u) { store(Ut + (p * 6 + q) * us + size_t(c) * g.Op + ov, u); });
}

// Ub[ξ][o][c] = (G w[o][c] Gᵀ)[ξ], lanes over c (backward's right operand for dx); plane stride us.
void filter_transform_oc(const float* w, const Geometry& g, float* scratch, float* Ub, size_t us) {
  // scratch[(o·9 + tap)·Cp + c] = w[(o·C + c)·9 + tap]
  std::fill(scratch, scratch + size_t(g.O) * 9 * g.Cp, 0.f);
  for (int o = 0; o < g.O; ++o) transpose(w + size_t(o) * g.C * 9, 9, g.C, 9, scratch + size_t(o) * 9 * g.Cp, g.Cp);
  for (int o = 0; o < g.O; ++o)
    for (int cv = 0; cv < g.Cp; cv += L)
      transform2d<3, 6>(g_fwd, [&](int a, int b) { return load(scratch + (size_t(o) * 9 + a * 3 + b) * g.Cp + cv); },
                        [&](int p, int q, vf u) { store(Ub + (p * 6 + q) * us + size_t(o) * g.Cp + cv, u); });
}

// Images per chunk: a shard is processed a few images at a time so that a chunk's V and M
// (36 planes of tiles × channels each) stay in L2, while the filter transforms are done once per
// shard. Depends only on the shapes.
#ifndef DAE_WINOGRAD_CHUNK_TILES
#define DAE_WINOGRAD_CHUNK_TILES 32
#endif
int chunk_images(int n, int H, int W) {
  const int tiles = ((H + 3) / 4) * ((W + 3) / 4);
  return std::max(1, std::min(n, (DAE_WINOGRAD_CHUNK_TILES + tiles - 1) / tiles));
}

}  // namespace

void winograd3x3_forward(const float* x, int n, int C, int H, int W, const float* w, const float* b, int O, float* y,
                         Workspace& ws) {
  const int q = chunk_images(n, H, W);
  const Geometry gq(q, C, O, H, W);  // of a full chunk (buffer sizes)
  const size_t us = spread(size_t(C) * gq.Op), yrs = spread(size_t(W) * gq.Op);
  float* xp = ws.buf(0, gq.xp_size());
  float* V = ws.buf(1, 36 * gq.vs);
  float* U = ws.buf(2, 36 * us);
  float* M = ws.buf(3, 36 * gq.ms);
  float* yh = ws.buf(4, size_t(q) * H * yrs);
  float* scratch = ws.buf(5, size_t(C) * 9 * gq.Op + gq.Op);
  filter_transform_co(w, gq, scratch, U, us);
  float* bias = scratch + size_t(C) * 9 * gq.Op;  // b, zero-padded to Op
  std::fill(bias, bias + gq.Op, 0.f);
  std::copy(b, b + O, bias);

  for (int i0 = 0; i0 < n; i0 += q) {
    const Geometry g(std::min(q, n - i0), C, O, H, W);
    const size_t img_in = size_t(C) * H * W, img_out = size_t(O) * H * W;
    to_padded_hwc(x + i0 * img_in, g, xp);
    input_transform(xp, g, V);
    for (int xi = 0; xi < 36; ++xi)  // M[ξ] (T × O) = V[ξ] (T × C) · U[ξ] (C × O)
      gemm_rowmajor(g.T, g.Op, C, V + xi * g.vs, g.Cp, 1, U + xi * us, g.Op, M + xi * g.ms, g.Op, false);
    g.for_tiles([&](int t, int i, int ty, int tx) {  // y tile = Aᵀ M A + b, the part inside the image
      const int rows = std::min(4, H - 4 * ty), cols = std::min(4, W - 4 * tx);
      const float* m = M + size_t(t) * g.Op;
      float* out = yh + (size_t(i) * H + 4 * ty) * yrs + size_t(4 * tx) * g.Op;
      for (int ov = 0; ov < g.Op; ov += L) {
        const vf bv = load(bias + ov);
        transform2d<6, 4>(at, [&](int r, int c) { return load(m + (r * 6 + c) * g.ms + ov); },
                          [&](int p, int q, vf v) {
                            if (p < rows && q < cols) store(out + p * yrs + q * g.Op + ov, add(v, bv));
                          });
      }
    });
    float* yc = y + i0 * img_out;
    for (int i = 0; i < g.n; ++i)  // HWC → NCHW
      from_channels_last({yh + size_t(i) * H * yrs, yrs, W, g.Op}, O, H * W, yc + size_t(i) * O * H * W, size_t(H) * W);
  }
}

namespace {

// ---- the steps of backward ----------------------------------------------------------------------

// The chunk's dy (n, O, H, W) → dyh (n, Hq rows of Wq pixels, Op lanes; row stride drs),
// zero-padded to whole tiles.
void dy_to_tiles(const float* dy, const Geometry& g, int Hq, int Wq, size_t drs, float* dyh) {
  const size_t img_out = size_t(g.O) * g.H * g.W;
  zero_frame(dyh, g.n, Hq, drs, Wq, g.Op, g.O, 0, g.H, 0, g.W);
  for (int i = 0; i < g.n; ++i)
    to_channels_last(dy + i * img_out, size_t(g.H) * g.W, g.O, g.H * g.W, {dyh + size_t(i) * Hq * drs, drs, g.W, g.Op});
}

// Σ of lanes ov.. over rows × cols pixels of dyh (the zero padding adds nothing).
vf sum_pixels(const float* dyh, int rows, int cols, size_t drs, int Op, int ov) {
  vf s = zero();
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) s = add(s, load(dyh + r * drs + c * Op + ov));
  return s;
}

// db[ov + l] += lane l of s, for the lanes that are channels (ov + l < O).
void add_lanes(float* db, vf s, int ov, int O) {
  float lanes[L];
  store(lanes, s);
  for (int l = 0; l < L && ov + l < O; ++l) db[ov + l] += lanes[l];
}

// dM[ξ][t][o] = (A dy_tile Aᵀ)[ξ]
void output_grad_transform(const float* dyh, const Geometry& g, int Hq, size_t drs, float* dM) {
  g.for_tiles([&](int t, int i, int ty, int tx) {
    const float* patch = dyh + (size_t(i) * Hq + 4 * ty) * drs + size_t(4 * tx) * g.Op;
    float* m = dM + size_t(t) * g.Op;
    for (int ov = 0; ov < g.Op; ov += L)
      transform2d<4, 6>(a_adj, [&](int r, int c) { return load(patch + r * drs + c * g.Op + ov); },
                        [&](int p, int q, vf v) { store(m + (p * 6 + q) * g.ms + ov, v); });
  });
}

// dxp patches += B dV Bᵀ (dxp laid out as the padded input). Patches of neighbouring tiles
// overlap by 2 pixels. In tile order, a patch's first two rows (columns) were written by the
// tile above (to the left) unless it is the first tile row (column): those entries are added,
// all others stored, so dxp needs no clearing (the tiles cover all of it).
void input_grad_transform(const float* dV, const Geometry& g, float* dxp) {
  const ptrdiff_t rs = ptrdiff_t(g.xrs);
  g.for_tiles([&](int t, int i, int ty, int tx) {
    float* patch = dxp + (size_t(i) * g.Hp + 4 * ty) * g.xrs + size_t(4 * tx) * g.Cp;
    const float* v = dV + size_t(t) * g.Cp;
    const int p_fresh = ty > 0 ? 2 : 0, q_fresh = tx > 0 ? 2 : 0;
    for (int cv = 0; cv < g.Cp; cv += L)
      transform2d<6, 6>(b_adj, [&](int r, int c) { return load(v + (r * 6 + c) * g.vs + cv); },
                        [&](int p, int q, vf u) {
                          float* d = patch + p * rs + q * g.Cp + cv;
                          store(d, p < p_fresh || q < q_fresh ? add(load(d), u) : u);
                        });
  });
}

// dw[o][c] += Gᵀ dU[·][o][c] G  (dU: 36 planes of O × Cp, plane stride dus)
void filter_grad_transform(const float* dU, const Geometry& g, size_t dus, float* dw) {
  for (int o = 0; o < g.O; ++o)
    for (int cv = 0; cv < g.Cp; cv += L) {
      float taps[9][L];
      transform2d<6, 3>(g_adj, [&](int r, int c) { return load(dU + (r * 6 + c) * dus + size_t(o) * g.Cp + cv); },
                        [&](int a, int b, vf v) { store(taps[a * 3 + b], v); });
      for (int l = 0; l < L && cv + l < g.C; ++l) {
        float* d = dw + (size_t(o) * g.C + cv + l) * 9;
        for (int k = 0; k < 9; ++k) d[k] += taps[k][l];
      }
    }
}

}  // namespace

void winograd3x3_backward(const float* x, int n, int C, int H, int W, const float* w, int O, const float* dy,
                          float* dx, float* dw, float* db, Workspace& ws) {
  const int q = chunk_images(n, H, W);
  const Geometry gq(q, C, O, H, W);
  const int Hq = 4 * gq.th, Wq = 4 * gq.tw;  // dy padded with zeros to whole tiles
  const size_t drs = spread(size_t(Wq) * gq.Op), dus = spread(size_t(O) * gq.Cp);
  float* xp = ws.buf(0, gq.xp_size());
  float* V = ws.buf(1, 36 * gq.vs);
  float* Ub = ws.buf(2, 36 * dus);
  float* dM = ws.buf(3, 36 * gq.ms);
  float* dyh = ws.buf(4, size_t(q) * Hq * drs);
  float* scratch = ws.buf(5, size_t(O) * 9 * gq.Cp);
  float* dU = ws.buf(6, 36 * dus);
  float* dV = ws.buf(7, 36 * gq.vs);
  if (dx) filter_transform_oc(w, gq, scratch, Ub, dus);

  vf dbv[64 / L + 1];  // db partial sums, lanes over o, when O ≤ 64 (else summed per chunk)
  const bool db_in_regs = gq.Op <= 64;
  for (int v = 0; v < gq.Op / L && db_in_regs; ++v) dbv[v] = zero();
  for (int i0 = 0; i0 < n; i0 += q) {
    const Geometry g(std::min(q, n - i0), C, O, H, W);
    const size_t img_in = size_t(C) * H * W, img_out = size_t(O) * H * W;
    // dy → channels-last, zero-padded to whole tiles; db += Σ dy over pixels.
    dy_to_tiles(dy + i0 * img_out, g, Hq, Wq, drs, dyh);
    for (int ov = 0; ov < g.Op; ov += L) {
      const vf s = sum_pixels(dyh, g.n * Hq, Wq, drs, g.Op, ov);
      if (db_in_regs) {
        dbv[ov / L] = add(dbv[ov / L], s);
      } else {
        add_lanes(db, s, ov, O);
      }
    }
    output_grad_transform(dyh, g, Hq, drs, dM);
    // dU[ξ] (O × C) += dM[ξ]ᵀ (O × T) · V[ξ] (T × C)
    to_padded_hwc(x + i0 * img_in, g, xp);
    input_transform(xp, g, V);
    for (int xi = 0; xi < 36; ++xi)
      gemm_rowmajor(O, g.Cp, g.T, dM + xi * g.ms, 1, g.Op, V + xi * g.vs, g.Cp, dU + xi * dus, g.Cp, i0 > 0);
    if (!dx) continue;
    // dV[ξ] (T × C) = dM[ξ] (T × O) · Ub[ξ] (O × C), then dx patches += B dV Bᵀ.
    for (int xi = 0; xi < 36; ++xi)
      gemm_rowmajor(g.T, g.Cp, O, dM + xi * g.ms, g.Op, 1, Ub + xi * dus, g.Cp, dV + xi * g.vs, g.Cp, false);
    float* dxp = xp;  // reused, same layout
    input_grad_transform(dV, g, dxp);
    float* dxc = dx + i0 * img_in;
    for (int i = 0; i < g.n; ++i)  // the image's part of dxp → NCHW
      from_channels_last({dxp + (size_t(i) * g.Hp + 1) * g.xrs + g.Cp, g.xrs, W, g.Cp}, C, H * W,
                         dxc + size_t(i) * C * H * W, size_t(H) * W);
  }
  if (db_in_regs)
    for (int ov = 0; ov < gq.Op; ov += L) add_lanes(db, dbv[ov / L], ov, O);
  filter_grad_transform(dU, gq, dus, dw);
}

}  // namespace dae
