// loss.h — the two reconstruction losses, value and gradient in one pass.
//
// Each function returns the *sum* of the per-pixel losses over n values (in double) and, when
// `grad` is non-null, writes ∂(scale · sum)/∂input into it. The caller passes
// scale = 1 / (pixels in the whole batch), which makes the value a mean "over all pixels"
// as Keras reports it, even though a batch is processed in shards.
#pragma once
#include <cstddef>
#include <string>

namespace dae {

enum class LossKind { BCE, MSE };
LossKind parse_loss(const std::string& s);   // "bce" | "mse" (throws dae::Error)
const char* loss_name(LossKind k);           // "bce" | "mse"

// Keras' epsilon: probabilities are clipped to [ε, 1 − ε] before the logarithm.
constexpr float kBceEpsilon = 1e-7f;

// Binary cross-entropy of probabilities p against targets t (Keras, from_logits=False):
//   −[t·log(p̂ + ε) + (1 − t)·log(1 − p̂ + ε)],  p̂ = clip(p, ε, 1 − ε).
// The gradient is that of the clipped expression (0 where p is clipped).
double bce_probs(const float* p, const float* t, size_t n, float scale, float* grad);

// The same loss for p = sigmoid(z), computed from the logits z without ever forming log(0):
//   t·softplus(−ẑ) + (1 − t)·softplus(ẑ),  ẑ = clip(z, ±log((1 − ε)/ε)) (= p clipped to [ε, 1 − ε]).
// The gradient w.r.t. z is the exact derivative of the unclipped form, scale·(sigmoid(z) − t)
// — what Keras' model.fit uses on a sigmoid output — so a saturated unit still learns.
// `p` must hold sigmoid(z) (the model has it already).
double bce_logits(const float* z, const float* p, const float* t, size_t n, float scale, float* grad);

// Squared error (p − t)²; gradient scale · 2(p − t).
double mse(const float* p, const float* t, size_t n, float scale, float* grad);

}  // namespace dae
