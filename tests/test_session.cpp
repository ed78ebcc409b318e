// Session: what the browser app does, checked natively — a run from start to finish through
// time-sliced work(), the status contract, results and drawing, model files in and out,
// experiment records, CSV, saved state, and that bad input leaves everything as it was.
#include <gtest/gtest.h>

#include <cmath>
#include <algorithm>
#include <cstring>

#include "metrics.h"
#include "session.h"
#include "test_util.h"

using namespace dae;

namespace {

Session& mnist_session(Session& s) {
  s.add_dataset(load_pack(std::string(DAE_TEST_DATA_DIR) + "/mnist.daepack"));
  return s;
}

TrainConfig tiny() {
  TrainConfig c;
  c.arch = "conv8 pool conv8 | up conv1:sigmoid";
  c.train = 256;
  c.val = 48;
  c.batch = 32;
  c.epochs = 2;
  return c;
}

void run_to_end(Session& s) {
  for (int frames = 0; s.training() && frames < 100000; ++frames) s.work(5.0);
}

}  // namespace

TEST(Session, TrainsInSlicesAndRecordsTheRun) {
  Session s;
  mnist_session(s);
  EXPECT_EQ(s.dataset_names(), std::vector<std::string>{"mnist"});
  EXPECT_EQ(s.available("mnist"), std::make_pair(size_t(10000), size_t(10000)));
  s.start(tiny());
  EXPECT_TRUE(s.training());
  Json st = s.status();
  EXPECT_EQ(st.at("dataset").as_string(), "mnist");
  EXPECT_EQ(st.at("train_size").as_int64(), 256);
  EXPECT_EQ(st.at("val_size").as_int64(), 48);
  EXPECT_EQ(st.at("epochs").as_int64(), 2);
  EXPECT_GT(st.at("noisy_psnr").as_double(), 5.0);
  // A tiny budget still makes progress (at least one unit of work per call).
  const double spent = s.work(0.0);
  EXPECT_GT(spent, 0.0);
  run_to_end(s);
  EXPECT_FALSE(s.training());
  st = s.status();
  EXPECT_EQ(st.at("state").as_string(), "finished");
  EXPECT_EQ(st.at("epoch").as_int64(), 2);
  EXPECT_EQ(st.at("history").size(), 2u);
  ASSERT_EQ(s.runs().size(), 1u);
  const RunRecord& r = s.runs()[0];
  EXPECT_EQ(r.step_loss.size(), 16u);  // 2 epochs × 8 batches
  EXPECT_EQ(r.history.size(), 2u);
  EXPECT_LT(r.final_val_loss(), r.baseline.loss);
  // The same config trained by the plain trainer gives the same numbers (same seed → same run).
  ImageSet train, val;
  make_split(*s.dataset("mnist"), 256, 48, train, val);
  Model m = Model::build(tiny().arch, 1, 28, 28);
  m.init(0);
  Trainer t(m, train, val, tiny());
  t.run();
  EXPECT_EQ(t.history().back().val_loss, r.final_val_loss());
  EXPECT_EQ(std::memcmp(m.weights().data(), s.model()->weights().data(), m.weights().size() * 4), 0);
}

TEST(Session, PauseResumeResetAndRestart) {
  Session s;
  mnist_session(s);
  s.start(tiny());
  s.work(1);
  s.pause();
  EXPECT_TRUE(s.paused());
  EXPECT_FALSE(s.training());
  const int step = int(s.status().at("step").as_int64());
  EXPECT_EQ(s.work(50), 0.0);  // paused: no work
  EXPECT_EQ(s.status().at("step").as_int64(), step);
  EXPECT_EQ(s.runs()[0].state, "paused");
  s.resume();
  EXPECT_TRUE(s.training());
  s.reset();
  EXPECT_FALSE(s.training());
  EXPECT_EQ(s.runs()[0].state, "stopped");
  EXPECT_TRUE(s.has_model());  // a fresh untrained model of the same architecture
  // Starting again while training records the interrupted run as stopped.
  s.start(tiny());
  s.work(1);
  s.start(tiny());
  ASSERT_EQ(s.runs().size(), 3u);
  EXPECT_EQ(s.runs()[1].state, "stopped");
  EXPECT_EQ(s.runs()[2].state, "running");
  EXPECT_LT(s.runs()[1].id, s.runs()[2].id);
}

TEST(Session, BadStartLeavesEverythingAsItWas) {
  Session s;
  mnist_session(s);
  s.start(tiny());
  run_to_end(s);
  const std::vector<float> weights = s.model()->weights();
  auto fails = [&](auto mutate, const char* what) {
    TrainConfig c = tiny();
    mutate(c);
    EXPECT_ERROR_HAS(s.start(c), what);
  };
  fails([](TrainConfig& c) { c.arch = "conv8 pool"; }, "must have the input's shape");
  fails([](TrainConfig& c) { c.dataset = "cifar"; }, "not loaded");
  fails([](TrainConfig& c) { c.train = 20000; }, "10000");
  fails([](TrainConfig& c) { c.lr = 0; }, "learning rate");
  EXPECT_EQ(s.runs().size(), 1u);
  EXPECT_EQ(s.runs()[0].state, "finished");
  EXPECT_EQ(s.model()->weights(), weights);
}

TEST(Session, ResultsDrawingAndInspection) {
  Session s;
  mnist_session(s);
  EXPECT_TRUE(s.results(10, 0).empty());  // no model yet
  EXPECT_THROW(s.denoise(std::vector<float>(784)), Error);
  TrainConfig c = tiny();
  c.arch = "seed";
  c.epochs = 1;
  s.start(c);
  run_to_end(s);
  const auto rows = s.results(10, 0);
  ASSERT_EQ(rows.size(), 10u);
  for (const auto& t : rows) {
    EXPECT_EQ(t.clean.size(), 784u);
    EXPECT_NE(t.noisy, t.clean);
    EXPECT_NEAR(t.psnr_denoised, psnr(t.denoised.data(), t.clean.data(), 784), 1e-9);
  }
  const auto other = s.results(10, 5);  // a different random draw
  EXPECT_NE(other[0].index + other[1].index * 10000, rows[0].index + rows[1].index * 10000);
  // Drawing: a fixed key gives the same noise for the same drawing.
  std::vector<float> drawing(784, 0.f);
  for (int y = 8; y < 20; ++y) drawing[y * 28 + 14] = 1.f;
  const Triple a = s.denoise_drawing(drawing, 42), b = s.denoise_drawing(drawing, 42);
  EXPECT_EQ(a.noisy, b.noisy);
  EXPECT_EQ(a.denoised, b.denoised);
  EXPECT_EQ(a.denoised, s.denoise(a.noisy));
  EXPECT_THROW(s.denoise(std::vector<float>(100)), Error);
  int n = 0, k = 0;
  const auto filters = s.first_layer_filters(n, k);
  EXPECT_EQ(n, 32);
  EXPECT_EQ(k, 3);
  ASSERT_EQ(filters.size(), 32u * 9u);
  for (float v : filters) EXPECT_TRUE(v >= 0.f && v <= 1.f);
  int ch = 0, h = 0, w = 0;
  const auto maps = s.feature_maps(drawing, 2, ch, h, w);  // after the first pooling
  EXPECT_EQ(ch, 32);
  EXPECT_EQ(h, 14);
  EXPECT_EQ(maps.size(), size_t(32 * 14 * 14));
  EXPECT_THROW(s.feature_maps(drawing, 99, ch, h, w), Error);
}

TEST(Session, ModelFilesRoundTripAndBadFilesChangeNothing) {
  Session a;
  mnist_session(a);
  a.start(tiny());
  run_to_end(a);
  const std::vector<uint8_t> file = a.model_file();
  std::vector<float> probe(784);
  for (int i = 0; i < 784; ++i) probe[i] = float((i * 13) % 29) / 28.f;
  Session b;
  mnist_session(b);
  b.load_model_file(file.data(), file.size());
  EXPECT_EQ(b.model()->spec(), a.model()->spec());
  EXPECT_EQ(b.denoise(probe), a.denoise(probe));
  EXPECT_EQ(b.config().dataset, "mnist");
  EXPECT_EQ(b.results(3, 0).size(), 3u);  // data of the model's size was found
  // Garbage and truncated files: an error, and b keeps its model.
  std::vector<uint8_t> junk(file.begin(), file.begin() + long(file.size() / 2));
  EXPECT_THROW(b.load_model_file(junk.data(), junk.size()), Error);
  const uint8_t text[] = "not a model";
  EXPECT_THROW(b.load_model_file(text, sizeof text), Error);
  EXPECT_EQ(b.denoise(probe), a.denoise(probe));
}

TEST(Session, ExperimentsCsvAndSavedState) {
  Session s;
  mnist_session(s);
  s.start(tiny());
  run_to_end(s);
  TrainConfig c = tiny();
  c.noise = Noise::parse("sp:0.2");
  c.epochs = 1;
  s.start(c);
  run_to_end(s);
  s.run(s.runs()[0].id)->notes = "baseline, \"quoted\", with comma";
  s.observations() = "salt & pepper is easier";
  const std::string csv = s.runs_csv();
  EXPECT_EQ(csv.rfind("run,dataset,arch,", 0), 0u);
  EXPECT_NE(csv.find("sp:0.2"), std::string::npos);
  EXPECT_NE(csv.find("\"baseline, \"\"quoted\"\", with comma\""), std::string::npos) << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);
  const std::string saved = s.save_state();
  Session t;
  t.load_state(saved);
  ASSERT_EQ(t.runs().size(), 2u);
  EXPECT_EQ(t.runs()[0].notes, s.runs()[0].notes);
  EXPECT_EQ(t.runs()[1].history.size(), 1u);
  EXPECT_EQ(t.runs()[1].final_val_loss(), s.runs()[1].final_val_loss());
  EXPECT_EQ(t.runs()[1].step_loss, s.runs()[1].step_loss);
  EXPECT_EQ(t.observations(), "salt & pepper is easier");
  EXPECT_EQ(t.runs_csv(), csv);
  EXPECT_THROW(t.load_state("{\"format\": \"other\"}"), Error);
  EXPECT_THROW(t.load_state("{ truncated"), Error);
  EXPECT_EQ(t.runs().size(), 2u);  // unchanged by the failed loads
  t.delete_run(t.runs()[0].id);
  EXPECT_EQ(t.runs().size(), 1u);
}

TEST(Session, LayerRowsRoundTrip) {
  const std::string spec = "conv16k5/valid:linear conv8 relu | convt4 conv1:sigmoid";
  auto rows = spec_to_rows(spec);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].kind, "conv");
  EXPECT_EQ(rows[0].units, 16);
  EXPECT_EQ(rows[0].kernel, 5);
  EXPECT_TRUE(rows[0].valid);
  EXPECT_EQ(rows[0].act, "linear");
  EXPECT_EQ(rows[2].kind, "relu");
  EXPECT_TRUE(rows[3].bar_before);
  EXPECT_EQ(rows_to_spec(rows), spec);
  rows[1].units = 12;
  rows.erase(rows.begin() + 2);
  EXPECT_EQ(rows_to_spec(rows), "conv16k5/valid:linear conv12 | convt4 conv1:sigmoid");
  EXPECT_THROW(spec_to_rows("conv8 banana"), Error);
  Session s;
  const ArchCheck ok = s.check_arch("seed", 28);
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.params, 74497u);
  EXPECT_NEAR(ok.mflops_per_sample, 56.9, 0.1);
  const ArchCheck bad = s.check_arch("conv8 pool", 28);
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(bad.error.find("input's shape"), std::string::npos);
}

TEST(Session, WorkRunsWholeUnitsAndLearnsTheirCost) {
  Session s;
  mnist_session(s);
  s.start(tiny());
  EXPECT_EQ(s.expected_unit_ms(), 0.0);  // nothing measured yet
  s.work(0);                              // exactly one unit: a training shard of kShard images
  EXPECT_GT(s.expected_unit_ms(), 0.0);
  EXPECT_EQ(s.status().at("step").as_int64(), 0);  // the batch (32 / kShard shards) is not done
  for (int i = 1; i < 32 / kShard; ++i) s.work(0);
  EXPECT_EQ(s.status().at("step").as_int64(), 1);  // 32 / kShard units = one batch of 32
  EXPECT_EQ(s.runs().back().step_loss.size(), 1u);
  EXPECT_EQ(s.runs().back().steps_per_epoch, 8);
}

TEST(Session, SmoothedStepLossAndDrawingWithAnotherNoise) {
  RunRecord r;
  r.step_loss = {1.f, 0.f, 0.f};
  const auto sm = r.smoothed_step_loss(0.5);
  // EMA with bias correction, β = 0.5: e1 = 0.5, w1 = 0.5 → 1; e2 = 0.25, w2 = 0.75 → 1/3;
  // e3 = 0.125, w3 = 0.875 → 1/7.
  ASSERT_EQ(sm.size(), 3u);
  EXPECT_FLOAT_EQ(sm[0], 1.f);
  EXPECT_FLOAT_EQ(sm[1], 1.f / 3.f);
  EXPECT_FLOAT_EQ(sm[2], 1.f / 7.f);
  Session s;
  mnist_session(s);
  TrainConfig c = tiny();
  c.epochs = 1;
  s.start(c);
  run_to_end(s);
  std::vector<float> drawing(784, 0.5f);
  const Triple t = s.denoise_drawing(drawing, 7, Noise::parse("sp:0.3"));
  int flipped = 0;
  for (size_t i = 0; i < 784; ++i) {
    EXPECT_TRUE(t.noisy[i] == 0.5f || t.noisy[i] == 0.f || t.noisy[i] == 1.f);
    flipped += t.noisy[i] != 0.5f;
  }
  EXPECT_NEAR(flipped / 784.0, 0.3, 0.06);
  EXPECT_EQ(t.denoised, s.denoise(t.noisy));
}
