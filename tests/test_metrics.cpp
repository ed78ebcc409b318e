// Tests for core/metrics: PSNR and SSIM against hand-worked values, a brute-force SSIM
// written independently below, reference values from scikit-image, and (when python3 with
// numpy is installed) a numpy computation run at test time.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/common.h"
#include "train/metrics.h"
#include "test_util.h"

#ifndef DAE_TEST_TMP_DIR
#define DAE_TEST_TMP_DIR "/tmp"
#endif

namespace {

using dae::psnr;
using dae::ssim;
using dae_test::python_has;

std::vector<float> random_image(int h, int w, uint64_t seed) {
  dae::Rng rng(seed);
  std::vector<float> v(size_t(h) * w);
  for (float& x : v) x = rng.uniform();
  return v;
}

// x + N(0, sigma²) clipped to [0, 1].
std::vector<float> noisy(const std::vector<float>& x, float sigma, uint64_t seed) {
  dae::Rng rng(seed);
  std::vector<float> v(x.size());
  for (size_t i = 0; i < x.size(); ++i) v[i] = std::clamp(x[i] + sigma * rng.normal(), 0.f, 1.f);
  return v;
}

// Brute-force SSIM: for every window position, build the 2-D Gaussian weights
// exp(−(dy² + dx²)/(2σ²)) over the (possibly clipped) window, normalise them, and compute the
// weighted means, then the population variances/covariance as Σw(x − μ)² (two-pass, unlike
// the library's E[x²] − μ² over separable filters).
double brute_force_ssim(const std::vector<float>& a, const std::vector<float>& b, int h, int w) {
  const int ry = std::min(5, (h - 1) / 2), rx = std::min(5, (w - 1) / 2);
  std::vector<double> wt;
  double wsum = 0;
  for (int dy = -ry; dy <= ry; ++dy)
    for (int dx = -rx; dx <= rx; ++dx) {
      wt.push_back(std::exp(-double(dy * dy + dx * dx) / (2 * 1.5 * 1.5)));
      wsum += wt.back();
    }
  for (double& x : wt) x /= wsum;
  const double c1 = 1e-4, c2 = 9e-4;
  double total = 0;
  int count = 0;
  for (int cy = ry; cy < h - ry; ++cy) {
    for (int cx = rx; cx < w - rx; ++cx) {
      double ma = 0, mb = 0;
      size_t k = 0;
      for (int dy = -ry; dy <= ry; ++dy)
        for (int dx = -rx; dx <= rx; ++dx, ++k) {
          const size_t i = size_t(cy + dy) * w + size_t(cx + dx);
          ma += wt[k] * a[i];
          mb += wt[k] * b[i];
        }
      double va = 0, vb = 0, cov = 0;
      k = 0;
      for (int dy = -ry; dy <= ry; ++dy)
        for (int dx = -rx; dx <= rx; ++dx, ++k) {
          const size_t i = size_t(cy + dy) * w + size_t(cx + dx);
          const double da = a[i] - ma, db = b[i] - mb;
          va += wt[k] * da * da;
          vb += wt[k] * db * db;
          cov += wt[k] * da * db;
        }
      total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
      ++count;
    }
  }
  return total / count;
}

// The deterministic test images shared with the python script that produced the reference
// values in SsimMatchesScikitImageReferenceValues (all values are exact multiples of 1/256, so
// float32 arithmetic gives the same images in C++ and numpy).
void pattern_images(int h, int w, int shift, std::vector<float>& a, std::vector<float>& b) {
  a.assign(size_t(h) * w, 0.f);
  b.assign(size_t(h) * w, 0.f);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const int v = (x * x + 3 * y * y + x * y + shift) % 256;
      const int n = (x * 31 + y * 17) % 23 - 11;
      a[size_t(y) * w + x] = float(v) / 256.0f;
      b[size_t(y) * w + x] = float(std::min(255, std::max(0, v + n))) / 256.0f;
    }
}
std::vector<float> lcg_image(int h, int w, uint32_t seed) {
  std::vector<float> out(size_t(h) * w);
  uint32_t v = seed;
  for (float& x : out) {
    v = (v * 1103515245u + 12345u) & 0x7fffffffu;
    x = float((v >> 16) % 256) / 256.0f;
  }
  return out;
}
std::vector<float> blend(const std::vector<float>& a, const std::vector<float>& b) {
  std::vector<float> c(a.size());
  for (size_t i = 0; i < a.size(); ++i) c[i] = (3.0f * a[i] + b[i]) / 4.0f;  // exact
  return c;
}

}  // namespace

// ---- PSNR -----------------------------------------------------------------------------------

TEST(Metrics, PsnrHandWorked) {
  // One pixel off by 0.5 in four: MSE = 0.25 / 4 = 1/16 → 10·log10(16) = 12.0412 dB.
  const float a[4] = {0, 0, 0, 0}, b[4] = {0.5f, 0, 0, 0};
  EXPECT_NEAR(psnr(a, b, 4), 10.0 * std::log10(16.0), 1e-12);
  EXPECT_NEAR(psnr(a, b, 4), 12.041199826559248, 1e-12);
  // Every pixel off by 0.5: MSE = 0.25 → 20·log10(2) = 6.0206 dB.
  const float c[4] = {0.5f, 0.5f, 0.5f, 0.5f};
  EXPECT_NEAR(psnr(a, c, 4), 6.020599913279624, 1e-12);
  // Black vs white: MSE = 1 → 0 dB.
  const float d[4] = {1, 1, 1, 1};
  EXPECT_NEAR(psnr(a, d, 4), 0.0, 1e-15);
  // Off by 0.1 everywhere (float 0.1 is not exact: use its double value): MSE = 0.1f² → ~20 dB.
  const float e[4] = {0.1f, 0.1f, 0.1f, 0.1f};
  EXPECT_NEAR(psnr(a, e, 4), -20.0 * std::log10(double(0.1f)), 1e-12);
}

TEST(Metrics, PsnrIdenticalAndCap) {
  const auto a = random_image(28, 28, 1);
  EXPECT_EQ(psnr(a.data(), a.data(), a.size()), dae::kPsnrCap);
  // A single 1-ulp difference: MSE ≈ 1e-17, far above the cap → clamped.
  auto b = a;
  b[5] = std::nextafter(b[5], 2.f);
  EXPECT_EQ(psnr(a.data(), b.data(), b.size()), dae::kPsnrCap);
}

TEST(Metrics, PsnrSymmetricAndDecreasingWithNoise) {
  const auto a = random_image(28, 28, 2);
  const auto b = noisy(a, 0.1f, 3), c = noisy(a, 0.3f, 4);
  EXPECT_EQ(psnr(a.data(), b.data(), a.size()), psnr(b.data(), a.data(), a.size()));
  EXPECT_GT(psnr(a.data(), b.data(), a.size()), psnr(a.data(), c.data(), a.size()));
  EXPECT_LT(psnr(a.data(), b.data(), a.size()), 25.0);  // σ = 0.1 → about 20 dB
  EXPECT_GT(psnr(a.data(), b.data(), a.size()), 18.0);
}

TEST(Metrics, PsnrEmptyThrows) {
  const float a[1] = {0};
  EXPECT_THROW(psnr(a, a, 0), dae::Error);
}

// ---- SSIM -----------------------------------------------------------------------------------

TEST(Metrics, SsimIdenticalIsOne) {
  for (auto [h, w] : {std::pair{28, 28}, {32, 32}, {20, 30}, {7, 9}, {1, 1}, {11, 11}}) {
    const auto a = random_image(h, w, uint64_t(h * 100 + w));
    EXPECT_NEAR(ssim(a.data(), a.data(), h, w), 1.0, 1e-12) << h << "x" << w;
  }
  const std::vector<float> zero(28 * 28, 0.f), gray(28 * 28, 0.5f);
  EXPECT_NEAR(ssim(zero.data(), zero.data(), 28, 28), 1.0, 1e-12);
  EXPECT_NEAR(ssim(gray.data(), gray.data(), 28, 28), 1.0, 1e-12);
}

TEST(Metrics, SsimConstantImagesHandWorked) {
  // Constant images have zero variance, so SSIM = (2ab + C1)/(a² + b² + C1) · C2/C2.
  const double C1 = 1e-4;
  for (auto [va, vb] : {std::pair{0.25f, 0.75f}, {0.f, 1.f}, {0.5f, 0.5f}, {0.f, 0.f},
                        {0.1f, 0.2f}}) {
    const std::vector<float> a(28 * 28, va), b(28 * 28, vb);
    const double A = va, B = vb;
    const double expected = (2 * A * B + C1) / (A * A + B * B + C1);
    EXPECT_NEAR(ssim(a.data(), b.data(), 28, 28), expected, 1e-12) << va << " vs " << vb;
  }
  // Worked by hand: a = 1/4, b = 3/4 → (0.375 + 0.0001) / (0.625 + 0.0001) = 0.3751/0.6251.
  const std::vector<float> a(28 * 28, 0.25f), b(28 * 28, 0.75f);
  EXPECT_NEAR(ssim(a.data(), b.data(), 28, 28), 0.3751 / 0.6251, 1e-12);
  // Black vs white: C1 / (1 + C1).
  const std::vector<float> k(28 * 28, 0.f), wh(28 * 28, 1.f);
  EXPECT_NEAR(ssim(k.data(), wh.data(), 28, 28), 1e-4 / 1.0001, 1e-12);
}

TEST(Metrics, SsimSymmetric) {
  const auto a = random_image(28, 28, 5), b = noisy(a, 0.2f, 6);
  EXPECT_NEAR(ssim(a.data(), b.data(), 28, 28), ssim(b.data(), a.data(), 28, 28), 1e-15);
}

TEST(Metrics, SsimBelowOneAndDecreasingWithNoise) {
  const auto a = random_image(28, 28, 7);
  double prev = 1.0;
  for (float sigma : {0.02f, 0.1f, 0.3f}) {
    const auto b = noisy(a, sigma, 8);
    const double s = ssim(a.data(), b.data(), 28, 28);
    EXPECT_LT(s, prev) << sigma;
    EXPECT_GT(s, -1.0);
    prev = s;
  }
  EXPECT_LT(prev, 0.9);
}

TEST(Metrics, SsimMatchesBruteForce) {
  for (auto [h, w] : {std::pair{28, 28}, {32, 32}, {20, 30}, {30, 12}, {7, 9}, {4, 13}, {1, 5}}) {
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      const auto a = random_image(h, w, seed * 1000 + uint64_t(h));
      const auto b = seed == 1 ? random_image(h, w, 77) : noisy(a, 0.05f * float(seed), seed);
      const double lib = ssim(a.data(), b.data(), h, w);
      const double ref = brute_force_ssim(a, b, h, w);
      EXPECT_NEAR(lib, ref, 1e-12) << h << "x" << w << " seed " << seed;
    }
  }
}

// Reference values computed once with scikit-image 0.19.3 (Debian python3-skimage):
//   skimage.metrics.structural_similarity(a.astype(float64), b.astype(float64),
//       gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=1)
// for the images of pattern_images()/lcg_image()/blend() above (generated with the same
// integer formulas in numpy, as float32 k/256), printed with repr(). An independent numpy
// implementation (separable scipy-style Gaussian, symmetric padding, 5-pixel crop) agreed to
// within 1e-16. The 7×9 value (clipped window; skimage rejects images smaller than 11) comes
// from that numpy implementation with the window radius min(5, (side − 1) // 2).
TEST(Metrics, SsimMatchesScikitImageReferenceValues) {
  std::vector<float> a, b;
  struct P { int h, w, shift; double expected; };
  for (const P& p : {P{28, 28, 0, 0.9959731547945739}, P{32, 32, 5, 0.9960456006613347},
                     P{20, 30, 9, 0.9960531621034037}, P{7, 9, 3, 0.9832366117613478}}) {
    pattern_images(p.h, p.w, p.shift, a, b);
    EXPECT_NEAR(ssim(a.data(), b.data(), p.h, p.w), p.expected, 1e-12) << p.h << "x" << p.w;
  }
  struct L { int n; uint32_t s1, s2; double random_pair, blended; };
  for (const L& l : {L{28, 1, 2, 0.026721474759471946, 0.925100722946811},
                     L{32, 3, 4, -0.09826498105922099, 0.9102902291075078}}) {
    const auto x = lcg_image(l.n, l.n, l.s1), y = lcg_image(l.n, l.n, l.s2);
    EXPECT_NEAR(ssim(x.data(), y.data(), l.n, l.n), l.random_pair, 1e-12);
    const auto z = blend(x, y);
    EXPECT_NEAR(ssim(x.data(), z.data(), l.n, l.n), l.blended, 1e-12);
  }
}

// At test time, when python3 with numpy is installed: SSIM of random images computed by
// scikit-image if present, otherwise by a small numpy implementation of the same algorithm.
TEST(Metrics, SsimMatchesPythonAtRuntime) {
  if (!python_has("numpy")) GTEST_SKIP() << "python3 with numpy not available";
  const bool sk = python_has("skimage");
  const std::string dir = DAE_TEST_TMP_DIR;
  const std::string script = dir + "/metrics_ssim_ref.py", out = dir + "/metrics_ssim_ref.out";
  struct Case { int h, w; std::vector<float> a, b; };
  std::vector<Case> cases;
  for (auto [h, w] : {std::pair{28, 28}, {32, 32}, {24, 40}}) {
    auto a = random_image(h, w, uint64_t(h * w));
    auto b = noisy(a, 0.15f, uint64_t(h + w));
    cases.push_back({h, w, a, b});
    cases.push_back({h, w, a, random_image(h, w, 99)});
  }
  for (size_t i = 0; i < cases.size(); ++i) {
    std::ofstream f(dir + "/metrics_ssim_" + std::to_string(i) + ".f32", std::ios::binary);
    f.write(reinterpret_cast<const char*>(cases[i].a.data()), std::streamsize(cases[i].a.size() * 4));
    f.write(reinterpret_cast<const char*>(cases[i].b.data()), std::streamsize(cases[i].b.size() * 4));
  }
  std::ofstream(script) << R"PY(
import sys
import numpy as np
def gauss1d(r, sigma=1.5):
    x = np.arange(-r, r + 1, dtype=np.float64)
    phi = np.exp(-0.5 / sigma**2 * x**2)
    return phi / phi.sum()
def filt(img, k):
    r = len(k) // 2
    p = np.pad(img, r, mode='symmetric')
    h, w = img.shape
    t = sum(k[i] * p[:, i:i + w] for i in range(len(k)))
    return sum(k[i] * t[i:i + h, :] for i in range(len(k)))
def ssim_np(a, b):
    k = gauss1d(5)
    ux, uy = filt(a, k), filt(b, k)
    vx, vy = filt(a * a, k) - ux * ux, filt(b * b, k) - uy * uy
    vxy = filt(a * b, k) - ux * uy
    C1, C2 = 0.01**2, 0.03**2
    S = ((2 * ux * uy + C1) * (2 * vxy + C2)) / ((ux**2 + uy**2 + C1) * (vx + vy + C2))
    return S[5:-5, 5:-5].mean()
use_sk = sys.argv[1] == '1'
if use_sk:
    from skimage.metrics import structural_similarity
out = open(sys.argv[2], 'w')
for spec in sys.argv[3:]:
    path, h, w = spec.split(':')
    h, w = int(h), int(w)
    d = np.fromfile(path, dtype='<f4').astype(np.float64)
    a, b = d[:h * w].reshape(h, w), d[h * w:].reshape(h, w)
    if use_sk:
        s = structural_similarity(a, b, gaussian_weights=True, sigma=1.5,
                                  use_sample_covariance=False, data_range=1)
    else:
        s = ssim_np(a, b)
    out.write(repr(float(s)) + '\n')
)PY";
  std::string cmd = "/usr/bin/python3 " + script + (sk ? " 1 " : " 0 ") + out;
  for (size_t i = 0; i < cases.size(); ++i)
    cmd += " " + dir + "/metrics_ssim_" + std::to_string(i) + ".f32:" +
           std::to_string(cases[i].h) + ":" + std::to_string(cases[i].w);
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream in(out);
  for (const Case& c : cases) {
    double ref = 0;
    ASSERT_TRUE(in >> ref);
    EXPECT_NEAR(ssim(c.a.data(), c.b.data(), c.h, c.w), ref, 1e-12)
        << c.h << "x" << c.w << (sk ? " (skimage)" : " (numpy)");
  }
}

TEST(Metrics, SsimInvalidSizeThrows) {
  const float a[1] = {0};
  EXPECT_THROW(ssim(a, a, 0, 5), dae::Error);
  EXPECT_THROW(ssim(a, a, 5, -1), dae::Error);
}
