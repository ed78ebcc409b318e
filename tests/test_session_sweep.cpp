// Session sweeps: runs along one axis trained one after another, a bad value starting nothing,
// Stop and Train making a sweep wait, a reload keeping it waiting, Continue retraining what was
// not finished, and dropping the rest.
#include <gtest/gtest.h>

#include <vector>

#include "app/session.h"
#include "session_test_util.h"
#include "test_util.h"

using namespace dae;
using namespace dae_test;

namespace {

// Sweep points of tiny() (one epoch) along the learning rate.
std::vector<SweepPoint> lr_points(const std::vector<double>& lrs) {
  std::vector<SweepPoint> pts;
  for (double lr : lrs) {
    SweepPoint p;
    p.config = tiny();
    p.config.epochs = 1;
    p.config.lr = lr;
    p.value = std::to_string(lr);
    p.x = lr;
    pts.push_back(p);
  }
  return pts;
}

// A bad value throws naming it, and nothing starts.
void expect_bad_value_starts_nothing(Session& s) {
  std::vector<SweepPoint> bad = lr_points({0.001, 0.002});
  bad[1].config.arch = "conv8 pool";  // output 14×14 ≠ input
  EXPECT_ERROR_HAS(s.start_sweep("learning rate", true, bad), "learning rate " + bad[1].value + ":");
  EXPECT_TRUE(s.sweeps().empty());
  EXPECT_TRUE(s.runs().empty());
  EXPECT_FALSE(s.training());
}

// Sweep `id` of 0.001, 0.003, 0.01 just started: its first run ends and the next one starts
// at once, with its own config; Stop keeps that run and the sweep waits, with two values left.
void expect_stop_makes_the_sweep_wait(Session& s, int id) {
  EXPECT_EQ(s.going_sweep(), id);
  EXPECT_TRUE(s.training());
  for (int i = 0; i < 100000 && s.runs().size() < 2; ++i) s.work(5.0);
  ASSERT_EQ(s.runs().size(), 2u);
  EXPECT_EQ(s.runs()[0].state, RunState::Finished);
  EXPECT_DOUBLE_EQ(s.runs()[0].config.lr, 0.001);
  EXPECT_TRUE(s.training());
  EXPECT_DOUBLE_EQ(s.runs()[1].config.lr, 0.003);
  // Stop: the run is kept, the sweep waits; the stopped value is not done (two left).
  s.stop();
  EXPECT_EQ(s.going_sweep(), 0);
  ASSERT_NE(s.sweep(id), nullptr);
  EXPECT_TRUE(s.sweep(id)->waiting);
  EXPECT_EQ(s.sweep_left(*s.sweep(id)), 2u);
  EXPECT_TRUE(s.sweep_point_done(s.sweep(id)->points[0]));
  EXPECT_FALSE(s.sweep_point_done(s.sweep(id)->points[1]));
  for (int i = 0; i < 5; ++i) s.work(5.0);
  EXPECT_EQ(s.runs().size(), 2u) << "a waiting sweep starts nothing";
}

// `t` restored the saved state of `s` (stopped as above): the sweep is there, waiting.
void expect_the_sweep_restored_waiting(const Session& t, const Session& s) {
  ASSERT_EQ(t.sweeps().size(), 1u);
  const Sweep& sw = t.sweeps()[0];
  EXPECT_EQ(sw.axis, "learning rate");
  EXPECT_TRUE(sw.log_x);
  EXPECT_TRUE(sw.waiting);
  ASSERT_EQ(sw.points.size(), 3u);
  EXPECT_EQ(sw.points[0].run_id, s.runs()[0].id);
  EXPECT_EQ(sw.points[1].run_id, s.runs()[1].id);
  EXPECT_EQ(sw.points[2].run_id, 0);
  EXPECT_DOUBLE_EQ(sw.points[2].config.lr, 0.01);
  EXPECT_FALSE(t.training());

  EXPECT_EQ(t.sweep_left(sw), 2u);
  EXPECT_EQ(t.runs()[1].state, RunState::Stopped);
}

// Continue: the stopped value trains again from the start, then the last one; the stopped
// run stays in the runs as it was.
void expect_continue_finishes_the_sweep(Session& t) {
  t.continue_sweep(t.sweeps()[0].id);
  EXPECT_TRUE(t.training());
  for (int i = 0; i < 100000 && (t.training() || t.going_sweep()); ++i) t.work(5.0);
  ASSERT_EQ(t.runs().size(), 4u);
  EXPECT_EQ(t.runs()[1].state, RunState::Stopped);
  EXPECT_EQ(t.runs()[2].state, RunState::Finished);
  EXPECT_DOUBLE_EQ(t.runs()[2].config.lr, 0.003);
  EXPECT_EQ(t.runs()[3].state, RunState::Finished);
  EXPECT_DOUBLE_EQ(t.runs()[3].config.lr, 0.01);
  EXPECT_EQ(t.sweeps()[0].points[1].run_id, t.runs()[2].id);
  EXPECT_EQ(t.sweeps()[0].points[2].run_id, t.runs()[3].id);
  EXPECT_EQ(t.sweep_left(t.sweeps()[0]), 0u);
  EXPECT_FALSE(t.sweeps()[0].waiting);
  EXPECT_EQ(t.going_sweep(), 0);
  // Retrained from the start: the same weights as a run of that value trained whole.
  EXPECT_EQ(t.runs()[2].history.size(), size_t(t.runs()[2].config.epochs));
}

// Train (a run of its own) while a sweep goes: the sweep waits; drop_sweep_rest forgets
// what was not done (the stopped run stays a run), the finished points stay.
void expect_train_makes_a_sweep_wait_and_drop_forgets_the_rest(Session& t) {
  const size_t before = t.runs().size();
  const int id2 = t.start_sweep("learning rate", true, lr_points({0.001, 0.002}));
  for (int i = 0; i < 100000 && t.runs().size() < before + 2; ++i) t.work(5.0);
  t.start(tiny());
  EXPECT_TRUE(t.sweep(id2)->waiting);
  EXPECT_EQ(t.sweep_left(*t.sweep(id2)), 1u);
  const Sweep whole = *t.sweep(id2);
  t.drop_sweep_rest(id2);
  ASSERT_EQ(t.sweep(id2)->points.size(), 1u);
  EXPECT_DOUBLE_EQ(t.sweep(id2)->points[0].config.lr, 0.001);
  EXPECT_FALSE(t.sweep(id2)->waiting);
  EXPECT_EQ(t.runs().size(), before + 3);
  // Undo (the page's): the sweep as it was, its value left waiting again.
  const uint64_t rev = t.revision();
  t.restore_sweep(whole);
  ASSERT_EQ(t.sweep(id2)->points.size(), 2u);
  EXPECT_DOUBLE_EQ(t.sweep(id2)->points[1].config.lr, 0.002);
  EXPECT_TRUE(t.sweep(id2)->waiting);
  EXPECT_EQ(t.sweep_left(*t.sweep(id2)), 1u);
  EXPECT_GT(t.revision(), rev);  // saved by the next autosave
}

}  // namespace

// A sweep along one axis (issue 10): checked up front, its runs trained one after another with
// its configs; Stop makes it wait with its runs left, continue_sweep finishes it; the saved
// state keeps it (waiting: a reload never starts training by itself).
TEST(Session, SweepRunsOneAfterAnotherAndSurvivesStopAndReload) {
  Session s;
  mnist_session(s);
  s.set_background(false);
  expect_bad_value_starts_nothing(s);
  const int id = s.start_sweep("learning rate", true, lr_points({0.001, 0.003, 0.01}));
  ASSERT_NO_FATAL_FAILURE(expect_stop_makes_the_sweep_wait(s, id));

  // Saved and restored into a new page: the sweep is there, waiting.
  const std::string saved = s.save_state();
  Session t;
  mnist_session(t);
  t.set_background(false);
  t.load_state(saved);
  ASSERT_NO_FATAL_FAILURE(expect_the_sweep_restored_waiting(t, s));
  ASSERT_NO_FATAL_FAILURE(expect_continue_finishes_the_sweep(t));
  ASSERT_NO_FATAL_FAILURE(expect_train_makes_a_sweep_wait_and_drop_forgets_the_rest(t));
  // A malformed saved sweep is an error that changes nothing.
  EXPECT_ERROR_HAS(t.load_state(R"({"format": "dae-session-2", "runs": [], "config": {}, "observations": "",
                                    "next_run_id": 1, "sweeps": [{"id": 1}]})"),
                   "axis");
  EXPECT_EQ(t.sweeps().size(), 2u);
}

