// session.cpp — see session.h. The session's names and records, its datasets and threads, the
// model in memory and the experiment log. The run in progress (Session::Runner, training,
// sweeps, status) is in runner.cpp; results, drawing and inspection in session_results.cpp;
// model files and the saved state in session_files.cpp.
#include "app/session.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "formats/io.h"
#include "train/runs_table.h"

namespace dae {

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

void Session::set_training(ModelInfo& m, const RunRecord& r) {
  m.epochs_trained = int(r.history.size());
  m.steps_into_epoch = r.steps_into_epoch();
  m.steps_per_epoch = r.steps_per_epoch;
}

bool RunRecord::improved() const {
  return !history.empty() && final_val_psnr() > baseline.psnr && final_val_ssim() > baseline.ssim && !collapsed;
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
// Session: datasets, architecture, threads
// =================================================================================================

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
// Session: runs
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

// =================================================================================================
// Session: the model in memory
// =================================================================================================

// A model of architecture `spec`, untrained, named after `name` when that is a preset with this
// spec (so a rebuilt model stays "seed" rather than "custom": configs and files hold the spec).
static Model build_named(const std::string& name, const std::string& spec, int h, int w) {
  if (!Model::preset_spec(name, h, w).empty()) {
    Model m = Model::build(name, 1, h, w);
    if (m.spec() == spec) return m;
  }
  return Model::build(spec, 1, h, w);
}

Model Session::build_run_model(const RunRecord& r) {
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

// =================================================================================================
// Session: experiments
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
  std::vector<RunRow> rows;
  for (const auto& r : runs_) {
    RunRow row;
    row.run = std::to_string(r.id);
    row.config = r.config;
    row.arch_name = r.arch_name;
    row.params = r.params;
    row.input_h = r.input_h;
    row.input_w = r.input_w;
    row.train = r.train_size;
    row.val = r.val_size;
    row.threads = r.config.threads;
    row.state = run_state_name(r.state);
    row.set_history(r.history);
    row.noisy = r.baseline;
    row.improved = r.improved();
    row.collapsed = r.collapsed;
    row.compute_seconds = r.seconds;
    row.wall_seconds = r.wall_seconds;
    row.notes = r.notes;
    rows.push_back(std::move(row));
  }
  return dae::runs_csv(rows);  // qualified: the member hides the free function
}

}  // namespace dae
