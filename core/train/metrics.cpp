// metrics.cpp — see metrics.h.
#include "train/metrics.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "base/common.h"

namespace dae {

double psnr(const float* a, const float* b, size_t n) {
  if (n == 0) throw Error("psnr: empty image");
  double sum = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double d = double(a[i]) - double(b[i]);
    sum += d * d;
  }
  const double mse = sum / double(n);
  if (!(mse > 0.0)) return mse == 0.0 ? kPsnrCap : std::nan("");
  return std::min(kPsnrCap, 10.0 * std::log10(1.0 / mse));
}

namespace {

constexpr double kSigma = 1.5;
constexpr int kRadius = 5;  // 11×11 window: skimage's int(3.5·σ + 0.5)

// Normalised 1-D Gaussian of radius r (as scipy.ndimage builds it): w[k] ∝ exp(−k²/2σ²).
std::vector<double> gaussian(int r) {
  std::vector<double> w(size_t(2 * r + 1));
  double sum = 0.0;
  for (int k = -r; k <= r; ++k) sum += (w[size_t(k + r)] = std::exp(-0.5 * k * k / (kSigma * kSigma)));
  for (double& v : w) v /= sum;
  return w;
}

}  // namespace

double ssim(const float* a, const float* b, int h, int w) {
  if (h < 1 || w < 1)
    throw Error("ssim: invalid image size " + std::to_string(h) + "x" + std::to_string(w));
  const double C1 = 0.01 * 0.01, C2 = 0.03 * 0.03;  // (K·L)², L = 1
  const int ry = std::min(kRadius, (h - 1) / 2), rx = std::min(kRadius, (w - 1) / 2);
  const std::vector<double> gy = gaussian(ry), gx = gaussian(rx);
  const int oh = h - 2 * ry, ow = w - 2 * rx;  // 'valid' output positions
  const int ky = 2 * ry + 1, kx = 2 * rx + 1;

  // Horizontal pass over every row: the five local sums x, y, x², y², xy.
  const size_t hs = size_t(h) * size_t(ow);
  std::vector<double> hx(hs), hy(hs), hxx(hs), hyy(hs), hxy(hs);
  for (int r = 0; r < h; ++r) {
    const float* ar = a + size_t(r) * size_t(w);
    const float* br = b + size_t(r) * size_t(w);
    for (int c = 0; c < ow; ++c) {
      double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
      for (int k = 0; k < kx; ++k) {
        const double x = ar[c + k], y = br[c + k], g = gx[size_t(k)];
        sx += g * x;
        sy += g * y;
        sxx += g * (x * x);
        syy += g * (y * y);
        sxy += g * (x * y);
      }
      const size_t o = size_t(r) * size_t(ow) + size_t(c);
      hx[o] = sx; hy[o] = sy; hxx[o] = sxx; hyy[o] = syy; hxy[o] = sxy;
    }
  }
  // Vertical pass and the SSIM map, averaged.
  double total = 0.0;
  for (int r = 0; r < oh; ++r) {
    for (int c = 0; c < ow; ++c) {
      double mx = 0, my = 0, mxx = 0, myy = 0, mxy = 0;
      for (int k = 0; k < ky; ++k) {
        const size_t o = size_t(r + k) * size_t(ow) + size_t(c);
        const double g = gy[size_t(k)];
        mx += g * hx[o];
        my += g * hy[o];
        mxx += g * hxx[o];
        myy += g * hyy[o];
        mxy += g * hxy[o];
      }
      // Population (biased) variances and covariance.
      const double vx = mxx - mx * mx, vy = myy - my * my, vxy = mxy - mx * my;
      const double num = (2.0 * mx * my + C1) * (2.0 * vxy + C2);
      const double den = (mx * mx + my * my + C1) * (vx + vy + C2);
      total += num / den;
    }
  }
  return total / (double(oh) * double(ow));
}

}  // namespace dae
