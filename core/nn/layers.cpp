// layers.cpp — forward and backward of every layer, side by side. See layers.h for the
// conventions (NCHW shards, flat parameter slices, accumulated gradients).
#include "nn/layers.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "base/common.h"
#include "kernels/direct.h"
#include "kernels/gemm.h"
#include "kernels/simd.h"
#include "kernels/winograd.h"

namespace dae {
namespace {

using Mat = Eigen::Map<Eigen::MatrixXf>;             // column-major view of raw floats
using CMat = Eigen::Map<const Eigen::MatrixXf>;

std::string num(int v) { return std::to_string(v); }

LayerSpec simple_spec(LayerKind k) {
  LayerSpec s;
  s.kind = k, s.has_act = false;
  return s;
}

// Backward of fw full 2×2 windows on the row pair (r0, r1): each window's gradient g goes to its
// first maximum in row-major order (a, b, c, d = top-left, top-right, bottom-left, bottom-right).
// Arithmetic on 0/1 masks, four windows at a time (pooled ReLU outputs make branches unpredictable).
void route_max_grad(const float* r0, const float* r1, const float* g, float* d0, float* d1, int fw) {
  using namespace simd;
  auto masks = [](auto a, auto b, auto c, auto d, auto& ia, auto& ib, auto& ic, auto& id) {
    ia = (a >= b) & (a >= c) & (a >= d);
    ib = (b > a) & (b >= c) & (b >= d);
    ic = (c > a) & (c > b) & (c >= d);
    id = !(ia | ib | ic);
  };
  int ox = 0;
  for (; ox + 4 <= fw; ox += 4) {
    const f4 x0 = load4(r0 + 2 * ox), x1 = load4(r0 + 2 * ox + 4), y0 = load4(r1 + 2 * ox), y1 = load4(r1 + 2 * ox + 4);
    const f4 a = even4(x0, x1), b = odd4(x0, x1), c = even4(y0, y1), d = odd4(y0, y1);
    const i4 ia = (a >= b) & (a >= c) & (a >= d), ib = (b > a) & (b >= c) & (b >= d), ic = (c > a) & (c > b) & (c >= d);
    const i4 id = ~(ia | ib | ic);
    const f4 gv = load4(g + ox);
    const f4 ga = mask4(ia) * gv, gb = mask4(ib) * gv, gc = mask4(ic) * gv, gd = mask4(id) * gv;
    store4(d0 + 2 * ox, lo_zip4(ga, gb));
    store4(d0 + 2 * ox + 4, hi_zip4(ga, gb));
    store4(d1 + 2 * ox, lo_zip4(gc, gd));
    store4(d1 + 2 * ox + 4, hi_zip4(gc, gd));
  }
  for (; ox < fw; ++ox) {
    const float a = r0[2 * ox], b = r0[2 * ox + 1], c = r1[2 * ox], d = r1[2 * ox + 1];
    bool ia, ib, ic, id;
    masks(a, b, c, d, ia, ib, ic, id);
    const float gv = g[ox];
    d0[2 * ox] = float(ia) * gv;
    d0[2 * ox + 1] = float(ib) * gv;
    d1[2 * ox] = float(ic) * gv;
    d1[2 * ox + 1] = float(id) * gv;
  }
}

// y[ox] = max of the 2×2 window ox of rows r0, r1, for fw full windows.
void pool_row(const float* r0, const float* r1, float* y, int fw) {
  using namespace simd;
  int ox = 0;
  for (; ox + 4 <= fw; ox += 4) {
    const f4 x0 = load4(r0 + 2 * ox), x1 = load4(r0 + 2 * ox + 4), y0 = load4(r1 + 2 * ox), y1 = load4(r1 + 2 * ox + 4);
    store4(y + ox, max4(max4(even4(x0, x1), odd4(x0, x1)), max4(even4(y0, y1), odd4(y0, y1))));
  }
  for (; ox < fw; ++ox) y[ox] = std::max(std::max(r0[2 * ox], r0[2 * ox + 1]), std::max(r1[2 * ox], r1[2 * ox + 1]));
}

// =============================================================================================
// MaxPooling2D 2×2 stride 2, 'same'   x (n, C, H, W) → y (n, C, ⌈H/2⌉, ⌈W/2⌉)
// =============================================================================================
class MaxPool2 : public Layer {
 public:
  LayerSpec spec() const override { return simple_spec(LayerKind::MaxPool); }
  std::string torch() const override { return "nn.MaxPool2d(2, ceil_mode=True)"; }
  Shape output_shape(const Shape& in) const override {
    if (in.h == 1 && in.w == 1) throw Error("pool needs an image input, got a flat vector");
    return {in.n, in.c, (in.h + 1) / 2, (in.w + 1) / 2};
  }
  // Index (within the plane) of the first maximum of the window at (oy, ox).
  static int argmax(const float* plane, int H, int W, int oy, int ox) {
    const int y0 = 2 * oy, x0 = 2 * ox;
    int best = y0 * W + x0;
    for (int dy = 0; dy < 2 && y0 + dy < H; ++dy)
      for (int dx = 0; dx < 2 && x0 + dx < W; ++dx) {
        const int idx = (y0 + dy) * W + x0 + dx;
        if (plane[idx] > plane[best]) best = idx;
      }
    return best;
  }
  void forward(const Tensor& x, Tensor& y, const float*, Workspace&) const override {
    const Shape& in = x.shape();
    const Shape out = output_shape(in);
    y.resize(out);
    const int H = in.h, W = in.w, fh = H / 2, fw = W / 2;  // full windows
    const size_t planes = size_t(in.n) * in.c;
    for (size_t pl = 0; pl < planes; ++pl) {
      const float* xp = x.data() + pl * H * W;
      float* yp = y.data() + pl * out.h * out.w;
      for (int oy = 0; oy < fh; ++oy) pool_row(xp + size_t(2 * oy) * W, xp + size_t(2 * oy + 1) * W, yp + size_t(oy) * out.w, fw);
      // Partial windows on the last row / column of odd sizes.
      for (int oy = 0; oy < out.h; ++oy)
        for (int ox = (oy < fh ? fw : 0); ox < out.w; ++ox) yp[oy * out.w + ox] = xp[argmax(xp, H, W, oy, ox)];
    }
  }
  void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx, const float*, float*,
                Workspace&) const override {
    if (!dx) return;
    const Shape& in = x.shape();
    const Shape& out = y.shape();
    dx->resize(in);
    const int H = in.h, W = in.w, fh = H / 2, fw = W / 2;
    const size_t planes = size_t(in.n) * in.c;
    for (size_t pl = 0; pl < planes; ++pl) {
      const float* xp = x.data() + pl * H * W;
      const float* dyp = dy.data() + pl * out.h * out.w;
      float* dxp = dx->data() + pl * H * W;
      for (int oy = 0; oy < fh; ++oy) {
        const float* r0 = xp + size_t(2 * oy) * W;
        const float* r1 = r0 + W;
        float* d0 = dxp + size_t(2 * oy) * W;
        float* d1 = d0 + W;
        route_max_grad(r0, r1, dyp + size_t(oy) * out.w, d0, d1, fw);
      }
      if (fh == out.h && fw == out.w) continue;
      // Odd sizes: clear the last row / column, then route the partial windows.
      if (W % 2) for (int yy = 0; yy < 2 * fh; ++yy) dxp[size_t(yy) * W + W - 1] = 0.f;
      if (H % 2) std::fill(dxp + size_t(H - 1) * W, dxp + size_t(H) * W, 0.f);
      for (int oy = 0; oy < out.h; ++oy)
        for (int ox = (oy < fh ? fw : 0); ox < out.w; ++ox)
          dxp[argmax(xp, H, W, oy, ox)] += dyp[oy * out.w + ox];
    }
  }
};

// =============================================================================================
// UpSampling2D ×2 nearest   x (n, C, H, W) → y (n, C, 2H, 2W)
// =============================================================================================
class UpSample2 : public Layer {
 public:
  LayerSpec spec() const override { return simple_spec(LayerKind::UpSample); }
  std::string torch() const override { return "nn.Upsample(scale_factor=2, mode='nearest')"; }
  Shape output_shape(const Shape& in) const override {
    if (in.h == 1 && in.w == 1) throw Error("up needs an image input, got a flat vector");
    return {in.n, in.c, in.h * 2, in.w * 2};
  }
  void forward(const Tensor& x, Tensor& y, const float*, Workspace&) const override {
    const Shape& in = x.shape();
    const Shape out = output_shape(in);
    y.resize(out);
    const size_t planes = size_t(in.n) * in.c;
    for (size_t pl = 0; pl < planes; ++pl) {
      const float* xp = x.data() + pl * in.h * in.w;
      float* yp = y.data() + pl * out.h * out.w;
      for (int iy = 0; iy < in.h; ++iy) {
        float* r0 = yp + size_t(2 * iy) * out.w;
        const float* xr = xp + size_t(iy) * in.w;
        int ix = 0;
        for (; ix + 4 <= in.w; ix += 4) {  // x0 x1 x2 x3 → x0 x0 x1 x1 | x2 x2 x3 x3
          const simd::f4 v = simd::load4(xr + ix);
          simd::store4(r0 + 2 * ix, simd::lo_zip4(v, v));
          simd::store4(r0 + 2 * ix + 4, simd::hi_zip4(v, v));
        }
        for (; ix < in.w; ++ix) r0[2 * ix] = r0[2 * ix + 1] = xr[ix];
        float* r1 = r0 + out.w;  // the row again (a loop: memcpy calls cost more for rows this short)
        int q = 0;
        for (; q + 4 <= out.w; q += 4) simd::store4(r1 + q, simd::load4(r0 + q));
        for (; q < out.w; ++q) r1[q] = r0[q];
      }
    }
  }
  void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx, const float*, float*,
                Workspace&) const override {
    if (!dx) return;
    const Shape& in = x.shape();
    const Shape& out = y.shape();
    dx->resize(in);
    const size_t planes = size_t(in.n) * in.c;
    for (size_t pl = 0; pl < planes; ++pl) {
      const float* d = dy.data() + pl * out.h * out.w;
      float* dxp = dx->data() + pl * in.h * in.w;
      for (int iy = 0; iy < in.h; ++iy) {
        const float* r0 = d + size_t(2 * iy) * out.w;
        const float* r1 = r0 + out.w;
        float* o = dxp + size_t(iy) * in.w;
        int ix = 0;
        for (; ix + 4 <= in.w; ix += 4) {
          using namespace simd;
          const f4 a0 = load4(r0 + 2 * ix), a1 = load4(r0 + 2 * ix + 4), b0 = load4(r1 + 2 * ix), b1 = load4(r1 + 2 * ix + 4);
          store4(o + ix, (even4(a0, a1) + odd4(a0, a1)) + (even4(b0, b1) + odd4(b0, b1)));
        }
        for (; ix < in.w; ++ix) o[ix] = (r0[2 * ix] + r0[2 * ix + 1]) + (r1[2 * ix] + r1[2 * ix + 1]);
      }
    }
  }
};

// =============================================================================================
// Dense   x (n, I, 1, 1) → y (n, O, 1, 1);  weight (O, I), bias (O)
// =============================================================================================
class Dense : public Layer {
 public:
  Dense(int I, int O) : I_(I), O_(O) {}
  LayerSpec spec() const override {
    LayerSpec s;
    s.kind = LayerKind::Dense, s.units = O_, s.has_act = false;
    return s;
  }
  std::string torch() const override { return "nn.Linear(" + num(I_) + ", " + num(O_) + ")"; }
  Shape output_shape(const Shape& in) const override {
    if (in.h != 1 || in.w != 1) throw Error(token() + " needs a flat input, got an image (add flatten before it)");
    if (in.c != I_) throw Error(token() + " expects " + num(I_) + " inputs, got " + num(in.c));
    return {in.n, O_, 1, 1};
  }
  std::vector<ParamSpec> params(const Shape&) const override {
    return {{"weight", {O_, I_}, glorot(I_, O_)}, {"bias", {O_}, 0.f}};
  }
  double macs(const Shape&) const override { return double(I_) * O_; }
  void forward(const Tensor& x, Tensor& y, const float* p, Workspace&) const override {
    const int n = x.shape().n;
    y.resize(output_shape(x.shape()));
    CMat W(p, I_, O_);  // (O, I) row-major == (I × O) column-major
    Eigen::Map<const Eigen::VectorXf> b(p + size_t(I_) * O_, O_);
    Mat Y(y.data(), O_, n);  // (n, O) row-major == (O × n) column-major
    gemm(true, false, O_, n, I_, W.data(), I_, x.data(), I_, Y.data(), O_, false);  // Wᵀ·X: (O × I)·(I × n)
    Y.colwise() += b;
  }
  void backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx, const float* p,
                float* dp, Workspace&) const override {
    const int n = x.shape().n;
    CMat W(p, I_, O_);
    CMat dY(dy.data(), O_, n);
    CMat X(x.data(), I_, n);
    gemm(false, true, I_, O_, n, X.data(), I_, dY.data(), O_, dp, I_, true);     // dW += X·dYᵀ: (I × n)·(n × O)
    Eigen::Map<Eigen::VectorXf>(dp + size_t(I_) * O_, O_) += dY.rowwise().sum();
    if (dx) {
      dx->resize(x.shape());
      gemm(false, false, I_, n, O_, W.data(), I_, dY.data(), O_, dx->data(), I_, false);  // W·dY: (I × O)·(O × n)
    }
  }

 private:
  int I_, O_;
};

// =============================================================================================
// Flatten (n, C, H, W) → (n, C·H·W, 1, 1)   and   Reshape (n, C·H·W, 1, 1) → (n, C, H, W)
// Pure relabelling of the same row-major data: forward and backward are copies.
// =============================================================================================
// Both only relabel the shape of the same row-major values.
class Relabel : public Layer {
 public:
  void forward(const Tensor& x, Tensor& y, const float*, Workspace&) const override {
    y.resize(output_shape(x.shape()));
    std::copy(x.data(), x.data() + x.size(), y.data());
  }
  void backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx, const float*, float*,
                Workspace&) const override {
    if (!dx) return;
    dx->resize(x.shape());
    std::copy(dy.data(), dy.data() + dy.size(), dx->data());
  }
};

class Flatten : public Relabel {
 public:
  LayerSpec spec() const override { return simple_spec(LayerKind::Flatten); }
  std::string torch() const override { return "nn.Flatten()"; }
  Shape output_shape(const Shape& in) const override { return {in.n, int(in.per_image()), 1, 1}; }
};

class Reshape : public Relabel {
 public:
  Reshape(int c, int h, int w) : c_(c), h_(h), w_(w) {}
  LayerSpec spec() const override {
    LayerSpec s = simple_spec(LayerKind::Reshape);
    s.c = c_, s.h = h_, s.w = w_;
    return s;
  }
  std::string torch() const override {
    return "nn.Unflatten(1, (" + num(c_) + ", " + num(h_) + ", " + num(w_) + "))";
  }
  Shape output_shape(const Shape& in) const override {
    if (in.per_image() != size_t(c_) * h_ * w_)
      throw Error(token() + " needs " + std::to_string(size_t(c_) * h_ * w_) + " values per image, got " +
                  std::to_string(in.per_image()));
    return {in.n, c_, h_, w_};
  }

 private:
  int c_, h_, w_;
};

// =============================================================================================
// ReLU (in place)   y = max(x, 0);   dx = dy · [y > 0]
// =============================================================================================
class ReLU : public Layer {
 public:
  LayerSpec spec() const override { return simple_spec(LayerKind::ReLU); }
  std::string torch() const override { return "nn.ReLU()"; }
  bool in_place() const override { return true; }
  Shape output_shape(const Shape& in) const override { return in; }
  // In place, x and y (dy and dx) are the same tensor.
  void forward(const Tensor& x, Tensor& y, const float*, Workspace&) const override {
    if (&x != &y) y.resize(x.shape());
    relu_copy(x.data(), y.data(), x.size());
  }
  void backward(const Tensor&, const Tensor& y, const Tensor& dy, Tensor* dx, const float*, float*,
                Workspace&) const override {
    if (!dx) return;
    if (dx != &dy) dx->resize(y.shape());
    masked_copy(y.data(), dy.data(), dx->data(), y.size());
  }

 private:
  // b = relu(a) and o = y > 0 ? g : 0 (the pointers may be equal), a vector at a time.
  static void relu_copy(const float* a, float* b, size_t n) {
    size_t i = 0;
    for (; i + simd::kLanes <= n; i += simd::kLanes) simd::store(b + i, simd::relu(simd::load(a + i)));
    for (; i < n; ++i) b[i] = a[i] > 0.f ? a[i] : 0.f;
  }
  static void masked_copy(const float* y, const float* g, float* o, size_t n) {
    size_t i = 0;
    for (; i + simd::kLanes <= n; i += simd::kLanes)
      simd::store(o + i, simd::keep_if_positive(simd::load(y + i), simd::load(g + i)));
    for (; i < n; ++i) o[i] = y[i] > 0.f ? g[i] : 0.f;
  }
};

// =============================================================================================
// LeakyReLU (in place)   y = x if x > 0 else α·x;   dx = dy if y > 0 else α·dy   (0 ≤ α ≤ 1, so
// y > 0 exactly where x > 0: the mask can be read from y, which is what lets it run in place)
// =============================================================================================
class LeakyReLU : public Layer {
 public:
  explicit LeakyReLU(float alpha) : a_(alpha) {}
  LayerSpec spec() const override {
    LayerSpec s = simple_spec(LayerKind::LeakyReLU);
    s.alpha = a_;
    return s;
  }
  std::string torch() const override { return "nn.LeakyReLU(" + format_alpha(a_) + ")"; }
  bool in_place() const override { return true; }
  Shape output_shape(const Shape& in) const override { return in; }
  void forward(const Tensor& x, Tensor& y, const float*, Workspace&) const override {
    if (&x != &y) y.resize(x.shape());
    const float* a = x.data();
    float* b = y.data();
    for (size_t i = 0, n = x.size(); i < n; ++i) b[i] = a[i] > 0.f ? a[i] : a_ * a[i];
  }
  void backward(const Tensor&, const Tensor& y, const Tensor& dy, Tensor* dx, const float*, float*,
                Workspace&) const override {
    if (!dx) return;
    if (dx != &dy) dx->resize(y.shape());
    const float* yy = y.data();
    const float* g = dy.data();
    float* o = dx->data();
    for (size_t i = 0, n = y.size(); i < n; ++i) o[i] = yy[i] > 0.f ? g[i] : a_ * g[i];
  }

 private:
  float a_;
};

// =============================================================================================
// Sigmoid   y = 1 / (1 + e^(−x));   dx = dy · y · (1 − y)
// =============================================================================================
class Sigmoid : public Layer {
 public:
  LayerSpec spec() const override { return simple_spec(LayerKind::Sigmoid); }
  std::string torch() const override { return "nn.Sigmoid()"; }
  Shape output_shape(const Shape& in) const override { return in; }
  void forward(const Tensor& x, Tensor& y, const float*, Workspace&) const override {
    y.resize(x.shape());
    const float* a = x.data();
    float* b = y.data();
    for (size_t i = 0, n = x.size(); i < n; ++i) {
      // Split by sign so exp never overflows.
      if (a[i] >= 0.f) b[i] = 1.f / (1.f + std::exp(-a[i]));
      else { const float e = std::exp(a[i]); b[i] = e / (1.f + e); }
    }
  }
  void backward(const Tensor&, const Tensor& y, const Tensor& dy, Tensor* dx, const float*, float*,
                Workspace&) const override {
    if (!dx) return;
    dx->resize(y.shape());
    const float* yy = y.data();
    const float* d = dy.data();
    float* o = dx->data();
    for (size_t i = 0, n = y.size(); i < n; ++i) o[i] = d[i] * yy[i] * (1.f - yy[i]);
  }
};

}  // namespace

std::unique_ptr<Layer> make_maxpool2() { return std::make_unique<MaxPool2>(); }
std::unique_ptr<Layer> make_upsample2() { return std::make_unique<UpSample2>(); }
std::unique_ptr<Layer> make_dense(int I, int O) {
  if (I < 1 || O < 1) throw Error("dense: bad size");
  return std::make_unique<Dense>(I, O);
}
std::unique_ptr<Layer> make_flatten() { return std::make_unique<Flatten>(); }
std::unique_ptr<Layer> make_reshape(int c, int h, int w) {
  if (c < 1 || h < 1 || w < 1) throw Error("reshape: bad shape");
  return std::make_unique<Reshape>(c, h, w);
}
std::unique_ptr<Layer> make_relu() { return std::make_unique<ReLU>(); }
std::unique_ptr<Layer> make_sigmoid() { return std::make_unique<Sigmoid>(); }
std::unique_ptr<Layer> make_leaky_relu(float alpha) {
  if (!(alpha >= 0.f && alpha <= 1.f)) throw Error("lrelu: the slope must be in 0..1, got " + format_alpha(alpha));
  return std::make_unique<LeakyReLU>(alpha);
}

namespace {

// ---- Keras code (LayerDef::keras_code) ------------------------------------------------------------
using Lines = std::vector<std::string>;
std::string act_arg(const std::string& act) { return act.empty() ? "" : ", activation='" + act + "'"; }
std::string kernel_arg(int k) { return "(" + num(k) + ", " + num(k) + ")"; }

Lines keras_conv(const LayerSpec& s, const std::string& act) {
  return {"layers.Conv2D(" + num(s.units) + ", " + kernel_arg(s.kernel) + act_arg(act) + ", padding='" +
          (s.pad == Padding::Same ? "same" : "valid") + "')"};
}
// Keras' padding='same' puts a stride-2 transposed kernel's taps one pixel off PyTorch's
// padding=p, output_padding=1 (ours): 'valid' (output 2H + k − 2, taps at 2i + a) cropped by p
// rows and columns at the start and k − 2 − p at the end gives ours exactly (taps at 2i + a − p);
// k = 1 has one row too few instead, which output_padding=1 adds (bias only, as ours).
Lines keras_convt(const LayerSpec& s, const std::string& act) {
  const int k = s.kernel, p = (k - 1) / 2;
  const std::string call = "layers.Conv2DTranspose(" + num(s.units) + ", " + kernel_arg(k) + ", strides=2";
  if (k == 1) return {call + ", output_padding=1" + act_arg(act) + ")"};
  const std::string crop = "(" + num(p) + ", " + num(k - 2 - p) + ")";
  return {call + act_arg(act) + ")", "layers.Cropping2D((" + crop + ", " + crop + "))"};
}
Lines keras_dense(const LayerSpec& s, const std::string& act) { return {"layers.Dense(" + num(s.units) + act_arg(act) + ")"}; }
Lines keras_pool(const LayerSpec&, const std::string&) { return {"layers.MaxPooling2D((2, 2), padding='same')"}; }
Lines keras_up(const LayerSpec&, const std::string&) { return {"layers.UpSampling2D((2, 2))"}; }
Lines keras_flatten(const LayerSpec&, const std::string&) { return {"layers.Flatten()"}; }
Lines keras_reshape(const LayerSpec& s, const std::string&) {
  return {"layers.Reshape((" + num(s.h) + ", " + num(s.w) + ", " + num(s.c) + "))"};
}
Lines keras_relu(const LayerSpec&, const std::string&) { return {"layers.ReLU()"}; }
Lines keras_lrelu(const LayerSpec& s, const std::string&) { return {"layers.LeakyReLU(alpha=" + format_alpha(s.alpha) + ")"}; }
Lines keras_sigmoid(const LayerSpec&, const std::string&) { return {"layers.Activation('sigmoid')"}; }

}  // namespace

// =============================================================================================
// The layer table: one entry per kind. Adding a kind = its class above, its make_ function,
// an entry here, its value in LayerKind — nothing else in the code names layer kinds.
// =============================================================================================
const std::vector<LayerDef>& layer_table() {
  using D = LayerDef;
  static const std::vector<LayerDef> table = {
      {LayerKind::Conv2D, "conv", nullptr, "Conv2D", "conv<F>[k<K>][/valid][:act]",
       "Conv2D: F filters of K×K (default 3), stride 1, 'same' padding (or 'valid')",
       D::kUnits | D::kKernel | D::kPadding | D::kTakesAct, "filters",
       [](const LayerSpec& s, const Shape& in) { return make_conv2d(in.c, s.units, s.kernel, s.pad); },
       nullptr, keras_conv},
      {LayerKind::Conv2DTranspose, "convt", nullptr, "Conv2DTranspose", "convt<F>[k<K>][:act]",
       "Conv2DTranspose, stride 2: output twice the size; K odd",
       D::kUnits | D::kKernel | D::kTakesAct, "filters",
       [](const LayerSpec& s, const Shape& in) { return make_conv2d_transpose(in.c, s.units, s.kernel); },
       nullptr, keras_convt},
      {LayerKind::Dense, "dense", nullptr, "Dense", "dense<N>[:act]", "Dense with N units (after flatten)",
       D::kUnits | D::kTakesAct, "units",
       [](const LayerSpec& s, const Shape& in) {
         if (in.h != 1 || in.w != 1) throw Error("dense needs a flat input: add 'flatten' before it");
         return make_dense(in.c, s.units);
       },
       nullptr, keras_dense},
      {LayerKind::MaxPool, "pool", "maxpool", "MaxPooling2D", "pool",
       "MaxPooling2D 2×2, Keras 'same' (odd sizes round up: 7 → 4)", 0, nullptr,
       [](const LayerSpec&, const Shape&) { return make_maxpool2(); }, nullptr, keras_pool},
      {LayerKind::UpSample, "up", "upsample", "UpSampling2D", "up", "UpSampling2D ×2, nearest", 0, nullptr,
       [](const LayerSpec&, const Shape&) { return make_upsample2(); }, nullptr, keras_up},
      {LayerKind::Flatten, "flatten", nullptr, "Flatten", "flatten", "image → vector (before dense)", 0, nullptr,
       [](const LayerSpec&, const Shape&) { return make_flatten(); }, nullptr, keras_flatten},
      {LayerKind::Reshape, "reshape", nullptr, "Reshape", "reshape<C>x<H>x<W>", "vector → C×H×W image", D::kShape,
       nullptr, [](const LayerSpec& s, const Shape&) { return make_reshape(s.c, s.h, s.w); }, nullptr, keras_reshape},
      {LayerKind::ReLU, "relu", nullptr, "ReLU", "relu", "max(x, 0)", D::kIsActivation, nullptr,
       [](const LayerSpec&, const Shape&) { return make_relu(); }, "relu", keras_relu},
      {LayerKind::LeakyReLU, "lrelu", nullptr, "LeakyReLU", "lrelu[:<alpha>]",
       "x if x > 0, else alpha·x (alpha 0..1, default 0.3 as in Keras)", D::kAlpha | D::kIsActivation, nullptr,
       [](const LayerSpec& s, const Shape&) { return make_leaky_relu(s.alpha); }, nullptr, keras_lrelu},
      {LayerKind::Sigmoid, "sigmoid", nullptr, "Sigmoid", "sigmoid", "1 / (1 + e^−x): outputs in (0, 1)",
       D::kIsActivation, nullptr, [](const LayerSpec&, const Shape&) { return make_sigmoid(); }, "sigmoid",
       keras_sigmoid},
  };
  return table;
}

const LayerDef& layer_def(LayerKind kind) {
  for (const auto& d : layer_table())
    if (d.kind == kind) return d;
  throw Error("layer kind " + num(int(kind)) + " is not in the layer table");
}

std::unique_ptr<Layer> make_layer(const LayerSpec& s, const Shape& in) { return layer_def(s.kind).make(s, in); }

std::string Layer::token() const { return format_layer(spec()); }

}  // namespace dae
