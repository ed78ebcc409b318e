// session_files.cpp — see session.h: what the Session writes and reads back. Run records and
// sweeps as JSON, model files in and out, and the saved state (IndexedDB autosave in the browser).
#include "app/session.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "formats/io.h"

namespace dae {
namespace {

Json num_or_null(double v) { return std::isfinite(v) ? Json(v) : Json(); }

}  // namespace

// =================================================================================================
// RunRecord and Sweep as JSON
// =================================================================================================

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
// Session: saved state
// =================================================================================================

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
