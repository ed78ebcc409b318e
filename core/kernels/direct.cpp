// direct.cpp — see direct.h.
#include "kernels/direct.h"

#include <algorithm>

#include "kernels/simd.h"

namespace dae {
namespace {

using namespace simd;
constexpr int L = kLanes;
// Register blocks of output: kRows rows × up to kBlock vectors, accumulated over every channel
// and tap. Sized to the vector registers: V8 has 15 for wasm, and clang keeps the 9 tap weights
// of a filter live too.
#if defined(__AVX512F__)
constexpr int kRows = 4, kBlock = 2;
#elif defined(__AVX2__)
constexpr int kRows = 2, kBlock = 2;
#else
constexpr int kRows = 1, kBlock = 4;
#endif

// ---- zero-bordered planes ---------------------------------------------------------------------
// A plane of H×W pixels is stored as H + 2 rows of S = nv·L + 2 floats (nv = ⌈W / L⌉), pixel
// (r, c) at row r + 1, column c + 1, zero elsewhere: a 3×3 tap of any output vector is the load
// at (r + a, c0 + b), never outside the plane, and the lanes past W read zeros.
struct Padded {
  int H, W, nv;
  size_t S;
  Padded(int H_, int W_) : H(H_), W(W_), nv((W_ + L - 1) / L), S(size_t(nv) * L + 2) {}
  size_t plane() const { return size_t(H + 2) * S; }
};

// planes (count, H, W) → dst (count padded planes). Vector loops: these rows are short, and a
// memcpy / memset call per row costs more than the copy in wasm.
void pad_planes(const float* src, int count, const Padded& g, float* dst) {
  const int W4 = g.W / L * L;
  for (int p = 0; p < count; ++p) {
    float* d = dst + p * g.plane();
    for (size_t j = 0; j < g.S; ++j) d[j] = d[(g.H + 1) * g.S + j] = 0.f;
    for (int r = 0; r < g.H; ++r) {
      const float* s = src + (size_t(p) * g.H + r) * g.W;
      float* row = d + (r + 1) * g.S;
      row[0] = 0.f;
      for (int c = 0; c < W4; c += L) store(row + 1 + c, load(s + c));
      for (int c = W4; c < g.W; ++c) row[1 + c] = s[c];
      for (size_t c = g.W + 1; c < g.S; ++c) row[c] = 0.f;
    }
  }
}

// out rows [r0, r0 + NR) × vectors [c0, c0 + NB·L) = bias + Σ_p Σ_{a,b} w_p[3a + b] · pad_p[r + a, c + b]
// (padded coordinates), for `planes` filters w_p (9 floats each, stride 9) over planes at stride
// plane_stride. Each input row vector is loaded once and applied to every output row it feeds.
template <int NR, int NB>
void rows_block(const float* pads, int planes, size_t plane_stride, const Padded& g, const float* w, float bias,
                int r0, int c0, float* out) {
  vf acc[NR][NB];
#pragma GCC unroll 4
  for (int r = 0; r < NR; ++r)
#pragma GCC unroll 8
    for (int v = 0; v < NB; ++v) acc[r][v] = set1(bias);
  for (int p = 0; p < planes; ++p) {
    const float* src = pads + p * plane_stride + size_t(r0) * g.S + c0;
    const float* wp = w + 9 * p;
#pragma GCC unroll 8
    for (int i = 0; i < NR + 2; ++i)  // input row r0 + i feeds output rows r0 + i − a
#pragma GCC unroll 3
      for (int b = 0; b < 3; ++b) {
        vf x[NB];
#pragma GCC unroll 8
        for (int v = 0; v < NB; ++v) x[v] = load(src + i * g.S + b + v * L);
#pragma GCC unroll 3
        for (int a = 0; a < 3; ++a) {
          const int r = i - a;
          if (r < 0 || r >= NR) continue;
          const vf wv = bcast(wp + 3 * a + b);
#pragma GCC unroll 8
          for (int v = 0; v < NB; ++v) acc[r][v] = fmadd(wv, x[v], acc[r][v]);
        }
      }
  }
  const int n = std::min(NB * L, g.W - c0);
#pragma GCC unroll 4
  for (int r = 0; r < NR; ++r) {
    float* o = out + size_t(r0 + r) * g.W + c0;
    // Whole vectors, then the last partial one lane by lane (no memcpy call for a few floats).
#pragma GCC unroll 8
    for (int v = 0; v < NB; ++v) {
      if ((v + 1) * L <= n) {
        store(o + v * L, acc[r][v]);
      } else if (v * L < n) {
        float tmp[L];
        store(tmp, acc[r][v]);
        for (int l = 0; l < n - v * L; ++l) o[v * L + l] = tmp[l];
      }
    }
  }
}
template <int NR, int NB>
void rows_any(int nr, int nb, const float* pads, int planes, size_t ps, const Padded& g, const float* w, float bias,
              int r0, int c0, float* out) {
  if constexpr (NB > 1)
    if (nb < NB) return rows_any<NR, NB - 1>(nr, nb, pads, planes, ps, g, w, bias, r0, c0, out);
  if constexpr (NR > 1)
    if (nr < NR) return rows_any<NR - 1, NB>(nr, nb, pads, planes, ps, g, w, bias, r0, c0, out);
  rows_block<NR, NB>(pads, planes, ps, g, w, bias, r0, c0, out);
}
// out (H×W) = bias + Σ_p (filter p correlated with padded plane p).
void conv_rows(const float* pads, int planes, size_t plane_stride, const Padded& g, const float* w, float bias,
               float* out) {
  for (int r0 = 0; r0 < g.H; r0 += kRows)
    for (int c0 = 0; c0 < g.W; c0 += kBlock * L)
      rows_any<kRows, kBlock>(std::min(kRows, g.H - r0), std::min(kBlock, (g.W - c0 + L - 1) / L), pads, planes,
                              plane_stride, g, w, bias, r0, c0, out);
}

// dw[3a + b] += Σ_{r,c} dy[r, c] · x[r + a − 1, c + b − 1], with dy and x both as padded planes.
// One kernel row a at a time: 3 accumulators (more measured slower in node: V8 spills them).
void corr_taps(const float* xpad, const float* dypad, const Padded& g, float* dw) {
  for (int a = 0; a < 3; ++a) {
    vf acc[3] = {zero(), zero(), zero()};
    for (int r = 0; r < g.H; ++r) {
      const float* d = dypad + (r + 1) * g.S + 1;  // lanes past W are zero
      const float* x = xpad + (r + a) * g.S;
      for (int v = 0; v < g.nv; ++v) {
        const vf dv = load(d + v * L);
        acc[0] = fmadd(dv, load(x + v * L), acc[0]);
        acc[1] = fmadd(dv, load(x + v * L + 1), acc[1]);
        acc[2] = fmadd(dv, load(x + v * L + 2), acc[2]);
      }
    }
    for (int b = 0; b < 3; ++b) {
      float lanes[L];
      store(lanes, acc[b]);
      float s = 0.f;
      for (int l = 0; l < L; ++l) s += lanes[l];
      dw[3 * a + b] += s;
    }
  }
}

// The 3×3 filter rotated by 180°: correlating dy with it gives the input gradient.
void flip9(const float* w, float* f) {
  for (int k = 0; k < 9; ++k) f[k] = w[8 - k];
}

float plane_sum(const float* p, size_t n) {
  vf s = zero();
  size_t i = 0;
  for (; i + L <= n; i += L) s = add(s, load(p + i));
  float lanes[L];
  store(lanes, s);
  float t = 0.f;
  for (int l = 0; l < L; ++l) t += lanes[l];
  for (; i < n; ++i) t += p[i];
  return t;
}

}  // namespace

void direct3x3_to_one_forward(const float* x, int n, int C, int H, int W, const float* w, const float* b, float* y,
                              Workspace& ws) {
  const Padded g(H, W);
  float* xpad = ws.buf(0, C * g.plane());
  for (int i = 0; i < n; ++i) {
    pad_planes(x + size_t(i) * C * H * W, C, g, xpad);
    conv_rows(xpad, C, g.plane(), g, w, b[0], y + size_t(i) * H * W);
  }
}

void direct3x3_to_one_backward(const float* x, int n, int C, int H, int W, const float* w, const float* dy,
                               float* dx, float* dw, float* db, Workspace& ws) {
  const Padded g(H, W);
  float* xpad = ws.buf(0, C * g.plane());
  float* dypad = ws.buf(1, g.plane());
  float* flipped = ws.buf(2, 9 * size_t(C));
  for (int c = 0; c < C; ++c) flip9(w + 9 * c, flipped + 9 * c);
  for (int i = 0; i < n; ++i) {
    const float* dyi = dy + size_t(i) * H * W;
    db[0] += plane_sum(dyi, size_t(H) * W);
    pad_planes(dyi, 1, g, dypad);
    pad_planes(x + size_t(i) * C * H * W, C, g, xpad);
    for (int c = 0; c < C; ++c) corr_taps(xpad + c * g.plane(), dypad, g, dw + 9 * c);
    if (dx)
      for (int c = 0; c < C; ++c) conv_rows(dypad, 1, 0, g, flipped + 9 * c, 0.f, dx + (size_t(i) * C + c) * H * W);
  }
}

}  // namespace dae
