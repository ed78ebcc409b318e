// adam.h — the Adam optimizer with Keras' defaults and update rule.
//
//   m ← β1·m + (1 − β1)·g        v ← β2·v + (1 − β2)·g²
//   θ ← θ − lr_t · m / (√v + ε),  lr_t = lr · √(1 − β2^t) / (1 − β1^t)
// (Keras/TensorFlow form: ε is added to √v before bias correction, unlike PyTorch's
// m̂ / (√v̂ + ε). With ε = 1e-7 the two differ only in the first few steps.)
#pragma once
#include <cstddef>
#include <vector>

namespace dae {

struct AdamConfig {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-7;
};

class Adam {
 public:
  explicit Adam(AdamConfig cfg = {}, size_t n = 0) : cfg_(cfg), m_(n, 0.f), v_(n, 0.f) {}
  void reset(size_t n) { m_.assign(n, 0.f); v_.assign(n, 0.f); t_ = 0; }
  // One update of the n parameters w with gradient g.
  void step(float* w, const float* g, size_t n);

  const AdamConfig& config() const { return cfg_; }
  void set_lr(double lr) { cfg_.lr = lr; }
  long long t() const { return t_; }

 private:
  AdamConfig cfg_;
  std::vector<float> m_, v_;
  long long t_ = 0;
};

}  // namespace dae
