// Layers, losses and the whole network: finite-difference gradient checks on random small
// shapes, and hand-worked values for conv, pooling, upsampling, transposed conv and dense.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "base/common.h"
#include "nn/layers.h"
#include "nn/loss.h"
#include "nn/model.h"

using namespace dae;

namespace {

// Fills with distinct magnitudes in [0.1, 1] spaced ≥ 0.9/size apart (shuffled, random signs):
// away from ReLU's kink at 0 and without near-ties, so max-pooling's argmax cannot flip under
// the ±h perturbations below (size ≤ 400 → spacing ≥ 2.25e-3 > 2h).
void fill_random(Tensor& t, Rng& rng) {
  std::vector<float> mags(t.size());
  for (size_t i = 0; i < t.size(); ++i) mags[i] = 0.1f + 0.9f * float(i) / float(t.size());
  rng.shuffle(mags.begin(), mags.end());
  for (size_t i = 0; i < t.size(); ++i) t[i] = rng.uniform() < 0.5f ? -mags[i] : mags[i];
}

struct LayerCase {
  std::string what;
  std::function<std::unique_ptr<Layer>()> make;
  Shape in;
  // Finite-difference step. Layers that are linear in x and θ (convolutions) have no truncation
  // error at any step, and a large one keeps float rounding of the forward pass (~1e-5 relative
  // for Winograd) from being amplified by 1/h; kinked layers need a small one (see fill_random).
  double h = 1e-3;
};

// L(x, θ) = Σ r ⊙ f(x; θ) for a fixed random r; compares backward() with central differences
// in both the input and every parameter. Evaluated in double for the sum.
void check_layer_gradients(const LayerCase& c, uint64_t seed) {
  SCOPED_TRACE(c.what);
  Rng rng(seed);
  auto layer = c.make();
  const Shape out_shape = layer->output_shape(c.in);
  size_t np = 0;
  for (auto& ps : layer->params(c.in)) np += ps.size();
  std::vector<float> p(np), dp(np, 0.f);
  for (auto& v : p) v = rng.uniform(-0.5f, 0.5f);
  Tensor x(c.in), r(out_shape);
  fill_random(x, rng);
  for (size_t i = 0; i < r.size(); ++i) r[i] = rng.uniform(-1.f, 1.f);
  Workspace ws;

  auto loss = [&](const Tensor& xin, const std::vector<float>& pin) {
    Tensor xc = xin, y;
    if (layer->in_place()) { layer->forward(xc, xc, pin.data(), ws); y = xc; }
    else layer->forward(xc, y, pin.data(), ws);
    double s = 0;
    for (size_t i = 0; i < y.size(); ++i) s += double(r[i]) * y[i];
    return s;
  };
  // Analytic.
  Tensor xa = x, y, dx;
  if (layer->in_place()) { layer->forward(xa, xa, p.data(), ws); y = xa; }
  else layer->forward(xa, y, p.data(), ws);
  ASSERT_EQ(y.shape(), out_shape);
  Tensor dy = r;
  layer->backward(x, y, dy, &dx, p.data(), dp.data(), ws);
  ASSERT_EQ(dx.shape(), c.in);

  ASSERT_LE(x.size(), 400u);
  const double h = c.h;
  auto close = [](double num, double ana) { return std::abs(num - ana) <= 2e-3 + 2e-3 * std::abs(num); };
  int checked = 0;
  for (size_t i = 0; i < x.size(); i += 1 + x.size() / 150) {
    Tensor xp = x, xm = x;
    xp[i] += float(h);
    xm[i] -= float(h);
    const double num = (loss(xp, p) - loss(xm, p)) / (2 * h);
    EXPECT_PRED2(close, num, dx[i]) << "input index " << i;
    ++checked;
  }
  for (size_t i = 0; i < np; i += 1 + np / 150) {
    auto pp = p, pm = p;
    pp[i] += float(h);
    pm[i] -= float(h);
    const double num = (loss(x, pp) - loss(x, pm)) / (2 * h);
    EXPECT_PRED2(close, num, dp[i]) << "parameter index " << i;
    ++checked;
  }
  EXPECT_GT(checked, 5);
}

}  // namespace

TEST(Layers, GradientsMatchFiniteDifferences) {
  const std::vector<LayerCase> cases = {
      {"conv3 same", [] { return make_conv2d(3, 4, 3, Padding::Same); }, {2, 3, 5, 6}, 0.25},
      {"conv5 same", [] { return make_conv2d(2, 3, 5, Padding::Same); }, {2, 2, 7, 5}, 0.25},
      {"conv2 same (even)", [] { return make_conv2d(2, 2, 2, Padding::Same); }, {1, 2, 4, 5}, 0.25},
      {"conv3 valid", [] { return make_conv2d(2, 3, 3, Padding::Valid); }, {2, 2, 6, 7}, 0.25},
      {"conv1", [] { return make_conv2d(3, 2, 1, Padding::Same); }, {2, 3, 4, 4}, 0.25},
      // One output channel takes the direct (im2col-free) path.
      {"conv3 same, 1 output", [] { return make_conv2d(3, 1, 3, Padding::Same); }, {2, 3, 5, 6}, 0.25},
      {"conv2 same, 1 output", [] { return make_conv2d(2, 1, 2, Padding::Same); }, {2, 2, 4, 5}, 0.25},
      {"conv3 valid, 1 output", [] { return make_conv2d(2, 1, 3, Padding::Valid); }, {2, 2, 6, 5}, 0.25},
      {"convt3", [] { return make_conv2d_transpose(3, 2, 3); }, {2, 3, 3, 4}, 0.25},
      {"convt5", [] { return make_conv2d_transpose(2, 3, 5); }, {1, 2, 4, 3}, 0.25},
      {"maxpool even", [] { return make_maxpool2(); }, {2, 3, 6, 4}},
      {"maxpool odd", [] { return make_maxpool2(); }, {2, 2, 7, 5}},
      {"upsample", [] { return make_upsample2(); }, {2, 3, 3, 4}},
      {"dense", [] { return make_dense(12, 5); }, {3, 12, 1, 1}},
      {"flatten", [] { return make_flatten(); }, {2, 3, 2, 4}},
      {"reshape", [] { return make_reshape(2, 3, 2); }, {2, 12, 1, 1}},
      {"relu", [] { return make_relu(); }, {2, 3, 4, 5}},
      {"lrelu 0.2", [] { return make_leaky_relu(0.2f); }, {2, 3, 4, 5}},
      {"lrelu 0", [] { return make_leaky_relu(0.f); }, {1, 2, 3, 4}},
      {"sigmoid", [] { return make_sigmoid(); }, {2, 3, 4, 5}},
  };
  uint64_t seed = 1;
  for (const auto& c : cases) check_layer_gradients(c, seed++);
}

// LeakyReLU end to end: values, in place, its spec grammar (bare and as a suffix), the summary's
// Keras name and the PyTorch module (test_trainer.cpp loads a model with it into PyTorch).
TEST(Layers, LeakyReLU) {
  auto l = make_leaky_relu(0.25f);
  Tensor x({1, 1, 1, 4});
  const float in[] = {-2.f, -0.5f, 0.f, 3.f};
  std::copy(in, in + 4, x.data());
  Tensor y;
  Workspace ws;
  l->forward(x, y, nullptr, ws);
  const float want[] = {-0.5f, -0.125f, 0.f, 3.f};
  for (int i = 0; i < 4; ++i) EXPECT_EQ(y.data()[i], want[i]) << i;
  // In place (as the model runs it): the same values, and backward scales by 1 or alpha.
  Tensor z = x;
  l->forward(z, z, nullptr, ws);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(z.data()[i], want[i]) << i;
  Tensor g({1, 1, 1, 4});
  g.fill(2.f);
  l->backward(z, z, g, &g, nullptr, nullptr, ws);
  const float dwant[] = {0.5f, 0.5f, 0.5f, 2.f};
  for (int i = 0; i < 4; ++i) EXPECT_EQ(g.data()[i], dwant[i]) << i;
  EXPECT_EQ(l->torch(), "nn.LeakyReLU(0.25)");
  EXPECT_EQ(l->token(), "lrelu:0.25");
  EXPECT_EQ(l->type(), "LeakyReLU");
  EXPECT_EQ(make_leaky_relu(kLeakyAlpha)->token(), "lrelu");
  EXPECT_THROW(make_leaky_relu(1.5f), Error);

  // The grammar: a bare layer with an optional slope, and a ':lrelu[:alpha]' suffix.
  Model m = Model::build("conv8:lrelu pool conv4:lrelu:0.1 | up lrelu:0.05 conv1:sigmoid", 1, 6, 6);
  std::vector<std::string> types;
  for (const auto& li : m.layers()) types.push_back(li.layer->type());
  const std::vector<std::string> expect = {"Conv2D", "LeakyReLU", "MaxPooling2D", "Conv2D", "LeakyReLU",
                                           "UpSampling2D", "LeakyReLU", "Conv2D", "Sigmoid"};
  EXPECT_EQ(types, expect);
  EXPECT_EQ(m.layers()[1].layer->torch(), "nn.LeakyReLU(0.3)");
  EXPECT_EQ(m.layers()[4].layer->torch(), "nn.LeakyReLU(0.1)");
  EXPECT_EQ(m.spec(), "conv8:lrelu pool conv4:lrelu:0.1 | up lrelu:0.05 conv1:sigmoid");
  EXPECT_EQ(Model::build(m.spec(), 1, 6, 6).spec(), m.spec());
  const std::string sum = m.summary();
  EXPECT_NE(sum.find("leaky_re_lu (LeakyReLU)"), std::string::npos) << sum;  // the bare one has its row
  const auto rows = parse_spec("conv8:lrelu:0.1");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].act, LayerKind::LeakyReLU);
  EXPECT_FLOAT_EQ(rows[0].alpha, 0.1f);
  for (const char* bad : {"lrelu:2", "lrelu:", "lrelu:x", "conv8:lrelu:-1", "conv8:pool", "lrelu4"})
    EXPECT_THROW(parse_spec(bad), Error) << bad;
}

TEST(Layers, Conv2DSameHandWorked) {
  // 1 input channel 3×3, one 3×3 filter, 'same' (zero padding 1).
  //   x = 1 2 3     w = 0 1 0     y[i,j] = x[i−1,j] + x[i,j−1] + 2·x[i,j] + x[i,j+1] + x[i+1,j] + b
  //       4 5 6         1 2 1
  //       7 8 9         0 1 0
  auto conv = make_conv2d(1, 1, 3, Padding::Same);
  Tensor x({1, 1, 3, 3}), y;
  for (int i = 0; i < 9; ++i) x[i] = float(i + 1);
  std::vector<float> p = {0, 1, 0, 1, 2, 1, 0, 1, 0, /*bias*/ 0.5f};
  Workspace ws;
  conv->forward(x, y, p.data(), ws);
  // Worked by hand: y[0,0] = 2·1 + 2 + 4 + 0.5 = 8.5; y[0,1] = 1 + 2·2 + 3 + 5 + 0.5 = 13.5;
  // y[1,1] = 2 + 4 + 2·5 + 6 + 8 + 0.5 = 30.5; y[2,2] = 6 + 8 + 2·9 + 0.5 = 32.5; and so on.
  const float expect[9] = {8.5f, 13.5f, 14.5f, 21.5f, 30.5f, 29.5f, 26.5f, 37.5f, 32.5f};
  for (int i = 0; i < 9; ++i) EXPECT_FLOAT_EQ(y[i], expect[i]) << i;
}

TEST(Layers, Conv2DValidTwoChannelsHandWorked) {
  // 2 channels 3×3 → 1 channel 2×2 with a 2×2 kernel: channel 0 weights all 1, channel 1 weights [1 0; 0 −1].
  auto conv = make_conv2d(2, 1, 2, Padding::Valid);
  Tensor x({1, 2, 3, 3}), y;
  for (int i = 0; i < 9; ++i) { x[i] = float(i + 1); x[9 + i] = float(10 * (i + 1)); }
  std::vector<float> p = {1, 1, 1, 1, 1, 0, 0, -1, /*bias*/ 0};
  Workspace ws;
  conv->forward(x, y, p.data(), ws);
  ASSERT_EQ(y.shape(), Shape(1, 1, 2, 2));
  // (0,0): (1+2+4+5) + (10 − 50) = −28; (0,1): (2+3+5+6) + (20 − 60) = −24;
  // (1,0): (4+5+7+8) + (40 − 80) = −16; (1,1): (5+6+8+9) + (50 − 90) = −12.
  EXPECT_FLOAT_EQ(y[0], -28); EXPECT_FLOAT_EQ(y[1], -24); EXPECT_FLOAT_EQ(y[2], -16); EXPECT_FLOAT_EQ(y[3], -12);
}

TEST(Layers, MaxPoolSameOddSizeAndArgmaxRouting) {
  // 3×3 → 2×2 ('same'): the last row/column windows only see existing pixels.
  auto pool = make_maxpool2();
  Tensor x({1, 1, 3, 3}), y, dx;
  const float v[9] = {1, 5, 2,
                      3, 4, 9,
                      7, 6, -1};
  for (int i = 0; i < 9; ++i) x[i] = v[i];
  Workspace ws;
  pool->forward(x, y, nullptr, ws);
  ASSERT_EQ(y.shape(), Shape(1, 1, 2, 2));
  EXPECT_EQ(y[0], 5); EXPECT_EQ(y[1], 9); EXPECT_EQ(y[2], 7); EXPECT_EQ(y[3], -1);
  Tensor dy({1, 1, 2, 2});
  dy[0] = 10; dy[1] = 20; dy[2] = 30; dy[3] = 40;
  pool->backward(x, y, dy, &dx, nullptr, nullptr, ws);
  const float expect[9] = {0, 10, 0,
                           0, 0, 20,
                           30, 0, 40};
  for (int i = 0; i < 9; ++i) EXPECT_EQ(dx[i], expect[i]) << i;
  // Ties go to the first maximum in row-major order.
  Tensor t({1, 1, 2, 2}, 3.f), ty, tdx;
  Tensor tdy({1, 1, 1, 1}, 1.f);
  pool->forward(t, ty, nullptr, ws);
  pool->backward(t, ty, tdy, &tdx, nullptr, nullptr, ws);
  EXPECT_EQ(tdx[0], 1); EXPECT_EQ(tdx[1], 0); EXPECT_EQ(tdx[2], 0); EXPECT_EQ(tdx[3], 0);
}

TEST(Layers, UpSampleHandWorked) {
  auto up = make_upsample2();
  Tensor x({1, 1, 2, 2}), y, dx;
  x[0] = 1; x[1] = 2; x[2] = 3; x[3] = 4;
  Workspace ws;
  up->forward(x, y, nullptr, ws);
  const float expect[16] = {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4};
  for (int i = 0; i < 16; ++i) EXPECT_EQ(y[i], expect[i]);
  Tensor dy({1, 1, 4, 4});
  for (int i = 0; i < 16; ++i) dy[i] = float(i);
  up->backward(x, y, dy, &dx, nullptr, nullptr, ws);
  // Each input pixel collects its 2×2 block: 0+1+4+5, 2+3+6+7, 8+9+12+13, 10+11+14+15.
  EXPECT_EQ(dx[0], 10); EXPECT_EQ(dx[1], 18); EXPECT_EQ(dx[2], 42); EXPECT_EQ(dx[3], 50);
}

TEST(Layers, Conv2DTransposeHandWorked) {
  // 1→1 channel, 2×2 input, 3×3 kernel, stride 2, padding 1, output_padding 1 → 4×4.
  // y[2i + a − 1, 2j + b − 1] += x[i,j]·w[a,b]. With w = 1..9 (row-major) and x = [1 0; 0 0]
  // only x[0,0] contributes: y[r, c] = w[r + 1, c + 1] for r, c ∈ {0, 1}.
  auto ct = make_conv2d_transpose(1, 1, 3);
  Tensor x({1, 1, 2, 2}), y;
  x[0] = 1;
  std::vector<float> p = {1, 2, 3, 4, 5, 6, 7, 8, 9, /*bias*/ 0};
  Workspace ws;
  ct->forward(x, y, p.data(), ws);
  ASSERT_EQ(y.shape(), Shape(1, 1, 4, 4));
  const float e1[16] = {5, 6, 0, 0,
                        8, 9, 0, 0,
                        0, 0, 0, 0,
                        0, 0, 0, 0};
  for (int i = 0; i < 16; ++i) EXPECT_EQ(y[i], e1[i]) << i;
  // x[1,1] = 1 alone: rows 2i+a−1 = 1..3, cols 1..3 get w[a,b].
  x.fill(0); x[3] = 1;
  ct->forward(x, y, p.data(), ws);
  const float e2[16] = {0, 0, 0, 0,
                        0, 1, 2, 3,
                        0, 4, 5, 6,
                        0, 7, 8, 9};
  for (int i = 0; i < 16; ++i) EXPECT_EQ(y[i], e2[i]) << i;
}

TEST(Layers, DenseHandWorked) {
  auto d = make_dense(3, 2);
  Tensor x({2, 3, 1, 1}), y;
  x[0] = 1; x[1] = 2; x[2] = 3; x[3] = -1; x[4] = 0; x[5] = 1;
  std::vector<float> p = {1, 0, -1, /**/ 2, 1, 0, /*bias*/ 0.5f, -0.5f};  // weight (out=2, in=3)
  Workspace ws;
  d->forward(x, y, p.data(), ws);
  EXPECT_FLOAT_EQ(y[0], 1 - 3 + 0.5f);
  EXPECT_FLOAT_EQ(y[1], 2 + 2 - 0.5f);
  EXPECT_FLOAT_EQ(y[2], -1 - 1 + 0.5f);
  EXPECT_FLOAT_EQ(y[3], -2 + 0 - 0.5f);
}

TEST(Loss, BceHandWorked) {
  // p = 0.8, t = 1 → −log(0.8 + ε); p = 0.25, t = 0 → −log(0.75 + ε); t = 0.5, p = 0.5 → log 2.
  const float p[3] = {0.8f, 0.25f, 0.5f}, t[3] = {1.f, 0.f, 0.5f};
  float g[3];
  const double s = bce_probs(p, t, 3, 1.f, g);
  EXPECT_NEAR(s, -std::log(0.8 + 1e-7) - std::log(0.75 + 1e-7) + std::log(2.0), 1e-6);
  EXPECT_NEAR(g[0], -1.0 / 0.8, 1e-4);
  EXPECT_NEAR(g[1], 1.0 / 0.75, 1e-4);
  EXPECT_NEAR(g[2], 0.0, 1e-5);
  // Clipping: p = 0 with t = 1 costs −log(2ε), not infinity; the gradient there is 0.
  const float p0 = 0.f, t1 = 1.f;
  float g0;
  EXPECT_NEAR(bce_probs(&p0, &t1, 1, 1.f, &g0), -std::log(2e-7), 1e-3);
  EXPECT_EQ(g0, 0.f);
}

TEST(Loss, BceFromLogitsMatchesProbabilitiesAndIsStable) {
  Rng rng(3);
  for (int i = 0; i < 200; ++i) {
    const float z = rng.uniform(-12.f, 12.f), t = rng.uniform();
    const float p = 1.f / (1.f + std::exp(-z));
    float gz;
    const double a = bce_logits(&z, &p, &t, 1, 1.f, &gz);
    const double b = bce_probs(&p, &t, 1, 1.f, nullptr);
    EXPECT_NEAR(a, b, 2e-3 * std::max(1.0, b)) << "z=" << z;
    EXPECT_NEAR(gz, p - t, 1e-6);
  }
  // Huge logits: finite, and equal to the clipped value −log(ε)-ish, never inf.
  const float z = -80.f, p = 0.f, t = 1.f;
  const double v = bce_logits(&z, &p, &t, 1, 1.f, nullptr);
  EXPECT_TRUE(std::isfinite(v));
  EXPECT_NEAR(v, -std::log(1e-7), 1e-3);
}

TEST(Loss, GradientsMatchFiniteDifferences) {
  Rng rng(11);
  const int n = 40;
  std::vector<float> z(n), p(n), t(n), g(n);
  for (int i = 0; i < n; ++i) {
    z[i] = rng.uniform(-4.f, 4.f);
    p[i] = 1.f / (1.f + std::exp(-z[i]));
    t[i] = rng.uniform() < 0.3f ? 0.f : rng.uniform();
  }
  const float scale = 1.f / n;
  auto sig = [](float v) { return 1.f / (1.f + std::exp(-v)); };
  const double h = 1e-3;
  // BCE from logits (w.r.t. z).
  bce_logits(z.data(), p.data(), t.data(), n, scale, g.data());
  for (int i = 0; i < n; ++i) {
    float zp = z[i] + float(h), zm = z[i] - float(h), pp = sig(zp), pm = sig(zm);
    const double num = scale * (bce_logits(&zp, &pp, &t[i], 1, 1, nullptr) - bce_logits(&zm, &pm, &t[i], 1, 1, nullptr)) / (2 * h);
    EXPECT_NEAR(num, g[i], 1e-4) << i;
  }
  // BCE from probabilities and MSE (w.r.t. p).
  for (int which = 0; which < 2; ++which) {
    auto f = which == 0 ? bce_probs : mse;
    f(p.data(), t.data(), n, scale, g.data());
    for (int i = 0; i < n; ++i) {
      float a = p[i] + float(h), b = p[i] - float(h);
      const double num = scale * (f(&a, &t[i], 1, 1, nullptr) - f(&b, &t[i], 1, 1, nullptr)) / (2 * h);
      EXPECT_NEAR(num, g[i], 2e-3 * std::max(1.0, std::abs(num))) << which << " " << i;
    }
  }
}

// The whole network: parameter gradients of train_shard against finite differences of the
// loss, for a small conv net (fused BCE path), a transposed-conv net (MSE) and a dense net
// (BCE on probabilities: no final sigmoid).
TEST(Model, GradientsMatchFiniteDifferences) {
  struct Case { const char* spec; int h, w; LossKind loss; };
  const Case cases[] = {
      {"conv4 pool conv3 | up conv1:sigmoid", 6, 6, LossKind::BCE},
      {"conv3 pool | convt2 conv1:linear", 6, 4, LossKind::MSE},
      {"flatten dense7 | dense20:sigmoid reshape1x4x5", 4, 5, LossKind::MSE},
      {"flatten dense6:sigmoid dense20:sigmoid reshape1x5x4", 5, 4, LossKind::BCE},
      {"conv3:lrelu:0.2 pool | up lrelu conv1:sigmoid", 4, 6, LossKind::BCE},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.spec);
    Model m = Model::build(c.spec, 1, c.h, c.w);
    m.init(5);
    Rng rng(9);
    for (auto& v : m.weights()) v += rng.uniform(-0.05f, 0.05f);  // non-zero biases too
    const int n = 2;
    const size_t P = size_t(c.h) * c.w;
    std::vector<float> x(n * P), t(n * P), grad(m.num_params(), 0.f);
    for (auto& v : x) v = rng.uniform();
    for (auto& v : t) v = rng.uniform() < 0.5f ? 0.f : rng.uniform();
    Context ctx;
    const float scale = 1.f / float(n * P);
    m.train_shard(x.data(), t.data(), n, c.loss, scale, grad.data(), ctx);
    auto loss = [&](void) { return scale * m.eval_shard(x.data(), t.data(), n, c.loss, nullptr, ctx); };
    const double h = 2e-3;
    int checked = 0;
    for (size_t i = 0; i < m.num_params(); i += 1 + m.num_params() / 60) {
      const float w0 = m.weights()[i];
      m.weights()[i] = w0 + float(h);
      const double lp = loss();
      m.weights()[i] = w0 - float(h);
      const double lm = loss();
      m.weights()[i] = w0;
      const double num = (lp - lm) / (2 * h);
      EXPECT_NEAR(num, grad[i], 5e-4 + 2e-2 * std::abs(num)) << "param " << i;
      ++checked;
    }
    EXPECT_GT(checked, 10);
  }
}
