// session_test_util.h — what the Session tests share: the bundled MNIST, a tiny run's settings,
// and driving a session as the page's frame loop does.
#pragma once
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "app/session.h"
#include "test_util.h"

namespace dae_test {

using namespace dae;

inline const Dataset& mnist() {
  static const Dataset ds = load_pack(std::string(DAE_TEST_DATA_DIR) + "/mnist.daepack");
  return ds;
}

inline Session& mnist_session(Session& s) {
  s.add_dataset(mnist());
  return s;
}

inline TrainConfig tiny() {
  TrainConfig c;
  c.arch = "conv8 pool conv8 | up conv1:sigmoid";
  c.train = 256;
  c.val = 48;
  c.batch = 32;
  c.epochs = 2;
  return c;
}

// Drives the session as the page's frame loop does until the run ends.
inline void run_to_end(Session& s) {
  for (int frames = 0; (s.training() || s.paused()) && frames < 1000000; ++frames) {
    s.work(5.0);
    if (s.background()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// A finished 1-epoch run of tiny() with the given architecture.
inline void train_one_epoch(Session& s, const std::string& arch = tiny().arch) {
  TrainConfig c = tiny();
  c.arch = arch;
  c.epochs = 1;
  s.start(c);
  run_to_end(s);
}

// The weights the plain trainer gives for the same config (the CLI's path).
inline std::vector<float> trainer_weights(const TrainConfig& cfg, int threads) {
  ImageSet train, val;
  make_split(mnist(), cfg.train, cfg.val, train, val);
  Model m = Model::build(cfg.arch, 1, 28, 28);
  m.init(cfg.seed);
  TrainConfig c = cfg;
  c.threads = threads;
  Trainer t(m, train, val, c);
  t.run();
  return m.weights();
}


}  // namespace dae_test
