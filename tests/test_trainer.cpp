// The trainer: determinism (seed, threads, time slicing), divergence handling, cancel and
// resume, a real end-to-end run on MNIST, and the model files it writes (round trip, corrupt
// files, and PyTorch loading our weights into the equivalent nn.Sequential).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "data/data.h"
#include "nn/model.h"
#include "formats/safetensors.h"
#include "train/threadpool.h"
#include "train/trainer.h"
#include "test_util.h"

using namespace dae;
namespace fs = std::filesystem;

namespace {

const Dataset& mnist() {
  static const Dataset ds = load_pack(std::string(DAE_TEST_DATA_DIR) + "/mnist.daepack");
  return ds;
}

struct TrainRun {
  ImageSet train, val;
  Model model;
  std::unique_ptr<Trainer> trainer;
  TrainRun(const TrainConfig& cfg) {
    make_split(mnist(), cfg.train, cfg.val, train, val);
    model = Model::build(cfg.arch, 1, 28, 28);
    model.init(cfg.seed);
    trainer = std::make_unique<Trainer>(model, train, val, cfg);
  }
};

TrainConfig small_config() {
  TrainConfig c;
  c.arch = "conv8 pool conv8 | up conv1:sigmoid";
  c.train = 200;
  c.val = 40;
  c.batch = 30;  // a partial last batch (200 = 6·30 + 20) and partial shards
  c.epochs = 2;
  return c;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

fs::path tmp(const std::string& name) { return fs::path(DAE_TEST_TMP_DIR) / ("trainer_" + name); }

}  // namespace

TEST(Trainer, SameSeedIsBitIdenticalAcrossThreadsAndTimeSlicing) {
  TrainConfig cfg = small_config();
  TrainRun a(cfg), c(cfg);
  while (!a.trainer->done()) a.trainer->step();       // one thread, a batch at a time
  cfg.threads = 2;
  TrainRun b2(cfg);
  while (!b2.trainer->done()) b2.trainer->step();     // two threads
  while (!c.trainer->done()) c.trainer->advance();    // a shard at a time (the browser)
  EXPECT_TRUE(same_bits(a.model.weights(), b2.model.weights()));
  EXPECT_TRUE(same_bits(a.model.weights(), c.model.weights()));
  ASSERT_EQ(a.trainer->history().size(), 2u);
  for (size_t e = 0; e < 2; ++e) {
    EXPECT_EQ(a.trainer->history()[e].train_loss, b2.trainer->history()[e].train_loss);
    EXPECT_EQ(a.trainer->history()[e].val_loss, c.trainer->history()[e].val_loss);
    EXPECT_EQ(a.trainer->history()[e].val_psnr, c.trainer->history()[e].val_psnr);
  }
  // A different seed is a different run.
  cfg.seed = 1;
  TrainRun e(cfg);
  while (!e.trainer->done()) e.trainer->step();
  EXPECT_FALSE(same_bits(a.model.weights(), e.model.weights()));
}

TEST(Trainer, SpareThreadsChangingMidRunKeepTheResultAndEveryItem) {
  // The page leaves a core to its main thread while the user draws: another thread flips the
  // number of idle threads while a 3-thread run trains. Same bits as one thread; and a pool
  // whose spare count keeps changing still runs every item exactly once (TSan runs this too).
  TrainConfig cfg = small_config();
  TrainRun a(cfg);
  while (!a.trainer->done()) a.trainer->step();
  cfg.threads = 3;
  TrainRun b(cfg);
  std::atomic<int> spare{0};
  std::atomic<bool> stop{false};
  b.trainer->set_spare(&spare);
  std::thread flipper([&] {
    for (int i = 0; !stop.load(); ++i) {
      spare.store(i % 4);  // 0..3: all, 2, 1 and (clamped) 1 thread
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  while (!b.trainer->done()) b.trainer->step();
  ThreadPool pool(3);
  pool.set_spare(&spare);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::atomic<int>> hits(37);
    std::atomic<int> max_tid{0};
    pool.parallel_for(37, [&](int i, int tid) {
      hits[size_t(i)].fetch_add(1);
      int m = max_tid.load();
      while (tid > m && !max_tid.compare_exchange_weak(m, tid)) {}
    });
    for (auto& h : hits) ASSERT_EQ(h.load(), 1);
    ASSERT_LT(max_tid.load(), 3);
  }
  stop = true;
  flipper.join();
  EXPECT_TRUE(same_bits(a.model.weights(), b.model.weights()));
  // With 2 of 3 threads spare, only the caller works.
  spare = 2;
  std::atomic<int> others{0};
  pool.parallel_for(50, [&](int, int tid) { others += tid != 0; });
  EXPECT_EQ(others.load(), 0);
  spare = 1;
  std::atomic<int> third{0};
  for (int round = 0; round < 50; ++round) pool.parallel_for(50, [&](int, int tid) { third += tid == 2; });
  EXPECT_EQ(third.load(), 0);
}

TEST(Trainer, CountsStepsEpochsAndProgress) {
  TrainConfig cfg = small_config();
  TrainRun r(cfg);
  EXPECT_EQ(r.trainer->steps_per_epoch(), 7);  // ⌈200 / 30⌉
  int batches = 0, epochs = 0;
  double last_progress = 0;
  while (!r.trainer->done()) {
    const auto ev = r.trainer->advance();
    batches += ev == Trainer::Event::Batch;
    epochs += ev == Trainer::Event::Epoch;
    if (!r.trainer->done()) {
      if (ev != Trainer::Event::Epoch) EXPECT_GE(r.trainer->epoch_progress(), last_progress);
      last_progress = ev == Trainer::Event::Epoch ? 0 : r.trainer->epoch_progress();
    }
  }
  EXPECT_EQ(batches, 14);
  EXPECT_EQ(epochs, 2);
  EXPECT_EQ(r.trainer->total_steps(), 14);
  EXPECT_EQ(r.trainer->advance(), Trainer::Event::Done);
  EXPECT_GT(r.trainer->samples_per_s(), 0);
}

TEST(Trainer, ValidationMatchesEvaluate) {
  TrainConfig cfg = small_config();
  TrainRun r(cfg);
  while (!r.trainer->done()) r.trainer->step();
  const EvalResult ev = evaluate(r.model, r.val, cfg.noise, cfg.seed, cfg.loss, 2);
  const EpochStats& last = r.trainer->history().back();
  EXPECT_NEAR(ev.loss, last.val_loss, 1e-9);
  EXPECT_NEAR(ev.psnr, last.val_psnr, 1e-9);
  EXPECT_NEAR(ev.ssim, last.val_ssim, 1e-9);
  EXPECT_NEAR(ev.noisy.loss, r.trainer->baseline().loss, 1e-9);
  EXPECT_NEAR(ev.noisy.psnr, r.trainer->baseline().psnr, 1e-9);
}

TEST(Trainer, CancelThenResumeEqualsUninterrupted) {
  TrainConfig cfg = small_config();
  TrainRun full(cfg), parts(cfg);
  full.trainer->run();
  std::atomic<bool> cancel{false};
  int seen = 0;
  parts.trainer->run([&](Trainer::Event) { if (++seen == 5) cancel = true; }, &cancel);
  EXPECT_FALSE(parts.trainer->done());
  EXPECT_EQ(parts.trainer->total_steps(), 5);
  cancel = false;
  parts.trainer->run({}, &cancel);  // resume
  EXPECT_TRUE(parts.trainer->done());
  EXPECT_TRUE(same_bits(full.model.weights(), parts.model.weights()));
}

TEST(Trainer, DivergenceStopsWithClearErrorAndKeepsWeights) {
  TrainConfig cfg = small_config();
  TrainRun r(cfg);
  r.trainer->step();
  r.model.weights().back() = NAN;  // poison the last bias (before the sigmoid): the next loss is NaN
  const std::vector<float> before = r.model.weights();
  const std::string msg = dae_test::error_of([&] { r.trainer->step(); });
  EXPECT_NE(msg.find("diverged"), std::string::npos) << msg;
  EXPECT_NE(msg.find("learning rate"), std::string::npos) << msg;
  EXPECT_TRUE(same_bits(before, r.model.weights()));  // no update applied
}

TEST(Trainer, AbsurdSettingsRejected) {
  auto msg = [](auto mutate) {
    TrainConfig c = small_config();
    mutate(c);
    return dae_test::error_of([&] { c.validate(); });
  };
  EXPECT_NE(msg([](TrainConfig& c) { c.epochs = 0; }).find("epochs"), std::string::npos);
  EXPECT_NE(msg([](TrainConfig& c) { c.batch = 100000; }).find("batch"), std::string::npos);
  EXPECT_NE(msg([](TrainConfig& c) { c.lr = -1; }).find("learning rate"), std::string::npos);
  EXPECT_NE(msg([](TrainConfig& c) { c.lr = NAN; }).find("learning rate"), std::string::npos);
  EXPECT_NE(msg([](TrainConfig& c) { c.threads = 0; }).find("threads"), std::string::npos);
  EXPECT_NO_THROW(small_config().validate());
  // JSON configs (the browser's train(config)) go through the same checks.
  EXPECT_THROW(TrainConfig::from_json(parse_json(R"({"epochs": 2.5})")), Error);
  EXPECT_THROW(TrainConfig::from_json(parse_json(R"({"bogus": 1})")), Error);
  EXPECT_THROW(TrainConfig::from_json(parse_json(R"({"noise": "pink:0.1"})")), Error);
  const TrainConfig ok = TrainConfig::from_json(parse_json(R"({"epochs": 3, "noise": "sp:0.2", "lr": 0.01})"));
  EXPECT_EQ(ok.epochs, 3);
  EXPECT_EQ(ok.noise.kind, Noise::SaltPepper);
  EXPECT_DOUBLE_EQ(ok.lr, 0.01);
  EXPECT_EQ(TrainConfig::from_json(ok.to_json()).to_json().dump(), ok.to_json().dump());
}

TEST(Trainer, WrongImageSizeRejected) {
  TrainConfig cfg = small_config();
  ImageSet train, val;
  make_split(mnist(), 100, 10, train, val);
  Model m = Model::build("seed", 1, 32, 32);
  EXPECT_THROW(Trainer(m, train, val, cfg), Error);
}

// The worksheet's model really learns to denoise: after one short epoch the validation loss is
// far below the noisy input's and the PSNR clearly above it.
TEST(Trainer, EndToEndSeedModelDenoisesMnist) {
  TrainConfig cfg;
  cfg.train = 2000;
  cfg.val = 300;
  cfg.batch = 32;
  cfg.epochs = 1;
  cfg.threads = 2;
  TrainRun r(cfg);
  r.trainer->run();
  const Baseline& b = r.trainer->baseline();
  const EpochStats& e = r.trainer->history().back();
  EXPECT_GT(b.loss, 0.7);  // Gaussian 0.5 noise: BCE of the noisy input ≈ 0.8
  EXPECT_LT(e.val_loss, 0.6 * b.loss) << "val " << e.val_loss << " vs noisy " << b.loss;
  EXPECT_GT(e.val_psnr, b.psnr + 3.0) << "psnr " << e.val_psnr << " vs noisy " << b.psnr;
  EXPECT_GT(e.val_ssim, b.ssim);
}

// ---- model files ----------------------------------------------------------------------------------

TEST(ModelFile, RoundTripKeepsArchitectureWeightsAndOutputs) {
  for (const char* preset : {"seed", "transposed", "dense", "deep"}) {
    SCOPED_TRACE(preset);
    Model m = Model::build(preset, 1, 28, 28);
    m.init(7);
    const fs::path p = tmp(std::string(preset) + ".safetensors");
    m.save(p.string(), {{"note", "hello"}});
    std::map<std::string, std::string> meta;
    Model l = Model::load(p.string(), &meta);
    EXPECT_EQ(l.spec(), m.spec());
    EXPECT_EQ(l.name(), preset);
    EXPECT_TRUE(same_bits(l.weights(), m.weights()));
    EXPECT_EQ(meta["note"], "hello");
    EXPECT_EQ(meta["input"], "1x28x28");
    std::vector<float> x(784), y1(784), y2(784);
    for (int i = 0; i < 784; ++i) x[i] = float((i * 37) % 101) / 100.f;
    Context c1, c2;
    m.predict(x.data(), 1, y1.data(), c1);
    l.predict(x.data(), 1, y2.data(), c2);
    EXPECT_TRUE(same_bits(y1, y2));
  }
}

TEST(ModelFile, NamesAndShapesFollowPyTorch) {
  Model m = Model::build("seed", 1, 28, 28);
  const SafeTensors st = m.to_safetensors();
  ASSERT_EQ(st.tensors.size(), 10u);
  EXPECT_EQ(st.tensors[0].name, "layers.0.weight");
  EXPECT_EQ(st.tensors[0].shape, (std::vector<int64_t>{32, 1, 3, 3}));
  EXPECT_EQ(st.tensors[2].name, "layers.3.weight");  // after ReLU (1) and MaxPool (2)
  EXPECT_EQ(st.tensors[2].shape, (std::vector<int64_t>{64, 32, 3, 3}));
  EXPECT_EQ(st.tensors[9].name, "layers.12.bias");
  EXPECT_EQ(st.metadata.at("arch"), "conv32 pool conv64 pool | conv64 up conv32 up conv1:sigmoid");
}

TEST(ModelFile, BadFilesRejectedWithClearErrors) {
  Model m = Model::build("seed", 1, 28, 28);
  m.init(1);
  SafeTensors st = m.to_safetensors();
  EXPECT_NO_THROW(Model::from_safetensors(st));
  SafeTensors wrong_shape = st;
  wrong_shape.tensors[2].shape = {64, 32, 3, 2};
  wrong_shape.tensors[2].data.resize(64 * 32 * 6);
  EXPECT_ERROR_HAS(Model::from_safetensors(wrong_shape), "has shape (64, 32, 3, 2)");
  SafeTensors missing = st;
  missing.tensors.erase(missing.tensors.begin() + 4);
  EXPECT_ERROR_HAS(Model::from_safetensors(missing), "is missing");
  SafeTensors extra = st;
  extra.tensors.push_back({"layers.99.weight", {1}, {0.f}});
  EXPECT_ERROR_HAS(Model::from_safetensors(extra), "unexpected tensor 'layers.99.weight'");
  SafeTensors no_arch = st;
  no_arch.metadata.erase("arch");
  EXPECT_ERROR_HAS(Model::from_safetensors(no_arch), "no 'arch'");
  SafeTensors bad_arch = st;
  bad_arch.metadata["arch"] = "conv32 wobble";
  EXPECT_ERROR_HAS(Model::from_safetensors(bad_arch), "unknown layer");
  SafeTensors nan = st;
  nan.tensors[0].data[0] = NAN;
  EXPECT_ERROR_HAS(Model::from_safetensors(nan), "NaN");
  // A truncated file on disk.
  const fs::path p = tmp("truncated.safetensors");
  m.save(p.string());
  fs::resize_file(p, fs::file_size(p) - 100);
  EXPECT_THROW(Model::load(p.string()), Error);
}

// PyTorch builds the equivalent nn.Sequential from each layer's torch() string, loads our file
// (read with struct + json: no safetensors package needed) with load_state_dict(strict=True) and
// must reproduce our outputs.
TEST(ModelFile, PyTorchLoadsOurWeightsAndAgrees) {
#ifdef __EMSCRIPTEN__
  GTEST_SKIP() << "no Python under node";
#else
  if (std::system("/usr/bin/python3 -c 'import torch' >/dev/null 2>&1") != 0) GTEST_SKIP() << "PyTorch not installed";
  // The presets, and LeakyReLU (bare and as a suffix) as nn.LeakyReLU.
  for (const char* preset : {"seed", "transposed", "dense", "deep", "conv8:lrelu pool conv8:lrelu:0.1 | up lrelu:0.05 conv1:sigmoid"}) {
    SCOPED_TRACE(preset);
    Model m = Model::build(preset, 1, 28, 28);
    m.init(3);
    for (size_t i = 0; i < m.weights().size(); ++i) m.weights()[i] += 0.002f * float(int(i % 7) - 3);  // non-zero biases
    const fs::path dir = tmp("torch_" + std::to_string(std::hash<std::string>()(preset) % 100000));
    fs::create_directories(dir);
    m.save((dir / "m.safetensors").string());
    const int n = 3;
    std::vector<float> x(n * 784), y(n * 784);
    for (size_t i = 0; i < x.size(); ++i) x[i] = float((i * 7919) % 1000) / 1000.f;
    Context ctx;
    m.predict(x.data(), n, y.data(), ctx);
    std::ofstream(dir / "x.f32", std::ios::binary).write(reinterpret_cast<const char*>(x.data()), std::streamsize(x.size() * 4));
    std::ofstream(dir / "y.f32", std::ios::binary).write(reinterpret_cast<const char*>(y.data()), std::streamsize(y.size() * 4));
    std::string modules;
    for (const auto& l : m.layers()) modules += "    " + l.layer->torch() + ",\n";
    std::ofstream py(dir / "check.py");
    py << "import json, struct, sys, numpy as np, torch\nfrom torch import nn\n"
          "d = sys.argv[1]\nraw = open(d + '/m.safetensors', 'rb').read()\n"
          "n = struct.unpack('<Q', raw[:8])[0]\nhdr = json.loads(raw[8:8 + n])\nbase = 8 + n\nsd = {}\n"
          "for k, v in hdr.items():\n"
          "    if k == '__metadata__': continue\n"
          "    b, e = v['data_offsets']\n"
          "    sd[k] = torch.from_numpy(np.frombuffer(raw[base + b:base + e], dtype='<f4').copy().reshape(v['shape']))\n"
          "model = nn.Sequential(\n" << modules << ")\n"
          "model.load_state_dict({'.'.join(k.split('.')[1:]): t for k, t in sd.items()}, strict=True)\n"
          "x = torch.from_numpy(np.fromfile(d + '/x.f32', dtype='<f4').reshape(3, 1, 28, 28))\n"
          "ours = np.fromfile(d + '/y.f32', dtype='<f4').reshape(3, 1, 28, 28)\n"
          "with torch.no_grad(): theirs = model(x).numpy()\n"
          "err = float(np.abs(theirs - ours).max())\n"
          "print('max abs difference', err, 'output range', float(ours.min()), float(ours.max()), 'std', float(ours.std()))\n"
          "informative = ours.std() > 1e-3 and 0 < ours.min() and ours.max() < 1\n"
          "sys.exit(0 if err < 2e-5 and informative else 1)\n";
    py.close();
    const std::string cmd = "/usr/bin/python3 " + (dir / "check.py").string() + " " + dir.string();
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
#endif
}

// The settings table describes TrainConfig exactly: one row per key, in keys() order; every
// default reads back through set() unchanged; the ranges set() enforces are the table's, and
// clamp() (the page's fields) lands inside them.
TEST(Settings, TableMatchesTrainConfig) {
  const dae::TrainConfig defaults;
  const auto& rows = dae::train_settings();
  ASSERT_EQ(rows.size(), dae::TrainConfig::keys().size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const dae::SettingInfo& st = rows[i];
    EXPECT_EQ(st.key, dae::TrainConfig::keys()[i]);
    EXPECT_EQ(&dae::train_setting(st.flag()), &st) << st.key;  // '-' and '_' name one row
    EXPECT_NE(std::string(st.help), "") << st.key;
    dae::TrainConfig c;
    c.set(st.key, defaults.text(st.key));
    EXPECT_EQ(dae::dump_json(c.to_json()), dae::dump_json(defaults.to_json())) << st.key;
    EXPECT_EQ(c.threads, defaults.threads);
    if (st.kind == dae::SettingKind::Int) {
      const long long hi = (long long)st.hi;
      EXPECT_NO_THROW(c.set(st.key, std::to_string(hi))) << st.key;
      EXPECT_ERROR_HAS(c.set(st.key, std::to_string(hi + 1)), std::string(st.key) + " must be " + st.range());
      EXPECT_EQ(st.clamp(double(hi) + 5), double(hi));
      EXPECT_EQ(st.clamp(st.lo - 1), st.lo);
    }
  }
  const dae::SettingInfo& lr = dae::train_setting("lr");
  EXPECT_EQ(lr.range(), "in (0, 10]");
  EXPECT_EQ(lr.name(), "learning rate (lr)");
  EXPECT_EQ(lr.clamp(1000), 10);
  EXPECT_TRUE(std::isnan(lr.clamp(0)));  // no smallest rate above 0: the caller keeps its own
  EXPECT_EQ(lr.clamp(0.003), 0.003);
  EXPECT_EQ(defaults.text("lr"), "0.001");
  EXPECT_EQ(defaults.text("noise"), "gaussian:0.5");
  EXPECT_EQ(defaults.text("fresh_noise"), "false");
  EXPECT_EQ(dae::train_setting("seed").range(), "an integer in 0..9,007,199,254,740,991");
  EXPECT_ERROR_HAS(dae::train_setting("epoch"), "unknown training setting 'epoch'");
}
