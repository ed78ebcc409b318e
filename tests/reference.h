// reference.h — the plain version of every layer that has parameters or a fast path (the
// elementwise activations are plain already): forward and backward as naive loops over
// the definition, no tricks, nothing to tune. The fast paths (layers.cpp, winograd.cpp, gemm.cpp)
// are tested against these on random shapes (tests/test_reference.cpp); the reference itself is
// checked against finite differences and against a PyTorch dump.
//
// Shapes and layouts are the layers' (layers.h): NCHW tensors, PyTorch weight layouts.
// Backward functions *add* into dw / db (as the layers accumulate gradients) and overwrite dx
// (when dx != nullptr; it is resized to x's shape).
#pragma once
#include "base/tensor.h"

namespace dae::ref {

// Conv2D stride 1: y[i,o,r,c] = b[o] + Σ_{ch,a,b} w[o,ch,a,b] · x[i,ch, r+a−p, c+b−p] (0 outside).
// same: p = (k−1)/2 and the output has x's size; valid: p = 0, output (H−k+1)×(W−k+1).
// w (O, C, k, k), b (O).
void conv2d_forward(const Tensor& x, const float* w, const float* b, int O, int k, bool same, Tensor& y);
void conv2d_backward(const Tensor& x, const float* w, int O, int k, bool same, const Tensor& dy,
                     Tensor* dx, float* dw, float* db);

// Conv2DTranspose stride 2, k odd, p = (k−1)/2: y[i,o, 2r+a−p, 2c+b−p] += x[i,ch,r,c] · w[ch,o,a,b]
// (terms that fall outside the 2H×2W output are dropped), plus b[o]. w (C, O, k, k), b (O).
void conv2d_transpose_forward(const Tensor& x, const float* w, const float* b, int O, int k, Tensor& y);
void conv2d_transpose_backward(const Tensor& x, const float* w, int O, int k, const Tensor& dy, Tensor* dx,
                               float* dw, float* db);

// MaxPooling2D 2×2 stride 2, 'same' (ceil): each output is the max of the pixels of its window
// that exist; backward sends the gradient to the window's first maximum (row-major).
void maxpool2_forward(const Tensor& x, Tensor& y);
void maxpool2_backward(const Tensor& x, const Tensor& dy, Tensor& dx);

// UpSampling2D ×2 nearest: y[i,ch,r,c] = x[i,ch,r/2,c/2].
void upsample2_forward(const Tensor& x, Tensor& y);
void upsample2_backward(const Tensor& dy, Tensor& dx);

// Dense: x (n, I, 1, 1) → y (n, O, 1, 1); y[i,o] = b[o] + Σ_j w[o,j] · x[i,j]; w (O, I).
void dense_forward(const Tensor& x, const float* w, const float* b, int O, Tensor& y);
void dense_backward(const Tensor& x, const float* w, int O, const Tensor& dy, Tensor* dx, float* dw, float* db);

}  // namespace dae::ref
