// Offload (core/app/offload.h): model work on a helper thread for the page — the latest job of a slot
// wins, lower slots go first, results are applied only by poll() on the caller's thread, a job's
// exception reaches poll(), and without a thread the same calls give the same results (TSan
// runs these too). ModelSnapshot on an Offload is checked in test_session.cpp.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "app/offload.h"
#include "app/session.h"  // Session::threads_supported
#include "test_util.h"

using namespace dae;
using dae_test::poll_until;

namespace {

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
