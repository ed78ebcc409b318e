// direct.h — 3×3 'same' convolutions with a single output channel (the autoencoders' last
// layer, F → 1), computed directly: there is too little work per pixel for the Winograd
// transforms or an im2col matrix to pay. Images are copied into
// zero-bordered planes so that every tap is a plain shifted vector load; each output row is
// accumulated in registers over all channels and taps. Plain definition: ref::conv2d_* in
// reference.h (tests compare them).
#pragma once
#include "base/workspace.h"

namespace dae {

// C channels → 1:  x (n, C, H, W), w (1, C, 3, 3), b (1)  →  y (n, 1, H, W).
void direct3x3_to_one_forward(const float* x, int n, int C, int H, int W, const float* w, const float* b, float* y,
                              Workspace& ws);
// Adds into dw (1, C, 3, 3) and db (1); writes dx (n, C, H, W) unless null.
void direct3x3_to_one_backward(const float* x, int n, int C, int H, int W, const float* w, const float* dy,
                               float* dx, float* dw, float* db, Workspace& ws);

}  // namespace dae
