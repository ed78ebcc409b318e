// browser.cpp — the app's calls to the browser (Module.daeJS in dae_api.js: fetching the bundled
// data and pretrained models, file pickers, downloads, the screen kept between frames; its
// answers come back through bridge.cpp), and the IndexedDB autosave and restore (Emscripten's
// IDBFS at /persist):
//   /persist/state.json             runs (without weights), observations, settings, the current model
//   /persist/ui.json                page preferences (autosave on/off, threads, first-run hint)
//   /persist/runs/<id>.safetensors  each run's model, newest first, within the storage budget
//   /persist/current.safetensors    an uploaded or bundled model that is the current one
// A damaged record is set aside (renamed *.damaged), never deleted, and the page says so.
#include <emscripten.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "state/app.h"
#include "formats/io.h"

namespace fs = std::filesystem;

namespace app {

namespace {

const char* kState = "/persist/state.json";
const char* kUi = "/persist/ui.json";
const char* kRuns = "/persist/runs";
const char* kCurrent = "/persist/current.safetensors";


bool write_bytes(const std::string& path, const void* data, size_t n) {
  try {
    dae::write_file(path, data, n);  // atomic: a failed write leaves the old record
    return true;
  } catch (const std::exception& e) {
    std::printf("autosave: %s\n", e.what());
    return false;
  }
}

// A record that could not be read is kept aside for the user, not deleted.
void set_aside(const std::string& path) {
  std::error_code ec;
  fs::rename(path, path + ".damaged", ec);
}

// A saved record's bytes; false when there is none. One that cannot be read (not a regular
// file, larger than any record we write) is set aside like a damaged one.
bool read_saved(const std::string& path, std::string& out) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return false;
  try {
    const std::vector<uint8_t> b = dae::read_file(path, size_t(512) << 20, "a saved record");
    out.assign(b.begin(), b.end());
    return true;
  } catch (const std::exception& e) {
    std::printf("restore: %s\n", e.what());
    set_aside(path);
    return false;
  }
}

std::string run_path(int id) { return std::string(kRuns) + "/" + std::to_string(id) + ".safetensors"; }

// What the last save wrote, to write only what changed: which weights each run file holds, and
// the model revision of current.safetensors. The weights are held by weak_ptr, not by address:
// a run's weights are replaced while it trains, and a new vector may be allocated where the old
// one was; an address compared equal and the file kept weights of the middle of the run. A
// weak_ptr keeps its block allocated, so no other weights can share its address, and it expires
// when the weights it names are gone.
using Weights = std::shared_ptr<const std::vector<float>>;
std::map<int, std::weak_ptr<const std::vector<float>>> g_saved_weights;
constexpr uint64_t kNothingSaved = ~uint64_t(0);
uint64_t g_saved_current_rev = kNothingSaved;

bool saved_as(int id, const Weights& w) {
  const auto it = g_saved_weights.find(id);
  return it != g_saved_weights.end() && w && it->second.lock() == w;
}

}  // namespace

// ---- JS calls ----------------------------------------------------------------------------------
void js_start(App&) { EM_ASM({ Module.daeJS.start(); }); }

void js_load_pack(App& a, const std::string& name) {
  if (name == "dhcd") a.browser.dhcd_loading = true;
  EM_ASM({ Module.daeJS.loadPack(UTF8ToString($0)); }, name.c_str());
}

void js_load_mnist(App&) { EM_ASM({ Module.daeJS.loadMnist(); }); }

void js_load_pretrained(App& a, const std::string& dataset) {
  a.files.pretrained_loading = dataset;
  EM_ASM({ Module.daeJS.loadPretrained(UTF8ToString($0)); }, dataset.c_str());
}

void js_pick_file(const char* kind) {
  EM_ASM({ Module.daeJS.pickFile(UTF8ToString($0)); }, kind);
}

void js_download(const std::string& file, const char* mime, const void* data, size_t n) {
  EM_ASM({ Module.daeJS.download(UTF8ToString($0), UTF8ToString($1), $2, $3); }, file.c_str(), mime, data, n);
}

void js_set_unsaved_warning(bool on) {
  EM_ASM({ Module.daeJS.setUnsavedWarning(!!$0); }, on ? 1 : 0);
}

void js_keep_screen() { EM_ASM({ Module.daeJS.keepScreen(); }); }
bool js_screen_kept() { return EM_ASM_INT({ return Module.daeJS.screenKept() ? 1 : 0; }) != 0; }
bool js_take_screen_reset() { return EM_ASM_INT({ return Module.daeJS.takeScreenReset() ? 1 : 0; }) != 0; }

void download_current_model(App& a) {
  try {
    const std::vector<uint8_t> bytes = a.session.model_file();
    const std::string name = a.session.model_file_name();
    js_download(name, "application/octet-stream", bytes.data(), bytes.size());
    if (a.session.model_info().source == dae::ModelSource::Run) a.session.mark_downloaded(a.session.model_info().run_id);
    a.files.message = "downloaded " + name + " (" + fmt_int((long long)bytes.size()) + " bytes): " +
                      a.session.model_info().describe();
    a.files.error.clear();
  } catch (const std::exception& e) {
    a.files.error = dae::message_of(e);
  }
}

void download_run_model(App& a, int id) {
  try {
    const std::vector<uint8_t> bytes = a.session.run_model_file(id);
    const dae::RunRecord* r = a.session.run(id);
    const std::string name = "dae-run" + std::to_string(id) + "-" + r->arch_name + "-" + r->config.dataset + ".safetensors";
    js_download(name, "application/octet-stream", bytes.data(), bytes.size());
    a.session.mark_downloaded(id);  // it now exists outside the page
    a.files.message = "downloaded " + name;
  } catch (const std::exception& e) {
    a.files.error = dae::message_of(e);
  }
}

// ---- autosave ------------------------------------------------------------------------------------
// What the Data, Model, Training and Experiments panels are set to: a reload brings back these
// settings, not those the model in memory was trained with (a sweep's last run, say).
static dae::Json editor_json(const App& a) {
  dae::Json e = dae::Json::object();
  e["config"] = a.editor.cfg.to_json();
  e["preset"] = a.editor.preset;
  e["layers"] = dae::format_spec(a.editor.rows);
  e["sweep_axis"] = sweep_axes()[size_t(a.exp.sweep_axis)].name;
  e["sweep_values"] = a.exp.sweep_values;
  e["panels"] = {{"narrow", panel_def(a.layout.narrow_tab).id},
                 {"setup", panel_def(a.layout.wide_left).id},
                 {"views", panel_def(a.layout.wide_right).id},
                 {"first", panel_def(a.layout.middle_first).id},
                 {"second", panel_def(a.layout.middle_second).id}};
  return e;
}

// The open panels of a saved "panels" record ({"narrow": "training", "setup": "data", "views":
// "experiments", "first": "training", "second": "draw"}), each only if it names a panel of that place; unknown names are ignored.
static void restore_panels(App& a, const dae::Json& p) {
  auto find = [&](const char* key, bool ok(const PanelDef&), Panel& into) {
    const dae::Json* v = dae::json_find(p, key);
    if (!v || !v->is_string()) return;
    for (const PanelDef& d : panel_table())
      if (v->get<std::string>() == d.id && ok(d)) into = d.panel;
  };
  find("narrow", [](const PanelDef&) { return true; }, a.layout.narrow_tab);
  find("setup", [](const PanelDef& d) { return d.slot == Slot::Setup; }, a.layout.wide_left);
  find("views", [](const PanelDef& d) { return d.slot == Slot::Views; }, a.layout.wide_right);
  find("first", [](const PanelDef& d) { return in_first_pane(d.panel); }, a.layout.middle_first);
  find("second", [](const PanelDef& d) { return !in_first_pane(d.panel); }, a.layout.middle_second);
  a.layout.select_current = true;
}

// The page's preferences and settings (ui.json): autosave on or off, threads, the first-visit
// hint, the editor's settings.
static bool write_prefs(App& a) {
  dae::Json ui = dae::Json::object();
  ui["autosave"] = a.files.autosave;
  ui["threads"] = a.threads;
  ui["hint_dismissed"] = a.hint_dismissed;
  ui["editor"] = editor_json(a);
  a.files.saved_editor = dae::dump_json(ui["editor"]);
  const std::string text = dae::dump_json(ui);
  return write_bytes(kUi, text.data(), text.size());
}

void save_now(App& a) {
  if (!a.browser.persist_done || a.files.saving || a.browser.other_tab) return;
  std::error_code ec;
  fs::create_directories(kRuns, ec);
  const std::string state = a.session.save_state();
  bool ok = write_bytes(kState, state.data(), state.size());
  ok = write_prefs(a) && ok;
  // Run models within the budget, newest first; files of runs no longer kept are removed.
  std::vector<int> skipped;
  const std::vector<int> keep = a.session.runs_to_save(&skipped);
  std::set<int> kept(keep.begin(), keep.end());
  for (int id : keep) {
    const dae::RunRecord* r = a.session.run(id);
    if (!r || !r->weights) continue;
    if (saved_as(id, r->weights)) continue;
    try {
      const std::vector<uint8_t> bytes = a.session.run_model_file(id);
      if (write_bytes(run_path(id), bytes.data(), bytes.size())) g_saved_weights[id] = r->weights;
      else ok = false;
    } catch (const std::exception& e) {
      std::printf("autosave: run %d: %s\n", id, e.what());
    }
  }
  for (const auto& entry : fs::directory_iterator(kRuns, ec)) {
    const std::string stem = entry.path().stem().string();
    int id = 0;
    // Only files this tab read or wrote: a model it could not read is not its to delete.
    if (std::sscanf(stem.c_str(), "%d", &id) == 1 && !kept.count(id) && g_saved_weights.count(id) &&
        entry.path().extension() == ".safetensors") {
      fs::remove(entry.path(), ec);
      g_saved_weights.erase(id);
    }
  }
  // An uploaded or bundled current model (a run's is in its run file). An untrained one is
  // never written: autosave never replaces a trained model by an untrained one.
  const dae::ModelInfo& mi = a.session.model_info();
  if ((mi.source == dae::ModelSource::Uploaded || mi.source == dae::ModelSource::Bundled) && a.session.model() &&
      g_saved_current_rev != a.session.model_revision()) {
    try {
      const std::vector<uint8_t> bytes = a.session.model_file();
      if (write_bytes(kCurrent, bytes.data(), bytes.size())) g_saved_current_rev = a.session.model_revision();
    } catch (const std::exception& e) {
      std::printf("autosave: %s\n", e.what());
    }
  }
  // Models that exist only in this tab: say so, and warn before the page is closed.
  a.files.storage_note.clear();
  std::vector<int> only_here;
  for (int id : skipped)
    if (const dae::RunRecord* r = a.session.run(id); r && !r->downloaded) only_here.push_back(id);
  if (!only_here.empty()) {
    std::string ids;
    for (size_t i = 0; i < only_here.size() && i < 6; ++i) ids += (i ? ", #" : "#") + std::to_string(only_here[i]);
    if (only_here.size() > 6) ids += ", …";
    a.files.storage_note = std::to_string(only_here.size()) + " run model" + (only_here.size() == 1 ? " is" : "s are") +
                           " over this browser's storage budget (" +
                           std::to_string(dae::Session::kSavedModelsBudget >> 20) +
                           " MB) and kept in this tab only: " + ids + ". Download them (Runs) or delete older runs.";
  }
  a.files.over_budget = !only_here.empty();
  if (!ok) {
    save_failed(a, "the storage may be full");
    return;
  }
  // Saved only when the browser says so (save_confirmed): a refused or lost write stays unsaved.
  a.files.saving_rev = a.session.revision();
  a.files.first_unsaved_time = -1;
  a.files.saving = true;
  EM_ASM({ Module.daeJS.syncPersist(); });
}

void save_confirmed(App& a) {
  a.files.saving = false;
  a.files.saved_rev = a.files.saving_rev;
  a.files.saved_time = a.timing.now;
  if (a.files.save_failed_time >= 0) a.files.storage_note.clear();  // the failure is over
  a.files.save_failed_time = -1;
  hand_over(a);
}

void save_failed(App& a, const std::string& why) {
  a.files.saving = false;
  a.files.save_failed_time = a.timing.now;
  a.files.storage_note = "Saving to this browser failed (" + why + "): what changed since the last save is in this tab "
                         "only. It is tried again every " + std::to_string(int(kSaveRetrySeconds)) +
                         " s; download the models you want to keep.";
  hand_over(a);
}

// The header's word on saving.
std::string save_text(const App& a) {
  if (a.browser.other_tab) return unsaved_changes(a) ? "another tab has the session: unsaved" : "another tab has the session";
  if (!a.files.autosave) return unsaved_changes(a) ? "autosave off: unsaved" : "autosave off";
  if (unsaved_changes(a)) return "not saved: storage failing";
  if (a.files.saving) return "saving…";
  if (!a.files.storage_note.empty()) return "autosave: see Files";
  if (a.files.saved_time >= 0) return "autosaved";
  return a.files.session_back ? "restored" : "autosave on";
}

bool unsaved_changes(const App& a) {
  return (!a.files.autosave || a.files.save_failed_time >= 0 || a.browser.other_tab) &&
         a.session.revision() != a.files.saved_rev;
}

// The browser asks before the page is closed while work exists only in this tab.
static void update_unsaved_warning(App& a) {
  const bool on = a.files.over_budget || unsaved_changes(a);
  if (on != a.files.warning_on) js_set_unsaved_warning(on);
  a.files.warning_on = on;
}

// What saving over the saved session does to this tab's unsaved work, for the dialogs.
static std::string unsaved_here(const App& a) {
  return unsaved_changes(a) ? " This tab's changes since it opened (runs, notes, settings) are not kept: download the "
                              "models you want first (Runs)."
                            : "";
}

void take_over_or_ask(App& a) {
  a.confirm.ask("Take over the session here?",
                "Another tab has this session and saves it. Taking over asks it to save and stop saving; this page "
                "then reloads with the session as that tab left it, and saves from now on." + unsaved_here(a),
                {{"Take over", [] { EM_ASM({ Module.daeJS.takeSession(true); }); return true; }, true},
                 {"Cancel", nullptr}});
}

void session_taken(App& a) {
  a.browser.other_tab = false;
  const int then = a.browser.after_take;
  a.browser.after_take = 0;
  a.files.message = "this tab now has the session and saves it";
  if (then == 0) return;
  a.browser.fresh = false;
  if (then == 2) {
    a.files.autosave = true;
    a.files.first_unsaved_time = a.timing.now;  // maybe_autosave saves at once
  } else {
    save_now(a);
  }
}

void hand_over(App& a) {
  if (a.browser.other_tab) return;
  if (!a.browser.handing_over) return;
  if (a.files.saving) return;  // save_confirmed or save_failed come back here
  const bool changed = a.session.revision() != a.files.saved_rev ||
                       dae::dump_json(editor_json(a)) != a.files.saved_editor;
  if (a.files.autosave && changed && a.files.save_failed_time < 0) {
    save_now(a);
    if (a.files.saving) return;
  }
  a.browser.handing_over = false;
  a.browser.other_tab = true;
  EM_ASM({ Module.daeJS.releaseSession(); });
  a.files.storage_note = "Another tab took over the session" +
                         std::string(unsaved_changes(a) ? "; what changed here since the last save is in this tab only"
                                                        : " after this tab saved") +
                         ". This tab saves nothing now: Take over here brings the session back.";
}

void session_lost(App& a) {
  a.browser.other_tab = true;
  a.browser.handing_over = false;
  a.files.storage_note = "Another tab took over the session without waiting (this tab did not answer in time): "
                         "what changed here since the last save is in this tab only. This tab saves nothing now.";
}

void save_or_ask(App& a, bool turn_autosave_on) {
  if (a.browser.other_tab) {
    a.confirm.ask("Save over the session of another tab?",
                  "Another tab has this session and saves it. Saving here replaces the saved session with this tab's "
                  "runs, models and notes; the other tab stops saving. To continue the other tab's work here "
                  "instead, Take over.",
                  {{"Replace it", [&a, turn_autosave_on] {
                      a.browser.after_take = turn_autosave_on ? 2 : 1;
                      EM_ASM({ Module.daeJS.takeSession(false); });
                      return true;
                    }, true},
                   {"Take over", [&a] { take_over_or_ask(a); return false; }},
                   {"Cancel", nullptr}});
    return;
  }
  const auto go = [&a, turn_autosave_on] {
    a.browser.fresh = false;
    if (turn_autosave_on) {
      a.files.autosave = true;
      a.files.first_unsaved_time = a.timing.now;  // maybe_autosave saves at once
    } else {
      save_now(a);
    }
    return true;
  };
  if (!a.browser.fresh) {
    go();
    return;
  }
  a.confirm.ask("Save over the saved session?",
                "This tab was opened with ?fresh: it started without the session saved in this browser, which is "
                "still there. Saving here replaces that session with this tab's runs, models and notes.",
                {{"Replace it", go, true}, {"Cancel", nullptr}});
}

void maybe_autosave(App& a) {
  if (!a.timing.ready) return;
  const uint64_t rev = a.session.revision();
  std::string editor = dae::dump_json(editor_json(a));
  if (rev != a.files.seen_rev || editor != a.files.seen_editor) {
    a.files.seen_rev = rev;
    a.files.seen_editor = std::move(editor);
    a.files.change_time = a.timing.now;
    if (a.files.first_unsaved_time < 0) a.files.first_unsaved_time = a.timing.now;
  }
  update_unsaved_warning(a);
  if (a.browser.other_tab) return;
  if (!a.files.autosave || (rev == a.files.saved_rev && a.files.seen_editor == a.files.saved_editor)) return;
  if (a.files.save_failed_time >= 0 && a.timing.now - a.files.save_failed_time < kSaveRetrySeconds) return;
  // Debounce: save once things have been quiet for 1.5 s, or every 10 s during a long run.
  const bool quiet = a.timing.now - a.files.change_time >= 1.5;
  const bool overdue = a.files.first_unsaved_time >= 0 && a.timing.now - a.files.first_unsaved_time >= 10.0;
  if (quiet || overdue) save_now(a);
}

namespace {

// The saved session's files as they are (state, current model, run models), for Undo: forgetting
// keeps them in this tab's memory until the page closes.
struct SavedFiles {
  std::vector<std::pair<std::string, std::vector<uint8_t>>> files;
  std::map<int, std::weak_ptr<const std::vector<float>>> weights;
  uint64_t current_rev = 0;
  bool autosave = false;
};
SavedFiles saved_files(const App& a) {
  SavedFiles s;
  std::error_code ec;
  std::vector<std::string> paths = {kState, kCurrent};
  for (const auto& entry : fs::directory_iterator(kRuns, ec))
    if (entry.is_regular_file(ec)) paths.push_back(entry.path().string());
  for (const std::string& p : paths) {
    if (!fs::is_regular_file(p, ec)) continue;
    try {
      s.files.emplace_back(p, dae::read_file(p, size_t(1) << 30, "a saved file"));
    } catch (const std::exception& e) {  // unreadable: forgotten like the rest, not kept for Undo
      std::printf("forget: %s not kept for Undo: %s\n", p.c_str(), e.what());
    }
  }
  s.weights = g_saved_weights;
  s.current_rev = g_saved_current_rev;
  s.autosave = a.files.autosave;
  return s;
}

}  // namespace

void forget_saved(App& a) {
  if (a.browser.other_tab) return;  // the button is disabled: the session is another tab's
  std::error_code ec;
  auto kept = std::make_shared<SavedFiles>(saved_files(a));
  for (const char* p : {kState, kCurrent}) fs::remove(p, ec);
  fs::remove_all(kRuns, ec);
  g_saved_weights.clear();
  g_saved_current_rev = kNothingSaved;
  a.files.autosave = false;
  write_prefs(a);  // "off until you turn it on again" — a reload too (no runs, models or notes in it)
  a.files.saved_time = -1;
  EM_ASM({ Module.daeJS.syncPersist(); });
  a.files.message = "saved data removed from this browser; autosave is off until you turn it on again";
  a.files.over_budget = false;
  a.files.saved_rev = a.files.saving_rev = a.session.revision();  // what is on screen was just dismissed: no warning for it
  update_unsaved_warning(a);
  push_undo(a, "The saved session was forgotten (kept in this tab until it closes).", [kept](App& b) {
    std::error_code e2;
    fs::create_directories(kRuns, e2);
    bool ok = true;
    for (const auto& [path, bytes] : kept->files) ok = write_bytes(path, bytes.data(), bytes.size()) && ok;
    g_saved_weights = kept->weights;
    g_saved_current_rev = kept->current_rev;
    b.files.autosave = kept->autosave;
    ok = write_prefs(b) && ok;
    EM_ASM({ Module.daeJS.syncPersist(); });
    b.files.message = ok ? "the saved session is back in this browser" : "";
    if (!ok) save_failed(b, "the storage may be full");
  });
}

namespace {

// ui.json: the page's preferences (autosave on or off, threads, the first-visit hint); `editor`:
// its record of the panels' settings (restore_editor applies it once the session is back).
void restore_prefs(App& a, dae::Json& editor, std::vector<std::string>& notes) {
  std::string text;
  if (!read_saved(kUi, text)) return;
  try {
    const dae::Json ui = dae::parse_json(text);
    if (const dae::Json* v = dae::json_find(ui, "autosave")) a.files.autosave = dae::json_bool(*v, "autosave");
    if (const dae::Json* v = dae::json_find(ui, "threads"))
      a.threads = std::min(int(dae::json_int(*v, "threads", 1, dae::Session::kMaxThreads)), max_threads(a));
    if (const dae::Json* v = dae::json_find(ui, "hint_dismissed")) a.hint_dismissed = dae::json_bool(*v, "hint");
    if (const dae::Json* v = dae::json_find(ui, "editor")) editor = *v;
  } catch (const std::exception& e) {
    set_aside(kUi);
    notes.push_back(std::string("page preferences ignored (") + e.what() + ")");
  }
}

// A saved choice of DHCD that is not loaded yet: fetched, and chosen when it arrives. False for
// any other dataset, or on a site without DHCD.
bool fetch_saved_dhcd(App& a, const std::string& name) {
  if (name != "dhcd" || !a.browser.dhcd_listed) return false;
  a.browser.pending_dataset = "dhcd";
  js_load_pack(a, "dhcd");
  return true;
}

// The saved settings back in the panels (after the session, whose model the editor followed
// meanwhile). Strict: a damaged record leaves the panels as they are and says so. A saved
// dataset that is not loaded is fetched when it is DHCD, else the loaded one stays chosen.
void restore_editor(App& a, const dae::Json& e, std::vector<std::string>& notes) {
  if (e.is_null()) return;
  try {
    dae::TrainConfig cfg = dae::TrainConfig::from_json(dae::json_at(e, "config", "editor"), a.editor.cfg);
    const std::string preset = dae::json_string(dae::json_at(e, "preset", "editor"), "editor.preset");
    const std::vector<dae::LayerSpec> rows =
        dae::parse_spec(dae::json_string(dae::json_at(e, "layers", "editor"), "editor.layers"));
    const std::string axis = dae::json_string(dae::json_at(e, "sweep_axis", "editor"), "editor.sweep_axis");
    const std::string values = dae::json_string(dae::json_at(e, "sweep_values", "editor"), "editor.sweep_values");
    if (!preset.empty() && !dae::Model::preset(preset)) throw dae::Error("unknown preset '" + preset + "'");
    cfg.threads = a.threads;
    const std::string dataset = cfg.dataset;
    if (!a.session.dataset(dataset)) cfg.dataset = a.editor.cfg.dataset;
    a.editor.cfg = cfg;
    a.editor.preset = preset;
    a.editor.rows = rows;
    for (size_t i = 0; i < sweep_axes().size(); ++i)
      if (axis == sweep_axes()[i].name) a.exp.sweep_axis = int(i);
    a.exp.sweep_values = values;
    if (const dae::Json* p = dae::json_find(e, "panels"); p && p->is_object()) restore_panels(a, *p);
    a.editor.restored = true;
    if (a.session.dataset(dataset)) {
      select_dataset(a, dataset);
      a.editor.cfg.train = cfg.train;  // as saved, not as select_dataset fits them
      a.editor.cfg.val = cfg.val;
    } else if (!fetch_saved_dhcd(a, dataset) && dataset != "dhcd") {
      // an imported dataset: the browser keeps runs and models, not images
      a.browser.data_error = "The dataset '" + dae::printable(dataset, 60) + "' of the last session was imported and "
                             "is not stored in this browser: import it again (Import .zip… or Import folder…). " +
                             a.editor.cfg.dataset + " is chosen meanwhile.";
      notes.push_back(a.browser.data_error);
    }
    if (!a.editor.preset.empty()) select_preset(a, a.editor.preset);  // its layers at the chosen dataset's size
    a.editor.check_memo.force();
    refresh_arch(a);
  } catch (const std::exception& e) {
    notes.push_back(std::string("The saved settings of the panels could not be read and were left as they are (") +
                    e.what() + ")");
  }
}

// state.json: runs, observations, settings; true when the session was loaded. `current`: its
// record of the current model.
bool restore_state(App& a, dae::Json& current, std::vector<std::string>& notes) {
  std::string text;
  bool any = false;
  if (read_saved(kState, text)) {
    try {
      a.session.load_state(text);
      any = true;
      const dae::Json j = dae::parse_json(text);
      if (const dae::Json* c = dae::json_find(j, "current")) current = *c;
    } catch (const std::exception& e) {
      set_aside(kState);
      notes.push_back(std::string("The saved session could not be read and was set aside (state.json.damaged): ") +
                      e.what());
    }
  }
  return any;
}

// runs/<id>.safetensors: the models of the restored runs; returns how many were restored.
int restore_run_models(App& a, std::vector<std::string>& notes) {
  std::string text;
  int models = 0, bad = 0;
  for (const auto& r : std::vector<dae::RunRecord>(a.session.runs())) {
    if (!read_saved(run_path(r.id), text)) continue;
    try {
      a.session.restore_run_model(r.id, reinterpret_cast<const uint8_t*>(text.data()), text.size());
      g_saved_weights[r.id] = a.session.run(r.id)->weights;
      ++models;
    } catch (const std::exception& e) {
      set_aside(run_path(r.id));
      ++bad;
      std::printf("restore: run %d's model ignored: %s\n", r.id, e.what());
    }
  }
  if (bad) notes.push_back(std::to_string(bad) + " saved run model" + (bad == 1 ? " was" : "s were") +
                           " damaged and set aside; those runs keep their records without a model.");
  return models;
}

// The current model (state.json's record of it): a run's, or a saved upload.
void restore_current(App& a, const dae::Json& current, std::vector<std::string>& notes) {
  std::string text;
  const std::string source = current.is_object() && dae::json_find(current, "source") && current["source"].is_string()
                                 ? current["source"].get<std::string>()
                                 : "";
  try {
    if (source == "run") {
      const int id = int(dae::json_int(dae::json_at(current, "run_id", "current"), "run_id", 1, 1000000000));
      if (a.session.run(id) && a.session.run(id)->weights) a.session.select_run(id);
    } else if ((source == "uploaded" || source == "bundled") && read_saved(kCurrent, text)) {
      const std::string file = current.contains("file") && current["file"].is_string() ? current["file"].get<std::string>() : "";
      a.session.load_model_file(reinterpret_cast<const uint8_t*>(text.data()), text.size(), file,
                          source == "bundled" ? dae::ModelSource::Bundled : dae::ModelSource::Uploaded);
      g_saved_current_rev = a.session.model_revision();
    } else if (source == "untrained") {
      a.session.start_from_scratch();
    }
  } catch (const std::exception& e) {
    if (source != "run") set_aside(kCurrent);
    notes.push_back(std::string("The saved current model could not be loaded: ") + e.what());
  }
}

// Part of the saved session could not be read (a record the browser would not give back, or
// one set aside as damaged): the next autosave would replace it, and IndexedDB then drops what
// this tab does not hold. Autosave pauses in this tab until the user decides.
// `problems`: how many notes say a record could not be read.
void pause_autosave_if_partial(App& a, size_t problems, std::vector<std::string>& notes) {
  const bool partial = a.browser.persist_read_failed || problems > 0;
  if (partial && !a.browser.fresh && !a.browser.other_tab) {
    a.files.autosave = false;  // this tab only: the preferences file is not written
    notes.push_back("Autosave is paused in this tab so that nothing saved is replaced: part of the saved session "
                    "could not be read" + std::string(a.browser.persist_read_failed ? " (the browser refused a record)" : "") +
                    ". Download what you want to keep; Save now or Save automatically stores this tab's work over it.");
  }
}

// A session was restored: the editor follows its model, its dataset is fetched, and the first
// note says what came back.
void session_restored(App& a, int models, std::vector<std::string>& notes) {
  apply_model_config(a);
  // The restored model's dataset is fetched and chosen when it arrives (apply_model_config
  // chose a loaded one meanwhile: checking the editor's choice here never fetched it).
  if (!a.session.dataset(a.session.config().dataset)) fetch_saved_dhcd(a, a.session.config().dataset);
  // Said as what happened on opening: it stays true when runs are deleted later.
  const size_t n = a.session.runs().size();
  notes.insert(notes.begin(), "On opening, the page restored the saved session: " + std::to_string(n) +
                                  (n == 1 ? " run, " : " runs, ") + std::to_string(models) +
                                  (models == 1 ? " run model" : " run models"));
  a.hint_dismissed = a.hint_dismissed || !a.session.runs().empty();
}

}  // namespace

bool saved_session_present(const App& a) {
  if (a.browser.persist_read_failed) return true;
  std::error_code ec;
  for (const char* p : {kState, kUi, kCurrent})
    if (fs::exists(p, ec)) return true;
  return fs::is_directory(kRuns, ec) && !fs::is_empty(kRuns, ec);
}

void restore_saved(App& a) {
  a.files.restored = true;
  std::vector<std::string> notes;
  if (a.browser.fresh) {  // nothing was read (dae_api.js): the saved session stays as it is
    a.files.autosave = false;
    notes.push_back("Opened with ?fresh: the session saved in this browser is kept as it is, and this tab does not "
                    "save over it unless you choose to (Save now, or Save automatically).");
  }
  if (a.browser.other_tab)
    notes.push_back("This session is open in another tab, which saves it: this tab shows it as last saved and saves "
                    "nothing (the browser asks before it closes with changes). Take over here moves the session to "
                    "this tab.");
  if (a.browser.took_over) notes.push_back("This tab took over the session from another tab, which saved it first.");
  const size_t said = notes.size();  // the notes after this one name records that could not be read
  dae::Json editor;
  restore_prefs(a, editor, notes);
  dae::Json current;
  const bool any = restore_state(a, current, notes);
  const int models = restore_run_models(a, notes);
  restore_current(a, current, notes);
  pause_autosave_if_partial(a, notes.size() - said, notes);
  if (any) session_restored(a, models, notes);
  a.files.session_back = any;
  restore_editor(a, editor, notes);
  a.files.restore_note.clear();
  for (const auto& n : notes) a.files.restore_note += (a.files.restore_note.empty() ? "" : "\n") + n;
  if (!notes.empty() && notes.size() > size_t(any ? 1 : 0)) std::printf("restore: %s\n", a.files.restore_note.c_str());
  a.files.saved_rev = a.files.seen_rev = a.session.revision();
  a.files.saved_editor = a.files.seen_editor = dae::dump_json(editor_json(a));  // as read: nothing to save
  // First visit (nothing saved): a small pretrained model, so the Draw pad works at once.
  if (!any && !a.session.has_model() && !a.files.pretrained_tried) {
    a.files.pretrained_tried = true;
    js_load_pretrained(a, "mnist");
  }
}

}  // namespace app
