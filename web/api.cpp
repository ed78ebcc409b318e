// api.cpp — the browser side: loading the bundled data, file pickers and downloads, the
// IndexedDB autosave, and the C functions behind window.dae (web/dae_api.js, linked with
// --post-js). The functions exchange JSON strings and heap buffers; strings returned to JS stay
// valid until the next call of the same function.
#include <emscripten.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

#include "app.h"

namespace app {

namespace {

const char* kStatePath = "/persist/state.json";
const char* kModelPath = "/persist/model.safetensors";

bool read_file(const char* path, std::string& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return true;
}

bool write_file(const char* path, const void* data, size_t n) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return false;
  f.write(static_cast<const char*>(data), std::streamsize(n));
  return bool(f);
}

}  // namespace

void js_start() {
  EM_ASM({ Module.daeJS.start(); });
}

void js_load_pack(const std::string& name) {
  if (name == "dhcd") g->dhcd_loading = true;
  EM_ASM({ Module.daeJS.loadPack(UTF8ToString($0)); }, name.c_str());
}

void js_pick_file(const char* kind) {
  EM_ASM({ Module.daeJS.pickFile(UTF8ToString($0)); }, kind);
}

void js_download(const std::string& file, const char* mime, const void* data, size_t n) {
  EM_ASM({ Module.daeJS.download(UTF8ToString($0), UTF8ToString($1), $2, $3); }, file.c_str(), mime, data, n);
}

dae::Json status_json() {
  dae::Json j = g->s.status();
  j["frame_ms_p95"] = g->stats.interval_p95();
  j["work_ms_p95"] = g->stats.work_p95();
  j["cpu_ms_p95"] = g->stats.cpu_p95();
  j["budget_ms"] = double(g->budget_ms);
  j["simd"] = g->simd;
  j["threads"] = 1;
  j["runs"] = g->s.runs().size();
  j["saving"] = g->saving;
  j["saved_revision"] = g->saved_rev;
  return j;
}

// ---- autosave (IndexedDB through Emscripten's IDBFS, mounted at /persist) ---------------------
void save_now() {
  if (!g->persist_done || g->saving) return;
  const std::string state = g->s.save_state();
  bool ok = write_file(kStatePath, state.data(), state.size());
  if (g->s.has_model()) {
    try {
      const std::vector<uint8_t> bytes = g->s.model_file();
      ok = write_file(kModelPath, bytes.data(), bytes.size()) && ok;
    } catch (const std::exception& e) {
      std::printf("autosave: %s\n", e.what());
    }
  } else {
    std::remove(kModelPath);
  }
  if (!ok) {
    std::printf("autosave: could not write to /persist\n");
    return;
  }
  g->saved_rev = g->s.revision();
  g->saved_edits = g->ui_edits;
  g->saved_time = g->now;
  g->first_unsaved_time = -1;
  g->saving = true;
  EM_ASM({ Module.daeJS.syncPersist(); });
}

void maybe_autosave() {
  if (!g->ready || !g->autosave) return;
  const uint64_t rev = g->s.revision();
  if (rev != g->seen_rev || g->ui_edits != g->seen_edits) {
    g->seen_rev = rev;
    g->seen_edits = g->ui_edits;
    g->change_time = g->now;
    if (g->first_unsaved_time < 0) g->first_unsaved_time = g->now;
  }
  if (rev == g->saved_rev && g->ui_edits == g->saved_edits) return;
  // Debounce: save once things have been quiet for 1.5 s, or every 10 s during a long run.
  const bool quiet = g->now - g->change_time >= 1.5;
  const bool overdue = g->first_unsaved_time >= 0 && g->now - g->first_unsaved_time >= 10.0;
  if (quiet || overdue) save_now();
}

void forget_saved() {
  std::remove(kStatePath);
  std::remove(kModelPath);
  g->autosave = false;
  g->saved_time = -1;
  EM_ASM({ Module.daeJS.syncPersist(); });
  g->io_message = "saved data removed; autosave is off until you turn it on again";
}

void restore_saved() {
  g->restored = true;
  std::string text;
  bool any = false;
  if (read_file(kStatePath, text)) {
    try {
      g->s.load_state(text);
      any = true;
    } catch (const std::exception& e) {
      std::printf("restore: saved state ignored: %s\n", e.what());
    }
  }
  std::string model;
  if (read_file(kModelPath, model) && !model.empty()) {
    try {
      g->s.load_model_file(reinterpret_cast<const uint8_t*>(model.data()), model.size());
      any = true;
    } catch (const std::exception& e) {
      std::printf("restore: saved model ignored: %s\n", e.what());
    }
  }
  if (any) {
    apply_loaded_config();
    if (!g->s.dataset(g->cfg.dataset) && g->cfg.dataset == "dhcd" && g->dhcd_available) {
      g->pending_dataset = "dhcd";
      js_load_pack("dhcd");
    }
    g->results_force = true;
    g->draw_dirty = true;
    g->io_message = "restored the saved session (" + std::to_string(g->s.runs().size()) + " runs" +
                    (g->s.has_model() ? ", model" : "") + ")";
  }
  g->saved_rev = g->seen_rev = g->s.revision();
  g->saved_edits = g->seen_edits = g->ui_edits;
}

void announce_ready() {
  g->ready = true;
  EM_ASM({
    if (window.daeShell) window.daeShell.setStatus("");
    window.dae.ready = true;
  });
}

}  // namespace app

// ---- exported to JS (web/dae_api.js) -------------------------------------------------------------
using app::g;

namespace {
std::string& ret(int slot) {
  static std::string buffers[8];
  return buffers[slot & 7];
}
const char* give(int slot, std::string s) {
  ret(slot) = std::move(s);
  return ret(slot).c_str();
}
std::vector<float> float_ret;
std::vector<uint8_t> byte_ret;
}  // namespace

extern "C" {

// Data pack fetched by JS: adds it; "" or an error message.
EMSCRIPTEN_KEEPALIVE const char* dae_add_pack(const uint8_t* bytes, int n, const char* what, int select) {
  try {
    dae::Dataset ds = dae::load_pack_bytes(bytes, size_t(n), what);
    const std::string name = ds.name;
    const bool first = g->s.dataset_names().empty();
    g->s.add_dataset(std::move(ds));
    if (name == "dhcd") g->dhcd_loading = false;
    if (first || select || g->pending_dataset == name) {
      g->pending_dataset.clear();
      app::select_dataset(name);
    }
    return give(0, "");
  } catch (const std::exception& e) {
    if (std::string(what).find("dhcd") != std::string::npos) g->dhcd_loading = false;
    g->data_error = e.what();
    return give(0, e.what());
  }
}

EMSCRIPTEN_KEEPALIVE void dae_pack_failed(const char* name, const char* message) {
  if (std::string(name) == "dhcd") g->dhcd_loading = false;
  g->data_error = std::string("could not load ") + name + ": " + message;
}

EMSCRIPTEN_KEEPALIVE void dae_set_flag(const char* name, int value) {
  const std::string n = name;
  if (n == "mnist_done") g->mnist_done = value;
  else if (n == "persist_done") g->persist_done = value;
  else if (n == "dhcd_available") g->dhcd_available = value;
  else if (n == "dhcd_bytes") g->dhcd_bytes = value;
  else if (n == "saving") g->saving = value;
}

EMSCRIPTEN_KEEPALIVE void dae_set_busy(const char* text) { g->busy = text; }

// A folder or .zip written into MEMFS by JS: imports it; "" or an error message.
EMSCRIPTEN_KEEPALIVE const char* dae_import(const char* path) {
  try {
    const std::string name = g->s.import_dataset(path);
    g->data_error.clear();
    app::select_dataset(name);
    return give(1, "");
  } catch (const std::exception& e) {
    g->data_error = e.what();
    return give(1, e.what());
  }
}

EMSCRIPTEN_KEEPALIVE const char* dae_status() { return give(2, dae::dump_json(app::status_json())); }

// window.dae.train(config): the CLI's keys (dataset, arch, noise, epochs, batch, lr, train, val,
// seed, loss, fresh_noise); missing keys take the CLI defaults. "" or an error message.
EMSCRIPTEN_KEEPALIVE const char* dae_train(const char* json) {
  try {
    const dae::Json j = dae::parse_json(json);
    dae::TrainConfig c = dae::TrainConfig::from_json(j, dae::TrainConfig());
    if (!g->s.dataset(c.dataset) && (c.dataset == "dhcd" || c.dataset == "devanagari") && g->dhcd_available)
      throw dae::Error("dataset 'dhcd' is not loaded yet: await dae.loadDataset('dhcd') first");
    const dae::TrainConfig before = g->cfg;
    const std::string preset = g->preset;
    const auto rows = g->rows;
    g->cfg = c;
    if (const dae::Dataset* d = g->s.dataset(c.dataset)) g->cfg.dataset = d->name;
    // The Model panel shows the architecture: a preset name selects the preset.
    const int side = app::dataset_side(g->cfg.dataset);
    if (!dae::Model::preset_spec(c.arch, side, side).empty()) {
      app::select_preset(c.arch);
    } else {
      try {
        app::set_rows(dae::spec_to_rows(c.arch));
      } catch (const std::exception&) {
        g->preset.clear();
      }
    }
    g->cfg.arch = c.arch;
    g->cfg.threads = 1;
    try {
      g->s.start(g->cfg);
    } catch (...) {
      g->cfg = before;
      g->preset = preset;
      g->rows = rows;
      g->check_key.clear();
      throw;
    }
    g->train_error.clear();
    g->results_force = g->draw_dirty = g->inspect_dirty = true;
    g->preview_key.clear();
    return give(3, "");
  } catch (const std::exception& e) {
    return give(3, e.what());
  }
}

EMSCRIPTEN_KEEPALIVE void dae_pause() { g->s.pause(); }
EMSCRIPTEN_KEEPALIVE void dae_resume() { g->s.resume(); }
EMSCRIPTEN_KEEPALIVE void dae_reset() { app::reset_training(); }

// Float buffers for JS: dae_floats_alloc(n) → pointer valid until the next call.
EMSCRIPTEN_KEEPALIVE float* dae_floats(int n) {
  float_ret.assign(size_t(std::max(0, n)), 0.f);
  return float_ret.data();
}

// window.dae.denoise: in → out (n floats each). Returns "" or an error message.
EMSCRIPTEN_KEEPALIVE const char* dae_denoise(const float* in, int n, float* out) {
  try {
    const std::vector<float> y = g->s.denoise(std::vector<float>(in, in + n));
    std::copy(y.begin(), y.end(), out);
    return give(4, "");
  } catch (const std::exception& e) {
    return give(4, e.what());
  }
}

// UI facts for tests, as JSON.
EMSCRIPTEN_KEEPALIVE const char* dae_ui(const char* what) {
  const std::string w = what;
  dae::Json j = dae::Json::object();
  auto arr = [](const std::vector<float>& v) {
    dae::Json a = dae::Json::array();
    for (float x : v) a.push_back(double(x));
    return a;
  };
  if (w == "canvas") {
    j["x"] = g->canvas_min.x;
    j["y"] = g->canvas_min.y;
    j["width"] = g->canvas_max.x - g->canvas_min.x;
    j["height"] = g->canvas_max.y - g->canvas_min.y;
    j["side"] = g->draw_side;
  } else if (w == "draw") {
    j["side"] = g->draw_side;
    j["drawn"] = arr(g->drawn);
    j["noisy"] = arr(g->draw_has_output || !g->draw_triple.noisy.empty() ? g->draw_triple.noisy : std::vector<float>());
    j["denoised"] = arr(g->draw_has_output ? g->draw_triple.denoised : std::vector<float>());
    j["psnr_noisy"] = g->draw_triple.psnr_noisy;
    j["psnr_denoised"] = g->draw_triple.psnr_denoised;
    j["pending"] = g->draw_dirty;
  } else if (w == "runs") {
    dae::Json a = dae::Json::array();
    for (const auto& r : g->s.runs()) a.push_back(r.to_json());
    j["runs"] = a;
    j["observations"] = g->s.observations();
  } else if (w == "csv") {
    j["csv"] = g->s.runs_csv();
  } else if (w == "results") {
    dae::Json a = dae::Json::array();
    for (const auto& t : g->results)
      a.push_back(dae::Json::object({{"index", t.index}, {"psnr_noisy", t.psnr_noisy}, {"psnr_denoised", t.psnr_denoised},
                                     {"ssim_noisy", t.ssim_noisy}, {"ssim_denoised", t.ssim_denoised}}));
    j["results"] = a;
  } else if (w == "rects") {
    j = app::marks_json();
  } else if (w == "config") {
    j = g->cfg.to_json();
    j["preset"] = g->preset;
    j["spec"] = dae::rows_to_spec(g->rows);
    j["params"] = g->check.params;
    j["arch_ok"] = g->check.ok;
    j["arch_error"] = g->check.error;
    dae::Json names = dae::Json::array();
    for (const auto& n : g->s.dataset_names()) names.push_back(n);
    j["datasets"] = names;
    j["side"] = app::dataset_side(g->cfg.dataset);
    j["data_error"] = g->data_error;
    j["busy"] = g->busy;
    j["train_error"] = g->train_error;
    j["spec_error"] = g->spec_error;
    j["log_scale"] = g->log_scale;
    j["budget_ms"] = double(g->budget_ms);
  }
  return give(5, dae::dump_json(j));
}

EMSCRIPTEN_KEEPALIVE void dae_clear_drawing() { app::clear_drawing(); }

// Sets the Draw canvas (side² floats), as if drawn.
EMSCRIPTEN_KEEPALIVE int dae_set_drawing(const float* px, int n) {
  if (size_t(n) != g->drawn.size()) return 0;
  g->drawn.assign(px, px + n);
  g->draw_dirty = true;
  return 1;
}

EMSCRIPTEN_KEEPALIVE uint8_t* dae_model_bytes(int* n) {
  try {
    byte_ret = g->s.model_file();
    *n = int(byte_ret.size());
    return byte_ret.data();
  } catch (const std::exception& e) {
    g->io_error = e.what();
    *n = -1;
    return nullptr;
  }
}

// A .safetensors file (from the file picker or dae.uploadModel): "" or an error message.
EMSCRIPTEN_KEEPALIVE const char* dae_upload_model(const uint8_t* bytes, int n, const char* name) {
  try {
    g->s.load_model_file(bytes, size_t(n));
    app::apply_loaded_config();
    g->io_error.clear();
    g->io_message = std::string("loaded ") + name + " (" + g->s.model()->name() + ", " +
                    app::fmt_int((long long)g->s.model()->num_params()) + " params)";
    g->results_force = g->draw_dirty = g->inspect_dirty = true;
    return give(6, "");
  } catch (const std::exception& e) {
    g->io_error = std::string(name) + ": " + e.what();
    return give(6, e.what());
  }
}

EMSCRIPTEN_KEEPALIVE void dae_show_tab(const char* name) {
  const std::string n = name;
  if (n == "data") g->force_left = int(app::LeftTab::Data);
  else if (n == "model") g->force_left = int(app::LeftTab::Model);
  else if (n == "files") g->force_left = int(app::LeftTab::Files);
  else if (n == "results") g->force_right = int(app::RightTab::Results);
  else if (n == "experiments") g->force_right = int(app::RightTab::Experiments);
  else if (n == "inspect") g->force_right = int(app::RightTab::Inspect);
}

EMSCRIPTEN_KEEPALIVE void dae_set_budget(double ms) { g->budget_ms = float(std::clamp(ms, 1.0, 200.0)); }

EMSCRIPTEN_KEEPALIVE void dae_select_run(int id, int overlay) {
  g->selected_run = id;
  if (overlay) g->overlay.insert(id);
}

EMSCRIPTEN_KEEPALIVE void dae_save_now() { app::save_now(); }

EMSCRIPTEN_KEEPALIVE void dae_set_observations(const char* text) {
  g->s.observations() = text;
  ++g->ui_edits;
}

}  // extern "C"
