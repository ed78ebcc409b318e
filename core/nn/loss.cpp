#include "nn/loss.h"

#include <algorithm>
#include <cmath>

#include "base/common.h"

namespace dae {

LossKind parse_loss(const std::string& s) {
  if (s == "bce" || s == "binary_crossentropy") return LossKind::BCE;
  if (s == "mse" || s == "mean_squared_error") return LossKind::MSE;
  throw Error("unknown loss '" + s + "' (use bce or mse)");
}
const char* loss_name(LossKind k) { return k == LossKind::BCE ? "bce" : "mse"; }

double bce_probs(const float* p, const float* t, size_t n, float scale, float* grad) {
  const double eps = kBceEpsilon;
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    const double pc = std::clamp(double(p[i]), eps, 1.0 - eps);
    const double ti = t[i];
    sum -= ti * std::log(pc + eps) + (1.0 - ti) * std::log(1.0 - pc + eps);
    if (grad) {
      const bool clipped = p[i] <= float(eps) || p[i] >= float(1.0 - eps);
      grad[i] = clipped ? 0.f : float(scale * (-ti / (pc + eps) + (1.0 - ti) / (1.0 - pc + eps)));
    }
  }
  return sum;
}

// softplus(x) = log(1 + e^x), stable for any x.
static inline double softplus(double x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }

double bce_logits(const float* z, const float* p, const float* t, size_t n, float scale, float* grad) {
  static const double zmax = std::log((1.0 - kBceEpsilon) / kBceEpsilon);  // ≈ 16.118
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    const double zc = std::clamp(double(z[i]), -zmax, zmax);
    const double ti = t[i];
    sum += ti * softplus(-zc) + (1.0 - ti) * softplus(zc);
    if (grad) grad[i] = scale * (p[i] - t[i]);
  }
  return sum;
}

double mse(const float* p, const float* t, size_t n, float scale, float* grad) {
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    const float d = p[i] - t[i];
    sum += double(d) * d;
    if (grad) grad[i] = scale * 2.f * d;
  }
  return sum;
}

}  // namespace dae
