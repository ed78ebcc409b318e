// winograd.h — 3×3 'same' convolutions (stride 1, zero padding 1) of a shard of images by
// Winograd's minimal filtering F(4×4, 3×3): 36 multiplies per 4×4 output tile and channel pair
// instead of 144. The plain definition is ref::conv2d_forward/backward (reference.h); tests
// compare the two on random shapes.
//
// Forward, per output tile t (4×4 outputs, 6×6 inputs) and channels c → o:
//   V[ξ][t][c] = (Bᵀ d B)[ξ]          d: the tile's 6×6 input patch of channel c   (ξ: 36 points)
//   U[ξ][c][o] = (G g Gᵀ)[ξ]          g: the 3×3 filter o ← c
//   M[ξ]       = V[ξ] · U[ξ]          36 matrix products (tiles × C)·(C × O) over the whole shard
//   y tile     = Aᵀ M[·][t][o] A + b[o]
// Backward is the exact adjoint of that computation (so it is the gradient of what forward
// computes, rounding aside):
//   dM[ξ][t][o] = (A dy_tile Aᵀ)[ξ]
//   dU[ξ] = V[ξ]ᵀ · dM[ξ]  →  dw = Gᵀ dU G        dV[ξ] = dM[ξ] · U[ξ]ᵀ  →  dx += B dV Bᵀ (patches overlap)
// Inside, images are transposed to channels-last (HWC) so that the vector lanes run over
// channels; the matrix products are gemm_rowmajor (gemm.h). Buffers live in the Workspace.
#pragma once
#include "base/workspace.h"

namespace dae {

// x (n, C, H, W), w (O, C, 3, 3), b (O)  →  y (n, O, H, W).
void winograd3x3_forward(const float* x, int n, int C, int H, int W, const float* w, const float* b, int O,
                         float* y, Workspace& ws);
// dy (n, O, H, W): adds into dw (O, C, 3, 3) and db (O); writes dx (n, C, H, W) unless null.
void winograd3x3_backward(const float* x, int n, int C, int H, int W, const float* w, int O, const float* dy,
                          float* dx, float* dw, float* db, Workspace& ws);

}  // namespace dae
