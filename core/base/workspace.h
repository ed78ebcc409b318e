// workspace.h — scratch memory of one thread, shared by the layers (nn/layers.cpp) and the fast
// kernels (kernels/winograd.cpp, kernels/direct.cpp).
#pragma once
#include <cstddef>

#include "base/tensor.h"

namespace dae {

// Scratch memory of one thread (im2col matrices, Winograd-domain tensors), reused across layers
// and calls. Contents do not survive from one layer call to the next.
struct Workspace {
  FloatVec col, dcol;
  float* col_buf(size_t n) { if (col.size() < n) col.resize(n); return col.data(); }
  float* dcol_buf(size_t n) { if (dcol.size() < n) dcol.resize(n); return dcol.data(); }
  // Numbered scratch arrays for the fast kernels (winograd.cpp, direct.cpp): at least n floats each.
  static constexpr int kSlots = 8;
  FloatVec slot[kSlots];
  float* buf(int i, size_t n) { if (slot[i].size() < n) slot[i].resize(n); return slot[i].data(); }
};

}  // namespace dae
