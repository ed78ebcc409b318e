// runner.cpp — the run in progress (see session.h): Session::Runner, one run's training on a
// thread of its own or sliced by work(), then the Session's training, sweeps and status around
// it. The Session's constructor and destructor are here, where Runner is a complete type.
#include "app/session.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <utility>
#ifdef DAE_THREADS
#include <thread>
#endif

#include "train/metrics.h"
#include "train/run_setup.h"

namespace dae {
namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }
double secs_between(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// Images used to judge collapse at the end of an epoch (the first of the validation set).
constexpr int kCollapseProbe = 16;

}  // namespace

// =================================================================================================
// Runner: one run's training
// =================================================================================================

// Owns a run's model copy, its data split and (once built) its Trainer. In background mode its
// loop runs on a thread of its own and touches nothing else; everything the Session needs is
// published into the mailbox under a mutex and taken by take(). In sliced mode advance() runs
// the same steps on the caller's thread.
class Session::Runner {
 public:
  struct Progress {
    bool started = false;          // the trainer exists (its baseline is known)
    int epoch = 0, step = 0, steps_per_epoch = 0;
    bool validating = false;
    double epoch_progress = 0;
    double running_loss = NAN;
    std::vector<float> new_step_losses;  // since the last take()
    std::vector<EpochStats> history;
    Baseline baseline;
    long long samples = 0;
    double compute_s = 0, wall_s = 0;
    std::shared_ptr<const std::vector<float>> weights;  // the latest snapshot
    bool collapsed = false;
    bool done = false, failed = false;
    std::string error;
  };

  Runner(std::unique_ptr<Model> model, std::unique_ptr<ImageSet> train, std::unique_ptr<ImageSet> val,
         const TrainConfig& cfg, bool background)
      : model_(std::move(model)), train_(std::move(train)), val_(std::move(val)), cfg_(cfg), background_(background) {
    mail_.weights = std::make_shared<const std::vector<float>>(model_->weights());
#ifdef DAE_THREADS
    if (background_) thread_ = std::thread([this] { loop(); });
#endif
  }
  ~Runner() {
    cancel();
    join();
  }

  void set_spare(int k) { spare_.store(std::max(0, k), std::memory_order_relaxed); }
  void set_paused(bool p) {
    std::lock_guard<std::mutex> lk(mu_);
    if (p == paused_) return;
    paused_ = p;
    const auto now = Clock::now();
    if (p) pause_began_ = now;
    else if (clock_started_) paused_total_ += secs_between(pause_began_, now);
    cv_.notify_all();
  }
  bool paused() const {
    std::lock_guard<std::mutex> lk(mu_);
    return paused_;
  }
  void cancel() {
    cancel_ = true;
    std::lock_guard<std::mutex> lk(mu_);
    cv_.notify_all();
  }
  void join() {
#ifdef DAE_THREADS
    if (thread_.joinable()) thread_.join();
#endif
  }

  // Sliced mode: trains whole units until the budget would be exceeded (at least one).
  double advance(double budget_ms) {
    const auto t0 = Clock::now();
    if (cancel_ || paused() || finished_) return 0;
    start_clock();
    try {
      if (!trainer_) {  // the first unit: building the trainer computes the noisy baseline
        build();
        publish(true);
        return ms_since(t0);
      }
      do {
        const int kind = int(trainer_->next_unit());
        const auto u0 = Clock::now();
        const Trainer::Event ev = trainer_->advance();
        const double ms = ms_since(u0);
        unit_ms_[kind] = unit_ms_[kind] > 0 ? 0.8 * unit_ms_[kind] + 0.2 * ms : ms;
        if (ev == Trainer::Event::Batch) pending_losses_.push_back(float(trainer_->last_batch_loss()));
        if (ev == Trainer::Event::Epoch || trainer_->done()) break;  // publish an epoch at once
      } while (ms_since(t0) + expected_unit_ms() <= budget_ms);
      finished_ = trainer_->done();
      publish(finished_ || last_event_epoch());
    } catch (const std::exception& e) {
      fail(e.what());
    }
    return ms_since(t0);
  }
  double expected_unit_ms() const { return trainer_ && !trainer_->done() ? unit_ms_[int(trainer_->next_unit())] : 0.0; }

  Progress take() {
    std::lock_guard<std::mutex> lk(mu_);
    Progress p = mail_;
    p.wall_s = wall_locked();
    mail_.new_step_losses.clear();
    return p;
  }
  // The same without taking the new step losses (for status()).
  Progress peek() const {
    std::lock_guard<std::mutex> lk(mu_);
    Progress p;
    p.started = mail_.started;
    p.epoch = mail_.epoch;
    p.step = mail_.step;
    p.steps_per_epoch = mail_.steps_per_epoch;
    p.validating = mail_.validating;
    p.epoch_progress = mail_.epoch_progress;
    p.running_loss = mail_.running_loss;
    p.samples = mail_.samples;
    p.compute_s = mail_.compute_s;
    p.wall_s = wall_locked();
    return p;
  }
  // The model as trained so far: only once the loop has ended (join()) or in sliced mode.
  const Model& model() const { return *model_; }
  const ImageSet& val() const { return *val_; }
  const ImageSet& train() const { return *train_; }

 private:
  void start_clock() {
    std::lock_guard<std::mutex> lk(mu_);
    if (!clock_started_) {
      clock_started_ = true;
      started_ = Clock::now();
    }
  }
  double wall_locked() const {
    if (!clock_started_) return 0;
    const auto end = paused_ ? pause_began_ : Clock::now();
    return std::max(0.0, secs_between(started_, end) - paused_total_);
  }
  void build() {
    trainer_ = std::make_unique<Trainer>(*model_, *train_, *val_, cfg_);
    trainer_->set_cancel(&cancel_);
    trainer_->set_spare(&spare_);
  }
  bool last_event_epoch() const { return trainer_ && int(trainer_->history().size()) != published_epochs_; }

  // Copies what the Session shows into the mailbox; the weights at most every 100 ms (and at
  // every epoch and at the end).
  void publish(bool force_weights) {
    std::shared_ptr<const std::vector<float>> w;
    const auto now = Clock::now();
    if (force_weights || secs_between(last_snapshot_, now) >= 0.1) {
      w = std::make_shared<const std::vector<float>>(model_->weights());
      last_snapshot_ = now;
    }
    bool collapsed = false;
    if (trainer_ && int(trainer_->history().size()) != published_epochs_) collapsed = probe_collapse();
    std::lock_guard<std::mutex> lk(mu_);
    Progress& m = mail_;
    m.started = bool(trainer_);
    if (trainer_) {
      m.epoch = trainer_->epoch();
      m.step = trainer_->step_in_epoch();
      m.steps_per_epoch = trainer_->steps_per_epoch();
      m.validating = trainer_->validating();
      m.epoch_progress = trainer_->epoch_progress();
      m.running_loss = trainer_->running_train_loss();
      if (int(trainer_->history().size()) != published_epochs_) {
        m.history = trainer_->history();
        m.collapsed = collapsed;
        published_epochs_ = int(m.history.size());
      }
      m.baseline = trainer_->baseline();
      m.samples = trainer_->samples_trained();
      m.compute_s = trainer_->compute_seconds();
      m.done = trainer_->done();
    }
    m.new_step_losses.insert(m.new_step_losses.end(), pending_losses_.begin(), pending_losses_.end());
    pending_losses_.clear();
    if (w) m.weights = std::move(w);
  }
  // The first validation images through the model: do its outputs still depend on the input?
  bool probe_collapse() {
    const size_t P = val_->pixels_per_image();
    const int n = int(std::min<size_t>(kCollapseProbe, val_->size()));
    std::vector<Triple> rs(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      Triple& t = rs[size_t(i)];
      t.clean.resize(P);
      t.noisy.resize(P);
      t.denoised.resize(P);
      to_float(val_->image(size_t(i)), t.clean.data(), P);
      apply_noise(t.clean.data(), t.noisy.data(), P, cfg_.noise, val_noise_key(cfg_.seed, size_t(i)));
      model_->predict(t.noisy.data(), 1, t.denoised.data(), probe_ctx_);
    }
    return outputs_collapsed(rs);
  }
  void fail(const std::string& why) {
    std::lock_guard<std::mutex> lk(mu_);
    mail_.failed = true;
    mail_.done = true;
    mail_.error = why;
    finished_ = true;
  }

  // Background mode: builds the trainer, then steps until done, cancelled or failed, waiting
  // while paused (between batches).
  void loop() {
    try {
      start_clock();
      build();
      publish(true);
      while (!cancel_ && !trainer_->done()) {
        {
          std::unique_lock<std::mutex> lk(mu_);
          cv_.wait(lk, [&] { return !paused_ || cancel_; });
        }
        if (cancel_) break;
        const Trainer::Event ev = trainer_->step();
        if (cancel_) break;
        if (ev == Trainer::Event::Batch) pending_losses_.push_back(float(trainer_->last_batch_loss()));
        publish(ev == Trainer::Event::Epoch || trainer_->done());
      }
      finished_ = true;
      publish(true);
    } catch (const std::exception& e) {
      fail(e.what());
    }
  }

  std::unique_ptr<Model> model_;
  std::unique_ptr<ImageSet> train_, val_;
  TrainConfig cfg_;
  [[maybe_unused]] bool background_;  // read only where threads exist (DAE_THREADS)
  std::unique_ptr<Trainer> trainer_;
  std::atomic<bool> cancel_{false};
  std::atomic<int> spare_{0};  // threads to leave idle (Session::set_spare_threads)
  bool finished_ = false;
  std::vector<float> pending_losses_;  // the worker's, not yet published
  int published_epochs_ = 0;
  Clock::time_point last_snapshot_{};
  Context probe_ctx_;
  double unit_ms_[3] = {0, 0, 0};  // sliced mode: running means per Trainer::Unit

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool paused_ = false;
  bool clock_started_ = false;
  Clock::time_point started_{}, pause_began_{};
  double paused_total_ = 0;
  Progress mail_;
#ifdef DAE_THREADS
  std::thread thread_;
#endif
};

// =================================================================================================
// Session: training
// =================================================================================================

// Here, where Runner is a complete type (runner_ owns one).
Session::Session() { background_ = threads_supported(); }
Session::~Session() = default;

void Session::set_spare_threads(int k) {
  spare_threads_ = std::max(0, k);
  if (runner_) runner_->set_spare(spare_threads_);
}

bool Session::training() const { return runner_ && !runner_->paused(); }
bool Session::paused() const { return runner_ && runner_->paused(); }

void Session::start(const TrainConfig& cfg) {
  pause_sweep();
  start_run(cfg);
}

void Session::start_run(const TrainConfig& cfg_in) {
  TrainConfig asked = cfg_in;
  asked.threads = threads_;
  asked.validate();
  const Dataset* ds = dataset(asked.dataset);
  if (!ds) throw Error("dataset '" + printable(asked.dataset) + "' is not loaded");
  // The sizes as the Data panel shows them (it fits them to the dataset when one is chosen).
  PreparedRun run = prepare_run(asked, *ds, [](const std::string&) { return true; });
  TrainConfig& cfg = run.cfg;
  cfg.dataset = ds->name;  // the name it is loaded under (an imported folder's own)
  std::unique_ptr<ImageSet> train = std::move(run.train), val = std::move(run.val);
  std::unique_ptr<Model> model = std::move(run.model);
  // Everything that can fail has been checked: from here the old run is stopped (and kept).
  if (runner_) stop_active(RunState::Stopped);
  RunRecord r;
  r.id = next_run_id_++;
  r.config = cfg;
  r.arch_name = model->name();
  r.params = model->num_params();
  r.input_h = train->h;
  r.input_w = train->w;
  r.train_size = train->size();
  r.val_size = val->size();
  r.steps_per_epoch = int((train->size() + size_t(cfg.batch) - 1) / size_t(cfg.batch));
  r.baseline = {NAN, NAN, NAN};
  r.weights = std::make_shared<const std::vector<float>>(model->weights());
  runs_.push_back(r);
  active_ = int(runs_.size()) - 1;
  error_.clear();
  rate_window_.clear();
  epoch_end_s_.clear();
  val_began_s_ = -1;
  val_total_s_ = 0;
  // The new run's (untrained) model is the current one, and follows its training.
  set_current_from_run(runs_.back());
  follow_active_ = true;
  runner_ = std::make_unique<Runner>(std::move(model), std::move(train), std::move(val), cfg, background_);
  runner_->set_spare(spare_threads_);
  ++revision_;
}

void Session::pause() {
  if (!runner_ || runner_->paused()) return;
  runner_->set_paused(true);
  runs_[size_t(active_)].state = RunState::Paused;
  ++revision_;
}

void Session::resume() {
  if (!runner_ || !runner_->paused()) return;
  runner_->set_paused(false);
  runs_[size_t(active_)].state = RunState::Running;
  ++revision_;
}

void Session::stop() {
  if (runner_) stop_active(RunState::Stopped);
}

// Ends the run in progress: the trainer stops at its next shard, the run keeps the weights of
// its last finished step.
void Session::stop_active(RunState as) {
  if (!runner_) return;
  pause_sweep();
  runner_->cancel();
  runner_->join();
  take_progress();  // whatever was published last
  if (!runner_) return;  // it had just finished by itself
  RunRecord& r = runs_[size_t(active_)];
  r.weights = std::make_shared<const std::vector<float>>(runner_->model().weights());
  if (r.state != RunState::Failed) r.state = as;
  if (follow_active_ && model_) {
    model_->weights() = *r.weights;
    set_training(info_, r);
    ++model_rev_;
  }
  runner_.reset();
  active_ = -1;
  follow_active_ = false;
  ++revision_;
}

// Brings the active run's record (and, when it is current, the model) up to date with what the
// runner published; ends the run when the runner is done.
void Session::take_progress() {
  if (!runner_) return;
  const Runner::Progress p = runner_->take();
  RunRecord& r = runs_[size_t(active_)];
  bool epoch_done = false;
  if (p.started) {
    r.baseline = p.baseline;
    r.steps_per_epoch = p.steps_per_epoch;
    if (p.history.size() != r.history.size() && !p.history.empty()) {
      r.history = p.history;
      r.collapsed = p.collapsed;
      epoch_done = true;
      while (epoch_end_s_.size() < r.history.size()) epoch_end_s_.push_back(p.wall_s);
    }
    r.step_loss.insert(r.step_loss.end(), p.new_step_losses.begin(), p.new_step_losses.end());
    r.seconds = p.compute_s;
    r.wall_seconds = p.wall_s;
    // From the first trained image on: the set-up before it (the split, the noisy copies, the
    // baseline) is not part of the training rate.
    if (p.validating && val_began_s_ < 0) val_began_s_ = p.wall_s;
    if (!p.validating && val_began_s_ >= 0) {
      val_total_s_ += p.wall_s - val_began_s_;
      val_began_s_ = -1;
    }
    if (p.samples > 0 && !p.validating) {
      if (rate_window_.empty()) rate_first_s_ = p.wall_s;
      rate_window_.push_back({p.wall_s - val_total_s_, double(p.samples)});
    }
    while (rate_window_.size() > 2 && rate_window_.back().wall - rate_window_.front().wall > kRateWindowSeconds)
      rate_window_.erase(rate_window_.begin());
  }
  if (p.weights && p.weights != r.weights) {
    r.weights = p.weights;
    if (follow_active_ && model_) {
      model_->weights() = *p.weights;
      set_training(info_, r);
      if (!r.history.empty()) {
        info_.val_psnr = r.final_val_psnr();
        info_.val_ssim = r.final_val_ssim();
        info_.noisy_psnr = r.baseline.psnr;
        info_.noisy_ssim = r.baseline.ssim;
        info_.collapsed = r.collapsed;
      }
      ++model_rev_;
    }
  }
  if (epoch_done) ++revision_;
  if (p.done) {
    if (p.failed) {
      // Divergence (NaN loss) or any error: the weights are those of the last good step.
      error_ = p.error;
      r.error = p.error;
      r.state = RunState::Failed;
    } else if (r.state == RunState::Running || r.state == RunState::Paused) {
      r.state = RunState::Finished;
    }
    runner_->join();
    if (!p.failed || p.started) r.weights = std::make_shared<const std::vector<float>>(runner_->model().weights());
    if (follow_active_ && model_) {
      model_->weights() = *r.weights;
      ++model_rev_;
    }
    runner_.reset();
    active_ = -1;
    follow_active_ = false;
    ++revision_;
  }
}

double Session::work(double budget_ms) {
  if (!runner_) {
    advance_sweep();
    return 0;
  }
  double spent = 0;
  if (!background_) spent = runner_->advance(budget_ms);
  take_progress();
  if (!runner_) advance_sweep();
  return spent;
}

// ---- sweeps -----------------------------------------------------------------------------------

int Session::start_sweep(const std::string& axis, bool log_x, std::vector<SweepPoint> points) {
  if (points.empty()) throw Error("a sweep needs at least one value");
  if (points.size() > 64) throw Error("a sweep has at most 64 values, got " + std::to_string(points.size()));
  for (SweepPoint& p : points) {
    p.run_id = 0;
    try {
      p.config.threads = threads_;
      const Dataset* ds = dataset(p.config.dataset);
      if (!ds) throw Error("dataset '" + printable(p.config.dataset) + "' is not loaded");
      prepare_run(p.config, *ds, [](const std::string&) { return true; });  // every check its run will meet
    } catch (const Error& e) {
      throw Error(axis + " " + p.value + ": " + e.what());
    }
  }
  // Checked: a run in progress is stopped and kept (another sweep going waits).
  pause_sweep();
  if (runner_) stop_active(RunState::Stopped);
  Sweep sw;
  sw.id = sweeps_.empty() ? 1 : sweeps_.back().id + 1;
  sw.axis = axis;
  sw.log_x = log_x;
  sw.points = std::move(points);
  sweeps_.push_back(std::move(sw));
  going_sweep_ = sweeps_.back().id;
  ++revision_;
  advance_sweep();
  return sweeps_.back().id;
}

const Sweep* Session::sweep(int id) const {
  for (const Sweep& s : sweeps_)
    if (s.id == id) return &s;
  return nullptr;
}

Sweep* Session::find_sweep(int id) { return const_cast<Sweep*>(std::as_const(*this).sweep(id)); }

bool Session::sweep_point_done(const SweepPoint& p) const {
  const RunRecord* r = p.run_id ? run(p.run_id) : nullptr;
  return r && (r->state == RunState::Finished || r->state == RunState::Failed);
}

size_t Session::sweep_left(const Sweep& sw) const {
  return size_t(std::count_if(sw.points.begin(), sw.points.end(),
                              [this](const SweepPoint& p) { return !sweep_point_done(p); }));
}

void Session::continue_sweep(int id) {
  Sweep* sw = find_sweep(id);
  if (!sw || sweep_left(*sw) == 0) return;
  if (runner_) stop_active(RunState::Stopped);
  going_sweep_ = id;
  sw->waiting = false;
  ++revision_;
  advance_sweep();
}

void Session::drop_sweep_rest(int id) {
  Sweep* sw = find_sweep(id);
  if (!sw) return;
  sw->points.erase(std::remove_if(sw->points.begin(), sw->points.end(),
                                  [this](const SweepPoint& p) { return !sweep_point_done(p); }),
                   sw->points.end());
  sw->waiting = false;
  if (going_sweep_ == id && !runner_) going_sweep_ = 0;
  ++revision_;
}

void Session::restore_sweep(const Sweep& sw) {
  Sweep* s = find_sweep(sw.id);
  if (!s) {
    auto at = std::find_if(sweeps_.begin(), sweeps_.end(), [&](const Sweep& x) { return x.id > sw.id; });
    s = &*sweeps_.insert(at, sw);
  }
  *s = sw;
  s->waiting = going_sweep_ != sw.id && sweep_left(*s) > 0;
  ++revision_;
}

void Session::pause_sweep() {
  if (!going_sweep_) return;
  if (Sweep* sw = find_sweep(going_sweep_); sw && sweep_left(*sw) > 0) sw->waiting = true;
  going_sweep_ = 0;
  ++revision_;
}

void Session::advance_sweep() {
  if (!going_sweep_ || runner_) return;
  Sweep* sw = find_sweep(going_sweep_);
  const auto next = sw ? std::find_if(sw->points.begin(), sw->points.end(),
                                      [this](const SweepPoint& p) { return !sweep_point_done(p); })
                       : std::vector<SweepPoint>::iterator();
  if (!sw || next == sw->points.end()) {  // done
    going_sweep_ = 0;
    ++revision_;
    return;
  }
  try {
    start_run(next->config);
    next->run_id = runs_.back().id;
  } catch (const Error& e) {
    error_ = "sweep along " + sw->axis + ", " + next->value + ": " + e.what();
    sw->waiting = true;
    going_sweep_ = 0;
  }
  ++revision_;
}

double Session::expected_unit_ms() const { return runner_ && !background_ ? runner_->expected_unit_ms() : 0.0; }

Session::Status Session::status() const {
  Status s;
  s.dataset = cfg_.dataset;
  s.model = info_;
  s.threads = runner_ ? runs_[size_t(active_)].config.threads : threads_;
  s.background = background_;
  s.error = error_;
  const RunRecord* r = active_run();
  if (!r && !runs_.empty()) r = &runs_.back();
  if (!r) return s;
  s.has_run = true;
  s.run_id = r->id;
  s.state = r->state;
  s.training = training();
  s.paused = paused();
  s.epochs = r->config.epochs;
  s.epoch = int(r->history.size());
  s.train_size = r->train_size;
  s.val_size = r->val_size;
  s.history = r->history;
  s.noisy_loss = r->baseline.loss;
  s.noisy_psnr = r->baseline.psnr;
  s.noisy_ssim = r->baseline.ssim;
  s.val_loss = r->final_val_loss();
  s.val_psnr = r->final_val_psnr();
  s.val_ssim = r->final_val_ssim();
  s.train_loss = r->final_train_loss();
  s.elapsed_s = r->wall_seconds;
  s.compute_s = r->seconds;
  s.progress = r->state == RunState::Finished ? 1.0 : double(r->history.size()) / std::max(1, r->config.epochs);
  if (runner_ && r == active_run()) {
    const Runner::Progress p = runner_->peek();
    s.epoch = p.epoch;
    s.step = p.step;
    s.steps = p.steps_per_epoch;
    s.validating = p.validating;
    s.progress = std::min(1.0, (p.epoch + p.epoch_progress) / double(std::max(1, r->config.epochs)));
    if (std::isfinite(p.running_loss)) s.train_loss = p.running_loss;
    s.elapsed_s = p.wall_s;
    s.compute_s = p.compute_s;
    if (rate_window_.size() >= 2) {
      // The later half of the training so far, at most the window: early in a run that leaves
      // out the first, slower steps (the browser is still compiling the wasm to optimised code).
      const RatePoint& b = rate_window_.back();
      const double span = std::min(kRateWindowSeconds, 0.5 * (b.wall - rate_first_s_));
      auto a = rate_window_.begin();
      while (a + 1 != rate_window_.end() && b.wall - (a + 1)->wall >= span) ++a;
      if (b.wall - a->wall > 0.2) s.samples_per_s = (b.samples - a->samples) / (b.wall - a->wall);
    }
    // Until the window spans 0.2 s: the whole run's wall-clock rate (set-up included).
    if (s.samples_per_s <= 0 && p.samples > 0 && p.wall_s > 0) s.samples_per_s = double(p.samples) / p.wall_s;
    // ETA, wall clock, validation included. Once an epoch has ended: the epochs left (the
    // current one's part in Trainer::epoch_progress's units) at the mean pace of the last two
    // epochs that ended — training, validation and checks as they really took, from the first
    // trained image (the set-up does not recur). All epochs would lag a machine that speeds up
    // (the page's first seconds run unoptimised wasm); one alone is noisy. Before: the training
    // images left at the training rate, each validation left at kValImageCost training images an
    // image.
    const double T = double(r->train_size), V = double(r->val_size), units = 3 * T + V;
    const double epochs_left = std::max(0.0, double(r->config.epochs) - (p.epoch + p.epoch_progress));
    const size_t ended = epoch_end_s_.size();
    const size_t back = std::min<size_t>(ended, 2);  // the last two epochs (or the one)
    const double since = ended > back ? epoch_end_s_[ended - back - 1] : rate_first_s_;
    const double epoch_s = ended ? (epoch_end_s_.back() - since) / double(back) : 0;
    if (epoch_s > 0) {
      s.eta_s = epochs_left * epoch_s;
    } else if (s.samples_per_s > 0 && T > 0) {
      const double done = p.epoch_progress * units;  // of this epoch, in units
      const double train_left = p.validating ? 0 : T - done / 3;
      const double val_left = p.validating ? std::max(0.0, V - (done - 3 * T)) : V;
      const double later = double(std::max(0, r->config.epochs - p.epoch - 1)) * (T + kValImageCost * V);
      s.eta_s = (train_left + kValImageCost * val_left + later) / s.samples_per_s;
    } else if (s.progress >= 0.01 && s.elapsed_s > 0) {
      s.eta_s = s.elapsed_s * (1 - s.progress) / s.progress;
    }
  }
  return s;
}

}  // namespace dae
