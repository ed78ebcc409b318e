#include "session.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "metrics.h"

namespace dae {
namespace {

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

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

}  // namespace

// ---- RunRecord ----------------------------------------------------------------------------------

Json RunRecord::to_json() const {
  Json j = Json::object();
  j["id"] = id;
  j["config"] = config.to_json();
  j["arch_name"] = arch_name;
  j["params"] = params;
  j["input"] = input;
  j["train_size"] = train_size;
  j["val_size"] = val_size;
  j["history"] = history_json(history);
  Json sl = Json::array();
  for (float v : step_loss) sl.push_back(num_or_null(v));
  j["step_loss"] = sl;
  j["steps_per_epoch"] = steps_per_epoch;
  j["baseline"] = Json::object({{"val_loss", num_or_null(baseline.loss)}, {"val_psnr", num_or_null(baseline.psnr)},
                                {"val_ssim", num_or_null(baseline.ssim)}});
  j["seconds"] = seconds;
  j["state"] = state;
  j["error"] = error;
  j["notes"] = notes;
  return j;
}

RunRecord RunRecord::from_json(const Json& j) {
  if (!j.is_object()) throw Error("run record must be an object, got " + json_kind(j));
  // A number or null (NaN and infinities are saved as null).
  auto num = [](const Json& v, const char* what) { return v.is_null() ? NAN : json_number(v, what); };
  auto at = [](const Json& o, const char* key) -> const Json& { return json_at(o, key, "run record"); };
  constexpr int64_t kMaxCount = int64_t(1) << 40;
  RunRecord r;
  r.id = int(json_int(at(j, "id"), "run id", 1, 1000000000));
  r.config = TrainConfig::from_json(at(j, "config"));
  r.arch_name = json_string(at(j, "arch_name"), "arch_name");
  r.params = size_t(json_int(at(j, "params"), "params", 0, kMaxCount));
  r.input = int(json_int(at(j, "input"), "input", 0, 4096));
  r.train_size = size_t(json_int(at(j, "train_size"), "train_size", 0, kMaxCount));
  r.val_size = size_t(json_int(at(j, "val_size"), "val_size", 0, kMaxCount));
  const Json& hist = at(j, "history");
  if (!hist.is_array()) throw Error("run record: history must be an array");
  for (const Json& e : hist) {
    EpochStats s;
    s.epoch = int(json_int(json_at(e, "epoch", "history"), "epoch", 1, 10000));
    s.train_loss = num(json_at(e, "train_loss", "history"), "train_loss");
    s.val_loss = num(json_at(e, "val_loss", "history"), "val_loss");
    s.val_psnr = num(json_at(e, "val_psnr", "history"), "val_psnr");
    s.val_ssim = num(json_at(e, "val_ssim", "history"), "val_ssim");
    s.seconds = num(json_at(e, "seconds", "history"), "seconds");
    r.history.push_back(s);
  }
  const Json& sl = at(j, "step_loss");
  if (!sl.is_array()) throw Error("run record: step_loss must be an array");
  for (const Json& v : sl) r.step_loss.push_back(float(num(v, "step_loss")));
  if (const Json* spe = json_find(j, "steps_per_epoch")) r.steps_per_epoch = int(json_int(*spe, "steps_per_epoch", 0, 1 << 30));
  const Json& b = at(j, "baseline");
  r.baseline = {num(json_at(b, "val_loss", "baseline"), "val_loss"), num(json_at(b, "val_psnr", "baseline"), "val_psnr"),
                num(json_at(b, "val_ssim", "baseline"), "val_ssim")};
  r.seconds = num(at(j, "seconds"), "seconds");
  r.state = json_string(at(j, "state"), "state");
  r.error = json_string(at(j, "error"), "error");
  r.notes = json_string(at(j, "notes"), "notes");
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

// ---- Session: datasets ------------------------------------------------------------------------------

Session::Session() = default;
Session::~Session() = default;

void Session::add_dataset(Dataset ds) {
  if (ds.train.size() == 0) throw Error("dataset '" + ds.name + "' has no images");
  for (auto& d : datasets_)
    if (d->name == ds.name) {
      if (trainer_ && cfg_.dataset == ds.name) throw Error("cannot replace '" + ds.name + "' while it is training");
      *d = std::move(ds);
      ++revision_;
      return;
    }
  if (datasets_.empty()) cfg_.dataset = ds.name;
  datasets_.push_back(std::make_unique<Dataset>(std::move(ds)));
  ++revision_;
}

std::string Session::import_dataset(const std::string& path) {
  namespace fs = std::filesystem;
  Dataset ds = load_dataset_path(path);
  std::string name = fs::path(path).stem().string();
  if (name.empty() || canonical_dataset_name(name) == "mnist" || canonical_dataset_name(name) == "dhcd")
    name = "import-" + name;
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

ArchCheck Session::check_arch(const std::string& spec, int size) const {
  ArchCheck c;
  try {
    Model m = Model::build(spec, 1, size, size);
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

// ---- Session: training ------------------------------------------------------------------------------

void Session::start(const TrainConfig& cfg_in) {
  TrainConfig cfg = cfg_in;
  cfg.threads = 1;
  cfg.validate();
  const Dataset* ds = dataset(cfg.dataset);
  if (!ds) throw Error("dataset '" + cfg.dataset + "' is not loaded");
  cfg.dataset = ds->name;
  auto train = std::make_unique<ImageSet>(), val = std::make_unique<ImageSet>();
  make_split(*ds, cfg.train, cfg.val, *train, *val);
  auto model = std::make_unique<Model>(Model::build(cfg.arch, 1, train->h, train->w));
  model->init(cfg.seed);
  cfg.arch = model->spec();
  auto trainer = std::make_unique<Trainer>(*model, *train, *val, cfg);
  // Everything is built: now replace the old state.
  if (trainer_ && current_run_ >= 0) finish_run("stopped");
  trainer_.reset();
  model_ = std::move(model);
  train_ = std::move(train);
  val_ = std::move(val);
  trainer_ = std::move(trainer);
  cfg_ = cfg;
  paused_ = false;
  error_.clear();
  RunRecord r;
  r.id = next_run_id_++;
  r.config = cfg;
  r.arch_name = model_->name();
  r.params = model_->num_params();
  r.input = train_->h;
  r.train_size = train_->size();
  r.val_size = val_->size();
  r.steps_per_epoch = trainer_->steps_per_epoch();
  r.baseline = trainer_->baseline();
  runs_.push_back(r);
  current_run_ = int(runs_.size()) - 1;
  ++revision_;
}

void Session::pause() {
  if (!trainer_ || trainer_->done()) return;
  paused_ = true;
  if (current_run_ >= 0) runs_[current_run_].state = "paused";
  ++revision_;
}

void Session::resume() {
  if (!trainer_ || trainer_->done()) return;
  paused_ = false;
  if (current_run_ >= 0) runs_[current_run_].state = "running";
  ++revision_;
}

void Session::reset() {
  if (trainer_ && current_run_ >= 0) finish_run("stopped");
  trainer_.reset();
  paused_ = false;
  error_.clear();
  if (model_) {
    auto m = std::make_unique<Model>(Model::build(model_->spec(), 1, model_->input_shape().h, model_->input_shape().w));
    m->init(cfg_.seed);
    model_ = std::move(m);
  }
  ++revision_;
}

void Session::finish_run(const std::string& state) {
  if (current_run_ < 0) return;
  record_progress();
  runs_[current_run_].state = state;
  current_run_ = -1;
  ++revision_;
}

void Session::record_progress() {
  if (current_run_ < 0 || !trainer_) return;
  RunRecord& r = runs_[current_run_];
  r.history = trainer_->history();
  double s = 0;
  for (const auto& e : r.history) s += e.seconds;
  r.seconds = s;
}

double Session::expected_unit_ms() const {
  return trainer_ && !trainer_->done() ? unit_ms_[int(trainer_->next_unit())] : 0.0;
}

double Session::work(double budget_ms) {
  if (!training()) return 0;
  const auto t0 = Clock::now();
  try {
    do {
      const int kind = int(trainer_->next_unit());
      const auto u0 = Clock::now();
      const Trainer::Event ev = trainer_->advance();
      const double ms = ms_since(u0);
      unit_ms_[kind] = unit_ms_[kind] > 0 ? 0.8 * unit_ms_[kind] + 0.2 * ms : ms;
      if (ev == Trainer::Event::Batch) {
        runs_[current_run_].step_loss.push_back(float(trainer_->last_batch_loss()));
      } else if (ev == Trainer::Event::Epoch) {
        record_progress();
        ++revision_;
      }
    } while (!trainer_->done() && ms_since(t0) + expected_unit_ms() <= budget_ms);
  } catch (const Error& e) {
    // Divergence (NaN loss): the weights are those of the last good step; the run stops here.
    error_ = e.what();
    runs_[current_run_].error = error_;
    finish_run("failed");
    trainer_.reset();
    return ms_since(t0);
  }
  if (trainer_->done()) {
    finish_run("finished");
    trainer_.reset();
  }
  return ms_since(t0);
}

double Session::eta_seconds() const {
  if (!trainer_) return 0;
  const double progress = (trainer_->epoch() + trainer_->epoch_progress()) / double(cfg_.epochs);
  double spent = 0;
  for (const auto& e : trainer_->history()) spent += e.seconds;
  const double sps = trainer_->samples_per_s();
  if (progress <= 0 || sps <= 0) return 0;
  // Time left in this epoch from throughput, later epochs from the measured epoch time.
  const double per_epoch = trainer_->history().empty() ? double(train_->size()) / sps * 1.1
                                                        : spent / double(trainer_->history().size());
  const double left_epochs = cfg_.epochs - trainer_->epoch() - trainer_->epoch_progress();
  return std::max(0.0, left_epochs * per_epoch);
}

Json Session::status() const {
  Json j = Json::object();
  const RunRecord* r = current_run_ >= 0 ? &runs_[current_run_] : (runs_.empty() ? nullptr : &runs_.back());
  j["dataset"] = cfg_.dataset;
  j["arch"] = model_ ? model_->spec() : cfg_.arch;
  j["arch_name"] = model_ ? model_->name() : cfg_.arch;
  j["params"] = model_ ? model_->num_params() : 0;
  j["input"] = model_ ? model_->input_shape().h : 0;
  j["train_size"] = train_ ? train_->size() : 0;
  j["val_size"] = val_ ? val_->size() : 0;
  j["epochs"] = cfg_.epochs;
  j["training"] = training();
  j["paused"] = paused();
  j["run_id"] = r ? r->id : 0;
  j["state"] = r ? r->state : "idle";
  j["error"] = error_;
  if (trainer_) {
    j["epoch"] = trainer_->epoch();
    j["step"] = trainer_->step_in_epoch();
    j["steps"] = trainer_->steps_per_epoch();
    j["validating"] = trainer_->validating();
    j["progress"] = (trainer_->epoch() + trainer_->epoch_progress()) / double(cfg_.epochs);
    j["train_loss"] = num_or_null(trainer_->running_train_loss());
    j["samples_per_s"] = trainer_->samples_per_s();
    j["eta_s"] = eta_seconds();
  } else {
    j["epoch"] = r ? int(r->history.size()) : 0;
    j["step"] = 0;
    j["steps"] = 0;
    j["validating"] = false;
    j["progress"] = r && r->state == "finished" ? 1.0 : 0.0;
    j["train_loss"] = r ? num_or_null(r->final_train_loss()) : Json();
    j["samples_per_s"] = 0.0;
    j["eta_s"] = 0.0;
  }
  j["val_loss"] = r ? num_or_null(r->final_val_loss()) : Json();
  j["val_psnr"] = r ? num_or_null(r->final_val_psnr()) : Json();
  j["val_ssim"] = r ? num_or_null(r->final_val_ssim()) : Json();
  j["noisy_loss"] = r ? num_or_null(r->baseline.loss) : Json();
  j["noisy_psnr"] = r ? num_or_null(r->baseline.psnr) : Json();
  j["noisy_ssim"] = r ? num_or_null(r->baseline.ssim) : Json();
  j["history"] = r ? history_json(trainer_ && current_run_ >= 0 ? trainer_->history() : r->history) : Json::array();
  return j;
}

// ---- Session: results, drawing, inspection -----------------------------------------------------------

const ImageSet& Session::val_set() const {
  if (!val_) throw Error("no validation data yet: start a run or load a model");
  return *val_;
}

std::vector<Triple> Session::results(int count, uint64_t draw) const {
  std::vector<Triple> out;
  if (!model_ || !val_ || val_->size() == 0) return out;
  const ImageSet& val = *val_;
  check_input(*model_, val.h, val.w, "the validation data");
  const size_t P = val.pixels_per_image();
  std::vector<size_t> idx(val.size());
  std::iota(idx.begin(), idx.end(), size_t(0));
  if (draw) {
    Rng rng(mix_keys(draw, 0x67726964ull));
    rng.shuffle(idx.begin(), idx.end());
  }
  count = int(std::min<size_t>(size_t(std::max(count, 0)), idx.size()));
  for (int c = 0; c < count; ++c) {
    Triple t;
    t.index = idx[c];
    t.clean.resize(P);
    t.noisy.resize(P);
    t.denoised.resize(P);
    to_float(val.image(t.index), t.clean.data(), P);
    apply_noise(t.clean.data(), t.noisy.data(), P, cfg_.noise, val_noise_key(cfg_.seed, t.index));
    model_->predict(t.noisy.data(), 1, t.denoised.data(), ctx_);
    t.psnr_noisy = psnr(t.noisy.data(), t.clean.data(), P);
    t.psnr_denoised = psnr(t.denoised.data(), t.clean.data(), P);
    t.ssim_noisy = ssim(t.noisy.data(), t.clean.data(), val.h, val.w);
    t.ssim_denoised = ssim(t.denoised.data(), t.clean.data(), val.h, val.w);
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<float> Session::with_noise(const std::vector<float>& clean, const Noise& noise, uint64_t key) {
  std::vector<float> out(clean.size());
  apply_noise(clean.data(), out.data(), clean.size(), noise, key);
  return out;
}

std::vector<float> Session::denoise(const std::vector<float>& image) const {
  if (!model_) throw Error("no model: train one or load a .safetensors file");
  const Shape in = model_->input_shape();
  if (image.size() != in.per_image())
    throw Error("the model takes " + std::to_string(in.h) + "×" + std::to_string(in.w) + " = " +
                std::to_string(in.per_image()) + " pixels, got " + std::to_string(image.size()));
  std::vector<float> out(image.size());
  model_->predict(image.data(), 1, out.data(), ctx_);
  return out;
}

Triple Session::denoise_drawing(const std::vector<float>& image, uint64_t key) const {
  return denoise_drawing(image, key, cfg_.noise);
}

Triple Session::denoise_drawing(const std::vector<float>& image, uint64_t key, const Noise& noise) const {
  Triple t;
  t.clean = image;
  t.noisy = with_noise(image, noise, key);
  t.denoised = denoise(t.noisy);
  const Shape in = model_->input_shape();
  const size_t P = image.size();
  t.psnr_noisy = psnr(t.noisy.data(), t.clean.data(), P);
  t.psnr_denoised = psnr(t.denoised.data(), t.clean.data(), P);
  t.ssim_noisy = ssim(t.noisy.data(), t.clean.data(), in.h, in.w);
  t.ssim_denoised = ssim(t.denoised.data(), t.clean.data(), in.h, in.w);
  return t;
}

std::vector<float> Session::first_layer_filters(int& n_filters, int& k) const {
  n_filters = k = 0;
  if (!model_ || model_->layers().empty()) return {};
  const LayerInfo& l = model_->layers()[0];
  if (l.layer->type() != "Conv2D") return {};
  const auto& shape = l.params[0].shape;  // (O, C, k, k); C = 1 for our images
  n_filters = int(shape[0]);
  k = int(shape[2]);
  const size_t per = size_t(shape[1] * shape[2] * shape[3]);
  std::vector<float> out(size_t(n_filters) * k * k);
  const float* w = model_->weights().data() + l.offset;
  for (int f = 0; f < n_filters; ++f) {
    // Channel 0 of each filter, shown symmetric around grey: 0.5 ± w / (2·max|w|).
    const float* wf = w + f * per;
    float m = 0;
    for (int i = 0; i < k * k; ++i) m = std::max(m, std::abs(wf[i]));
    for (int i = 0; i < k * k; ++i) out[size_t(f) * k * k + i] = m > 0 ? 0.5f + 0.5f * wf[i] / m : 0.5f;
  }
  return out;
}

std::vector<float> Session::feature_maps(const std::vector<float>& image, int layer, int& channels, int& h,
                                         int& w) const {
  std::vector<float> y = denoise(image);  // runs the forward pass into ctx_
  if (layer < -1 || layer >= int(model_->layers().size())) throw Error("no layer " + std::to_string(layer));
  const Tensor& a = model_->activation(ctx_, layer + 1);
  channels = a.shape().c;
  h = a.shape().h;
  w = a.shape().w;
  std::vector<float> out(a.data(), a.data() + a.size());
  const size_t plane = size_t(h) * w;
  for (int c = 0; c < channels; ++c) normalise(out.data() + c * plane, plane);
  return out;
}

// ---- Session: model files ---------------------------------------------------------------------------

std::vector<uint8_t> Session::model_file() const {
  if (!model_) throw Error("no model to save");
  std::map<std::string, std::string> meta;
  const RunRecord* r = current_run_ >= 0 ? &runs_[current_run_] : nullptr;
  if (trainer_) meta = trainer_->metadata();
  else if (!runs_.empty() && !r) r = &runs_.back();
  if (!trainer_) {
    meta["config"] = dump_json(cfg_.to_json());
    if (r && r->config.arch == model_->spec()) meta["history"] = dump_json(history_json(r->history));
  }
  return safetensors_bytes(model_->to_safetensors(meta));
}

void Session::load_model_file(const uint8_t* bytes, size_t n) {
  SafeTensors st = parse_safetensors(bytes, n);
  auto model = std::make_unique<Model>(Model::from_safetensors(st));
  const int mh = model->input_shape().h, mw = model->input_shape().w;
  TrainConfig cfg = cfg_;
  auto it = st.metadata.find("config");
  if (it != st.metadata.end()) {
    try {
      cfg = TrainConfig::from_json(parse_json(it->second), cfg_);
    } catch (const Error&) {
      cfg = cfg_;  // a foreign config is not fatal: keep ours
    }
  }
  cfg.arch = model->spec();
  cfg.threads = 1;
  // Pick data of the model's size: its own dataset if loaded, else the first that fits.
  const Dataset* ds = dataset(cfg.dataset);
  if (!ds || ds->h() != mh || ds->w() != mw) {
    ds = nullptr;
    for (const auto& d : datasets_)
      if (d->h() == mh && d->w() == mw) { ds = d.get(); break; }
  }
  auto train = std::make_unique<ImageSet>(), val = std::make_unique<ImageSet>();
  if (ds) {
    cfg.dataset = ds->name;
    const auto [nt, nv] = available(ds->name);
    cfg.train = std::min(cfg.train, nt);
    cfg.val = std::min(cfg.val, ds->test.size() ? nv : nv - std::min(nv, cfg.train));
    make_split(*ds, cfg.train, cfg.val ? cfg.val : 1, *train, *val);
  }
  if (trainer_ && current_run_ >= 0) finish_run("stopped");
  trainer_.reset();
  paused_ = false;
  model_ = std::move(model);
  cfg_ = cfg;
  train_ = ds ? std::move(train) : nullptr;
  val_ = ds ? std::move(val) : nullptr;
  error_.clear();
  ++revision_;
}

// ---- Session: experiments & persistence -------------------------------------------------------------

RunRecord* Session::run(int id) {
  for (auto& r : runs_)
    if (r.id == id) return &r;
  return nullptr;
}

void Session::delete_run(int id) {
  for (size_t i = 0; i < runs_.size(); ++i) {
    if (runs_[i].id != id) continue;
    if (int(i) == current_run_) throw Error("cannot delete the run that is training (stop it first)");
    runs_.erase(runs_.begin() + long(i));
    if (current_run_ > int(i)) --current_run_;
    ++revision_;
    return;
  }
}

std::string Session::runs_csv() const {
  std::string s =
      "run,dataset,arch,arch_name,params,input,noise,loss,epochs,batch,lr,train,val,seed,state,epochs_done,"
      "final_train_loss,final_val_loss,final_val_psnr,final_val_ssim,noisy_val_loss,noisy_val_psnr,noisy_val_ssim,"
      "seconds,notes\n";
  for (const auto& r : runs_) {
    const TrainConfig& c = r.config;
    s += std::to_string(r.id) + "," + csv_field(c.dataset) + "," + csv_field(c.arch) + "," + csv_field(r.arch_name) +
         "," + std::to_string(r.params) + "," + std::to_string(r.input) + "," + csv_field(c.noise.str()) + "," +
         loss_name(c.loss) + "," + std::to_string(c.epochs) + "," + std::to_string(c.batch) + "," + csv_num(c.lr) +
         "," + std::to_string(r.train_size) + "," + std::to_string(r.val_size) + "," + std::to_string(c.seed) + "," +
         r.state + "," + std::to_string(r.history.size()) + "," + csv_num(r.final_train_loss()) + "," +
         csv_num(r.final_val_loss()) + "," + csv_num(r.final_val_psnr(), "%.4f") + "," +
         csv_num(r.final_val_ssim(), "%.5f") + "," + csv_num(r.baseline.loss) + "," +
         csv_num(r.baseline.psnr, "%.4f") + "," + csv_num(r.baseline.ssim, "%.5f") + "," +
         csv_num(r.seconds, "%.2f") + "," + csv_field(r.notes) + "\n";
  }
  return s;
}

std::string Session::save_state() const {
  Json j = Json::object();
  j["format"] = "dae-session-1";
  j["config"] = cfg_.to_json();
  j["observations"] = observations_;
  j["next_run_id"] = next_run_id_;
  Json runs = Json::array();
  for (size_t i = 0; i < runs_.size(); ++i) {
    RunRecord r = runs_[i];
    if (int(i) == current_run_) {
      r.history = trainer_ ? trainer_->history() : r.history;
      r.state = "stopped";  // a reload cannot continue a run in progress
    }
    runs.push_back(r.to_json());
  }
  j["runs"] = runs;
  return dump_json(j);
}

void Session::load_state(const std::string& text) {
  const Json j = parse_json(text);
  const Json* format = json_find(j, "format");
  if (!format || !format->is_string() || format->get<std::string>() != "dae-session-1")
    throw Error("not a saved dae session");
  std::vector<RunRecord> runs;
  const Json& jr = json_at(j, "runs", "saved session");
  if (!jr.is_array()) throw Error("saved session: runs must be an array");
  for (const Json& r : jr) runs.push_back(RunRecord::from_json(r));
  TrainConfig cfg = TrainConfig::from_json(json_at(j, "config", "saved session"));
  const std::string obs = json_string(json_at(j, "observations", "saved session"), "observations");
  int next = int(json_int(json_at(j, "next_run_id", "saved session"), "next_run_id", 1, 1000000000));
  for (const auto& r : runs) next = std::max(next, r.id + 1);
  // Parsed: apply (a run in progress keeps going; restored runs come first).
  if (current_run_ >= 0) {
    RunRecord cur = runs_[current_run_];
    cur.id = next++;
    runs.push_back(cur);
    current_run_ = int(runs.size()) - 1;
  } else {
    cfg_ = cfg;
  }
  runs_ = std::move(runs);
  observations_ = obs;
  next_run_id_ = next;
  ++revision_;
}

}  // namespace dae
