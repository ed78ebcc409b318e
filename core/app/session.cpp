// session.cpp — see session.h. The Runner (one run's training, on a thread of its own or
// sliced by work()) comes first, then the Session around it.
#include "app/session.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <numeric>
#ifdef DAE_THREADS
#include <thread>
#include <utility>
#endif

#include "formats/io.h"
#include "train/metrics.h"

namespace dae {
namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }
double secs_between(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

Json num_or_null(double v) { return std::isfinite(v) ? Json(v) : Json(); }

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string o = "\"";
  for (char ch : s) o += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return o + "\"";
}
std::string csv_num(double v, const char* fmt = "%.6g") {
  if (!std::isfinite(v)) return "";
  char b[40];
  std::snprintf(b, sizeof b, fmt, v);
  return b;
}

// Scales values to [0,1] by their min..max (constant → 0.5).
void normalise(float* v, size_t n) {
  if (!n) return;
  const auto [lo, hi] = std::minmax_element(v, v + n);
  const float a = *lo, b = *hi;
  for (size_t i = 0; i < n; ++i) v[i] = b > a ? (v[i] - a) / (b - a) : 0.5f;
}

// Images used to judge collapse at the end of an epoch (the first of the validation set).
constexpr int kCollapseProbe = 16;

}  // namespace

// =================================================================================================
// names
// =================================================================================================

const char* run_state_name(RunState s) {
  switch (s) {
    case RunState::Running: return "running";
    case RunState::Paused: return "paused";
    case RunState::Finished: return "finished";
    case RunState::Stopped: return "stopped";
    case RunState::Failed: return "failed";
  }
  return "?";
}

RunState parse_run_state(const std::string& name) {
  for (RunState s : {RunState::Running, RunState::Paused, RunState::Finished, RunState::Stopped, RunState::Failed})
    if (name == run_state_name(s)) return s;
  throw Error("unknown run state '" + printable(name, 40) + "'");
}

const char* model_source_name(ModelSource s) {
  switch (s) {
    case ModelSource::None: return "none";
    case ModelSource::Untrained: return "untrained";
    case ModelSource::Run: return "run";
    case ModelSource::Uploaded: return "uploaded";
    case ModelSource::Bundled: return "bundled";
  }
  return "?";
}

std::string ModelInfo::describe() const {
  auto training = [&] {
    if (epochs_trained <= 0 && steps_into_epoch <= 0) return std::string("untrained");
    std::string s = std::to_string(epochs_trained) + (epochs_trained == 1 ? " epoch" : " epochs");
    if (steps_into_epoch > 0) {
      const std::string part = std::to_string(steps_into_epoch) + " of " + std::to_string(steps_per_epoch) +
                               " steps of epoch " + std::to_string(epochs_trained + 1);
      s = epochs_trained > 0 ? s + " and " + part : "partly trained (" + part + ")";
    }
    if (!dataset.empty()) s += " on " + dataset + " (" + noise.str() + ")";
    return s;
  };
  switch (source) {
    case ModelSource::None: return "no model";
    case ModelSource::Untrained: return "untrained " + arch_name + " model";
    case ModelSource::Run: return "run #" + std::to_string(run_id) + " · " + arch_name + " · " + training();
    case ModelSource::Uploaded: return "uploaded file " + printable(file, 60) + " · " + arch_name + " · " + training();
    case ModelSource::Bundled: return "pretrained " + arch_name + " model (bundled) · " + training();
  }
  return "";
}

// =================================================================================================
// RunRecord
// =================================================================================================

int RunRecord::steps_into_epoch() const {
  if (steps_per_epoch <= 0 || state == RunState::Finished) return 0;
  const size_t whole = history.size() * size_t(steps_per_epoch);
  return step_loss.size() > whole ? int(std::min(step_loss.size() - whole, size_t(steps_per_epoch - 1))) : 0;
}

double RunRecord::images_trained() const {
  return double(train_size) * double(history.size()) +
         std::min(double(train_size), double(steps_into_epoch()) * double(config.batch));
}

namespace {
// What a model taken from run `r` has been trained for (ModelInfo's training fields).
void set_training(ModelInfo& m, const RunRecord& r) {
  m.epochs_trained = int(r.history.size());
  m.steps_into_epoch = r.steps_into_epoch();
  m.steps_per_epoch = r.steps_per_epoch;
}
}  // namespace

bool RunRecord::improved() const {
  return !history.empty() && final_val_psnr() > baseline.psnr && final_val_ssim() > baseline.ssim && !collapsed;
}

Json Sweep::to_json() const {
  Json j = Json::object();
  j["id"] = id;
  j["axis"] = axis;
  j["log_x"] = log_x;
  j["waiting"] = waiting;
  Json pts = Json::array();
  for (const SweepPoint& p : points) {
    Json q = Json::object();
    q["value"] = p.value;
    q["x"] = p.x;
    q["config"] = p.config.to_json();
    q["run_id"] = p.run_id;
    pts.push_back(q);
  }
  j["points"] = pts;
  return j;
}

Sweep Sweep::from_json(const Json& j) {
  Sweep s;
  s.id = int(json_int(json_at(j, "id", "sweep"), "sweep id", 1, 1000000000));
  s.axis = json_string(json_at(j, "axis", "sweep"), "sweep axis");
  s.log_x = json_bool(json_at(j, "log_x", "sweep"), "sweep log_x");
  s.waiting = json_bool(json_at(j, "waiting", "sweep"), "sweep waiting");
  const Json& pts = json_at(j, "points", "sweep");
  if (!pts.is_array() || pts.size() > 1000) throw Error("sweep: points must be an array of at most 1000");
  for (const Json& q : pts) {
    SweepPoint p;
    p.value = json_string(json_at(q, "value", "sweep point"), "sweep point value");
    p.x = json_number(json_at(q, "x", "sweep point"), "sweep point x");
    p.config = TrainConfig::from_json(json_at(q, "config", "sweep point"));
    p.run_id = int(json_int(json_at(q, "run_id", "sweep point"), "sweep point run_id", 0, 1000000000));
    s.points.push_back(std::move(p));
  }
  return s;
}

Json RunRecord::to_json() const {
  Json j = Json::object();
  j["id"] = id;
  j["config"] = config.to_json();
  j["arch_name"] = arch_name;
  j["params"] = uint64_t(params);
  j["input_h"] = input_h;
  j["input_w"] = input_w;
  j["train_size"] = uint64_t(train_size);
  j["val_size"] = uint64_t(val_size);
  j["history"] = history_json(history);
  Json sl = Json::array();
  for (float v : step_loss) sl.push_back(num_or_null(v));
  j["step_loss"] = sl;
  j["steps_per_epoch"] = steps_per_epoch;
  j["baseline"] = Json::object({{"val_loss", num_or_null(baseline.loss)}, {"val_psnr", num_or_null(baseline.psnr)},
                                {"val_ssim", num_or_null(baseline.ssim)}});
  j["seconds"] = seconds;
  j["wall_seconds"] = wall_seconds;
  j["state"] = run_state_name(state);
  j["error"] = error;
  j["notes"] = notes;
  j["downloaded"] = downloaded;
  j["collapsed"] = collapsed;
  return j;
}

RunRecord RunRecord::from_json(const Json& j) {
  if (!j.is_object()) throw Error("run record must be an object, got " + json_kind(j));
  // A number or null (NaN and infinities are saved as null).
  auto num = [](const Json& v, const char* what) { return v.is_null() ? NAN : json_number(v, what); };
  auto at = [](const Json& o, const char* key) -> const Json& { return json_at(o, key, "run record"); };
  auto opt_bool = [&](const char* key) { const Json* v = json_find(j, key); return v && json_bool(*v, key); };
  constexpr int64_t kMaxCount = int64_t(1) << 40;
  RunRecord r;
  r.id = int(json_int(at(j, "id"), "run id", 1, 1000000000));
  r.config = TrainConfig::from_json(at(j, "config"));
  r.arch_name = json_string(at(j, "arch_name"), "arch_name");
  r.params = size_t(json_int(at(j, "params"), "params", 0, kMaxCount));
  if (const Json* in = json_find(j, "input")) {  // saves before the non-square change
    r.input_h = r.input_w = int(json_int(*in, "input", 0, kMaxInputSide));
  } else {
    r.input_h = int(json_int(at(j, "input_h"), "input_h", 0, kMaxInputSide));
    r.input_w = int(json_int(at(j, "input_w"), "input_w", 0, kMaxInputSide));
  }
  r.train_size = size_t(json_int(at(j, "train_size"), "train_size", 0, kMaxCount));
  r.val_size = size_t(json_int(at(j, "val_size"), "val_size", 0, kMaxCount));
  r.history = history_from_json(at(j, "history"), true);
  const Json& sl = at(j, "step_loss");
  if (!sl.is_array()) throw Error("run record: step_loss must be an array");
  for (const Json& v : sl) r.step_loss.push_back(float(num(v, "step_loss")));
  if (const Json* spe = json_find(j, "steps_per_epoch")) r.steps_per_epoch = int(json_int(*spe, "steps_per_epoch", 0, 1 << 30));
  const Json& b = at(j, "baseline");
  r.baseline = {num(json_at(b, "val_loss", "baseline"), "val_loss"), num(json_at(b, "val_psnr", "baseline"), "val_psnr"),
                num(json_at(b, "val_ssim", "baseline"), "val_ssim")};
  r.seconds = num(at(j, "seconds"), "seconds");
  if (const Json* w = json_find(j, "wall_seconds")) r.wall_seconds = num(*w, "wall_seconds");
  r.state = parse_run_state(json_string(at(j, "state"), "state"));
  r.error = json_string(at(j, "error"), "error");
  r.notes = json_string(at(j, "notes"), "notes");
  r.downloaded = opt_bool("downloaded");
  r.collapsed = opt_bool("collapsed");
  return r;
}

std::vector<float> RunRecord::smoothed_step_loss(double beta) const {
  std::vector<float> out(step_loss.size());
  double ema = 0, weight = 0;
  for (size_t i = 0; i < step_loss.size(); ++i) {
    ema = beta * ema + (1 - beta) * step_loss[i];
    weight = beta * weight + (1 - beta);
    out[i] = float(ema / weight);
  }
  return out;
}

bool outputs_collapsed(const std::vector<Triple>& rs) {
  // Mean squared difference between pairs of outputs, against the same for the clean images:
  // a working denoiser's outputs differ about as much as the digits do; a collapsed one's
  // hardly at all (every output the same blob).
  if (rs.size() < 4) return false;
  double out = 0, clean = 0;
  int pairs = 0;
  for (size_t i = 0; i + 1 < rs.size(); ++i) {
    const size_t n = rs[i].clean.size();
    if (rs[i + 1].clean.size() != n || rs[i].denoised.size() != n || rs[i + 1].denoised.size() != n) return false;
    for (size_t k = 0; k < n; ++k) {
      const double d = rs[i].denoised[k] - rs[i + 1].denoised[k], c = rs[i].clean[k] - rs[i + 1].clean[k];
      out += d * d;
      clean += c * c;
    }
    ++pairs;
  }
  return pairs > 0 && clean > 0 && out < 0.1 * clean;
}

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
// Session: datasets, architecture, threads
// =================================================================================================

Session::Session() { background_ = threads_supported(); }
Session::~Session() = default;

bool Session::threads_supported() {
#ifdef DAE_THREADS
  return true;
#else
  return false;
#endif
}

void Session::set_threads(int n) {
  if (n < 1 || n > kMaxThreads)
    throw Error("threads must be 1.." + std::to_string(kMaxThreads) + ", got " + std::to_string(n));
  if (n > 1 && !threads_supported()) throw Error("this build has no threads");
  threads_ = n;
  ++revision_;
}

void Session::set_spare_threads(int k) {
  spare_threads_ = std::max(0, k);
  if (runner_) runner_->set_spare(spare_threads_);
}

void Session::set_background(bool on) {
  if (on && !threads_supported()) throw Error("this build has no threads");
  if (runner_) throw Error("cannot change how training runs while a run is in progress");
  background_ = on;
}

void Session::add_dataset(Dataset ds) {
  if (ds.train.size() == 0) throw Error("dataset '" + printable(ds.name) + "' has no images");
  for (auto& d : datasets_)
    if (d->name == ds.name) {
      if (runner_ && runs_[size_t(active_)].config.dataset == ds.name)
        throw Error("cannot replace '" + printable(ds.name) + "' while it is training");
      *d = std::move(ds);
      make_val_set();
      ++revision_;
      return;
    }
  if (datasets_.empty()) cfg_.dataset = ds.name;
  datasets_.push_back(std::make_unique<Dataset>(std::move(ds)));
  if (model_ && !val_) make_val_set();  // a model that was waiting for data of its size
  ++revision_;
}

size_t Session::memory_in_use() const {
  size_t bytes = 0;
  for (const auto& d : datasets_) bytes += d->pixel_bytes();
  for (const auto& r : runs_)
    if (r.weights) bytes += r.weights->size() * sizeof(float);
  if (model_) bytes += model_->weights().size() * sizeof(float);
  return bytes;
}

std::string Session::import_dataset(const std::string& path) {
  namespace fs = std::filesystem;
  std::string name = fs::path(path).stem().string();
  if (name.empty() || canonical_dataset_name(name) == "mnist" || canonical_dataset_name(name) == "dhcd")
    name = "import-" + name;
  size_t used = memory_in_use();
  if (const Dataset* same = dataset(name)) used -= same->pixel_bytes();  // replaced by the import
  const size_t left = used < memory_budget_ ? memory_budget_ - used : 0;
  const DatasetBudget budget(left, "the page has " + human_size(double(left)) + " left for data, of its " +
                                       human_size(double(memory_budget_)) + " for datasets and models (" +
                                       human_size(double(used)) + " in use): reload the page to let go of the "
                                       "datasets imported so far (your saved runs come back)");
  Dataset ds = load_dataset_path(path);
  ds.name = name;
  add_dataset(std::move(ds));
  return name;
}

std::vector<std::string> Session::dataset_names() const {
  std::vector<std::string> names;
  for (const auto& d : datasets_) names.push_back(d->name);
  return names;
}

const Dataset* Session::dataset(const std::string& name) const {
  const std::string n = canonical_dataset_name(name);
  for (const auto& d : datasets_)
    if (d->name == n) return d.get();
  return nullptr;
}

std::pair<size_t, size_t> Session::available(const std::string& name) const {
  const Dataset* d = dataset(name);
  if (!d) return {0, 0};
  if (d->test.size()) return {d->train.size(), d->test.size()};
  return {d->train.size(), d->train.size()};
}

ArchCheck Session::check_arch(const std::string& spec, int h, int w) const {
  ArchCheck c;
  try {
    Model m = Model::build(spec, 1, h, w);
    c.ok = true;
    c.spec = m.spec();
    c.summary = m.summary();
    c.params = m.num_params();
    c.mflops_per_sample = 6.0 * m.macs_per_image() / 1e6;
  } catch (const Error& e) {
    c.error = e.what();
  }
  return c;
}

// =================================================================================================
// Session: training
// =================================================================================================

RunRecord* Session::find_run(int id) {
  for (auto& r : runs_)
    if (r.id == id) return &r;
  return nullptr;
}
const RunRecord* Session::run(int id) const {
  for (const auto& r : runs_)
    if (r.id == id) return &r;
  return nullptr;
}
const RunRecord* Session::active_run() const { return active_ >= 0 ? &runs_[size_t(active_)] : nullptr; }

bool Session::training() const { return runner_ && !runner_->paused(); }
bool Session::paused() const { return runner_ && runner_->paused(); }

void Session::start(const TrainConfig& cfg) {
  pause_sweep();
  start_run(cfg);
}

void Session::start_run(const TrainConfig& cfg_in) {
  TrainConfig cfg = cfg_in;
  cfg.threads = threads_;
  cfg.validate();
  const Dataset* ds = dataset(cfg.dataset);
  if (!ds) throw Error("dataset '" + printable(cfg.dataset) + "' is not loaded");
  cfg.dataset = ds->name;
  auto train = std::make_unique<ImageSet>(), val = std::make_unique<ImageSet>();
  make_split(*ds, cfg.train, cfg.val, *train, *val);
  auto model = std::make_unique<Model>(Model::build(cfg.arch, 1, train->h, train->w));
  model->init(cfg.seed);
  check_training_memory(*model, cfg.threads);
  cfg.arch = model->spec();
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

// A model of architecture `spec`, untrained, named after `name` when that is a preset with this
// spec (so a rebuilt model stays "seed" rather than "custom": configs and files hold the spec).
static Model build_named(const std::string& name, const std::string& spec, int h, int w) {
  if (!Model::preset_spec(name, h, w).empty()) {
    Model m = Model::build(name, 1, h, w);
    if (m.spec() == spec) return m;
  }
  return Model::build(spec, 1, h, w);
}

static Model build_run_model(const RunRecord& r) {
  return build_named(r.arch_name, r.config.arch, r.input_h, r.input_w);
}

void Session::start_from_scratch() {
  if (runner_) stop_active(RunState::Stopped);
  const std::string spec = model_ ? model_->spec() : cfg_.arch;
  const Dataset* ds = dataset(cfg_.dataset);
  const int h = model_ ? model_->input_shape().h : ds ? ds->h() : 28;
  const int w = model_ ? model_->input_shape().w : ds ? ds->w() : 28;
  auto m = std::make_unique<Model>(build_named(model_ ? model_->name() : cfg_.arch, spec, h, w));
  m->init(cfg_.seed);
  ModelInfo info;
  info.source = ModelSource::Untrained;
  TrainConfig cfg = cfg_;
  cfg.arch = m->spec();
  set_current(std::move(m), info, cfg);
  error_.clear();
  ++revision_;
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
      p.config.validate();
      const Dataset* ds = dataset(p.config.dataset);
      if (!ds) throw Error("dataset '" + printable(p.config.dataset) + "' is not loaded");
      const Model m = Model::build(p.config.arch, 1, ds->h(), ds->w());
      check_training_memory(m, p.config.threads);
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

// =================================================================================================
// Session: the model in memory
// =================================================================================================

void Session::set_current(std::unique_ptr<Model> m, const ModelInfo& info_in, const TrainConfig& cfg) {
  model_ = std::move(m);
  info_ = info_in;
  info_.arch = model_->spec();
  info_.arch_name = model_->name();
  info_.params = model_->num_params();
  info_.input_h = model_->input_shape().h;
  info_.input_w = model_->input_shape().w;
  cfg_ = cfg;
  follow_active_ = false;
  file_meta_.clear();
  make_val_set();
  ++model_rev_;
}

void Session::set_current_from_run(const RunRecord& r) {
  auto m = std::make_unique<Model>(build_run_model(r));
  if (r.weights) m->weights() = *r.weights;
  ModelInfo info;
  info.source = ModelSource::Run;
  info.run_id = r.id;
  set_training(info, r);
  info.dataset = r.config.dataset;
  info.noise = r.config.noise;
  info.val_psnr = r.final_val_psnr();
  info.val_ssim = r.final_val_ssim();
  info.noisy_psnr = r.baseline.psnr;
  info.noisy_ssim = r.baseline.ssim;
  info.collapsed = r.collapsed;
  set_current(std::move(m), info, r.config);
}

void Session::select_run(int id) {
  const RunRecord* r = run(id);
  if (!r) throw Error("no run #" + std::to_string(id));
  if (!r->weights) throw Error("run #" + std::to_string(id) + " has no model kept (it did not fit the browser's storage)");
  take_progress();
  set_current_from_run(*find_run(id));
  follow_active_ = active_ >= 0 && runs_[size_t(active_)].id == id;
  ++revision_;
}

// Validation images for the current model: its config's dataset if loaded and of the model's
// size, else the first loaded dataset of that size (none: results stay empty).
void Session::make_val_set() {
  val_.reset();
  if (!model_) return;
  const int mh = model_->input_shape().h, mw = model_->input_shape().w;
  const Dataset* ds = dataset(cfg_.dataset);
  if (!ds || ds->h() != mh || ds->w() != mw) {
    ds = nullptr;
    for (const auto& d : datasets_)
      if (d->h() == mh && d->w() == mw) { ds = d.get(); break; }
  }
  if (!ds) return;
  const auto [nt, nv] = available(ds->name);
  size_t val = std::min(cfg_.val ? cfg_.val : size_t(2000), nv);
  if (!ds->test.size()) val = std::min(val, nv - std::min(nv, size_t(1)));
  auto train = std::make_unique<ImageSet>(), v = std::make_unique<ImageSet>();
  try {
    make_split(*ds, 1, std::max<size_t>(val, 1), *train, *v);
  } catch (const Error&) {
    return;
  }
  (void)nt;
  cfg_.dataset = ds->name;
  val_ = std::move(v);
}

std::vector<size_t> Session::result_order(int count, uint64_t draw) const {
  std::vector<size_t> idx;
  if (!model_ || !val_ || val_->size() == 0) return idx;
  if (val_->h != model_->input_shape().h || val_->w != model_->input_shape().w) return idx;
  idx.resize(val_->size());
  std::iota(idx.begin(), idx.end(), size_t(0));
  if (draw) {
    Rng rng(mix_keys(draw, 0x67726964ull));
    rng.shuffle(idx.begin(), idx.end());
  }
  idx.resize(std::min<size_t>(size_t(std::max(count, 0)), idx.size()));
  return idx;
}

namespace {

// One model's forward pass on one image of its size. Throws on a size mismatch.
std::vector<float> forward_one(const Model& m, const std::vector<float>& image, Context& ctx) {
  const Shape in = m.input_shape();
  if (image.size() != in.per_image())
    throw Error("the model takes " + std::to_string(in.h) + "×" + std::to_string(in.w) + " = " +
                std::to_string(in.per_image()) + " pixels, got " + std::to_string(image.size()));
  std::vector<float> out(image.size());
  m.predict(image.data(), 1, out.data(), ctx);
  return out;
}

// The scores of a triple whose images are filled in (h×w each).
void score(Triple& t, int h, int w) {
  const size_t P = t.clean.size();
  t.psnr_noisy = psnr(t.noisy.data(), t.clean.data(), P);
  t.psnr_denoised = psnr(t.denoised.data(), t.clean.data(), P);
  t.ssim_noisy = ssim(t.noisy.data(), t.clean.data(), h, w);
  t.ssim_denoised = ssim(t.denoised.data(), t.clean.data(), h, w);
}

// Session::result_row and ModelSnapshot::result_row: validation image `index` with the
// results' noise (its key from `seed`), through `m`.
Triple result_triple(const Model& m, const ImageSet* val, size_t index, const Noise& noise, uint64_t seed,
                     Context& ctx) {
  if (!val || index >= val->size()) throw Error("no validation image " + std::to_string(index));
  if (val->h != m.input_shape().h || val->w != m.input_shape().w)
    throw Error("the validation images do not have the model's size");
  const size_t P = val->pixels_per_image();
  Triple t;
  t.index = index;
  t.clean.resize(P);
  t.noisy.resize(P);
  to_float(val->image(index), t.clean.data(), P);
  apply_noise(t.clean.data(), t.noisy.data(), P, noise, val_noise_key(seed, index));
  t.denoised = forward_one(m, t.noisy, ctx);
  score(t, val->h, val->w);
  return t;
}

// Session::denoise_drawing and ModelSnapshot::denoise_drawing.
Triple drawing_triple(const Model& m, const std::vector<float>& image, uint64_t key, const Noise& noise,
                      Context& ctx) {
  Triple t;
  t.clean = image;
  t.noisy = Session::with_noise(image, noise, key);
  t.denoised = forward_one(m, t.noisy, ctx);
  score(t, m.input_shape().h, m.input_shape().w);
  return t;
}

}  // namespace

Triple Session::result_row(size_t index) const {
  if (!model_) throw Error("no validation image " + std::to_string(index));
  return result_triple(*model_, val_.get(), index, cfg_.noise, cfg_.seed, ctx_);
}

Triple ModelSnapshot::result_row(size_t index, Context& ctx) const {
  return result_triple(*model, val.get(), index, noise, seed, ctx);
}

Triple ModelSnapshot::denoise_drawing(const std::vector<float>& image, uint64_t key, const Noise& n,
                                      Context& ctx) const {
  return drawing_triple(*model, image, key, n, ctx);
}

std::shared_ptr<const ModelSnapshot> Session::snapshot() const {
  if (!model_) return nullptr;
  const ModelSnapshot* s = snapshot_.get();
  if (s && s->revision == model_rev_ && s->val == val_ && s->seed == cfg_.seed && s->noise.kind == cfg_.noise.kind &&
      s->noise.amount == cfg_.noise.amount)
    return snapshot_;
  auto n = std::make_shared<ModelSnapshot>();
  n->model = std::make_shared<const Model>(model_->clone());
  n->val = val_;
  n->noise = cfg_.noise;
  n->seed = cfg_.seed;
  n->revision = model_rev_;
  snapshot_ = std::move(n);
  return snapshot_;
}

std::vector<Triple> Session::results(int count, uint64_t draw) const {
  std::vector<Triple> out;
  for (size_t i : result_order(count, draw)) out.push_back(result_row(i));
  return out;
}

std::vector<float> Session::with_noise(const std::vector<float>& clean, const Noise& noise, uint64_t key) {
  std::vector<float> out(clean.size());
  apply_noise(clean.data(), out.data(), clean.size(), noise, key);
  return out;
}

std::vector<float> Session::denoise(const std::vector<float>& image) const {
  if (!model_) throw Error("no model: train one or load a .safetensors file");
  return forward_one(*model_, image, ctx_);
}

Triple Session::denoise_drawing(const std::vector<float>& image, uint64_t key) const {
  return denoise_drawing(image, key, cfg_.noise);
}

Triple Session::denoise_drawing(const std::vector<float>& image, uint64_t key, const Noise& noise) const {
  if (!model_) throw Error("no model: train one or load a .safetensors file");
  return drawing_triple(*model_, image, key, noise, ctx_);
}

std::vector<float> Session::first_layer_filters(int& n, int& h, int& w) const {
  n = h = w = 0;
  if (!model_ || model_->layers().empty()) return {};
  // The first layer with weights: a Conv2D's filters, or a Dense layer's units seen as images
  // of the input's size (after a Flatten).
  const LayerInfo* first = nullptr;
  for (const auto& l : model_->layers())
    if (l.num_params) { first = &l; break; }
  if (!first) return {};
  const auto& shape = first->params[0].shape;
  const float* wts = model_->weights().data() + first->offset;
  size_t per = 0;
  if (first->layer->kind() == LayerKind::Conv2D) {  // (O, C, k, k): channel 0 of each filter
    n = int(shape[0]);
    h = int(shape[2]);
    w = int(shape[3]);
    per = size_t(shape[1] * shape[2] * shape[3]);
  } else if (first->layer->kind() == LayerKind::Dense && first->in.c == int(model_->input_shape().per_image())) {  // (O, I)
    n = int(shape[0]);
    h = model_->input_shape().h;
    w = model_->input_shape().w;
    per = size_t(shape[1]);
  } else {
    return {};
  }
  const size_t tile = size_t(h) * w;
  std::vector<float> out(size_t(n) * tile);
  for (int f = 0; f < n; ++f) {
    // Symmetric around grey: 0.5 ± w / (2·max|w|).
    const float* wf = wts + size_t(f) * per;
    float m = 0;
    for (size_t i = 0; i < tile; ++i) m = std::max(m, std::abs(wf[i]));
    for (size_t i = 0; i < tile; ++i) out[size_t(f) * tile + i] = m > 0 ? 0.5f + 0.5f * wf[i] / m : 0.5f;
  }
  return out;
}

namespace {

// Session::feature_maps and ModelSnapshot::feature_maps.
std::vector<float> maps_of(const Model& m, const std::vector<float>& image, int layer, int& channels, int& h, int& w,
                           Context& ctx) {
  if (layer < -1 || layer >= int(m.layers().size())) throw Error("no layer " + std::to_string(layer));
  forward_one(m, image, ctx);  // the activations are kept in ctx
  const Tensor& a = m.activation(ctx, layer + 1);
  channels = a.shape().c;
  h = a.shape().h;
  w = a.shape().w;
  std::vector<float> out(a.data(), a.data() + a.size());
  if (h == 1 && w == 1) {  // a vector of units: one strip
    normalise(out.data(), out.size());
    w = channels;
    channels = 1;
    return out;
  }
  const size_t plane = size_t(h) * w;
  for (int c = 0; c < channels; ++c) normalise(out.data() + size_t(c) * plane, plane);
  return out;
}

}  // namespace

std::vector<float> Session::feature_maps(const std::vector<float>& image, int layer, int& channels, int& h,
                                         int& w) const {
  if (!model_) throw Error("no model: train one or load a .safetensors file");
  return maps_of(*model_, image, layer, channels, h, w, ctx_);
}

std::vector<float> ModelSnapshot::feature_maps(const std::vector<float>& image, int layer, int& channels, int& h,
                                               int& w, Context& ctx) const {
  return maps_of(*model, image, layer, channels, h, w, ctx);
}

// =================================================================================================
// Session: model files
// =================================================================================================

namespace {
// What the model file of a run says of it, whichever panel downloads it (Files or Runs).
std::map<std::string, std::string> run_metadata(const RunRecord& r) {
  return {{"config", dump_json(r.config.to_json())},
          {"history", dump_json(history_json(r.history))},
          {"epochs_done", std::to_string(r.history.size())},
          {"run", std::to_string(r.id)},
          {"baseline", dump_json(Json::object({{"val_loss", num_or_null(r.baseline.loss)},
                                               {"val_psnr", num_or_null(r.baseline.psnr)},
                                               {"val_ssim", num_or_null(r.baseline.ssim)}}))}};
}
}  // namespace

std::vector<uint8_t> Session::model_file() const {
  if (!model_) throw Error("no model to save");
  std::map<std::string, std::string> meta;
  meta["config"] = dump_json(cfg_.to_json());
  meta["epochs_done"] = std::to_string(info_.epochs_trained);
  for (const auto& [k, v] : file_meta_) meta[k] = v;
  if (info_.source == ModelSource::Run)
    if (const RunRecord* r = run(info_.run_id)) meta = run_metadata(*r);
  meta["source"] = info_.describe();
  return safetensors_bytes(model_->to_safetensors(meta));
}

std::string Session::model_file_name() const {
  if (!model_) return "model.safetensors";
  std::string what;
  switch (info_.source) {
    case ModelSource::Uploaded: {  // its own name
      std::string stem = std::filesystem::path(info_.file).stem().string();
      for (char& c : stem)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
      if (!stem.empty() && stem[0] != '.') return stem + ".safetensors";
      what = "model";
      break;
    }
    case ModelSource::Run: what = "run" + std::to_string(info_.run_id); break;
    case ModelSource::Untrained: what = "untrained"; break;
    case ModelSource::Bundled: what = "pretrained"; break;
    default: what = "model";
  }
  std::string name = "dae-" + what + "-" + info_.arch_name + (info_.dataset.empty() ? "" : "-" + info_.dataset);
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
  return name + ".safetensors";
}

std::vector<uint8_t> Session::run_model_file(int id) const {
  const RunRecord* r = run(id);
  if (!r || !r->weights) throw Error("run #" + std::to_string(id) + " has no model");
  Model m = build_run_model(*r);
  m.weights() = *r->weights;
  return safetensors_bytes(m.to_safetensors(run_metadata(*r)));
}

void Session::mark_downloaded(int run_id) {
  if (RunRecord* r = find_run(run_id)) {
    r->downloaded = true;
    ++revision_;
  }
}

void Session::load_model_file(const uint8_t* bytes, size_t n, const std::string& name, ModelSource source) {
  // Its weights are about as large as the file; the model it replaces lets go of its own.
  const size_t used = memory_in_use() - (model_ ? model_->weights().size() * sizeof(float) : 0);
  if (used + n > memory_budget_)
    throw Error("This model file (" + human_size(double(n)) + ") does not fit: the page holds " + human_size(double(used)) +
                " of datasets and models, of its " + human_size(double(memory_budget_)) +
                ". Reload the page to let go of imported datasets (your saved runs come back).");
  std::unique_ptr<Model> model;
  SafeTensors st;
  try {
    st = parse_safetensors(bytes, n);
    model = std::make_unique<Model>(Model::from_safetensors(st));
  } catch (const Error& e) {
    throw Error("This is not a dae model file, or it is damaged: " + std::string(e.what()));
  }
  TrainConfig cfg = cfg_;
  ModelInfo info;
  info.source = source;
  info.file = name;
  auto it = st.metadata.find("config");
  if (it != st.metadata.end()) {
    try {
      cfg = TrainConfig::from_json(parse_json(it->second), cfg_);
      info.dataset = cfg.dataset;
      info.noise = cfg.noise;
    } catch (const Error&) {
      cfg = cfg_;  // a foreign config is not fatal: keep ours
    }
  }
  auto hist = st.metadata.find("history");
  if (hist != st.metadata.end()) {
    try {
      const Json h = parse_json(hist->second);
      if (h.is_array() && !h.empty()) {
        info.epochs_trained = int(h.size());
        const Json& last = h.back();
        if (const Json* p = json_find(last, "val_psnr"); p && p->is_number()) info.val_psnr = p->get<double>();
        if (const Json* p = json_find(last, "val_ssim"); p && p->is_number()) info.val_ssim = p->get<double>();
      }
    } catch (const Error&) {
    }
  }
  auto base = st.metadata.find("baseline");
  if (base != st.metadata.end()) {
    try {
      const Json b = parse_json(base->second);
      if (const Json* p = json_find(b, "val_psnr"); p && p->is_number()) info.noisy_psnr = p->get<double>();
      if (const Json* p = json_find(b, "val_ssim"); p && p->is_number()) info.noisy_ssim = p->get<double>();
    } catch (const Error&) {
    }
  }
  cfg.arch = model->spec();
  cfg.threads = threads_;
  if (runner_) stop_active(RunState::Stopped);
  set_current(std::move(model), info, cfg);
  for (const char* k : {"history", "baseline"})
    if (auto m = st.metadata.find(k); m != st.metadata.end()) file_meta_[k] = m->second;
  error_.clear();
  ++revision_;
}

// =================================================================================================
// Session: experiments & persistence
// =================================================================================================

void Session::set_notes(int id, const std::string& notes) {
  if (RunRecord* r = find_run(id)) {
    r->notes = notes;
    ++revision_;
  }
}

void Session::set_observations(const std::string& text) {
  observations_ = text;
  ++revision_;
}

std::optional<RunRecord> Session::delete_run(int id) {
  for (size_t i = 0; i < runs_.size(); ++i) {
    if (runs_[i].id != id) continue;
    if (int(i) == active_) throw Error("cannot delete the run that is training (stop it first)");
    const bool current = info_.source == ModelSource::Run && info_.run_id == id;
    RunRecord gone = std::move(runs_[i]);
    runs_.erase(runs_.begin() + long(i));
    if (active_ > int(i)) --active_;
    if (current) start_from_scratch();  // its model went with it: an untrained one replaces it
    ++revision_;
    return gone;
  }
  return std::nullopt;
}

void Session::undelete_run(RunRecord run, bool make_current) {
  if (this->run(run.id)) throw Error("run #" + std::to_string(run.id) + " exists already");
  // Runs are kept in id order: the first with a larger id is where it was.
  size_t at = 0;
  while (at < runs_.size() && runs_[at].id < run.id) ++at;
  const int id = run.id;
  const bool has_model = bool(run.weights);
  runs_.insert(runs_.begin() + long(at), std::move(run));
  if (active_ >= int(at)) ++active_;
  ++revision_;
  if (make_current && has_model) select_run(id);
}

std::string Session::runs_csv() const {
  std::string s =
      "run,dataset,arch,arch_name,params,input,noise,loss,epochs,batch,lr,train,val,seed,threads,state,epochs_done,"
      "final_train_loss,final_val_loss,final_val_psnr,final_val_ssim,noisy_val_loss,noisy_val_psnr,noisy_val_ssim,"
      "improved,collapsed,compute_seconds,wall_seconds,notes\n";
  for (const auto& r : runs_) {
    const TrainConfig& c = r.config;
    s += std::to_string(r.id) + "," + csv_field(c.dataset) + "," + csv_field(c.arch) + "," + csv_field(r.arch_name) +
         "," + std::to_string(r.params) + "," + std::to_string(r.input_h) + "x" + std::to_string(r.input_w) + "," +
         csv_field(c.noise.str()) + "," + loss_name(c.loss) + "," + std::to_string(c.epochs) + "," +
         std::to_string(c.batch) + "," + csv_num(c.lr) + "," + std::to_string(r.train_size) + "," +
         std::to_string(r.val_size) + "," + std::to_string(c.seed) + "," + std::to_string(c.threads) + "," +
         run_state_name(r.state) + "," + std::to_string(r.history.size()) + "," + csv_num(r.final_train_loss()) +
         "," + csv_num(r.final_val_loss()) + "," + csv_num(r.final_val_psnr(), "%.4f") + "," +
         csv_num(r.final_val_ssim(), "%.5f") + "," + csv_num(r.baseline.loss) + "," +
         csv_num(r.baseline.psnr, "%.4f") + "," + csv_num(r.baseline.ssim, "%.5f") + "," +
         (r.improved() ? "yes" : "no") + "," + (r.collapsed ? "yes" : "no") + "," + csv_num(r.seconds, "%.2f") +
         "," + csv_num(r.wall_seconds, "%.2f") + "," + csv_field(r.notes) + "\n";
  }
  return s;
}

std::string Session::save_state() const {
  Json j = Json::object();
  j["format"] = "dae-session-2";
  j["config"] = cfg_.to_json();
  j["observations"] = observations_;
  j["next_run_id"] = next_run_id_;
  j["threads"] = threads_;
  Json runs = Json::array();
  for (size_t i = 0; i < runs_.size(); ++i) {
    RunRecord r = runs_[i];
    if (int(i) == active_) r.state = RunState::Stopped;  // a reload cannot continue a run in progress
    runs.push_back(r.to_json());
  }
  j["runs"] = runs;
  Json sweeps = Json::array();
  for (Sweep sw : sweeps_) {
    if (sweep_left(sw) > 0) sw.waiting = true;  // a reload does not start training by itself
    sweeps.push_back(sw.to_json());
  }
  j["sweeps"] = sweeps;
  Json cur = Json::object();
  cur["source"] = model_source_name(info_.source);
  cur["run_id"] = info_.run_id;
  cur["file"] = info_.file;
  j["current"] = cur;
  return dump_json(j);
}

std::vector<int> Session::runs_to_save(std::vector<int>* skipped) const {
  std::vector<int> keep;
  size_t used = 0;
  for (auto it = runs_.rbegin(); it != runs_.rend(); ++it) {
    if (!it->weights) continue;
    const size_t bytes = it->weights->size() * sizeof(float) + 4096;
    if (used + bytes <= kSavedModelsBudget) {
      used += bytes;
      keep.push_back(it->id);
    } else if (skipped) {
      skipped->push_back(it->id);
    }
  }
  return keep;
}

void Session::load_state(const std::string& text) {
  const Json j = parse_json(text);
  const Json* format = json_find(j, "format");
  const std::string f = format && format->is_string() ? format->get<std::string>() : "";
  if (f != "dae-session-1" && f != "dae-session-2") throw Error("not a saved dae session");
  std::vector<RunRecord> runs;
  const Json& jr = json_at(j, "runs", "saved session");
  if (!jr.is_array()) throw Error("saved session: runs must be an array");
  for (const Json& r : jr) runs.push_back(RunRecord::from_json(r));
  TrainConfig cfg = TrainConfig::from_json(json_at(j, "config", "saved session"));
  const std::string obs = json_string(json_at(j, "observations", "saved session"), "observations");
  int next = int(json_int(json_at(j, "next_run_id", "saved session"), "next_run_id", 1, 1000000000));
  int threads = threads_;
  if (const Json* t = json_find(j, "threads")) threads = int(json_int(*t, "threads", 1, kMaxThreads));
  for (const auto& r : runs) next = std::max(next, r.id + 1);
  for (auto& r : runs)
    if (r.state == RunState::Running || r.state == RunState::Paused) r.state = RunState::Stopped;
  std::vector<Sweep> sweeps;
  if (const Json* js = json_find(j, "sweeps")) {
    if (!js->is_array()) throw Error("saved session: sweeps must be an array");
    for (const Json& x : *js) sweeps.push_back(Sweep::from_json(x));
  }
  // Parsed: apply (a run in progress keeps going, and so does its sweep; restored runs and
  // sweeps come first).
  int next_sweep = 1;
  for (const Sweep& sw : sweeps) next_sweep = std::max(next_sweep, sw.id + 1);
  const bool sweep_kept = active_ >= 0 && going_sweep_ != 0 && sweep(going_sweep_);
  if (sweep_kept) {
    Sweep sw = *sweep(going_sweep_);
    sw.id = going_sweep_ = next_sweep;
    sweeps.push_back(std::move(sw));
  } else {
    going_sweep_ = 0;
  }
  if (active_ >= 0) {
    RunRecord cur = runs_[size_t(active_)];
    const int old_id = cur.id;
    cur.id = next++;
    runs.push_back(cur);
    active_ = int(runs.size()) - 1;
    if (info_.source == ModelSource::Run && info_.run_id == old_id) info_.run_id = cur.id;
    if (sweep_kept)
      for (SweepPoint& p : sweeps.back().points)
        if (p.run_id == old_id) p.run_id = cur.id;
  } else {
    cfg.threads = threads_supported() ? threads : 1;
    cfg_ = cfg;
  }
  runs_ = std::move(runs);
  sweeps_ = std::move(sweeps);
  observations_ = obs;
  next_run_id_ = next;
  threads_ = threads_supported() ? threads : 1;
  ++revision_;
}

void Session::restore_run_model(int id, const uint8_t* bytes, size_t n) {
  RunRecord* r = find_run(id);
  if (!r) throw Error("no run #" + std::to_string(id));
  const Model m = Model::from_safetensors(parse_safetensors(bytes, n));
  if (m.spec() != r->config.arch || m.input_shape().h != r->input_h || m.input_shape().w != r->input_w)
    throw Error("the saved model of run #" + std::to_string(id) + " does not match the run's architecture");
  r->weights = std::make_shared<const std::vector<float>>(m.weights());
  ++revision_;
}

}  // namespace dae
