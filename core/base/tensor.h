// tensor.h — a batched NCHW float32 tensor: the only array type the core uses.
//
// Shape is (n, c, h, w): n images, c channels, h rows, w columns, row-major, so element
// (i, ch, y, x) sits at ((i*c + ch)*h + y)*w + x. A vector of features (Dense layers) is
// stored as (n, features, 1, 1), which is also what torch.nn.Flatten produces.
#pragma once
#include <algorithm>
#include <cstddef>
#include <new>
#include <string>
#include <vector>

namespace dae {

// 64-byte aligned storage for every float buffer the layers touch. Besides helping SIMD, it
// makes results independent of where the allocator happened to put a buffer: Eigen's
// vectorised reductions peel off unaligned leading elements, so their summation order (and
// rounding) would otherwise depend on the address — and same-seed runs would differ.
template <class T>
struct AlignedAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlign{64};
  AlignedAllocator() = default;
  template <class U> AlignedAllocator(const AlignedAllocator<U>&) {}
  T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlign)); }
  void deallocate(T* p, size_t) { ::operator delete(p, kAlign); }
  template <class U> bool operator==(const AlignedAllocator<U>&) const { return true; }
  template <class U> bool operator!=(const AlignedAllocator<U>&) const { return false; }
};
using FloatVec = std::vector<float, AlignedAllocator<float>>;

struct Shape {
  int n = 0, c = 0, h = 0, w = 0;
  Shape() = default;
  Shape(int n_, int c_, int h_, int w_) : n(n_), c(c_), h(h_), w(w_) {}
  size_t per_image() const { return size_t(c) * h * w; }  // c·h·w
  size_t size() const { return size_t(n) * per_image(); }
  Shape with_n(int n_) const { return {n_, c, h, w}; }
  bool operator==(const Shape& o) const { return n == o.n && c == o.c && h == o.h && w == o.w; }
  bool operator!=(const Shape& o) const { return !(*this == o); }
  // "(28, 28, 32)" in Keras' (h, w, c) order without the batch, as `summary` prints it;
  // a flat vector prints as "(784)".
  std::string keras_str() const {
    if (h == 1 && w == 1) return "(" + std::to_string(c) + ")";
    return "(" + std::to_string(h) + ", " + std::to_string(w) + ", " + std::to_string(c) + ")";
  }
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(Shape s, float fill = 0.f) : shape_(s), data_(s.size(), fill) {}

  // Reshape, keeping the allocation when it is large enough (no shrink: reused buffers).
  void resize(Shape s) { shape_ = s; data_.resize(s.size()); }
  void fill(float v) { std::fill(data_.begin(), data_.end(), v); }

  const Shape& shape() const { return shape_; }
  size_t size() const { return data_.size(); }
  float* data() { return data_.data(); }
  const float* data() const { return data_.data(); }
  float* image(int i) { return data_.data() + size_t(i) * shape_.per_image(); }
  const float* image(int i) const { return data_.data() + size_t(i) * shape_.per_image(); }
  float& operator[](size_t i) { return data_[i]; }
  float operator[](size_t i) const { return data_[i]; }
  float& at(int i, int c, int y, int x) {
    return data_[((size_t(i) * shape_.c + c) * shape_.h + y) * shape_.w + x];
  }
  float at(int i, int c, int y, int x) const {
    return data_[((size_t(i) * shape_.c + c) * shape_.h + y) * shape_.w + x];
  }
  FloatVec& vec() { return data_; }
  const FloatVec& vec() const { return data_; }

 private:
  Shape shape_;
  FloatVec data_;
};

}  // namespace dae
