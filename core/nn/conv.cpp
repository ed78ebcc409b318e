// conv.cpp — the convolutions' forward and backward, side by side: Conv2D and Conv2DTranspose
// with their im2col / col2im helpers. See layers.h for the conventions (NCHW shards, flat
// parameter slices, accumulated gradients).
#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "base/common.h"
#include "kernels/direct.h"
#include "kernels/gemm.h"
#include "kernels/simd.h"
#include "kernels/winograd.h"
#include "nn/layers.h"

namespace dae {
namespace {

using Mat = Eigen::Map<Eigen::MatrixXf>;             // column-major view of raw floats
using CMat = Eigen::Map<const Eigen::MatrixXf>;

// ---- im2col / col2im -------------------------------------------------------------------------
// The convolution "gather" between an image src (C, Hs, Ws) and a matrix col with one row per
// position of a gh×gw grid and one column per (c, a, b) kernel tap, column-major:
//   col[p = gy·gw + gx,  j = (c·k + a)·k + b] = src[c, gy·s + a − pad, gx·s + b − pad]   (0 outside)
// Conv2D uses it with s = 1 on its input; Conv2DTranspose (s = 2) on its output gradient.
// col2im is its adjoint: it adds every col entry back onto the src pixel it came from.
template <bool kScatter>
void im2col_impl(std::conditional_t<kScatter, float*, const float*> src, int C, int Hs, int Ws,
                 int gh, int gw, int k, int s, int pad,
                 std::conditional_t<kScatter, const float*, float*> col) {
  const size_t P = size_t(gh) * gw;
  for (int c = 0; c < C; ++c) {
    for (int a = 0; a < k; ++a) {
      for (int b = 0; b < k; ++b) {
        auto colj = col + ((size_t(c) * k + a) * k + b) * P;
        // gx range whose source column gx·s + b − pad lies inside [0, Ws) (floor division: the
        // numerator is negative when the tap falls right of a very narrow source).
        const int gx0 = std::max(0, (pad - b + s - 1) / s);
        const int last = Ws - 1 + pad - b;
        const int gx1 = std::min(gw, last < 0 ? 0 : last / s + 1);
        for (int gy = 0; gy < gh; ++gy) {
          const int sy = gy * s + a - pad;
          auto row = colj + size_t(gy) * gw;
          if (sy < 0 || sy >= Hs || gx0 >= gx1) {
            if constexpr (!kScatter) std::fill(row, row + gw, 0.f);
            continue;
          }
          auto srow = src + (size_t(c) * Hs + sy) * Ws + (gx0 * s + b - pad);
          const int len = gx1 - gx0;
          if constexpr (kScatter) {
            const float* r = row + gx0;
            if (s == 1) for (int q = 0; q < len; ++q) srow[q] += r[q];
            else for (int q = 0; q < len; ++q) srow[size_t(q) * s] += r[q];
          } else {
            for (int q = 0; q < gx0; ++q) row[q] = 0.f;
            float* r = row + gx0;
            if (s == 1) for (int q = 0; q < len; ++q) r[q] = srow[q];
            else for (int q = 0; q < len; ++q) r[q] = srow[size_t(q) * s];
            for (int q = gx1; q < gw; ++q) row[q] = 0.f;
          }
        }
      }
    }
  }
}

// Fast path for stride 1 when the grid is the source's size (a 'same' convolution): column
// (c, a, b) is the plane of channel c shifted by off = dy·W + dx (dy = a − pad, dx = b − pad),
// so it is one contiguous copy, then fix-ups zero the rows that fell off the top or bottom and
// the |dx| pixels per row that wrapped around from the neighbouring row. The scatter direction
// zeroes those entries of col (it clobbers col) and adds the rest back in one contiguous pass.
template <bool kScatter>
void shifted_planes(std::conditional_t<kScatter, float*, const float*> src, int C, int H, int W, int k, int pad,
                    float* col, bool overwrite = false) {
  const int P = H * W;
  // Scattering into a destination that is not cleared: the centre tap (dy = dx = 0, present
  // when pad = (k − 1)/2 and k is odd) covers every pixel exactly, so it goes first, assigning.
  const bool centre_first = kScatter && overwrite && k % 2 == 1 && pad == (k - 1) / 2;
  for (int c = 0; c < C; ++c) {
    auto plane = src + size_t(c) * P;
    if constexpr (kScatter) {
      if (centre_first) {
        const float* cc = col + ((size_t(c) * k + pad) * k + pad) * P;
        for (int q = 0; q < P; ++q) plane[q] = cc[q];
      } else if (overwrite) {
        for (int q = 0; q < P; ++q) plane[q] = 0.f;
      }
    }
    for (int a = 0; a < k; ++a) {
      for (int b = 0; b < k; ++b) {
        if (centre_first && a == pad && b == pad) continue;
        float* colj = col + ((size_t(c) * k + a) * k + b) * P;
        const int dy = a - pad, dx = b - pad, off = dy * W + dx;
        const int p0 = std::max(0, -off), p1 = std::min(P, P - off);
        auto zero = [&](int from, int to) { for (int q = from; q < to; ++q) colj[q] = 0.f; };
        if constexpr (!kScatter) {
          zero(0, p0);
          for (int q = p0; q < p1; ++q) colj[q] = plane[q + off];
          zero(p1, P);
        }
        if (dy < 0) zero(0, std::min(P, -dy * W));
        if (dy > 0) zero(std::max(0, (H - dy) * W), P);
        if (dx != 0)
          for (int gy = 0; gy < H; ++gy) {
            float* row = colj + size_t(gy) * W;
            if (dx < 0) for (int q = 0; q < std::min(W, -dx); ++q) row[q] = 0.f;
            else for (int q = std::max(0, W - dx); q < W; ++q) row[q] = 0.f;
          }
        if constexpr (kScatter)
          for (int q = p0; q < p1; ++q) plane[q + off] += colj[q];
      }
    }
  }
}

void im2col(const float* src, int C, int Hs, int Ws, int gh, int gw, int k, int s, int pad, float* col) {
  if (s == 1 && gh == Hs && gw == Ws) shifted_planes<false>(src, C, Hs, Ws, k, pad, col);
  else im2col_impl<false>(src, C, Hs, Ws, gh, gw, k, s, pad, col);
}
// Adds col back onto dst (or, with overwrite, stores it: dst need not be cleared). Clobbers col
// (it is scratch in every caller).
void col2im(float* col, int C, int Hs, int Ws, int gh, int gw, int k, int s, int pad, float* dst,
            bool overwrite = false) {
  if (s == 1 && gh == Hs && gw == Ws) {
    shifted_planes<true>(dst, C, Hs, Ws, k, pad, col, overwrite);
    return;
  }
  if (overwrite) std::fill(dst, dst + size_t(C) * Hs * Ws, 0.f);
  im2col_impl<true>(dst, C, Hs, Ws, gh, gw, k, s, pad, col);
}

// Direct convolution, stride 1: calls f(c, a, b, gy, sy, gx0, gx1) for every kernel tap
// (c, a, b) and output row gy whose source row sy = gy + a − pad exists, with [gx0, gx1) the
// output columns whose source column gx + b − pad exists. Used where im2col does not pay:
// a single output channel (the last layer), where the "GEMM" would be a matrix–vector product.
template <class F>
void for_each_tap_run(int C, int H, int W, int Ho, int Wo, int k, int pad, F&& f) {
  for (int c = 0; c < C; ++c)
    for (int a = 0; a < k; ++a)
      for (int b = 0; b < k; ++b) {
        const int gx0 = std::max(0, pad - b), gx1 = std::min(Wo, W + pad - b);
        if (gx0 >= gx1) continue;
        for (int gy = std::max(0, pad - a); gy < std::min(Ho, H + pad - a); ++gy) f(c, a, b, gy, gy + a - pad, gx0, gx1);
      }
}

// y[o, :] += bias[o] for every channel plane of one image.
void add_bias(float* y, const float* bias, int O, size_t plane) {
  for (int o = 0; o < O; ++o) {
    float* yo = y + size_t(o) * plane;
    for (size_t i = 0; i < plane; ++i) yo[i] += bias[o];
  }
}
// db[o] += Σ dy[o, :] for one image.
void acc_bias_grad(const float* dy, float* db, int O, size_t plane) {
  Eigen::Map<Eigen::RowVectorXf>(db, O) += CMat(dy, Eigen::Index(plane), O).colwise().sum();  // vectorised sums
}

// =============================================================================================
// Conv2D  x (n, C, H, W) → y (n, O, Ho, Wo);  weight (O, C, k, k), bias (O)
// =============================================================================================
class Conv2D : public Layer {
 public:
  Conv2D(int C, int O, int k, Padding pad) : C_(C), O_(O), k_(k), pad_(pad) {}
  LayerSpec spec() const override {
    LayerSpec s;
    s.kind = LayerKind::Conv2D, s.units = O_, s.kernel = k_, s.pad = pad_, s.has_act = false;
    return s;
  }
  std::string torch() const override {
    return "nn.Conv2d(" + std::to_string(C_) + ", " + std::to_string(O_) + ", " + std::to_string(k_) +
           (pad_ == Padding::Same ? (k_ % 2 ? ", padding=" + std::to_string(k_ / 2) : std::string(", padding='same'")) : "") + ")";
  }
  Shape output_shape(const Shape& in) const override {
    if (in.c != C_) throw Error(token() + " expects " + std::to_string(C_) + " input channels, got " + std::to_string(in.c));
    if (pad_ == Padding::Same) return {in.n, O_, in.h, in.w};
    if (in.h < k_ || in.w < k_) throw Error(token() + ": input " + std::to_string(in.h) + "×" + std::to_string(in.w) + " is smaller than the kernel");
    return {in.n, O_, in.h - k_ + 1, in.w - k_ + 1};
  }
  std::vector<ParamSpec> params(const Shape&) const override {
    return {{"weight", {O_, C_, k_, k_}, glorot(double(C_) * k_ * k_, double(O_) * k_ * k_)},
            {"bias", {O_}, 0.f}};
  }
  double macs(const Shape& in) const override {
    const Shape o = output_shape(in);
    return double(o.h) * o.w * O_ * C_ * k_ * k_;
  }
  int pad_begin() const { return pad_ == Padding::Same ? (k_ - 1) / 2 : 0; }
  // The paths of a 3×3 'same' convolution: Winograd (winograd.h) when both sides have several
  // channels, the direct kernel of direct.h for a single output; with a single input, im2col +
  // GEMM (9 columns: the transforms would cost more than they save). Other kernel sizes and
  // 'valid' use im2col + GEMM, or the direct loops below for one output.
  enum class Path { Im2col, Winograd, DirectToOne };
  Path path() const {
    if (k_ != 3 || pad_ != Padding::Same || (C_ == 1 && O_ > 1)) return Path::Im2col;
    return O_ == 1 ? Path::DirectToOne : Path::Winograd;
  }

  void forward(const Tensor& x, Tensor& y, const float* p, Workspace& ws) const override {
    const Shape& in = x.shape();
    const Shape out = output_shape(in);
    y.resize(out);
    const int KK = C_ * k_ * k_;
    const size_t P = size_t(out.h) * out.w;
    const float* bias = p + size_t(KK) * O_;
    switch (path()) {
      case Path::Winograd: return winograd3x3_forward(x.data(), in.n, C_, in.h, in.w, p, bias, O_, y.data(), ws);
      case Path::DirectToOne: return direct3x3_to_one_forward(x.data(), in.n, C_, in.h, in.w, p, bias, y.data(), ws);
      case Path::Im2col: break;
    }
    if (O_ == 1) {  // direct: y = b + Σ_taps w[c,a,b] · (shifted input plane c)
      for (int i = 0; i < in.n; ++i) {
        float* yi = y.image(i);
        std::fill(yi, yi + P, p[KK]);
        if (pad_ == Padding::Same) { same_single_forward(x.image(i), in.h, in.w, p, yi, ws); continue; }
        const float* xi = x.image(i);
        for_each_tap_run(C_, in.h, in.w, out.h, out.w, k_, 0, [&](int c, int a, int b, int gy, int sy, int gx0, int gx1) {
          const float w = p[(c * k_ + a) * k_ + b];
          const float* xr = xi + (size_t(c) * in.h + sy) * in.w + b;
          float* yr = yi + size_t(gy) * out.w;
          for (int gx = gx0; gx < gx1; ++gx) yr[gx] += w * xr[gx];
        });
      }
      return;
    }
    CMat W(p, KK, O_);  // (O, C·k·k) row-major  ==  (C·k·k × O) column-major
    float* colp = ws.col_buf(P * KK);
    for (int i = 0; i < in.n; ++i) {
      im2col(x.image(i), C_, in.h, in.w, out.h, out.w, k_, 1, pad_begin(), colp);
      Mat Y(y.image(i), Eigen::Index(P), O_);  // image i of y is (O × P) row-major = (P × O) col-major
      gemm(false, false, int(P), O_, KK, colp, int(P), W.data(), KK, Y.data(), int(P), false);  // col·W
      add_bias(y.image(i), p + size_t(KK) * O_, O_, P);
    }
  }
  void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx, const float* p,
                float* dp, Workspace& ws) const override {
    const Shape& in = x.shape();
    const Shape& out = y.shape();
    const int KK = C_ * k_ * k_;
    const size_t P = size_t(out.h) * out.w;
    const Path how = path();
    if (how != Path::Im2col) {
      if (dx) dx->resize(in);
      float* dxp = dx ? dx->data() : nullptr;
      float* db = dp + size_t(KK) * O_;
      if (how == Path::Winograd) winograd3x3_backward(x.data(), in.n, C_, in.h, in.w, p, O_, dy.data(), dxp, dp, db, ws);
      if (how == Path::DirectToOne) direct3x3_to_one_backward(x.data(), in.n, C_, in.h, in.w, p, dy.data(), dxp, dp, db, ws);
      return;
    }
    if (O_ == 1) {  // direct: dW[c,a,b] = Σ dy · shifted x;  dx[shifted] += w · dy
      if (dx) { dx->resize(in); dx->fill(0.f); }
      for (int i = 0; i < in.n; ++i) {
        const float* xi = x.image(i);
        const float* dyi = dy.image(i);
        float* dxi = dx ? dx->image(i) : nullptr;
        acc_bias_grad(dyi, dp + KK, 1, P);
        if (pad_ == Padding::Same) { same_single_backward(xi, in.h, in.w, dyi, p, dp, dxi, ws); continue; }
        for_each_tap_run(C_, in.h, in.w, out.h, out.w, k_, 0, [&](int c, int a, int b, int gy, int sy, int gx0, int gx1) {
          const int j = (c * k_ + a) * k_ + b;
          const size_t src = (size_t(c) * in.h + sy) * in.w + b;
          const float* g = dyi + size_t(gy) * out.w;
          const float* xr = xi + src;
          dp[j] += Eigen::Map<const Eigen::VectorXf>(g + gx0, gx1 - gx0).dot(Eigen::Map<const Eigen::VectorXf>(xr + gx0, gx1 - gx0));
          if (dxi) {
            float* dr = dxi + src;
            const float w = p[j];
            for (int gx = gx0; gx < gx1; ++gx) dr[gx] += w * g[gx];
          }
        });
      }
      return;
    }
    CMat W(p, KK, O_);
    Mat dW(dp, KK, O_);
    float* db = dp + size_t(KK) * O_;
    float* colp = ws.col_buf(P * KK);
    float* dcolp = dx ? ws.dcol_buf(P * KK) : nullptr;
    if (dx) dx->resize(in);  // written whole by col2im(…, overwrite)
    for (int i = 0; i < in.n; ++i) {
      CMat dY(dy.image(i), Eigen::Index(P), O_);
      im2col(x.image(i), C_, in.h, in.w, out.h, out.w, k_, 1, pad_begin(), colp);
      gemm(true, false, KK, O_, int(P), colp, int(P), dY.data(), int(P), dW.data(), KK, true);  // dW += colᵀ·dY: (KK × P)·(P × O)
      acc_bias_grad(dy.image(i), db, O_, P);
      if (dx) {
        Mat dcol(dcolp, Eigen::Index(P), KK);
        gemm(false, true, int(P), KK, O_, dY.data(), int(P), W.data(), KK, dcol.data(), int(P), false);  // dY·Wᵀ: (P × O)·(O × KK)
        col2im(dcolp, C_, in.h, in.w, out.h, out.w, k_, 1, pad_begin(), dx->image(i), /*overwrite=*/true);
      }
    }
  }

 private:
  // 'same' convolution with one output channel, one image, without im2col. A tap (c, a, b)
  // reads the input plane shifted by off = dy·W + dx (dy = a − pad, dx = b − pad); over the
  // contiguous range of output pixels q with 0 ≤ q + off < P that is one long vector
  // operation. The only wrong terms are the |dx| pixels per row whose source wrapped around to
  // the neighbouring row; so the taps are grouped by dx and, per group, those output columns
  // are zeroed — in the partial sum (forward) or in the incoming gradient (backward).
  void zero_wrapped(float* plane, int H, int W, int dx) const {
    for (int gy = 0; gy < H; ++gy) {
      float* row = plane + size_t(gy) * W;
      if (dx > 0) for (int q = std::max(0, W - dx); q < W; ++q) row[q] = 0.f;
      if (dx < 0) for (int q = 0; q < std::min(W, -dx); ++q) row[q] = 0.f;
    }
  }
  void same_single_forward(const float* x, int H, int W, const float* w, float* y, Workspace& ws) const {
    const int P = H * W, pad = pad_begin();
    float* t = ws.dcol_buf(size_t(P));
    for (int b = 0; b < k_; ++b) {  // one group per horizontal shift dx = b − pad
      const int dxs = b - pad;
      std::fill(t, t + P, 0.f);
      for (int c = 0; c < C_; ++c)
        for (int a = 0; a < k_; ++a) {
          const int off = (a - pad) * W + dxs, p0 = std::max(0, -off), p1 = std::min(P, P - off);
          const float wj = w[(c * k_ + a) * k_ + b];
          const float* xs = x + size_t(c) * P + off;
          for (int q = p0; q < p1; ++q) t[q] += wj * xs[q];
        }
      zero_wrapped(t, H, W, dxs);
      for (int q = 0; q < P; ++q) y[q] += t[q];
    }
  }
  void same_single_backward(const float* x, int H, int W, const float* dy, const float* w, float* dw, float* dx,
                            Workspace& ws) const {
    const int P = H * W, pad = pad_begin();
    float* g = ws.dcol_buf(size_t(P));
    for (int b = 0; b < k_; ++b) {
      const int dxs = b - pad;
      std::copy(dy, dy + P, g);
      zero_wrapped(g, H, W, dxs);  // wrapped outputs contribute nothing
      for (int c = 0; c < C_; ++c)
        for (int a = 0; a < k_; ++a) {
          const int j = (c * k_ + a) * k_ + b;
          const int off = (a - pad) * W + dxs, p0 = std::max(0, -off), p1 = std::min(P, P - off);
          const float* xs = x + size_t(c) * P + off;
          dw[j] += Eigen::Map<const Eigen::VectorXf>(g + p0, p1 - p0).dot(Eigen::Map<const Eigen::VectorXf>(xs + p0, p1 - p0));
          if (dx) {
            float* ds = dx + size_t(c) * P + off;
            const float wj = w[j];
            for (int q = p0; q < p1; ++q) ds[q] += wj * g[q];
          }
        }
    }
  }

  int C_, O_, k_;
  Padding pad_;
};

// =============================================================================================
// Conv2DTranspose, stride 2  x (n, C, H, W) → y (n, O, 2H, 2W);  weight (C, O, k, k), bias (O)
// =============================================================================================
class Conv2DTranspose : public Layer {
 public:
  Conv2DTranspose(int C, int O, int k) : C_(C), O_(O), k_(k) {
    if (k % 2 == 0) throw Error("convt: kernel size must be odd, got " + std::to_string(k));
  }
  LayerSpec spec() const override {
    LayerSpec s;
    s.kind = LayerKind::Conv2DTranspose, s.units = O_, s.kernel = k_, s.has_act = false;
    return s;
  }
  std::string torch() const override {
    return "nn.ConvTranspose2d(" + std::to_string(C_) + ", " + std::to_string(O_) + ", " + std::to_string(k_) + ", stride=2, padding=" +
           std::to_string(pad()) + ", output_padding=1)";
  }
  Shape output_shape(const Shape& in) const override {
    if (in.c != C_) throw Error(token() + " expects " + std::to_string(C_) + " input channels, got " + std::to_string(in.c));
    return {in.n, O_, in.h * 2, in.w * 2};
  }
  std::vector<ParamSpec> params(const Shape&) const override {
    return {{"weight", {C_, O_, k_, k_}, glorot(double(O_) * k_ * k_, double(C_) * k_ * k_)},
            {"bias", {O_}, 0.f}};
  }
  double macs(const Shape& in) const override { return double(in.h) * in.w * C_ * O_ * k_ * k_; }
  int pad() const { return (k_ - 1) / 2; }

  void forward(const Tensor& x, Tensor& y, const float* p, Workspace& ws) const override {
    const Shape& in = x.shape();
    const Shape out = output_shape(in);
    y.resize(out);
    y.fill(0.f);
    const int OKK = O_ * k_ * k_;
    const size_t P = size_t(in.h) * in.w;
    CMat W(p, OKK, C_);  // (C, O·k·k) row-major == (O·k·k × C) column-major
    float* colp = ws.col_buf(P * OKK);
    for (int i = 0; i < in.n; ++i) {
      Mat col(colp, Eigen::Index(P), OKK);
      gemm(false, true, int(P), OKK, C_, x.image(i), int(P), W.data(), OKK, col.data(), int(P), false);  // x·Wᵀ: (P × C)·(C × OKK)
      col2im(colp, O_, out.h, out.w, in.h, in.w, k_, 2, pad(), y.image(i));    // scatter taps
      add_bias(y.image(i), p + size_t(OKK) * C_, O_, size_t(out.h) * out.w);
    }
  }
  void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx, const float* p,
                float* dp, Workspace& ws) const override {
    const Shape& in = x.shape();
    const Shape& out = y.shape();
    const int OKK = O_ * k_ * k_;
    const size_t P = size_t(in.h) * in.w;
    CMat W(p, OKK, C_);
    Mat dW(dp, OKK, C_);
    float* db = dp + size_t(OKK) * C_;
    float* dcolp = ws.dcol_buf(P * OKK);
    if (dx) dx->resize(in);
    for (int i = 0; i < in.n; ++i) {
      im2col(dy.image(i), O_, out.h, out.w, in.h, in.w, k_, 2, pad(), dcolp);  // gather taps
      CMat dcol(dcolp, Eigen::Index(P), OKK);
      gemm(true, false, OKK, C_, int(P), dcol.data(), int(P), x.image(i), int(P), dW.data(), OKK, true);  // dW += dcolᵀ·x: (OKK × P)·(P × C)
      acc_bias_grad(dy.image(i), db, O_, size_t(out.h) * out.w);
      if (dx) gemm(false, false, int(P), C_, OKK, dcol.data(), int(P), W.data(), OKK, dx->image(i), int(P), false);  // dcol·W: (P × OKK)·(OKK × C)
    }
  }

 private:
  int C_, O_, k_;
};

}  // namespace

std::unique_ptr<Layer> make_conv2d(int C, int O, int k, Padding pad) {
  if (C < 1 || O < 1 || k < 1 || k > 15) throw Error("conv: bad channels/kernel (" + std::to_string(C) + ", " + std::to_string(O) + ", k" + std::to_string(k) + ")");
  return std::make_unique<Conv2D>(C, O, k, pad);
}
std::unique_ptr<Layer> make_conv2d_transpose(int C, int O, int k) {
  if (C < 1 || O < 1 || k < 1 || k > 15) throw Error("convt: bad channels/kernel");
  return std::make_unique<Conv2DTranspose>(C, O, k);
}

}  // namespace dae
