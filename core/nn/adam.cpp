#include "nn/adam.h"

#include <cmath>

#include "base/common.h"

namespace dae {

void Adam::step(float* w, const float* g, size_t n) {
  if (n != m_.size()) throw Error("adam: parameter count changed");
  ++t_;
  const double lr_t = cfg_.lr * std::sqrt(1.0 - std::pow(cfg_.beta2, double(t_))) /
                      (1.0 - std::pow(cfg_.beta1, double(t_)));
  const float b1 = float(cfg_.beta1), b2 = float(cfg_.beta2), eps = float(cfg_.eps);
  const float lr = float(lr_t);
  float* m = m_.data();
  float* v = v_.data();
  for (size_t i = 0; i < n; ++i) {
    m[i] = b1 * m[i] + (1.f - b1) * g[i];
    v[i] = b2 * v[i] + (1.f - b2) * g[i] * g[i];
    w[i] -= lr * m[i] / (std::sqrt(v[i]) + eps);
  }
}

}  // namespace dae
