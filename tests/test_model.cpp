// Architecture specs, presets, the Keras summary, initialisation, Adam.
#include <gtest/gtest.h>

#include <cmath>

#include "nn/adam.h"
#include "base/common.h"
#include "nn/model.h"
#include "test_util.h"

using namespace dae;

TEST(Model, SeedPresetHas74497ParamsAndKerasSummary) {
  Model m = Model::build("seed", 1, 28, 28);
  EXPECT_EQ(m.num_params(), 74497u);
  const std::string s = m.summary();
  EXPECT_NE(s.find("Total params: 74,497 (291.00 KB)"), std::string::npos) << s;
  EXPECT_NE(s.find("(None, 28, 28, 32)"), std::string::npos) << s;
  EXPECT_NE(s.find("(None, 7, 7, 64)"), std::string::npos) << s;
  EXPECT_NE(s.find("conv2d_4 (Conv2D)"), std::string::npos) << s;
  EXPECT_NE(s.find("max_pooling2d_1 (MaxPooling2D)"), std::string::npos) << s;
  // Per-layer counts (Keras): 320, 18,496, 36,928, 18,464, 289.
  for (const char* c : {"320", "18,496", "36,928", "18,464", "289"}) EXPECT_NE(s.find(c), std::string::npos) << c;
  // 14 layers: five convs, each followed by its activation, two pools, two upsamplings.
  EXPECT_EQ(m.layers().size(), 14u);
  EXPECT_EQ(m.layers()[0].layer->torch(), "nn.Conv2d(1, 32, 3, padding=1)");
  EXPECT_EQ(m.layers()[2].layer->torch(), "nn.MaxPool2d(2, ceil_mode=True)");
  EXPECT_EQ(m.layers()[13].layer->type(), "Sigmoid");
}

TEST(Model, PresetsBuildFor28And32) {
  for (int size : {28, 32}) {
    for (const auto& name : Model::preset_names()) {
      SCOPED_TRACE(name + " " + std::to_string(size));
      Model m = Model::build(name, 1, size, size);
      EXPECT_EQ(m.layers().back().out, Shape(1, 1, size, size));
      EXPECT_TRUE(m.ends_with_sigmoid());
      EXPECT_GT(m.num_params(), 1000u);
      // Canonical spec rebuilds the same network.
      Model again = Model::build(m.spec(), 1, size, size);
      EXPECT_EQ(again.spec(), m.spec());
      EXPECT_EQ(again.num_params(), m.num_params());
    }
  }
  // deep has ≥ 4 conv layers on each side of the bottleneck.
  Model deep = Model::build("deep", 1, 28, 28);
  int enc = 0, dec = 0;
  for (size_t i = 0; i < deep.layers().size(); ++i)
    if (deep.layers()[i].layer->type() == "Conv2D") (int(i) < deep.encoder_layers() ? enc : dec)++;
  EXPECT_GE(enc, 4);
  EXPECT_GE(dec, 4);
  // transposed really uses Conv2DTranspose; dense really is fully connected.
  EXPECT_NE(Model::build("transposed", 1, 28, 28).summary().find("Conv2DTranspose"), std::string::npos);
  int dense_layers = 0;
  const Model dense = Model::build("dense", 1, 32, 32);
  for (const auto& l : dense.layers()) {
    EXPECT_EQ(l.layer->type().find("Conv"), std::string::npos);
    dense_layers += l.layer->type() == "Dense";
  }
  EXPECT_EQ(dense_layers, 4);
}

TEST(Model, SpecGrammar) {
  // Separators: spaces, commas, '-'; case-insensitive; k, /valid, :linear suffixes; bare activations.
  Model m = Model::build("Conv16k5/valid:linear, conv8/same - relu | convt4k3 conv1:sigmoid", 1, 8, 8);
  std::vector<std::string> types;
  for (const auto& l : m.layers()) types.push_back(l.layer->type());
  const std::vector<std::string> expect = {"Conv2D", "Conv2D", "ReLU", "ReLU", "Conv2DTranspose", "ReLU", "Conv2D", "Sigmoid"};
  EXPECT_EQ(types, expect);
  EXPECT_EQ(m.layers()[0].out, Shape(1, 16, 4, 4));  // 8 − 5 + 1
  EXPECT_EQ(m.layers()[4].out, Shape(1, 4, 8, 8));   // stride-2 transpose doubles
  EXPECT_EQ(m.encoder_layers(), 4);
  EXPECT_EQ(m.spec(), "conv16k5/valid:linear conv8 relu | convt4 conv1:sigmoid");
  EXPECT_EQ(m.layers()[0].layer->torch(), "nn.Conv2d(1, 16, 5)");
  EXPECT_EQ(m.layers()[4].layer->torch(), "nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1)");
  EXPECT_EQ(m.layers()[0].params[0].shape, (std::vector<int64_t>{16, 1, 5, 5}));
  EXPECT_EQ(m.layers()[4].params[0].shape, (std::vector<int64_t>{8, 4, 3, 3}));  // (in, out, k, k) as in PyTorch
}

TEST(Model, SpecErrorsAreClear) {
  auto msg = [](const std::string& spec) { return dae_test::error_of([&] { Model::build(spec, 1, 28, 28); }); };
  EXPECT_NE(msg("conv32 pool conv1:sigmoid").find("must have the input's shape"), std::string::npos);
  EXPECT_NE(msg("conv32 blah").find("unknown layer"), std::string::npos);
  EXPECT_NE(msg("conv").find("number of filters"), std::string::npos);
  EXPECT_NE(msg("conv8k99").find("kernel size"), std::string::npos);
  EXPECT_NE(msg("conv8:tanh").find("activation"), std::string::npos);
  EXPECT_NE(msg("dense10").find("flatten"), std::string::npos);
  EXPECT_NE(msg("").find("empty"), std::string::npos);
  EXPECT_NE(msg("conv8 | conv8 | conv1").find("one '|'"), std::string::npos);
  EXPECT_NE(msg("flatten reshape2x5x5").find("values per image"), std::string::npos);
}

TEST(Model, InitIsGlorotUniformAndDeterministic) {
  Model a = Model::build("seed", 1, 28, 28), b = Model::build("seed", 1, 28, 28);
  a.init(42);
  b.init(42);
  EXPECT_EQ(a.weights(), b.weights());
  b.init(43);
  EXPECT_NE(a.weights(), b.weights());
  // Layer 3 (conv 32→64): limit √(6 / (32·9 + 64·9)) = 0.0833; biases zero.
  const auto& l = a.layers()[3];
  const double limit = std::sqrt(6.0 / (32 * 9 + 64 * 9));
  double maxabs = 0, sumsq = 0;
  const size_t nw = 64 * 32 * 9;
  for (size_t i = 0; i < nw; ++i) {
    const double v = a.weights()[l.offset + i];
    maxabs = std::max(maxabs, std::abs(v));
    sumsq += v * v;
  }
  EXPECT_LE(maxabs, limit);
  EXPECT_GT(maxabs, 0.98 * limit);
  EXPECT_NEAR(std::sqrt(sumsq / nw), limit / std::sqrt(3.0), 0.02 * limit);  // std of U(−a, a) = a/√3
  for (size_t i = nw; i < l.num_params; ++i) EXPECT_EQ(a.weights()[l.offset + i], 0.f);
}

TEST(Adam, MatchesHandComputedSteps) {
  // One parameter, θ0 = 1, g = 0.5 then −0.2, lr = 0.1 (Keras update rule, ε = 1e-7):
  // t=1: m = 0.05, v = 0.00025, lr_t = 0.1·√0.001/0.1 = 0.0316228, θ = 1 − 0.0316228·0.05/(0.0158114 + 1e-7) = 0.9000006
  // t=2: m = 0.045 − 0.02 = 0.025, v = 0.00024975 + 0.00004 = 0.00028975,
  //      lr_t = 0.1·√(1 − 0.998001)/(1 − 0.81) = 0.0235317, θ = 0.9000006 − 0.0235317·0.025/0.0170220 = 0.8654403
  Adam adam(AdamConfig{0.1}, 1);
  float w = 1.f, g = 0.5f;
  adam.step(&w, &g, 1);
  EXPECT_NEAR(w, 0.9000006, 2e-6);
  g = -0.2f;
  adam.step(&w, &g, 1);
  EXPECT_NEAR(w, 0.8654403, 5e-6);
  EXPECT_EQ(adam.t(), 2);
}

// widened(): every conv/convt/dense layer but the output one gets factor × its filters
// (rounded, at least 1); the rest of the network is unchanged.
TEST(Model, WidenedScalesEveryLayerButTheOutput) {
  const auto rows = dae::parse_spec("conv32 pool conv64 | up conv32 up conv1:sigmoid");
  EXPECT_EQ(dae::format_spec(dae::widened(rows, 2)), "conv64 pool conv128 | up conv64 up conv1:sigmoid");
  EXPECT_EQ(dae::format_spec(dae::widened(rows, 0.5)), "conv16 pool conv32 | up conv16 up conv1:sigmoid");
  EXPECT_EQ(dae::format_spec(dae::widened(dae::parse_spec("conv3 | conv1:sigmoid"), 0.125)), "conv1 | conv1:sigmoid");
  EXPECT_EQ(dae::format_spec(dae::widened(rows, 1)), dae::format_spec(rows));
}
