// Session: what the browser app does, checked natively — runs trained on a background thread
// and time-sliced (the same numbers as the plain trainer, for 1 and 2 threads), the typed
// status with wall-clock progress, every run keeping its model, selecting and deleting runs,
// results and drawing (also from a snapshot on a helper thread), model files in and out,
// experiment records, CSV, saved state, and that bad input leaves everything as it was.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <thread>

#include "train/metrics.h"
#include "app/offload.h"
#include "app/session.h"
#include "session_test_util.h"
#include "test_util.h"

using namespace dae;
using namespace dae_test;

TEST(Session, BackgroundAndSlicedRunsEqualThePlainTrainer) {
  const std::vector<float> expect = trainer_weights(tiny(), 1);
  EXPECT_EQ(trainer_weights(tiny(), 2), expect);  // the trainer itself: independent of threads
  for (bool background : {false, true})
    for (int threads : {1, 2}) {
      Session s;
      mnist_session(s);
      s.set_background(background);
      s.set_threads(threads);
      s.start(tiny());
      EXPECT_TRUE(s.training());
      run_to_end(s);
      ASSERT_EQ(s.runs().size(), 1u);
      const RunRecord& r = s.runs()[0];
      EXPECT_EQ(r.state, RunState::Finished);
      EXPECT_EQ(r.history.size(), 2u);
      EXPECT_EQ(r.step_loss.size(), 16u);  // 2 epochs × 8 batches
      EXPECT_EQ(r.config.threads, threads);
      ASSERT_TRUE(r.weights);
      EXPECT_EQ(*r.weights, expect) << "background " << background << ", threads " << threads;
      EXPECT_EQ(s.model()->weights(), expect);  // the run's model is the current one
      EXPECT_EQ(s.model_info().source, ModelSource::Run);
      EXPECT_EQ(s.model_info().run_id, r.id);
      EXPECT_EQ(s.model_info().epochs_trained, 2);
      EXPECT_LT(r.final_val_loss(), r.baseline.loss);
      EXPECT_GT(r.wall_seconds, 0.0);
      EXPECT_GE(r.wall_seconds, r.seconds * 0.5);
    }
}

TEST(Session, StatusIsTypedAndProgressIsWallClock) {
  Session s;
  mnist_session(s);
  Session::Status st = s.status();
  EXPECT_FALSE(st.has_run);
  EXPECT_EQ(st.model.source, ModelSource::None);
  EXPECT_EQ(st.model.describe(), "no model");
  TrainConfig c = tiny();
  c.epochs = 3;
  c.train = 1024;
  s.start(c);
  st = s.status();
  EXPECT_TRUE(st.has_run);
  EXPECT_TRUE(st.training);
  EXPECT_EQ(st.state, RunState::Running);
  EXPECT_EQ(st.dataset, "mnist");
  EXPECT_EQ(st.train_size, 1024u);
  EXPECT_EQ(st.val_size, 48u);
  EXPECT_EQ(st.epochs, 3);
  // While it trains: wall-clock rate and an ETA appear, progress grows.
  bool saw_rate = false, saw_eta = false;
  double last_progress = 0;
  while (s.training()) {
    s.work(5);
    st = s.status();
    EXPECT_GE(st.progress, last_progress - 1e-12);
    last_progress = st.progress;
    saw_rate |= st.samples_per_s > 0;
    saw_eta |= std::isfinite(st.eta_s) && st.eta_s >= 0;
    EXPECT_LE(st.compute_s, st.elapsed_s * 1.05 + 0.05);  // compute time never exceeds wall time
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_TRUE(saw_rate);
  EXPECT_TRUE(saw_eta);
  st = s.status();
  EXPECT_EQ(st.state, RunState::Finished);
  EXPECT_EQ(st.epoch, 3);
  EXPECT_EQ(st.history.size(), 3u);
  EXPECT_DOUBLE_EQ(st.progress, 1.0);
  EXPECT_GT(st.noisy_psnr, 5.0);
  EXPECT_GT(st.val_psnr, st.noisy_psnr);
  EXPECT_NE(st.model.describe().find("run #1 · custom · 3 epochs on mnist (gaussian:0.5)"), std::string::npos)
      << st.model.describe();
}

TEST(Session, EveryRunKeepsItsModel) {
  Session s;
  mnist_session(s);
  s.start(tiny());
  run_to_end(s);
  const std::vector<float> first = s.model()->weights();
  const int first_id = s.runs()[0].id;
  // A second run, stopped part-way: it keeps the weights it had; the first run keeps its own.
  TrainConfig c = tiny();
  c.seed = 5;
  c.epochs = 50;
  s.start(c);
  s.work(5);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  s.work(5);
  s.stop();
  ASSERT_EQ(s.runs().size(), 2u);
  EXPECT_EQ(s.runs()[1].state, RunState::Stopped);
  ASSERT_TRUE(s.runs()[1].weights);
  EXPECT_EQ(s.model()->weights(), *s.runs()[1].weights);  // the stopped run's model is current
  EXPECT_EQ(*s.runs()[0].weights, first);
  // Selecting the first run brings its model back (Results, Draw and Inspect use it).
  std::vector<float> probe(784, 0.f);
  for (int i = 200; i < 500; ++i) probe[size_t(i)] = 1.f;
  s.select_run(first_id);
  EXPECT_EQ(s.model()->weights(), first);
  EXPECT_EQ(s.model_info().run_id, first_id);
  EXPECT_EQ(s.results(4, 0).size(), 4u);
  const std::vector<float> out_first = s.denoise(probe);
  // Start from scratch: an untrained model; both runs still have theirs.
  s.start_from_scratch();
  EXPECT_EQ(s.model_info().source, ModelSource::Untrained);
  EXPECT_NE(s.model()->weights(), first);
  EXPECT_EQ(*s.runs()[0].weights, first);
  s.select_run(first_id);
  EXPECT_EQ(s.denoise(probe), out_first);
  // Starting a run while another trains stops (and keeps) the first.
  s.start(c);
  s.work(1);
  s.start(tiny());
  ASSERT_EQ(s.runs().size(), 4u);
  EXPECT_EQ(s.runs()[2].state, RunState::Stopped);
  EXPECT_TRUE(s.runs()[2].weights);
  EXPECT_EQ(s.runs()[3].state, RunState::Running);
  // Deleting the run whose model is current leaves an untrained model, never a dangling one.
  s.stop();
  const int last = s.runs().back().id;
  s.select_run(last);
  const std::vector<float> before = s.denoise(std::vector<float>(784, 0.25f));
  s.set_notes(last, "mine");
  std::optional<RunRecord> gone = s.delete_run(last);
  EXPECT_EQ(s.model_info().source, ModelSource::Untrained);
  EXPECT_EQ(s.runs().size(), 3u);
  ASSERT_TRUE(gone);
  EXPECT_EQ(gone->id, last);
  EXPECT_FALSE(s.delete_run(12345));  // unknown: nothing
  // Undo: the run comes back in its place, with its notes, its model current again.
  const uint64_t rev = s.revision();
  RunRecord copy = *gone;
  s.undelete_run(std::move(*gone), true);
  EXPECT_GT(s.revision(), rev);
  ASSERT_EQ(s.runs().size(), 4u);
  EXPECT_EQ(s.runs().back().id, last);
  EXPECT_EQ(s.run(last)->notes, "mine");
  EXPECT_EQ(s.model_info().source, ModelSource::Run);
  EXPECT_EQ(s.model_info().run_id, last);
  EXPECT_EQ(s.denoise(std::vector<float>(784, 0.25f)), before);
  EXPECT_THROW(s.undelete_run(copy, false), Error);  // its id is taken: nothing changes
  EXPECT_EQ(s.runs().size(), 4u);
  // An earlier run goes back between its neighbours.
  const int second = s.runs()[1].id;
  std::optional<RunRecord> mid = s.delete_run(second);
  s.undelete_run(std::move(*mid), false);
  EXPECT_EQ(s.runs()[1].id, second);
  EXPECT_EQ(s.model_info().run_id, last);
}

TEST(Session, PauseResumeAndSelectingAnotherRunWhileTraining) {
  for (bool background : {false, true}) {
    Session s;
    mnist_session(s);
    s.set_background(background);
    s.start(tiny());
    run_to_end(s);
    TrainConfig c = tiny();
    c.epochs = 3;
    s.start(c);
    s.work(1);
    s.pause();
    EXPECT_TRUE(s.paused());
    EXPECT_FALSE(s.training());
    EXPECT_EQ(s.runs()[1].state, RunState::Paused);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    s.work(50);
    const Session::Status a = s.status();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    s.work(50);
    const Session::Status b = s.status();
    EXPECT_EQ(a.step, b.step);  // paused: no work
    EXPECT_EQ(a.epoch, b.epoch);
    EXPECT_NEAR(a.elapsed_s, b.elapsed_s, 1e-9);  // and the wall clock stands still
    // The first run's model can be looked at while the second trains on.
    s.resume();
    s.select_run(s.runs()[0].id);
    const std::vector<float> first = *s.runs()[0].weights;
    run_to_end(s);
    EXPECT_EQ(s.runs()[1].state, RunState::Finished);
    EXPECT_EQ(s.model()->weights(), first);  // still the selected model, not the training one
    EXPECT_EQ(*s.runs()[1].weights, trainer_weights(c, 1));
  }
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
  fails([](TrainConfig& c) { c.arch = "conv2048 conv2048 | conv1:sigmoid"; }, "the limit is 1 GB");
  EXPECT_EQ(s.runs().size(), 1u);
  EXPECT_EQ(s.runs()[0].state, RunState::Finished);
  EXPECT_EQ(s.model()->weights(), weights);
  EXPECT_ERROR_HAS(s.set_threads(0), "threads must be 1..16");
  EXPECT_ERROR_HAS(s.set_threads(17), "threads must be 1..16");
}

TEST(Session, ResultsDrawingAndInspection) {
  Session s;
  mnist_session(s);
  EXPECT_TRUE(s.results(10, 0).empty());  // no model yet
  EXPECT_THROW(s.denoise(std::vector<float>(784)), Error);
  train_one_epoch(s, "seed");
  const auto rows = s.results(10, 0);
  ASSERT_EQ(rows.size(), 10u);
  for (const auto& t : rows) {
    EXPECT_EQ(t.clean.size(), 784u);
    EXPECT_NE(t.noisy, t.clean);
    EXPECT_NEAR(t.psnr_denoised, psnr(t.denoised.data(), t.clean.data(), 784), 1e-9);
  }
  const auto other = s.results(10, 5);  // a different random draw
  // A row at a time (the page while training) gives the same rows.
  const std::vector<size_t> order = s.result_order(10, 5);
  ASSERT_EQ(order.size(), 10u);
  for (size_t k = 0; k < order.size(); ++k) {
    const Triple t = s.result_row(order[k]);
    EXPECT_EQ(t.index, other[k].index);
    EXPECT_EQ(t.denoised, other[k].denoised);
    EXPECT_EQ(t.ssim_denoised, other[k].ssim_denoised);
  }
  EXPECT_THROW(s.result_row(1u << 30), Error);
  EXPECT_NE(other[0].index + other[1].index * 10000, rows[0].index + rows[1].index * 10000);
  // Drawing: a fixed key gives the same noise for the same drawing.
  std::vector<float> drawing(784, 0.f);
  for (int y = 8; y < 20; ++y) drawing[size_t(y * 28 + 14)] = 1.f;
  const Triple a = s.denoise_drawing(drawing, 42), b = s.denoise_drawing(drawing, 42);
  EXPECT_EQ(a.noisy, b.noisy);
  EXPECT_EQ(a.denoised, b.denoised);
  EXPECT_EQ(a.denoised, s.denoise(a.noisy));
  EXPECT_THROW(s.denoise(std::vector<float>(100)), Error);
  int n = 0, h = 0, w = 0;
  const auto filters = s.first_layer_filters(n, h, w);
  EXPECT_EQ(n, 32);
  EXPECT_EQ(h, 3);
  EXPECT_EQ(w, 3);
  ASSERT_EQ(filters.size(), 32u * 9u);
  for (float v : filters) EXPECT_TRUE(v >= 0.f && v <= 1.f);
  int ch = 0;
  const auto maps = s.feature_maps(drawing, 2, ch, h, w);  // after the first pooling
  EXPECT_EQ(ch, 32);
  EXPECT_EQ(h, 14);
  EXPECT_EQ(maps.size(), size_t(32 * 14 * 14));
  EXPECT_THROW(s.feature_maps(drawing, 99, ch, h, w), Error);
}

TEST(Session, DenseModelsCanBeInspectedToo) {
  Session s;
  mnist_session(s);
  train_one_epoch(s, "dense");
  int n = 0, h = 0, w = 0;
  const auto units = s.first_layer_filters(n, h, w);  // the first Dense layer's units as 28×28 images
  EXPECT_EQ(n, 128);
  EXPECT_EQ(h, 28);
  EXPECT_EQ(w, 28);
  EXPECT_EQ(units.size(), size_t(128 * 784));
  const auto [lo, hi] = std::minmax_element(units.begin(), units.end());
  EXPECT_LT(*lo, 0.2f);
  EXPECT_GT(*hi, 0.8f);
  int ch = 0;
  std::vector<float> img(784, 0.3f);
  const auto code = s.feature_maps(img, 3, ch, h, w);  // the code vector: one strip of 64 units
  EXPECT_EQ(ch, 1);
  EXPECT_EQ(h, 1);
  EXPECT_EQ(w, 64);
  EXPECT_EQ(code.size(), 64u);
}

TEST(Session, CollapsedOutputsAreFlagged) {
  std::vector<Triple> rs(8);
  for (size_t i = 0; i < rs.size(); ++i) {
    rs[i].clean.assign(16, 0.f);
    rs[i].clean[i] = 1.f;  // different digits
    rs[i].denoised = rs[i].clean;
  }
  EXPECT_FALSE(outputs_collapsed(rs));
  for (auto& t : rs) t.denoised.assign(16, 0.1f);  // every output the same blob
  EXPECT_TRUE(outputs_collapsed(rs));
  for (size_t i = 0; i < rs.size(); ++i) rs[i].denoised[i] = 0.14f;  // nearly the same
  EXPECT_TRUE(outputs_collapsed(rs));
  // A run whose PSNR rose but whose outputs collapsed is not shown as an improvement.
  RunRecord r;
  r.history.push_back({1, 0.2, 0.2, 12.0, 0.5, 1.0});
  r.baseline = {0.8, 10.0, 0.4};
  EXPECT_TRUE(r.improved());
  r.collapsed = true;
  EXPECT_FALSE(r.improved());
  r.collapsed = false;
  r.history.back().val_ssim = 0.3;  // PSNR up, SSIM down: not an improvement either
  EXPECT_FALSE(r.improved());
}

TEST(Session, ModelFilesRoundTripAndBadFilesChangeNothing) {
  Session a;
  mnist_session(a);
  a.start(tiny());
  run_to_end(a);
  const std::vector<uint8_t> file = a.model_file();
  EXPECT_EQ(a.model_file_name(), "dae-run1-custom-mnist.safetensors");
  std::vector<float> probe(784);
  for (int i = 0; i < 784; ++i) probe[size_t(i)] = float((i * 13) % 29) / 28.f;
  Session b;
  mnist_session(b);
  b.load_model_file(file.data(), file.size(), "mine.safetensors");
  EXPECT_EQ(b.model()->spec(), a.model()->spec());
  EXPECT_EQ(b.denoise(probe), a.denoise(probe));
  EXPECT_EQ(b.config().dataset, "mnist");
  EXPECT_EQ(b.model_info().source, ModelSource::Uploaded);
  EXPECT_EQ(b.model_info().epochs_trained, 2);
  EXPECT_EQ(b.model_info().describe(), "uploaded file mine.safetensors · custom · 2 epochs on mnist (gaussian:0.5)");
  // Downloaded again: the file's own name, its description, and its history and scores passed on.
  EXPECT_EQ(b.model_file_name(), "mine.safetensors");
  {
    const std::vector<uint8_t> again = b.model_file();
    const SafeTensors st = parse_safetensors(again.data(), again.size());
    EXPECT_EQ(st.metadata.at("source"), b.model_info().describe());
    EXPECT_EQ(st.metadata.at("epochs_done"), "2");
    Session d;
    mnist_session(d);
    d.load_model_file(again.data(), again.size(), "again.safetensors");
    EXPECT_EQ(d.model_info().epochs_trained, 2);
    EXPECT_EQ(d.model_info().val_psnr, a.runs()[0].final_val_psnr());
    EXPECT_EQ(d.model_info().noisy_psnr, a.runs()[0].baseline.psnr);
  }
  EXPECT_EQ(b.results(3, 0).size(), 3u);  // data of the model's size was found
  // Garbage and truncated files: a plain sentence first, and b keeps its model.
  std::vector<uint8_t> junk(file.begin(), file.begin() + long(file.size() / 2));
  EXPECT_ERROR_HAS(b.load_model_file(junk.data(), junk.size()), "This is not a dae model file, or it is damaged: ");
  const uint8_t text[] = "not a model";
  EXPECT_THROW(b.load_model_file(text, sizeof text), Error);
  EXPECT_EQ(b.denoise(probe), a.denoise(probe));
  EXPECT_EQ(b.model_info().file, "mine.safetensors");
  // A run's own file (Runs' download) says what Files' download says: the noisy input's scores
  // too (it lacked them: "noisy nan" after uploading it).
  const std::vector<uint8_t> rf = a.run_model_file(a.runs()[0].id);
  Session c;
  mnist_session(c);
  c.load_model_file(rf.data(), rf.size());
  EXPECT_EQ(c.denoise(probe), a.denoise(probe));
  EXPECT_EQ(c.model_info().noisy_psnr, a.runs()[0].baseline.psnr);
  EXPECT_EQ(c.model_info().val_psnr, a.runs()[0].final_val_psnr());
  const SafeTensors from_runs = parse_safetensors(rf.data(), rf.size()), from_files = parse_safetensors(file.data(), file.size());
  for (const char* k : {"config", "history", "epochs_done", "baseline"})
    EXPECT_EQ(from_runs.metadata.at(k), from_files.metadata.at(k)) << k;
}

// A run stopped in its first epoch is "partly trained", not "untrained", and its rate counts
// the images it saw (it said "0 images/s").
TEST(Session, AYoungStoppedRunSaysHowFarItGot) {
  Session s;
  mnist_session(s);
  s.set_background(false);
  TrainConfig c = tiny();  // 256 images in batches of 32: 8 steps an epoch
  s.start(c);
  while (s.runs()[0].step_loss.size() < 3) s.work(1.0);
  s.stop();
  const dae::RunRecord& r = s.runs()[0];
  const int steps = int(r.step_loss.size());
  ASSERT_GE(steps, 3);
  ASSERT_LT(steps, 8);
  EXPECT_TRUE(r.history.empty());
  EXPECT_EQ(r.steps_into_epoch(), steps);
  EXPECT_EQ(r.images_trained(), 32.0 * steps);
  EXPECT_EQ(s.model_info().describe(),
            "run #1 · custom · partly trained (" + std::to_string(steps) + " of 8 steps of epoch 1) on mnist (gaussian:0.5)");
  EXPECT_FALSE(s.model_info().validated());  // no verdicts yet
  // A finished run has no partial epoch.
  s.start(c);
  run_to_end(s);
  EXPECT_EQ(s.runs()[1].steps_into_epoch(), 0);
  EXPECT_EQ(s.runs()[1].images_trained(), 2 * 256.0);
  EXPECT_EQ(s.model_info().describe(), "run #2 · custom · 2 epochs on mnist (gaussian:0.5)");
  EXPECT_TRUE(s.model_info().validated());
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
  s.set_notes(s.runs()[0].id, "baseline, \"quoted\", with comma");
  s.set_observations("salt & pepper is easier");
  const std::string csv = s.runs_csv();
  EXPECT_EQ(csv.rfind("run,dataset,arch,", 0), 0u);
  EXPECT_NE(csv.find("sp:0.2"), std::string::npos);
  EXPECT_NE(csv.find("\"baseline, \"\"quoted\"\", with comma\""), std::string::npos) << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);
  const std::string saved = s.save_state();
  Session t;
  mnist_session(t);
  t.load_state(saved);
  ASSERT_EQ(t.runs().size(), 2u);
  EXPECT_EQ(t.runs()[0].notes, s.runs()[0].notes);
  EXPECT_EQ(t.runs()[1].history.size(), 1u);
  EXPECT_EQ(t.runs()[1].final_val_loss(), s.runs()[1].final_val_loss());
  EXPECT_EQ(t.runs()[1].step_loss, s.runs()[1].step_loss);
  EXPECT_EQ(t.observations(), "salt & pepper is easier");
  EXPECT_EQ(t.runs_csv(), csv);
  // The weights come back from the runs' own files.
  EXPECT_FALSE(t.runs()[0].weights);
  for (int id : s.runs_to_save()) {
    const auto f = s.run_model_file(id);
    t.restore_run_model(id, f.data(), f.size());
  }
  EXPECT_EQ(*t.runs()[0].weights, *s.runs()[0].weights);
  t.select_run(t.runs()[1].id);
  EXPECT_EQ(t.model()->weights(), *s.runs()[1].weights);
  // A model file of another architecture is not a run's model.
  const auto other = s.run_model_file(s.runs()[0].id);
  Session u;
  mnist_session(u);
  TrainConfig d = tiny();
  d.arch = "conv4 | conv1:sigmoid";
  d.epochs = 1;
  u.start(d);
  run_to_end(u);
  EXPECT_ERROR_HAS(u.restore_run_model(u.runs()[0].id, other.data(), other.size()), "does not match");
  EXPECT_THROW(t.load_state("{\"format\": \"other\"}"), Error);
  EXPECT_THROW(t.load_state("{ truncated"), Error);
  EXPECT_EQ(t.runs().size(), 2u);  // unchanged by the failed loads
  t.delete_run(t.runs()[0].id);
  EXPECT_EQ(t.runs().size(), 1u);
}

TEST(Session, SavedModelsStayWithinTheBudget) {
  Session s;
  mnist_session(s);
  TrainConfig c = tiny();
  c.epochs = 1;
  c.train = 32;
  c.arch = "flatten dense640 | dense784:linear reshape1x28x28 sigmoid";  // 1.0 M parameters: 4 MB a model
  for (int i = 0; i < 16; ++i) {
    c.seed = uint64_t(i);
    s.start(c);
    run_to_end(s);
  }
  std::vector<int> skipped;
  const std::vector<int> kept = s.runs_to_save(&skipped);
  EXPECT_EQ(kept.size() + skipped.size(), 16u);
  EXPECT_FALSE(skipped.empty());
  EXPECT_EQ(kept.front(), s.runs().back().id);  // newest first
  size_t bytes = 0;
  for (int id : kept) bytes += s.run(id)->weights->size() * 4;
  EXPECT_LE(bytes, Session::kSavedModelsBudget);
}

TEST(Session, LayerRowsRoundTrip) {
  const std::string spec = "conv16k5/valid:linear conv8 relu | convt4 conv1:sigmoid";
  auto rows = parse_spec(spec);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].kind, LayerKind::Conv2D);
  EXPECT_EQ(rows[0].units, 16);
  EXPECT_EQ(rows[0].kernel, 5);
  EXPECT_EQ(rows[0].pad, Padding::Valid);
  EXPECT_FALSE(rows[0].has_act);
  EXPECT_EQ(rows[1].act, LayerKind::ReLU);
  EXPECT_EQ(rows[2].kind, LayerKind::ReLU);
  EXPECT_TRUE(rows[3].bar_before);
  EXPECT_EQ(format_spec(rows), spec);
  rows[1].units = 12;
  rows.erase(rows.begin() + 2);
  EXPECT_EQ(format_spec(rows), "conv16k5/valid:linear conv12 | convt4 conv1:sigmoid");
  EXPECT_THROW(parse_spec("conv8 banana"), Error);
  Session s;
  const ArchCheck ok = s.check_arch("seed", 28);
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.params, 74497u);
  EXPECT_NEAR(ok.mflops_per_sample, 56.9, 0.1);
  const ArchCheck bad = s.check_arch("conv8 pool", 28);
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(bad.error.find("input's shape"), std::string::npos);
}

// Configs and files hold a model's spec; a model rebuilt from one (the run's model made current,
// "From scratch") keeps its preset's name, which the page shows ("run #1 · seed").
TEST(Session, RebuiltModelsKeepTheirPresetName) {
  Session s;
  mnist_session(s);
  train_one_epoch(s, "seed");
  EXPECT_EQ(s.model()->name(), "seed");
  EXPECT_EQ(s.status().model.arch_name, "seed");
  s.start_from_scratch();
  EXPECT_EQ(s.status().model.source, ModelSource::Untrained);
  EXPECT_EQ(s.model()->name(), "seed");
}

TEST(Session, SlicedWorkRunsWholeUnitsAndLearnsTheirCost) {
  Session s;
  mnist_session(s);
  s.set_background(false);
  s.start(tiny());
  EXPECT_EQ(s.expected_unit_ms(), 0.0);  // nothing measured yet
  s.work(0);                              // the first unit builds the trainer (noisy baseline)
  EXPECT_TRUE(std::isfinite(s.status().noisy_psnr));
  s.work(0);                              // exactly one unit: a training shard
  EXPECT_GT(s.expected_unit_ms(), 0.0);
  EXPECT_EQ(s.status().step, 0);          // the batch is not done
  for (int i = 0; i < 32 / kShard - 1; ++i) s.work(0);
  EXPECT_EQ(s.status().step, 1);          // one batch of 32
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
  train_one_epoch(s);
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

TEST(Session, SnapshotsGiveTheSessionsNumbersOnAnotherThreadWhileItTrains) {
  // The page's Draw pad, Results and feature maps computed on a helper thread from a snapshot
  // equal the session's own numbers bit for bit while the session goes on training (its
  // weights change under the snapshot's copy; TSan runs this too).
  Session s;
  mnist_session(s);
  EXPECT_EQ(s.snapshot(), nullptr);  // no model yet
  TrainConfig c = tiny();
  c.train = 512;
  c.epochs = 3;
  c.noise = Noise::parse("sp:0.2");
  s.start(c);
  Offload o(Session::threads_supported());
  std::vector<float> drawing(784, 0.f);
  for (int y = 6; y < 22; ++y) drawing[size_t(y * 28 + 12)] = 1.f;
  const Noise other = Noise::parse("gaussian:0.3");
  int checked = 0;
  uint64_t last_revision = 0;
  const auto t0 = std::chrono::steady_clock::now();
  while (checked < 3 && s.training() && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(120)) {
    s.work(5.0);  // background: takes the published progress (new weights now and then)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const auto snap = s.snapshot();
    ASSERT_NE(snap, nullptr);
    EXPECT_EQ(snap, s.snapshot()) << "nothing changed: the same snapshot";
    EXPECT_EQ(snap->revision, s.model_revision());
    if (snap->revision == last_revision) continue;
    last_revision = snap->revision;
    // The session's own numbers at this revision, then the same on the helper while the
    // session trains on (its weights change under the snapshot's copy).
    const size_t index = s.result_order(10, 3)[size_t(checked)];
    const Triple row = s.result_row(index), drawn = s.denoise_drawing(drawing, 42, other);
    int c = 0, h = 0, w = 0;
    const std::vector<float> maps = s.feature_maps(drawing, 1, c, h, w);
    Triple row2, drawn2;
    std::vector<float> maps2;
    o.submit(0, [snap, &drawing, &other, &drawn2](Context& ctx) -> Offload::Apply {
      Triple t = snap->denoise_drawing(drawing, 42, other, ctx);
      return [t = std::move(t), &drawn2]() mutable { drawn2 = std::move(t); };
    });
    o.submit(1, [snap, index, &row2](Context& ctx) -> Offload::Apply {
      Triple t = snap->result_row(index, ctx);
      return [t = std::move(t), &row2]() mutable { row2 = std::move(t); };
    });
    o.submit(2, [snap, &drawing, &maps2](Context& ctx) -> Offload::Apply {
      int c2 = 0, h2 = 0, w2 = 0;
      std::vector<float> m = snap->feature_maps(drawing, 1, c2, h2, w2, ctx);
      return [m = std::move(m), &maps2]() mutable { maps2 = std::move(m); };
    });
    s.work(5.0);  // meanwhile
    ASSERT_EQ(dae_test::poll_until(o, 3), 3);
    EXPECT_EQ(maps2, maps);
    EXPECT_EQ(maps.size(), size_t(c) * size_t(h) * size_t(w));
    EXPECT_EQ(row2.index, index);
    EXPECT_EQ(row2.noisy, row.noisy);
    EXPECT_EQ(row2.denoised, row.denoised);
    EXPECT_EQ(row2.ssim_denoised, row.ssim_denoised);
    EXPECT_EQ(drawn2.noisy, drawn.noisy);
    EXPECT_EQ(drawn2.denoised, drawn.denoised);
    EXPECT_EQ(drawn2.psnr_denoised, drawn.psnr_denoised);
    ++checked;
  }
  EXPECT_GE(checked, 2) << "the weights never changed during the run";
  s.stop();
  Context ctx;
  EXPECT_THROW(s.snapshot()->result_row(1u << 30, ctx), Error);
}
