// app.h — the browser app's state and panels. All training, noise, metrics, model files,
// experiment records and saved state are the core's (core/session.h); this layer only draws
// panels, keeps what is being edited, and forwards clicks and keys.
#pragma once
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gfx.h"
#include "imgui.h"
#include "session.h"

struct ImFont;

namespace app {

// Frame timing: intervals between frames, time spent training per frame.
class FrameStats {
 public:
  void add(double interval_ms, double work_ms, double cpu_ms);
  double interval_p95() const { return p95(interval_); }
  double work_p95() const { return p95(work_); }
  double cpu_p95() const { return p95(cpu_); }
  double fps() const;

 private:
  static double p95(const std::vector<double>& v);
  static constexpr size_t kWindow = 240;
  std::vector<double> interval_, work_, cpu_;
  size_t next_ = 0;
};

struct Fonts {
  ImFont* ui = nullptr;
  ImFont* mono = nullptr;
  ImFont* title = nullptr;
};

// Secondary panels shown as tabs.
enum class LeftTab { Data, Model, Files };
enum class RightTab { Results, Experiments, Inspect };

struct App {
  dae::Session s;
  Fonts fonts;

  // ---- start-up and loading ----
  bool mnist_done = false;     // fetched (or failed)
  bool persist_done = false;   // IndexedDB read (or unavailable)
  bool restored = false;       // autosave applied
  bool ready = false;
  int frames_after_load = 0;
  bool dhcd_available = false, dhcd_loading = false;
  int dhcd_bytes = 0;
  std::string pending_dataset;  // select once loaded
  std::string busy;             // "Importing …" (Data panel)
  std::string data_error;       // last loading / import error
  bool simd = false;

  // ---- the configuration being edited (Data, Model, Training panels) ----
  dae::TrainConfig cfg;
  std::string preset = "seed";          // "" = custom layer list
  std::vector<dae::LayerRow> rows;      // the editable layer list
  std::string spec_text;                // the layer list as a spec (editable text)
  std::string spec_error;               // the spec text did not parse
  dae::ArchCheck check;                 // of the current rows at the dataset's size
  std::unique_ptr<dae::Model> arch_model;  // the same, built (its layer table)
  std::string check_key;
  std::string train_error;
  float budget_ms = 12.f;

  // ---- per-frame data ----
  dae::Json status;          // s.status() of this frame
  FrameStats stats;
  double last_work_ms = 0;
  double now = 0;            // seconds since start (emscripten_get_now / 1000)
  double last_input = 0, last_render = 0;

  // ---- Data panel preview (Figure 7) ----
  gfx::Image preview;
  std::string preview_key;
  uint64_t preview_draw = 1;  // a random pick of digits (several classes)

  // ---- Results ----
  std::vector<dae::Triple> results;
  gfx::Image res_noisy, res_denoised, res_clean;
  uint64_t results_draw = 0;
  uint64_t results_rev = UINT64_MAX;
  double results_time = -1;
  bool results_force = true;

  // ---- Draw ----
  int draw_side = 28;
  std::vector<float> drawn;  // draw_side² floats in [0,1]
  float brush = 1.3f;        // radius in image pixels
  uint64_t draw_noise_key = 1;
  bool draw_dirty = true;
  dae::Triple draw_triple;
  bool draw_has_output = false;
  gfx::Image img_drawn, img_draw_noisy, img_draw_denoised;
  uint64_t draw_rev = UINT64_MAX;
  double draw_time = -1;
  bool drawing = false;
  ImVec2 last_brush{-1, -1};
  ImVec2 canvas_min{0, 0}, canvas_max{0, 0};  // screen rectangle of the Draw canvas

  // ---- Inspect ----
  gfx::Image filters, fmaps;
  int filters_n = 0, filters_k = 0;
  int fmap_layer = 0, fmap_c = 0, fmap_h = 0, fmap_w = 0;
  uint64_t inspect_rev = UINT64_MAX;
  double inspect_time = -1;
  bool inspect_dirty = true;
  int filter_cmap = 2, fmap_cmap = 1;

  // ---- Loss plot / Experiments ----
  bool log_scale = true;
  bool show_steps = true;
  std::set<int> overlay;     // run ids whose curves are overlaid
  int selected_run = -1;     // run whose notes are edited
  uint64_t ui_edits = 0;     // notes / observations edits (saved like revisions)

  // ---- Model I/O and autosave ----
  std::string io_message, io_error;
  bool autosave = true;
  uint64_t saved_rev = 0, saved_edits = 0;
  uint64_t seen_rev = 0, seen_edits = 0;
  double change_time = 0, first_unsaved_time = -1, saved_time = -1;
  bool saving = false;

  // ---- tabs (the test hook dae.showTab selects one on the next frame) ----
  LeftTab left_tab = LeftTab::Data;
  RightTab right_tab = RightTab::Results;
  int force_left = -1, force_right = -1;
};

extern App* g;

// ---- helpers (main.cpp) ----
// Records the last item's screen rectangle under `id` (window.dae.rect(id): tests click real
// buttons and tabs with the mouse).
void mark(const std::string& id);
dae::Json marks_json();
double num(const dae::Json& j, const char* key, double def = 0);
std::string str(const dae::Json& j, const char* key);
std::string dataset_label(const std::string& name);
int dataset_side(const std::string& name);  // image side of a loaded dataset (28 if unknown)
void help_marker(const char* text);
void section(const char* title, const char* help = nullptr);
std::string fmt_int(long long v);  // 74,497
std::string fmt_time(double seconds);
extern const ImVec4 kAccent, kTrainColor, kValColor, kStepColor, kMuted, kGood, kBad, kWarn;

// ---- actions shared by panels, keyboard shortcuts and the JS API ----
void select_dataset(const std::string& name);
void select_preset(const std::string& name);
void set_rows(const std::vector<dae::LayerRow>& rows);  // custom unless they equal the preset
void refresh_arch();                                       // check_arch when rows/size change
std::string arch_for_config();                             // preset name or the rows' spec
bool start_training(std::string* error = nullptr);        // with g->cfg
void toggle_pause();
void reset_training();
void clear_drawing();
void apply_loaded_config();                                // UI config from s.config()

// ---- panels ----
void panel_setup(ImVec2 pos, ImVec2 size);      // Data | Model | Files tabs
void panel_training(ImVec2 pos, ImVec2 size);
void panel_loss(ImVec2 pos, ImVec2 size);
void panel_draw(ImVec2 pos, ImVec2 size);
void panel_views(ImVec2 pos, ImVec2 size);      // Results | Experiments | Inspect tabs
void tab_data();
void tab_model();
void tab_files();
void tab_results();
void tab_experiments();
void tab_inspect();

// ---- per-frame updates of derived images (views.cpp) ----
void update_results();
void update_drawing();
void update_inspect();

// ---- browser side (api.cpp) ----
void js_start();                                   // fetch data, mount IndexedDB
void js_load_pack(const std::string& name);        // data/<name>.daepack
void js_pick_file(const char* kind);               // "model" | "zip" | "folder"
void js_download(const std::string& file, const char* mime, const void* data, size_t n);
void maybe_autosave();
void save_now();
void forget_saved();
void restore_saved();
void announce_ready();
dae::Json status_json();                           // Session::status() + page fields

}  // namespace app
