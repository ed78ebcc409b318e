// bridge.cpp — window.dae's C side, in one file: the C functions behind window.dae and the
// browser glue (web/api/dae_api.js, linked with --post-js), the JSON of status() and ui(), and
// window.dae.ready. JSON crosses this boundary and nowhere else. Strings and byte buffers are
// returned as malloc'ed memory that the JS side reads and frees (no shared return slots);
// errors come back as a string ("" when the call worked).
#include <emscripten.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

#include "state/app.h"
#include "imgui_internal.h"
#include "platform/present.h"

using app::App;

namespace {

char* give(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

App& A() { return app::the(); }

}  // namespace

namespace app {

// ---- window.dae.status() and window.dae.ready ------------------------------------------------------
// "2 threads", "1 thread: why": the header shows it, status() reports it.
std::string threads_text(const App& a) {
  const int t = a.status.threads;
  if (!a.browser.threaded_build) return "1 thread: " + a.browser.single_reason;
  std::string s = std::to_string(t) + (t == 1 ? " thread" : " threads");
  // While the user draws or types, a run leaves one core to the page (same results).
  if (a.session.training() && t > 1 && a.session.spare_threads() > 0)
    s += " (" + std::to_string(std::max(1, t - a.session.spare_threads())) + " while you work)";
  return s;
}

namespace {

dae::Json finite_or_null(double v) { return std::isfinite(v) ? dae::Json(v) : dae::Json(); }

// The model in memory.
void status_model(const dae::Session::Status& st, dae::Json& j) {
  j["dataset"] = st.dataset;
  j["arch"] = st.model.arch;
  j["arch_name"] = st.model.arch_name;
  j["params"] = uint64_t(st.model.params);
  j["input"] = st.model.input_h;
  j["model"] = dae::Json::object({{"source", dae::model_source_name(st.model.source)},
                                  {"run_id", st.model.run_id},
                                  {"file", st.model.file},
                                  {"description", st.model.describe()},
                                  {"epochs", st.model.epochs_trained},
                                  {"val_psnr", finite_or_null(st.model.val_psnr)},
                                  {"val_ssim", finite_or_null(st.model.val_ssim)},
                                  {"noisy_psnr", finite_or_null(st.model.noisy_psnr)},
                                  {"noisy_ssim", finite_or_null(st.model.noisy_ssim)},
                                  {"collapsed", st.model.collapsed}});
}

// The run in progress (or the last one): where it is, its losses, its pace.
void status_run(const dae::Session::Status& st, dae::Json& j) {
  j["run_id"] = st.run_id;
  j["state"] = st.has_run ? dae::run_state_name(st.state) : "idle";
  j["training"] = st.training;
  j["paused"] = st.paused;
  j["validating"] = st.validating;
  j["epoch"] = st.epoch;
  j["epochs"] = st.epochs;
  j["step"] = st.step;
  j["steps"] = st.steps;
  j["progress"] = st.progress;
  j["train_size"] = uint64_t(st.train_size);
  j["val_size"] = uint64_t(st.val_size);
  j["train_loss"] = finite_or_null(st.train_loss);
  j["val_loss"] = finite_or_null(st.val_loss);
  j["val_psnr"] = finite_or_null(st.val_psnr);
  j["val_ssim"] = finite_or_null(st.val_ssim);
  j["noisy_loss"] = finite_or_null(st.noisy_loss);
  j["noisy_psnr"] = finite_or_null(st.noisy_psnr);
  j["noisy_ssim"] = finite_or_null(st.noisy_ssim);
  j["samples_per_s"] = st.samples_per_s;
  j["eta_s"] = finite_or_null(st.eta_s);
  j["elapsed_s"] = st.elapsed_s;
  j["compute_s"] = st.compute_s;
  j["error"] = st.error;
  j["history"] = dae::history_json(st.history);
}

// Threads, and what this build and page allow.
void status_threads(App& a, dae::Json& j) {
  j["threads"] = a.status.threads;
  j["threads_next"] = a.threads;
  j["spare_threads"] = a.session.spare_threads();
  j["threads_text"] = threads_text(a);  // as the header shows it
  j["isolated"] = a.browser.isolated;
  j["threaded_build"] = a.browser.threaded_build;
  j["simd"] = a.browser.simd;
  // The Draw pad's, Results' and Inspect's forward passes: on the helper thread, or inline.
  j["model_work"] = {{"on_helper", a.work->threaded()}, {"jobs", a.work->jobs_run()}, {"busy", a.work->busy()}};
}

// The frame loop: main-thread time, what was redrawn, the frame rate, idling.
void status_frames(const App& a, dae::Json& j) {
  j["frame_ms_p95"] = a.timing.stats.interval_p95();
  j["main_work_ms_p95"] = a.timing.stats.main_p95();
  j["main_work_ms_p50"] = a.timing.stats.main_p50();
  dae::Json parts = dae::Json::object();
  for (const auto& [part, ms] : a.timing.stats.parts_p95()) parts[part] = ms;
  j["main_work_parts_ms_p95"] = parts;
  const present::Stats& ps = present::stats();
  j["redraw"] = {{"frames", ps.frames}, {"full", ps.full}, {"partial", ps.partial}, {"skipped", ps.skipped},
                 {"drawn_area", ps.drawn_area}, {"uploads", ps.uploads}, {"checks", ps.checks},
                 {"check_differing", ps.check_differing}, {"screen_kept", ps.screen_kept}};
  j["fps"] = double(a.timing.render_times.size()) / 3.0;
  j["rendered_frames"] = a.timing.rendered;
  j["idle"] = a.timing.idle;
  j["busy_because"] = a.timing.busy_because;
  dae::Json why = dae::Json::object();
  for (const auto& [k, v] : a.timing.renders_by_reason) why[k] = v;
  j["renders_by_reason"] = why;
}

// Saving in this browser, and what was restored on opening.
void status_saving(const App& a, dae::Json& j) {
  j["runs"] = uint64_t(a.session.runs().size());
  j["saving"] = a.files.saving;
  j["saved_revision"] = a.files.saved_rev;
  j["revision"] = a.session.revision();
  j["storage_note"] = a.files.storage_note;
  j["save_text"] = save_text(a);               // the header's word on saving
  j["unsaved_warning"] = a.files.warning_on;   // leaving the tab asks first
  j["other_tab"] = a.browser.other_tab;        // another tab holds the saved session: this one saves nothing
  j["restore_note"] = a.files.restore_note;
}

}  // namespace

std::string status_json(App& a) {
  dae::Json j = dae::Json::object();
  status_model(a.status, j);
  status_run(a.status, j);
  status_threads(a, j);
  status_frames(a, j);
  status_saving(a, j);
  j["layout"] = layout_mode_name(a.layout.mode);
  return dae::dump_json(j);
}

// The first screen works: the shell's loading line goes, and window.dae.usable turns true.
void announce_usable(App& a) {
  a.timing.usable = true;
  EM_ASM({
    if (window.daeShell) window.daeShell.setStatus("");
    window.dae.usable = true;
  });
}

// Everything the page loads at start is in: window.dae.ready turns true.
void announce_ready(App& a) {
  a.timing.ready = true;
  EM_ASM({
    if (window.daeShell) window.daeShell.setStatus("");
    window.dae.ready = true;
  });
}

// ---- window.dae.ui(what) -------------------------------------------------------------------------
namespace {

dae::Json floats_json(const std::vector<float>& v) {
  dae::Json x = dae::Json::array();
  for (float f : v) x.push_back(double(f));
  return x;
}

// The Draw canvas, within the app's canvas (CSS px).
dae::Json ui_canvas(const App& a) {
  dae::Json j = dae::Json::object();
  j["x"] = css(a.draw.canvas_min.x);
  j["y"] = css(a.draw.canvas_min.y);
  j["width"] = css(a.draw.canvas_max.x - a.draw.canvas_min.x);
  j["height"] = css(a.draw.canvas_max.y - a.draw.canvas_min.y);
  j["side"] = a.draw.side;
  return j;
}

// The Draw panel: the drawing, its noisy and denoised images, and how many frames they lagged.
dae::Json ui_draw(const App& a) {
  dae::Json j = dae::Json::object();
  j["side"] = a.draw.side;
  j["drawn"] = floats_json(a.draw.drawn);
  j["noisy"] = floats_json(a.draw.out.noisy);
  j["denoised"] = floats_json(a.draw.has_output ? a.draw.out.denoised : std::vector<float>());
  j["psnr_noisy"] = a.draw.out.psnr_noisy;
  j["psnr_denoised"] = a.draw.out.psnr_denoised;
  j["eraser"] = a.draw.eraser;
  j["rendered_frames"] = a.timing.rendered;
  j["latency_frames"] = a.draw.latency_frames;
  j["max_latency_frames"] = a.draw.max_latency_frames;
  return j;
}

dae::Json ui_runs(App& a) {
  dae::Json j = dae::Json::object();
  dae::Json x = dae::Json::array();
  for (const auto& r : a.session.runs()) {
    dae::Json rj = r.to_json();
    rj["has_model"] = bool(r.weights);
    rj["improved"] = r.improved();
    x.push_back(rj);
  }
  j["runs"] = x;
  dae::Json sw = dae::Json::array();
  for (const auto& s : a.session.sweeps()) sw.push_back(s.to_json());
  j["sweeps"] = sw;
  j["observations"] = a.session.observations();
  return j;
}

// The Latent panel: its map (map coordinates; the screen rectangle is mark 'latent_map'), the
// points of its first images, and what the point job computed.
dae::Json ui_latent(const App& a) {
  const LatentState& l = a.latent;
  dae::Json j = dae::Json::object();
  j["maps"] = l.maps;
  j["error"] = l.error;
  j["method"] = l.view ? dae::map_method_name(l.view->map.method) : "";
  j["tsne_busy"] = l.tsne_busy;
  j["tsne_done"] = l.tsne_done;
  j["tsne_portions"] = l.tsne_portions;
  if (!l.view) return j;
  const LatentView& v = *l.view;
  j["n"] = v.codes.n;
  j["dim"] = v.codes.dim;
  j["extent"] = {v.x0, v.x1, v.y0, v.y1};
  j["axes"] = {v.map.axis_label(0), v.map.axis_label(1)};
  dae::Json pts = dae::Json::array();
  for (int i = 0; i < std::min(v.codes.n, 50); ++i)
    pts.push_back({v.map.xy[size_t(2 * i)], v.map.xy[size_t(2 * i + 1)], int(v.labels[size_t(i)])});
  j["points"] = pts;
  j["drawn"] = l.points.drawn_xy.size() == 2 ? dae::Json(l.points.drawn_xy) : dae::Json();
  j["decoded"] = l.points.decoded;
  j["mixed"] = l.points.mixed;
  j["a"] = l.a;
  j["b"] = l.b;
  j["t"] = l.t;
  return j;
}

dae::Json ui_results(const App& a) {
  dae::Json j = dae::Json::object();
  dae::Json x = dae::Json::array();
  for (const auto& t : a.results.rows)
    x.push_back(dae::Json::object({{"index", uint64_t(t.index)}, {"psnr_noisy", t.psnr_noisy},
                                   {"psnr_denoised", t.psnr_denoised}, {"ssim_noisy", t.ssim_noisy},
                                   {"ssim_denoised", t.ssim_denoised}}));
  j["results"] = x;
  j["collapsed"] = a.results.collapsed;
  return j;
}

// Where the keyboard focus is (Tab, arrows): its panel window, the marked widget under it,
// and whether its highlight shows (it hides when the mouse is used).
dae::Json ui_focus() {
  dae::Json j = dae::Json::object();
  const ImGuiContext& g = *GImGui;
  j["window"] = g.NavWindow ? g.NavWindow->RootWindow->Name : "";
  j["visible"] = g.NavId != 0 && !g.NavDisableHighlight;
  j["mark"] = "";
  if (g.NavWindow && g.NavId) {
    const ImRect r = ImGui::WindowRectRelToAbs(g.NavWindow, g.NavWindow->NavRectRel[g.NavLayer]);
    j["mark"] = mark_containing(r.GetCenter());
    j["rect"] = dae::Json::object({{"x", css(r.Min.x)}, {"y", css(r.Min.y)}, {"width", css(r.GetWidth())}, {"height", css(r.GetHeight())}});
  }
  return j;
}

// The layout: its mode, each panel's window as drawn, the marked items and windows, the focus
// and the tabs chosen.
dae::Json ui_layout(const App& a) {
  dae::Json j = dae::Json::object();
  j["mode"] = layout_mode_name(a.layout.mode);
  j["display"] = dae::Json::object({{"width", css(ImGui::GetIO().DisplaySize.x)}, {"height", css(ImGui::GetIO().DisplaySize.y)}});
  j["ui_scale"] = a.browser.ui_scale;
  j["look"] = dae::Json::object({{"touch", a.browser.touch}, {"more_contrast", a.browser.more_contrast}});
  dae::Json panels = dae::Json::object();
  for (int p = 0; p < int(Panel::Count); ++p) {
    const auto& b = a.layout.boxes[p];
    if (!b.drawn) continue;
    panels[panel_title(Panel(p))] = dae::Json::object(
        {{"x", css(b.pos.x)}, {"y", css(b.pos.y)}, {"width", css(b.size.x)}, {"height", css(b.size.y)},
         {"content_width", css(b.content.x)}, {"content_height", css(b.content.y)},
         {"scroll_max_x", css(b.scroll_max_x)}, {"scroll_max_y", css(b.scroll_max_y)}});
  }
  j["panels"] = panels;
  j["items"] = items_json();
  j["windows"] = windows_json();
  const ImGuiContext& g = *GImGui;
  j["nav"] = dae::Json::object({{"id", g.NavId},
                                {"window", g.NavWindow ? std::string(g.NavWindow->RootWindow->Name) : ""},
                                {"visible", g.NavId != 0 && !g.NavDisableHighlight}});
  j["narrow_tab"] = panel_title(a.layout.narrow_tab);
  j["wide_left"] = panel_title(a.layout.wide_left);
  j["wide_right"] = panel_title(a.layout.wide_right);
  j["middle_first"] = panel_title(a.layout.middle_first);
  j["middle_second"] = panel_title(a.layout.middle_second);
  return j;
}

// The settings of the Data, Model and Training panels, and the messages the page shows.
dae::Json ui_config(App& a) {
  dae::Json j = a.editor.cfg.to_json();
  j["preset"] = a.editor.preset;
  j["spec"] = dae::format_spec(a.editor.rows);
  j["params"] = uint64_t(a.editor.check.params);
  j["arch_ok"] = a.editor.check.ok;
  j["arch_error"] = a.editor.check.error;
  dae::Json names = dae::Json::array();
  for (const auto& n : a.session.dataset_names()) names.push_back(n);
  j["datasets"] = names;
  j["side"] = dataset_side(a, a.editor.cfg.dataset);
  const dae::Dataset* ds = a.session.dataset(a.editor.cfg.dataset);
  j["dataset_description"] = ds ? dae::describe_dataset(*ds) : std::string();
  j["data_error"] = a.browser.data_error;
  j["busy"] = a.browser.busy;
  j["train_error"] = a.editor.train_error;
  j["train_waiting"] = a.editor.train_waiting;
  j["spec_error"] = a.editor.spec_error;
  j["log_scale"] = a.plot.log_scale;
  j["threads"] = a.threads;
  j["sweep_axis"] = sweep_axes()[size_t(a.exp.sweep_axis)].name;
  j["sweep_values"] = a.exp.sweep_values;
  j["notes"] = dae::Json::object({{"epochs", a.editor.notes.get("epochs", a.timing.now)},
                                  {"lr", a.editor.notes.get("lr", a.timing.now)},
                                  {"seed", a.editor.notes.get("seed", a.timing.now)}});
  j["files_message"] = a.files.message;
  j["files_error"] = a.files.error;
  j["autosave"] = a.files.autosave;
  j["hint_shown"] = !a.hint_dismissed && a.session.runs().empty();
  j["confirm"] = a.confirm.open ? dae::Json(a.confirm.title) : dae::Json();
  j["confirm_text"] = a.confirm.open ? dae::Json(a.confirm.text) : dae::Json();
  j["clipboard"] = last_copied();
  return j;
}

}  // namespace

}  // namespace app

extern "C" {

// ---- data -------------------------------------------------------------------------------------------
// A data pack fetched by JS: adds it; "" or an error message.
EMSCRIPTEN_KEEPALIVE char* dae_add_pack(const uint8_t* bytes, int n, const char* what, int select) {
  App& a = A();
  try {
    dae::Dataset ds = dae::load_pack_bytes(bytes, size_t(n), what);
    const std::string name = ds.name;
    const bool first = a.session.dataset_names().empty();
    a.session.add_dataset(std::move(ds));
    if (name == "dhcd") a.browser.dhcd_loading = false;
    if (first || select || a.browser.pending_dataset == name) {
      a.browser.pending_dataset.clear();
      app::select_dataset(a, name);
    }
    return give("");
  } catch (const std::exception& e) {
    if (std::string(what).find("dhcd") != std::string::npos) a.browser.dhcd_loading = false;
    a.browser.data_error = dae::message_of(e);
    return give(a.browser.data_error);
  }
}

// A bundled pack that did not arrive: one line, and everything stays as it was.
EMSCRIPTEN_KEEPALIVE void dae_pack_failed(const char* name, const char* message) {
  App& a = A();
  const std::string n = name;
  if (n == "dhcd") a.browser.dhcd_loading = false;
  if (a.browser.pending_dataset == n) a.browser.pending_dataset.clear();
  a.browser.data_error = app::dataset_label(a, n) + " could not be loaded (" + dae::printable(message, 120) +
                         "); nothing else changed. " + (n == "mnist" ? "Reload the page" : "Choose them again") + " to retry.";
}

EMSCRIPTEN_KEEPALIVE void dae_set_flag(const char* name, int value) {
  App& a = A();
  const std::string n = name;
  if (n == "mnist_done") a.browser.mnist_done = value;
  else if (n == "persist_done") a.browser.persist_done = value;
  else if (n == "persist_read_failed") a.browser.persist_read_failed = value;
  else if (n == "fresh") a.browser.fresh = value;
  else if (n == "other_tab") a.browser.other_tab = value;
  else if (n == "took_over") a.browser.took_over = value;
  else if (n == "session_taken") session_taken(a);
  else if (n == "session_lost") session_lost(a);
  else if (n == "dhcd_listed") a.browser.dhcd_listed = value;
  else if (n == "dhcd_bytes") a.browser.dhcd_bytes = value;
  else if (n == "saved") save_confirmed(a);  // the browser stored the save (FS.syncfs called back)
  app::js_redraw();  // state from the browser is not input: no second of full-rate frames
}

EMSCRIPTEN_KEEPALIVE void dae_set_text(const char* name, const char* text) {
  App& a = A();
  const std::string n = name;
  if (n == "busy") a.browser.busy = text;
  else if (n == "dhcd_kind") a.browser.dhcd_kind = text;
  else if (n == "single_reason") a.browser.single_reason = text;
  else if (n == "files_error") a.files.error = text;   // dae_api.js: a file that did not fit the heap
  else if (n == "data_error") a.browser.data_error = text;
  else if (n == "storage_error") save_failed(a, text);  // refused, or never confirmed
  else if (n == "pretrained_failed") {
    a.files.pretrained_loading.clear();
    std::printf("pretrained model not loaded: %s\n", text);
  }
  app::js_redraw();
}

// A folder or .zip written into MEMFS by JS: imports it; "" or an error message.
EMSCRIPTEN_KEEPALIVE char* dae_import(const char* path) {
  App& a = A();
  try {
    const std::string name = a.session.import_dataset(path);
    a.browser.data_error.clear();
    app::select_dataset(a, name);
    return give("");
  } catch (const std::exception& e) {
    a.browser.data_error = dae::message_of(e);
    return give(a.browser.data_error);
  }
}

// ---- model files --------------------------------------------------------------------------------------
// A .safetensors file (the file picker, dae.uploadModel, a bundled pretrained model): "" or
// an error message that starts with a plain sentence.
EMSCRIPTEN_KEEPALIVE char* dae_upload_model(const uint8_t* bytes, int n, const char* name, int bundled) {
  App& a = A();
  // A bundled model only replaces nothing or another bundled model (never one the user made or
  // chose: a run's, an upload; runs keep their own models).
  if (bundled && a.session.has_model() && a.session.model_info().source != dae::ModelSource::Bundled) {
    a.files.pretrained_loading.clear();
    return give("");
  }
  try {
    a.session.load_model_file(bytes, size_t(n), name, bundled ? dae::ModelSource::Bundled : dae::ModelSource::Uploaded);
    // The editor follows a model the user chose; a bundled one only fills in the settings of a
    // first visit (never settings restored from the saved session).
    if (!bundled || !a.editor.restored) app::apply_model_config(a);
    a.files.error.clear();
    a.files.message = bundled ? "" : std::string("loaded ") + name + ": " + a.session.model_info().describe();
    if (bundled) a.files.pretrained_loading.clear();
    app::js_wake();
    return give("");
  } catch (const std::exception& e) {
    const std::string msg = dae::message_of(e);
    if (bundled) a.files.pretrained_loading.clear();
    else a.files.error = msg + " (" + name + ")";
    return give(msg);
  }
}

// The current model's file: bytes (JS frees them), *n its length (-1 without a model).
EMSCRIPTEN_KEEPALIVE uint8_t* dae_model_bytes(int* n) {
  try {
    const std::vector<uint8_t> b = A().session.model_file();
    uint8_t* p = static_cast<uint8_t*>(std::malloc(std::max<size_t>(1, b.size())));
    std::memcpy(p, b.data(), b.size());
    *n = int(b.size());
    return p;
  } catch (const std::exception&) {
    *n = -1;
    return nullptr;
  }
}

EMSCRIPTEN_KEEPALIVE char* dae_model_file_name() { return give(A().session.model_file_name()); }

// ---- training -------------------------------------------------------------------------------------------
// Fresh, not the frame's copy: a call right after train() or stop() sees its effect.
EMSCRIPTEN_KEEPALIVE char* dae_status() {
  App& a = A();
  a.status = a.session.status();
  return give(app::status_json(a));
}

namespace {

// The editor takes a config given as JSON (the CLI's keys; missing keys take the CLI defaults;
// "threads" the page's thread count). Throws with nothing changed on a bad config.
void configure(App& a, const char* json) {
  const dae::Json j = dae::parse_json(json);
  dae::TrainConfig c = dae::TrainConfig::from_json(j, dae::TrainConfig());
  if (!a.session.dataset(c.dataset) && dae::canonical_dataset_name(c.dataset) == "dhcd" && a.browser.dhcd_listed)
    throw dae::Error("dataset 'dhcd' is not loaded yet: await dae.loadDataset('dhcd') first");
  if (const dae::Dataset* d = a.session.dataset(c.dataset)) c.dataset = d->name;
  const int h = app::dataset_side(a, c.dataset), w = app::dataset_side(a, c.dataset, true);
  // The Model panel shows the architecture: a preset name selects the preset.
  const bool preset = !dae::Model::preset_spec(c.arch, h, w).empty();
  dae::apply_preset_training(c, c.arch, [&](const std::string& k) { return dae::json_find(j, k) != nullptr; });
  const std::vector<dae::LayerSpec> rows = preset ? std::vector<dae::LayerSpec>() : dae::parse_spec(c.arch);  // throws
  if (dae::json_find(j, "threads")) {
    if (const std::string err = app::threads_error(a, c.threads); !err.empty()) throw dae::Error(err);
  }
  a.editor.cfg = c;
  if (preset) app::select_preset(a, c.arch);
  else app::set_rows(a, rows);
  if (dae::json_find(j, "threads")) a.threads = c.threads;
}

}  // namespace

// window.dae.configure(config): the Data, Model and Training panels take these settings (nothing
// starts). "" or an error message.
EMSCRIPTEN_KEEPALIVE char* dae_configure(const char* json) {
  try {
    configure(A(), json);
    app::js_wake();
    return give("");
  } catch (const std::exception& e) {
    return give(dae::message_of(e));
  }
}

// window.dae.train(config): configure, then start a run. "" or an error message (and the
// settings as they were).
EMSCRIPTEN_KEEPALIVE char* dae_train(const char* json) {
  App& a = A();
  const dae::TrainConfig before = a.editor.cfg;
  const std::string preset = a.editor.preset;
  const auto rows = a.editor.rows;
  const int threads_before = a.threads;
  try {
    configure(a, json);
    std::string err;
    if (!app::start_training(a, &err)) throw dae::Error(err);
    app::js_wake();
    return give("");
  } catch (const std::exception& e) {
    a.editor.cfg = before;
    a.editor.preset = preset;
    a.editor.rows = rows;
    a.threads = threads_before;
    a.editor.check_memo.force();
    return give(dae::message_of(e));
  }
}

EMSCRIPTEN_KEEPALIVE void dae_pause() { A().session.pause(); }
EMSCRIPTEN_KEEPALIVE void dae_resume() { A().session.resume(); }
EMSCRIPTEN_KEEPALIVE void dae_stop() { A().session.stop(); }
EMSCRIPTEN_KEEPALIVE void dae_reset() { app::start_from_scratch(A()); }

EMSCRIPTEN_KEEPALIVE char* dae_set_threads(int n) {
  App& a = A();
  const std::string err = app::threads_error(a, n);
  if (err.empty()) a.threads = n;
  return give(err);
}

// window.dae.denoise: in → out (n floats each). "" or an error message.
EMSCRIPTEN_KEEPALIVE char* dae_denoise(const float* in, int n, float* out) {
  try {
    const std::vector<float> y = A().session.denoise(std::vector<float>(in, in + n));
    std::copy(y.begin(), y.end(), out);
    return give("");
  } catch (const std::exception& e) {
    return give(dae::message_of(e));
  }
}

// ---- the UI, for tests and people -----------------------------------------------------------------------
// UI facts as JSON (window.dae's rects, focus, layout, texts, config, …); {} for an unknown `what`.
EMSCRIPTEN_KEEPALIVE char* dae_ui(const char* what) {
  App& a = A();
  const std::string w = what;
  dae::Json j = dae::Json::object();
  if (w == "canvas") j = app::ui_canvas(a);
  else if (w == "draw") j = app::ui_draw(a);
  else if (w == "runs") j = app::ui_runs(a);
  else if (w == "csv") j["csv"] = a.session.runs_csv();
  else if (w == "results") j = app::ui_results(a);
  else if (w == "rects") j = app::marks_json();
  else if (w == "focus") j = app::ui_focus();
  else if (w == "layout") j = app::ui_layout(a);
  else if (w == "texts") j = app::texts_json();
  else if (w == "config") j = app::ui_config(a);
  else if (w == "latent") j = app::ui_latent(a);
  return give(dae::dump_json(j));
}

EMSCRIPTEN_KEEPALIVE void dae_clear_drawing() { app::clear_drawing(A()); }
// The next frame is drawn both in part and in full, and the pixels compared (status().redraw).
EMSCRIPTEN_KEEPALIVE void dae_check_redraw() {
  present::request_check();
  app::js_redraw();
}

// Sets the Draw canvas (side² floats), as if drawn.
EMSCRIPTEN_KEEPALIVE int dae_set_drawing(const float* px, int n) {
  App& a = A();
  if (size_t(n) != a.draw.drawn.size()) return 0;
  a.draw.drawn.assign(px, px + n);
  ++a.draw.drawn_rev;
  app::js_wake();
  return 1;
}

EMSCRIPTEN_KEEPALIVE void dae_show_tab(const char* name) {
  // A panel's id or its title, in any case ("experiments" or "Runs").
  std::string n = name;
  for (char& c : n) c = char(std::tolower(static_cast<unsigned char>(c)));
  for (const app::PanelDef& d : app::panel_table()) {
    std::string title = d.title;
    for (char& c : title) c = char(std::tolower(static_cast<unsigned char>(c)));
    if (n == d.id || n == title) A().layout.force_tab = int(d.panel);
  }
  app::js_wake();
}

EMSCRIPTEN_KEEPALIVE char* dae_select_run(int id, int overlay) {
  App& a = A();
  a.exp.selected = id;
  if (overlay) a.plot.overlay.insert(id);
  try {
    if (!overlay) {
      a.session.select_run(id);
      app::apply_model_config(a);
    }
    return give("");
  } catch (const std::exception& e) {
    return give(dae::message_of(e));
  }
}

EMSCRIPTEN_KEEPALIVE void dae_save_now() { app::save_now(A()); }
// Another tab asked for the session (dae_api.js, BroadcastChannel): called outside a frame, so a
// hidden tab whose frames are paused still hands over.
EMSCRIPTEN_KEEPALIVE void dae_hand_over() {
  A().browser.handing_over = true;
  app::hand_over(A());
  app::js_redraw();
}

EMSCRIPTEN_KEEPALIVE void dae_set_observations(const char* text) { A().session.set_observations(text); }

// Text pasted in the page (the browser's paste event) goes to the focused text field.
EMSCRIPTEN_KEEPALIVE void dae_paste(const char* text) {
  if (ImGui::GetCurrentContext() && ImGui::GetIO().WantTextInput) ImGui::GetIO().AddInputCharactersUTF8(text);
  app::js_wake();
}

// Input on the page (dae_api.js listens for it): the idle loop draws again at once.
EMSCRIPTEN_KEEPALIVE void dae_wake() { app::js_wake(); }

}  // extern "C"
