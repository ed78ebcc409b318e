// The plain reference layers (tests/reference.h) and every fast path against them.
//  1. The reference itself: finite differences of its forward give its backward.
//  2. Each fast kernel called directly (Winograd, the row-major GEMM) on random shapes.
//  3. Each layer as the model runs it (whatever path it dispatches to) on random shapes:
//     channels 1…64, sizes 1…33, odd and even, every kernel size and padding.
// Errors are judged against the size of the terms: |fast − ref| ≤ tol · Σ|terms| per element
// (the same computation with |x|, |w|, |dy|), so cancellation cannot fail a test spuriously
// and an indexing bug (an error the size of the terms) cannot pass.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "base/common.h"
#include "kernels/gemm.h"
#include "nn/layers.h"
#include "nn/model.h"
#include "reference.h"
#include "formats/safetensors.h"
#include "kernels/simd.h"
#include "kernels/winograd.h"

using namespace dae;

namespace {

void fill_uniform(Tensor& t, Rng& rng) {
  for (size_t i = 0; i < t.size(); ++i) t[i] = rng.uniform(-1.f, 1.f);
}
std::vector<float> uniform_vec(size_t n, Rng& rng, float lim = 1.f) {
  std::vector<float> v(n);
  for (auto& x : v) x = rng.uniform(-lim, lim);
  return v;
}
Tensor abs_of(const Tensor& t) {
  Tensor a = t;
  for (size_t i = 0; i < a.size(); ++i) a[i] = std::fabs(a[i]);
  return a;
}
std::vector<float> abs_of(const std::vector<float>& v) {
  std::vector<float> a = v;
  for (auto& x : a) x = std::fabs(x);
  return a;
}

// Counts elements with |got − want| > tol·mag + 1e-30 (reports the first few). got and want
// must have the same length.
int compare(const char* what, const float* got, const float* want, const float* mag, size_t n, double tol) {
  int bad = 0;
  double worst = 0;
  for (size_t i = 0; i < n; ++i) {
    const double err = std::fabs(double(got[i]) - want[i]), lim = tol * mag[i] + 1e-30;
    if (!(err <= lim)) {
      if (++bad <= 3) ADD_FAILURE() << what << "[" << i << "]: got " << got[i] << ", want " << want[i] << " (scale " << mag[i] << ")";
    }
    if (mag[i] > 0) worst = std::max(worst, err / mag[i]);
  }
  if (bad) ADD_FAILURE() << what << ": " << bad << " of " << n << " elements off; worst relative error " << worst;
  return bad;
}
int compare(const char* what, const Tensor& got, const Tensor& want, const Tensor& mag, double tol) {
  EXPECT_EQ(got.shape(), want.shape()) << what;
  if (got.shape() != want.shape()) return 1;
  return compare(what, got.data(), want.data(), mag.data(), got.size(), tol);
}
int compare(const char* what, const std::vector<float>& got, const std::vector<float>& want,
            const std::vector<float>& mag, double tol) {
  return compare(what, got.data(), want.data(), mag.data(), got.size(), tol);
}

// ---- a layer against the reference ------------------------------------------------------------
// Everything one layer test needs: forward of the reference, its magnitude twin, and backward.
struct RefLayer {
  std::function<void(const Tensor& x, const float* p, Tensor& y)> fwd;
  std::function<void(const Tensor& x, const float* p, const Tensor& dy, Tensor* dx, float* dp)> bwd;
};

// Runs `layer` forward and backward on x (random), parameters p (random), dy (random) and
// compares y, dx, dp with the reference (dp accumulated onto a random start, as in training).
void check_against_reference(const std::string& what, const Layer& layer, const RefLayer& ref, const Shape& in,
                             Rng& rng, double tol, bool with_dx = true) {
  SCOPED_TRACE(what + " in (" + std::to_string(in.n) + ", " + std::to_string(in.c) + ", " + std::to_string(in.h) +
               ", " + std::to_string(in.w) + ")");
  size_t np = 0;
  for (auto& ps : layer.params(in)) np += ps.size();
  Tensor x(in);
  fill_uniform(x, rng);
  const auto p = uniform_vec(np, rng, 0.5f);
  const auto dp0 = uniform_vec(np, rng);
  Workspace ws;
  // Forward.
  Tensor y, yr, ym;
  layer.forward(x, y, p.data(), ws);
  ref.fwd(x, p.data(), yr);
  ref.fwd(abs_of(x), abs_of(p).data(), ym);
  compare("y", y, yr, ym, tol);
  // Backward.
  Tensor dy(yr.shape());
  fill_uniform(dy, rng);
  Tensor dx, dxr, dxm;
  std::vector<float> dp = dp0, dpr = dp0, dpm(np, 0.f);
  layer.backward(x, y, dy, with_dx ? &dx : nullptr, p.data(), dp.data(), ws);
  ref.bwd(x, p.data(), dy, &dxr, dpr.data());
  ref.bwd(abs_of(x), abs_of(p).data(), abs_of(dy), &dxm, dpm.data());
  for (size_t i = 0; i < np; ++i) dpm[i] += std::fabs(dp0[i]);
  if (with_dx) compare("dx", dx, dxr, dxm, tol);
  compare("dp", dp, dpr, dpm, tol);
}

RefLayer ref_conv(int O, int k, bool same) {
  return {[=](const Tensor& x, const float* p, Tensor& y) {
            ref::conv2d_forward(x, p, p + size_t(O) * x.shape().c * k * k, O, k, same, y);
          },
          [=](const Tensor& x, const float* p, const Tensor& dy, Tensor* dx, float* dp) {
            ref::conv2d_backward(x, p, O, k, same, dy, dx, dp, dp + size_t(O) * x.shape().c * k * k);
          }};
}

// Random shape helper: a value in [lo, hi], biased towards the ends (where the edge cases are).
int pick(Rng& rng, int lo, int hi) {
  const float u = rng.uniform();
  if (u < 0.15f) return lo;
  if (u < 0.3f) return hi;
  return lo + int(rng.below(uint64_t(hi - lo + 1)));
}

}  // namespace

// ---- 1. the reference against finite differences ---------------------------------------------

namespace {

// A reference layer with its input shape and parameter count.
struct FdCase {
  const char* what;
  RefLayer ref;
  Shape in;
  size_t np;
};

std::vector<FdCase> fd_cases() {
  return {
      {"conv3 same", ref_conv(3, 3, true), {2, 2, 5, 4}, 3 * 2 * 9 + 3},
      {"conv2 same (even)", ref_conv(2, 2, true), {1, 3, 4, 5}, 2 * 3 * 4 + 2},
      {"conv4 same (even)", ref_conv(2, 4, true), {1, 2, 6, 5}, 2 * 2 * 16 + 2},
      {"conv5 valid", ref_conv(2, 5, false), {2, 2, 7, 6}, 2 * 2 * 25 + 2},
      {"convt3",
       {[](const Tensor& x, const float* p, Tensor& y) { ref::conv2d_transpose_forward(x, p, p + 3 * 2 * 9, 2, 3, y); },
        [](const Tensor& x, const float* p, const Tensor& dy, Tensor* dx, float* dp) {
          ref::conv2d_transpose_backward(x, p, 2, 3, dy, dx, dp, dp + 3 * 2 * 9);
        }},
       {2, 3, 3, 4}, 3 * 2 * 9 + 2},
      {"convt5",
       {[](const Tensor& x, const float* p, Tensor& y) { ref::conv2d_transpose_forward(x, p, p + 2 * 3 * 25, 3, 5, y); },
        [](const Tensor& x, const float* p, const Tensor& dy, Tensor* dx, float* dp) {
          ref::conv2d_transpose_backward(x, p, 3, 5, dy, dx, dp, dp + 2 * 3 * 25);
        }},
       {1, 2, 3, 3}, 2 * 3 * 25 + 3},
      {"maxpool odd",
       {[](const Tensor& x, const float*, Tensor& y) { ref::maxpool2_forward(x, y); },
        [](const Tensor& x, const float*, const Tensor& dy, Tensor* dx, float*) { ref::maxpool2_backward(x, dy, *dx); }},
       {2, 2, 5, 7}, 0},
      {"upsample",
       {[](const Tensor& x, const float*, Tensor& y) { ref::upsample2_forward(x, y); },
        [](const Tensor&, const float*, const Tensor& dy, Tensor* dx, float*) { ref::upsample2_backward(dy, *dx); }},
       {2, 2, 3, 5}, 0},
      {"dense",
       {[](const Tensor& x, const float* p, Tensor& y) { ref::dense_forward(x, p, p + 4 * 7, 4, y); },
        [](const Tensor& x, const float* p, const Tensor& dy, Tensor* dx, float* dp) {
          ref::dense_backward(x, p, 4, dy, dx, dp, dp + 4 * 7);
        }},
       {3, 7, 1, 1}, 4 * 7 + 4},
  };
}

// Inputs with distinct magnitudes ≥ 0.1 apart from each other by ≥ 1e-3: the max-pool
// argmax cannot flip under the ±h steps.
Tensor distinct_magnitudes(const Shape& in, Rng& rng) {
  Tensor x(in);
  std::vector<float> mags(x.size());
  for (size_t i = 0; i < x.size(); ++i) mags[i] = 0.1f + 0.9f * float(i) / float(x.size());
  rng.shuffle(mags.begin(), mags.end());
  for (size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform() < 0.5f ? -mags[i] : mags[i];
  return x;
}

// The case's backward against central differences of Σ r ⊙ f(x; p), for every input and
// parameter.
void check_finite_differences(const FdCase& c, Rng& rng) {
  SCOPED_TRACE(c.what);
  const Tensor x = distinct_magnitudes(c.in, rng);
  auto p = uniform_vec(c.np, rng, 0.5f);
  Tensor y;
  c.ref.fwd(x, p.data(), y);
  Tensor r(y.shape());
  fill_uniform(r, rng);
  auto loss = [&](const Tensor& xi, const std::vector<float>& pi) {  // Σ r ⊙ f(x; p)
    Tensor yi;
    c.ref.fwd(xi, pi.data(), yi);
    double s = 0;
    for (size_t i = 0; i < yi.size(); ++i) s += double(r[i]) * yi[i];
    return s;
  };
  Tensor dx;
  std::vector<float> dp(c.np, 0.f);
  c.ref.bwd(x, p.data(), r, &dx, dp.data());
  ASSERT_EQ(dx.shape(), c.in);
  const double h = 1e-3;
  auto close = [](double num, double ana) { return std::abs(num - ana) <= 1e-3 + 1e-3 * std::abs(num); };
  int checked = 0;
  for (size_t i = 0; i < x.size(); ++i, ++checked) {
    Tensor xp = x, xm = x;
    xp[i] += float(h);
    xm[i] -= float(h);
    EXPECT_PRED2(close, (loss(xp, p) - loss(xm, p)) / (2 * h), dx[i]) << "input " << i;
  }
  for (size_t i = 0; i < c.np; ++i, ++checked) {
    auto pp = p, pm = p;
    pp[i] += float(h);
    pm[i] -= float(h);
    EXPECT_PRED2(close, (loss(x, pp) - loss(x, pm)) / (2 * h), dp[i]) << "parameter " << i;
  }
  EXPECT_GT(checked, 20);
}

}  // namespace

TEST(Reference, BackwardMatchesFiniteDifferences) {
  Rng rng(2024);
  for (const FdCase& c : fd_cases()) ASSERT_NO_FATAL_FAILURE(check_finite_differences(c, rng));
}

TEST(Reference, HandWorkedConvolutions) {
  // 'same' 3×3 on a 3×3 image (the worked example of test_layers.cpp), through the reference.
  Tensor x({1, 1, 3, 3}), y;
  for (int i = 0; i < 9; ++i) x[i] = float(i + 1);
  const float w[10] = {0, 1, 0, 1, 2, 1, 0, 1, 0, 0.5f};
  ref::conv2d_forward(x, w, w + 9, 1, 3, true, y);
  const float expect[9] = {8.5f, 13.5f, 14.5f, 21.5f, 30.5f, 29.5f, 26.5f, 37.5f, 32.5f};
  for (int i = 0; i < 9; ++i) EXPECT_FLOAT_EQ(y[i], expect[i]) << i;
  // Even k = 2, 'same': the extra padding row/column goes at the end (Keras), so
  // y[r, c] = x[r, c] + x[r, c+1] + x[r+1, c] + x[r+1, c+1] with zeros past the edge.
  const float w2[5] = {1, 1, 1, 1, 0};
  ref::conv2d_forward(x, w2, w2 + 4, 1, 2, true, y);
  const float e2[9] = {12, 16, 9, 24, 28, 15, 15, 17, 9};
  for (int i = 0; i < 9; ++i) EXPECT_FLOAT_EQ(y[i], e2[i]) << i;
  // Transposed, stride 2: x = [1 at (0,0)] scatters w's centre-and-after block (see test_layers).
  Tensor xt({1, 1, 2, 2});
  xt[0] = 1;
  const float wt[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 0};
  ref::conv2d_transpose_forward(xt, wt, wt + 9, 1, 3, y);
  const float e3[16] = {5, 6, 0, 0, 8, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  for (int i = 0; i < 16; ++i) EXPECT_EQ(y[i], e3[i]) << i;
}

// ---- 2. fast kernels called directly ---------------------------------------------------------

TEST(FastPaths, RowMajorGemmMatchesNaive) {
  constexpr int L = simd::kLanes;
  Rng rng(7);
  for (int rep = 0; rep < 60; ++rep) {
    const int M = pick(rng, 1, 70), N = L * pick(rng, 1, 9), K = pick(rng, 1, 80);
    const bool acc = rep % 2 == 1, a_trans = rep % 3 == 0;
    SCOPED_TRACE("M=" + std::to_string(M) + " N=" + std::to_string(N) + " K=" + std::to_string(K) +
                 (acc ? " +=" : "") + (a_trans ? " A by columns" : ""));
    const ptrdiff_t ams = a_trans ? 1 : K + 3, aks = a_trans ? M + 2 : 1, ldb = N + L, ldc = N + 2 * L;
    const auto a = uniform_vec(size_t(a_trans ? aks * K : ams * M), rng);
    const auto b = uniform_vec(size_t(ldb) * K, rng);
    const auto c0 = uniform_vec(size_t(ldc) * M, rng);
    auto c = c0;
    gemm_rowmajor(M, N, K, a.data(), ams, aks, b.data(), ldb, c.data(), ldc, acc);
    std::vector<float> want(c0), mag(c0.size());
    for (int i = 0; i < M; ++i)
      for (int j = 0; j < ldc; ++j) {
        const size_t at = size_t(i) * ldc + j;
        if (j >= N) { mag[at] = 0; continue; }  // outside C: must be untouched (exact)
        double s = acc ? c0[at] : 0.0, m = acc ? std::fabs(c0[at]) : 0.0;
        for (int k = 0; k < K; ++k) {
          const double t = double(a[i * ams + k * aks]) * b[size_t(k) * ldb + j];
          s += t;
          m += std::fabs(t);
        }
        want[at] = float(s);
        mag[at] = float(m);
      }
    compare("C", c, want, mag, 1e-5);
  }
}

TEST(FastPaths, Winograd3x3MatchesReference) {
  Rng rng(11);
  // The seed model's layers, odd sizes, and shards of several chunks (winograd.cpp works on a
  // few images at a time: 9 images of 5×5 are chunks of 8 + 1).
  std::vector<Shape> shapes = {{1, 1, 1, 1}, {1, 1, 4, 4}, {2, 3, 5, 7},   {8, 32, 14, 14}, {8, 64, 7, 7},
                               {1, 17, 33, 2}, {3, 5, 28, 28}, {2, 64, 8, 9}, {9, 3, 5, 5},  {16, 8, 7, 7}};
  std::vector<int> outs = {1, 2, 7, 64, 64, 16, 32, 33, 5, 9};
  for (int rep = 0; rep < 16; ++rep) {  // plus random ones
    const int C = pick(rng, 1, 64), H = pick(rng, 1, 33), W = pick(rng, 1, 33);
    shapes.push_back({pick(rng, 1, 4), C, H, W});
    outs.push_back(pick(rng, 1, 64));
  }
  for (size_t s = 0; s < shapes.size(); ++s) {
    const Shape in = shapes[s];
    const int O = outs[s], C = in.c;
    SCOPED_TRACE("n=" + std::to_string(in.n) + " C=" + std::to_string(C) + " O=" + std::to_string(O) + " " +
                 std::to_string(in.h) + "×" + std::to_string(in.w));
    Tensor x(in), dy({in.n, O, in.h, in.w});
    fill_uniform(x, rng);
    fill_uniform(dy, rng);
    const auto w = uniform_vec(size_t(O) * C * 9, rng, 0.5f), b = uniform_vec(O, rng);
    Workspace ws;
    Tensor y({in.n, O, in.h, in.w}), yr, ym;
    winograd3x3_forward(x.data(), in.n, C, in.h, in.w, w.data(), b.data(), O, y.data(), ws);
    ref::conv2d_forward(x, w.data(), b.data(), O, 3, true, yr);
    ref::conv2d_forward(abs_of(x), abs_of(w).data(), abs_of(b).data(), O, 3, true, ym);
    compare("y", y, yr, ym, 1e-4);

    Tensor dx(in), dxr, dxm;
    std::vector<float> dw(w.size(), 0.f), db(O, 0.f), dwr(w.size(), 0.f), dbr(O, 0.f), dwm(w.size(), 0.f), dbm(O, 0.f);
    winograd3x3_backward(x.data(), in.n, C, in.h, in.w, w.data(), O, dy.data(), dx.data(), dw.data(), db.data(), ws);
    ref::conv2d_backward(x, w.data(), O, 3, true, dy, &dxr, dwr.data(), dbr.data());
    ref::conv2d_backward(abs_of(x), abs_of(w).data(), O, 3, true, abs_of(dy), &dxm, dwm.data(), dbm.data());
    compare("dx", dx, dxr, dxm, 3e-4);
    compare("dw", dw, dwr, dwm, 1e-4);
    compare("db", db, dbr, dbm, 1e-5);
  }
}

// ---- 3. every layer as the model runs it, on random shapes -------------------------------------

// Conv2D through whichever path its shape takes (Winograd, im2col + GEMM, the direct kernels for
// one output channel): k 1…5 (odd and even), 'same' and 'valid', channels 1…64, sizes 1…33.
TEST(FastPaths, Conv2DLayerMatchesReference) {
  Rng rng(21);
  struct Case { int n, C, O, k; bool same; int H, W; };
  std::vector<Case> cases = {
      {4, 1, 32, 3, true, 28, 28},  {4, 32, 64, 3, true, 14, 14}, {4, 64, 64, 3, true, 7, 7},
      {4, 64, 32, 3, true, 14, 14}, {4, 32, 1, 3, true, 28, 28},  {2, 32, 32, 3, true, 32, 32},
      {1, 3, 5, 3, true, 1, 1},     {2, 2, 3, 2, true, 5, 4},     {1, 5, 4, 4, true, 6, 7},
      {2, 3, 2, 5, true, 9, 8},     {2, 4, 3, 3, false, 7, 6},    {1, 2, 1, 5, false, 9, 11},
      {3, 7, 1, 2, true, 8, 3},     {2, 16, 17, 1, true, 5, 5},
  };
  for (int rep = 0; rep < 40; ++rep) {
    Case c{pick(rng, 1, 4), pick(rng, 1, 64), pick(rng, 1, 64), pick(rng, 1, 5), rng.uniform() < 0.7f,
           pick(rng, 1, 33), pick(rng, 1, 33)};
    if (!c.same) { c.H = std::max(c.H, c.k); c.W = std::max(c.W, c.k); }
    // Keep the naive reference quick: at most ~4M multiply-adds per case.
    while (double(c.n) * c.C * c.O * c.k * c.k * c.H * c.W > 4e6) (c.C > c.O ? c.C : c.O) = std::max(1, (c.C > c.O ? c.C : c.O) / 2);
    cases.push_back(c);
  }
  for (const auto& c : cases) {
    auto layer = make_conv2d(c.C, c.O, c.k, c.same ? Padding::Same : Padding::Valid);
    const bool winograd = c.k == 3 && c.same;
    check_against_reference(layer->token() + " from " + std::to_string(c.C), *layer, ref_conv(c.O, c.k, c.same),
                            {c.n, c.C, c.H, c.W}, rng, winograd ? 3e-4 : 1e-5, /*with_dx=*/rng.uniform() < 0.8f);
  }
}

TEST(FastPaths, Conv2DTransposeLayerMatchesReference) {
  Rng rng(22);
  for (int rep = 0; rep < 24; ++rep) {
    const int k = rep % 2 ? 5 : 3, n = pick(rng, 1, 3), C = pick(rng, 1, 64), O = pick(rng, 1, 64);
    int H = pick(rng, 1, 16), W = pick(rng, 1, 16);
    while (double(n) * C * O * k * k * H * W > 3e6) { H = std::max(1, H / 2); W = std::max(1, W - 1); }
    auto layer = make_conv2d_transpose(C, O, k);
    RefLayer ref{[=](const Tensor& x, const float* p, Tensor& y) {
                   ref::conv2d_transpose_forward(x, p, p + size_t(C) * O * k * k, O, k, y);
                 },
                 [=](const Tensor& x, const float* p, const Tensor& dy, Tensor* dx, float* dp) {
                   ref::conv2d_transpose_backward(x, p, O, k, dy, dx, dp, dp + size_t(C) * O * k * k);
                 }};
    check_against_reference(layer->token() + " from " + std::to_string(C), *layer, ref, {n, C, H, W}, rng, 1e-5);
  }
}

TEST(FastPaths, PoolUpsampleDenseReluMatchReference) {
  Rng rng(23);
  const RefLayer pool{[](const Tensor& x, const float*, Tensor& y) { ref::maxpool2_forward(x, y); },
                      [](const Tensor& x, const float*, const Tensor& dy, Tensor* dx, float*) {
                        ref::maxpool2_backward(x, dy, *dx);
                      }};
  const RefLayer up{[](const Tensor& x, const float*, Tensor& y) { ref::upsample2_forward(x, y); },
                    [](const Tensor&, const float*, const Tensor& dy, Tensor* dx, float*) { ref::upsample2_backward(dy, *dx); }};
  for (int rep = 0; rep < 30; ++rep) {
    const Shape in{pick(rng, 1, 4), pick(rng, 1, 64), pick(rng, 2, 33), pick(rng, 2, 33)};
    check_against_reference("pool", *make_maxpool2(), pool, in, rng, 0.0);  // exact: no arithmetic
    check_against_reference("up", *make_upsample2(), up, in, rng, 1e-6);
  }
  // Ties in max-pooling go to the first maximum (row-major), in the vector and the scalar loops.
  {
    Tensor x({2, 3, 9, 13});
    for (size_t i = 0; i < x.size(); ++i) x[i] = float(rng.below(3));  // many ties
    Tensor y, yr, dy, dx, dxr;
    auto layer = make_maxpool2();
    Workspace ws;
    layer->forward(x, y, nullptr, ws);
    ref::maxpool2_forward(x, yr);
    dy = yr;
    for (size_t i = 0; i < dy.size(); ++i) dy[i] = float(i % 7) + 1.f;
    layer->backward(x, y, dy, &dx, nullptr, nullptr, ws);
    ref::maxpool2_backward(x, dy, dxr);
    for (size_t i = 0; i < y.size(); ++i) EXPECT_EQ(y[i], yr[i]) << i;
    for (size_t i = 0; i < dx.size(); ++i) EXPECT_EQ(dx[i], dxr[i]) << i;
  }
  for (int rep = 0; rep < 10; ++rep) {
    const int I = pick(rng, 1, 800), O = pick(rng, 1, 130);
    const RefLayer dense{[=](const Tensor& x, const float* p, Tensor& y) { ref::dense_forward(x, p, p + size_t(O) * I, O, y); },
                         [=](const Tensor& x, const float* p, const Tensor& dy, Tensor* dx, float* dp) {
                           ref::dense_backward(x, p, O, dy, dx, dp, dp + size_t(O) * I);
                         }};
    check_against_reference("dense", *make_dense(I, O), dense, {pick(rng, 1, 8), I, 1, 1}, rng, 1e-5);
  }
  // ReLU, in place (as the model runs it) and not: y = max(x, 0), dx = dy·[y > 0].
  for (int rep = 0; rep < 10; ++rep) {
    const Shape in{pick(rng, 1, 4), pick(rng, 1, 64), pick(rng, 1, 33), pick(rng, 1, 33)};
    Tensor x(in), dy(in);
    fill_uniform(x, rng);
    fill_uniform(dy, rng);
    auto relu = make_relu();
    Workspace ws;
    Tensor y, dx;
    relu->forward(x, y, nullptr, ws);
    relu->backward(x, y, dy, &dx, nullptr, nullptr, ws);
    Tensor xi = x, gi = dy;
    relu->forward(xi, xi, nullptr, ws);
    relu->backward(xi, xi, gi, &gi, nullptr, nullptr, ws);
    for (size_t i = 0; i < x.size(); ++i) {
      const float want = x[i] > 0 ? x[i] : 0.f, gwant = x[i] > 0 ? dy[i] : 0.f;
      ASSERT_EQ(y[i], want) << i;
      ASSERT_EQ(xi[i], want) << i;
      ASSERT_EQ(dx[i], gwant) << i;
      ASSERT_EQ(gi[i], gwant) << i;
    }
  }
}

// ---- 4. whole models against PyTorch -------------------------------------------------------------
// tests/data/torch_reference.safetensors (made by tests/data/make_torch_dump.py, in double
// precision) holds the output, the loss and the gradients of `seed` and `transposed` for two
// images, with weights from a formula both sides compute.

namespace {

float dump_weight(size_t i, size_t size, int64_t rows, bool bias) {  // = weight_value() in the script
  const double u = double((uint64_t(i) + 1) * 2654435761ull % 4294967296ull) / 4294967296.0;
  const double scale = bias ? 0.05 : 1.0 / std::sqrt(double(size) / double(rows));
  return float((2.0 * u - 1.0) * scale);
}

const NamedTensor& need(const SafeTensors& st, const std::string& name) {
  const NamedTensor* t = st.find(name);
  if (!t) throw Error("torch_reference.safetensors has no tensor " + name);
  return *t;
}

}  // namespace

TEST(PyTorchReference, OutputsLossAndGradientsMatch) {
  const SafeTensors st = load_safetensors(std::string(DAE_TEST_SOURCE_DATA_DIR) + "/torch_reference.safetensors");
  for (const std::string preset : {"seed", "transposed"}) {
    SCOPED_TRACE(preset);
    Model m = Model::build(preset, 1, 28, 28);
    int checked_params = 0;
    for (const auto& l : m.layers()) {
      size_t off = l.offset;
      for (const auto& ps : l.params) {
        for (size_t i = 0; i < ps.size(); ++i) m.weights()[off + i] = dump_weight(i, ps.size(), ps.shape[0], ps.name == "bias");
        off += ps.size();
      }
    }
    const auto& x = need(st, preset + ".x").data;
    const auto& t = need(st, preset + ".target").data;
    const auto& y_ref = need(st, preset + ".y").data;
    ASSERT_EQ(x.size(), 2u * 784);
    Context ctx;
    std::vector<float> y(x.size());
    m.predict(x.data(), 2, y.data(), ctx);
    double worst_y = 0;
    for (size_t i = 0; i < y.size(); ++i) worst_y = std::max(worst_y, std::fabs(double(y[i]) - y_ref[i]));
    EXPECT_LT(worst_y, 1e-5) << "largest output difference";

    std::vector<float> grad(m.num_params(), 0.f);
    const float scale = 1.f / float(x.size());
    const double loss = m.train_shard(x.data(), t.data(), 2, LossKind::BCE, scale, grad.data(), ctx) * scale;
    EXPECT_NEAR(loss, need(st, preset + ".loss").data[0], 1e-5 * loss);

    int li = 0;
    for (const auto& l : m.layers()) {
      size_t off = l.offset;
      for (const auto& ps : l.params) {
        const std::string name = "layers." + std::to_string(li) + "." + ps.name;
        SCOPED_TRACE(name);
        const auto& g_ref = need(st, preset + ".grad." + name).data;
        const size_t stride = std::stoul(st.metadata.at(preset + ".grad." + name + ".stride"));
        ASSERT_EQ(g_ref.size(), (ps.size() + stride - 1) / stride);
        // Relative to the tensor's largest gradient: float32 sums of thousands of terms (and
        // the Winograd transforms) against PyTorch in double.
        double gmax = 0;
        for (float v : g_ref) gmax = std::max(gmax, double(std::fabs(v)));
        ASSERT_GT(gmax, 0.0);
        int bad = 0;
        for (size_t j = 0; j < g_ref.size(); ++j) {
          const double got = grad[off + j * stride], want = g_ref[j];
          if (std::fabs(got - want) > 2e-5 * gmax && ++bad <= 3)
            ADD_FAILURE() << name << "[" << j * stride << "]: got " << got << ", PyTorch " << want << " (largest " << gmax << ")";
        }
        EXPECT_EQ(bad, 0);
        ++checked_params;
        off += ps.size();
      }
      ++li;
    }
    EXPECT_EQ(checked_params, 10);
  }
}
