// Offload (core/offload.h): model work on a helper thread for the page — the latest job of a slot
// wins, lower slots go first, results are applied only by poll() on the caller's thread, a job's
// exception reaches poll(), and without a thread the same calls give the same results. Then
// ModelSnapshot: the page's Draw pad, Results and feature maps computed on the helper from a
// snapshot equal the session's own numbers bit for bit, while the session goes on training
// (run under TSan too).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "offload.h"
#include "session.h"
#include "test_util.h"

using namespace dae;

namespace {

// Polls until `n` results were applied (the helper thread finishes on its own time).
int poll_until(Offload& o, int n) {
  int got = 0;
  for (int i = 0; i < 20000 && got < n; ++i) {
    got += o.poll();
    if (got < n) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return got;
}

// A gate the test opens: a job waits on it, so the test knows what is running and what waits.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool open = false, entered = false;
  void wait() {
    std::unique_lock<std::mutex> lk(mu);
    entered = true;
    cv.notify_all();
    cv.wait(lk, [this] { return open; });
  }
  void wait_entered() {
    std::unique_lock<std::mutex> lk(mu);
    cv.wait(lk, [this] { return entered; });
  }
  void release() {
    std::lock_guard<std::mutex> lk(mu);
    open = true;
    cv.notify_all();
  }
};

}  // namespace

TEST(Offload, LatestJobOfASlotWinsAndLowerSlotsGoFirst) {
  for (bool threaded : {false, true}) {
    if (threaded && !Session::threads_supported()) continue;
    SCOPED_TRACE(threaded ? "threaded" : "inline");
    Offload o(threaded);
    EXPECT_EQ(o.threaded(), threaded);
    std::vector<std::string> applied;  // only ever touched on this thread, by poll()
    const auto job = [&applied](std::string name) {
      return [&applied, name](Context&) -> Offload::Apply { return [&applied, name] { applied.push_back(name); }; };
    };
    Gate gate;
    if (threaded) {
      // Hold the helper in a first job, queue behind it, then let it go.
      o.submit(9, [&gate](Context&) -> Offload::Apply {
        gate.wait();
        return nullptr;
      });
      gate.wait_entered();
      EXPECT_TRUE(o.pending(9));
    }
    o.submit(1, job("results, old"));
    o.submit(0, job("draw, stroke 1"));
    o.submit(0, job("draw, stroke 2"));
    o.submit(1, job("results, new"));
    EXPECT_TRUE(o.pending(0));
    EXPECT_TRUE(applied.empty()) << "results are applied by poll() only";
    gate.release();
    poll_until(o, threaded ? 3 : 4);
    if (threaded) {
      // The waiting jobs were replaced by newer ones of their slot; the draw slot went first.
      EXPECT_EQ(applied, (std::vector<std::string>{"draw, stroke 2", "results, new"}));
    } else {
      // Inline, every job ran at submit(), in order.
      EXPECT_EQ(applied, (std::vector<std::string>{"results, old", "draw, stroke 1", "draw, stroke 2", "results, new"}));
    }
    EXPECT_FALSE(o.pending(0));
    EXPECT_FALSE(o.pending(1));
    EXPECT_FALSE(o.busy());
    EXPECT_EQ(o.poll(), 0);
    EXPECT_EQ(o.jobs_run(), threaded ? 3u : 4u);  // threaded: two waiting jobs were replaced, never run
  }
}

TEST(Offload, AJobsErrorReachesPollAndTheNextResultStillComes) {
  for (bool threaded : {false, true}) {
    if (threaded && !Session::threads_supported()) continue;
    Offload o(threaded);
    int value = 0;
    o.submit(0, [](Context&) -> Offload::Apply { throw Error("no model: train one"); });
    int n = 0;
    for (int i = 0; i < 20000 && n == 0; ++i) {
      try {
        n += o.poll();
      } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "no model: train one");
        n = 1;
      }
      if (!n) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_EQ(n, 1) << "the error never came back";
    o.submit(0, [](Context&) -> Offload::Apply { return [] {}; });
    o.submit(1, [&value](Context&) -> Offload::Apply { return [&value] { value = 7; }; });
    poll_until(o, 2);
    EXPECT_EQ(value, 7);
  }
}

TEST(Offload, DestroyedWithAJobWaitingAppliesNothing) {
  if (!Session::threads_supported()) GTEST_SKIP() << "no threads in this build";
  bool applied = false;
  Gate gate;
  {
    Offload o(true);
    o.submit(0, [&gate](Context&) -> Offload::Apply {
      gate.wait();
      return nullptr;
    });
    gate.wait_entered();
    o.submit(1, [&applied](Context&) -> Offload::Apply { return [&applied] { applied = true; }; });
    gate.release();
  }  // joins the helper; the waiting job is dropped or its result never applied
  EXPECT_FALSE(applied);
}

TEST(Session, SnapshotsGiveTheSessionsNumbersOnAnotherThreadWhileItTrains) {
  Session s;
  s.add_dataset(load_pack(std::string(DAE_TEST_DATA_DIR) + "/mnist.daepack"));
  EXPECT_EQ(s.snapshot(), nullptr);  // no model yet
  TrainConfig c;
  c.arch = "conv8 pool conv8 | up conv1:sigmoid";
  c.train = 512;
  c.val = 48;
  c.batch = 32;
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
    ASSERT_EQ(poll_until(o, 3), 3);
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
