// reference.cpp — see reference.h. Loops straight from the definitions; sums in double.
#include "reference.h"

#include <vector>

namespace dae::ref {

// ---- Conv2D -----------------------------------------------------------------------------------
// One loop nest visits every (image, out channel, out pixel, in channel, tap) with the input
// pixel it reads; forward and backward are the same visit with different arithmetic.
template <class F>
static void conv_taps(const Shape& in, int O, int k, bool same, F&& f) {
  const int p = same ? (k - 1) / 2 : 0;
  const int Ho = same ? in.h : in.h - k + 1, Wo = same ? in.w : in.w - k + 1;
  for (int i = 0; i < in.n; ++i)
    for (int o = 0; o < O; ++o)
      for (int r = 0; r < Ho; ++r)
        for (int c = 0; c < Wo; ++c)
          for (int ch = 0; ch < in.c; ++ch)
            for (int a = 0; a < k; ++a)
              for (int b = 0; b < k; ++b) {
                const int yr = r + a - p, xc = c + b - p;
                if (yr < 0 || yr >= in.h || xc < 0 || xc >= in.w) continue;
                f(size_t(((i * O + o) * Ho + r) * Wo + c),                 // y index
                  size_t(((i * in.c + ch) * in.h + yr) * in.w + xc),       // x index
                  size_t(((o * in.c + ch) * k + a) * k + b), o);           // w index, o
              }
}

static Shape conv_out(const Shape& in, int O, int k, bool same) {
  return same ? Shape(in.n, O, in.h, in.w) : Shape(in.n, O, in.h - k + 1, in.w - k + 1);
}

void conv2d_forward(const Tensor& x, const float* w, const float* b, int O, int k, bool same, Tensor& y) {
  const Shape out = conv_out(x.shape(), O, k, same);
  std::vector<double> acc(out.size(), 0.0);
  conv_taps(x.shape(), O, k, same, [&](size_t yi, size_t xi, size_t wi, int) { acc[yi] += double(w[wi]) * x[xi]; });
  y.resize(out);
  const size_t plane = size_t(out.h) * out.w;
  for (size_t j = 0; j < out.size(); ++j) y[j] = float(acc[j] + b[(j / plane) % O]);
}

// The end of both convolutions' backward passes: the bias gradient (dy summed over each output
// channel's planes), then the double accumulators written out (dw and db added to, dx replaced).
static void write_grads(const Tensor& dy, int O, const std::vector<double>& gx, const std::vector<double>& gw,
                        const Shape& xs, Tensor* dx, float* dw, float* db) {
  std::vector<double> gb(O, 0.0);
  const size_t plane = size_t(dy.shape().h) * dy.shape().w;
  for (size_t j = 0; j < dy.size(); ++j) gb[(j / plane) % O] += dy[j];
  for (size_t j = 0; j < gw.size(); ++j) dw[j] += float(gw[j]);
  for (int o = 0; o < O; ++o) db[o] += float(gb[o]);
  if (dx) {
    dx->resize(xs);
    for (size_t j = 0; j < gx.size(); ++j) (*dx)[j] = float(gx[j]);
  }
}

void conv2d_backward(const Tensor& x, const float* w, int O, int k, bool same, const Tensor& dy, Tensor* dx,
                     float* dw, float* db) {
  const int C = x.shape().c;
  std::vector<double> gx(x.size(), 0.0), gw(size_t(O) * C * k * k, 0.0);
  conv_taps(x.shape(), O, k, same, [&](size_t yi, size_t xi, size_t wi, int) {
    gx[xi] += double(w[wi]) * dy[yi];
    gw[wi] += double(x[xi]) * dy[yi];
  });
  write_grads(dy, O, gx, gw, x.shape(), dx, dw, db);
}

// ---- Conv2DTranspose ----------------------------------------------------------------------------
template <class F>
static void convt_taps(const Shape& in, int O, int k, F&& f) {
  const int p = (k - 1) / 2, Ho = 2 * in.h, Wo = 2 * in.w;
  for (int i = 0; i < in.n; ++i)
    for (int ch = 0; ch < in.c; ++ch)
      for (int r = 0; r < in.h; ++r)
        for (int c = 0; c < in.w; ++c)
          for (int o = 0; o < O; ++o)
            for (int a = 0; a < k; ++a)
              for (int b = 0; b < k; ++b) {
                const int yr = 2 * r + a - p, yc = 2 * c + b - p;
                if (yr < 0 || yr >= Ho || yc < 0 || yc >= Wo) continue;
                f(size_t(((i * O + o) * Ho + yr) * Wo + yc), size_t(((i * in.c + ch) * in.h + r) * in.w + c),
                  size_t(((ch * O + o) * k + a) * k + b));
              }
}

void conv2d_transpose_forward(const Tensor& x, const float* w, const float* b, int O, int k, Tensor& y) {
  const Shape& in = x.shape();
  const Shape out(in.n, O, 2 * in.h, 2 * in.w);
  std::vector<double> acc(out.size(), 0.0);
  convt_taps(in, O, k, [&](size_t yi, size_t xi, size_t wi) { acc[yi] += double(w[wi]) * x[xi]; });
  y.resize(out);
  const size_t plane = size_t(out.h) * out.w;
  for (size_t j = 0; j < out.size(); ++j) y[j] = float(acc[j] + b[(j / plane) % O]);
}

void conv2d_transpose_backward(const Tensor& x, const float* w, int O, int k, const Tensor& dy, Tensor* dx,
                               float* dw, float* db) {
  const int C = x.shape().c;
  std::vector<double> gx(x.size(), 0.0), gw(size_t(C) * O * k * k, 0.0);
  convt_taps(x.shape(), O, k, [&](size_t yi, size_t xi, size_t wi) {
    gx[xi] += double(w[wi]) * dy[yi];
    gw[wi] += double(x[xi]) * dy[yi];
  });
  write_grads(dy, O, gx, gw, x.shape(), dx, dw, db);
}

// ---- MaxPooling2D -------------------------------------------------------------------------------
// Index in x of the first maximum of output pixel (i, ch, r, c)'s window.
static size_t pool_argmax(const Tensor& x, int i, int ch, int r, int c) {
  const Shape& s = x.shape();
  size_t best = 0;
  bool first = true;
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b) {
      const int yr = 2 * r + a, xc = 2 * c + b;
      if (yr >= s.h || xc >= s.w) continue;
      const size_t j = ((size_t(i) * s.c + ch) * s.h + yr) * s.w + xc;
      if (first || x[j] > x[best]) best = j;
      first = false;
    }
  return best;
}

void maxpool2_forward(const Tensor& x, Tensor& y) {
  const Shape& s = x.shape();
  y.resize(Shape(s.n, s.c, (s.h + 1) / 2, (s.w + 1) / 2));
  for (int i = 0; i < s.n; ++i)
    for (int ch = 0; ch < s.c; ++ch)
      for (int r = 0; r < y.shape().h; ++r)
        for (int c = 0; c < y.shape().w; ++c) y.at(i, ch, r, c) = x[pool_argmax(x, i, ch, r, c)];
}

void maxpool2_backward(const Tensor& x, const Tensor& dy, Tensor& dx) {
  dx.resize(x.shape());
  dx.fill(0.f);
  const Shape& s = dy.shape();
  for (int i = 0; i < s.n; ++i)
    for (int ch = 0; ch < s.c; ++ch)
      for (int r = 0; r < s.h; ++r)
        for (int c = 0; c < s.w; ++c) dx[pool_argmax(x, i, ch, r, c)] += dy.at(i, ch, r, c);
}

// ---- UpSampling2D -------------------------------------------------------------------------------
void upsample2_forward(const Tensor& x, Tensor& y) {
  const Shape& s = x.shape();
  y.resize(Shape(s.n, s.c, 2 * s.h, 2 * s.w));
  for (int i = 0; i < s.n; ++i)
    for (int ch = 0; ch < s.c; ++ch)
      for (int r = 0; r < 2 * s.h; ++r)
        for (int c = 0; c < 2 * s.w; ++c) y.at(i, ch, r, c) = x.at(i, ch, r / 2, c / 2);
}

void upsample2_backward(const Tensor& dy, Tensor& dx) {
  const Shape& s = dy.shape();
  dx.resize(Shape(s.n, s.c, s.h / 2, s.w / 2));
  dx.fill(0.f);
  for (int i = 0; i < s.n; ++i)
    for (int ch = 0; ch < s.c; ++ch)
      for (int r = 0; r < s.h; ++r)
        for (int c = 0; c < s.w; ++c) dx.at(i, ch, r / 2, c / 2) += dy.at(i, ch, r, c);
}

// ---- Dense ------------------------------------------------------------------------------------
void dense_forward(const Tensor& x, const float* w, const float* b, int O, Tensor& y) {
  const int n = x.shape().n, I = x.shape().c;
  y.resize(Shape(n, O, 1, 1));
  for (int i = 0; i < n; ++i)
    for (int o = 0; o < O; ++o) {
      double s = b[o];
      for (int j = 0; j < I; ++j) s += double(w[size_t(o) * I + j]) * x[size_t(i) * I + j];
      y[size_t(i) * O + o] = float(s);
    }
}

void dense_backward(const Tensor& x, const float* w, int O, const Tensor& dy, Tensor* dx, float* dw, float* db) {
  const int n = x.shape().n, I = x.shape().c;
  for (int o = 0; o < O; ++o) {
    double sb = 0;
    for (int i = 0; i < n; ++i) sb += dy[size_t(i) * O + o];
    db[o] += float(sb);
    for (int j = 0; j < I; ++j) {
      double s = 0;
      for (int i = 0; i < n; ++i) s += double(x[size_t(i) * I + j]) * dy[size_t(i) * O + o];
      dw[size_t(o) * I + j] += float(s);
    }
  }
  if (!dx) return;
  dx->resize(x.shape());
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < I; ++j) {
      double s = 0;
      for (int o = 0; o < O; ++o) s += double(w[size_t(o) * I + j]) * dy[size_t(i) * O + o];
      (*dx)[size_t(i) * I + j] = float(s);
    }
}

}  // namespace dae::ref
