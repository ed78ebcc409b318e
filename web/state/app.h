// app.h — the browser app: its shared state and its panels. All training, noise, metrics,
// model files, experiment records and saved state are the core's (core/app/session.h); this layer
// draws panels, keeps what is being edited, and forwards clicks, touches and keys.
//
// Structure: App holds the Session, the things every panel reads (this frame's Session::Status,
// the configuration being edited, browser facts, fonts) and one struct per panel with that
// panel's own state. Panels are functions `draw_<panel>(App&)` in panel_<name>.cpp. Derived
// images (results, the Draw pad's output, feature maps, previews) are recomputed through one
// mechanism, Memo (ui.h): each says which inputs it depends on, and is recomputed when they
// change. The forward passes behind the Draw pad, Results and Inspect run on a helper thread
// (App::work, core/app/offload.h) from a snapshot of the model: a panel hands a job over and its
// result is applied at the start of a later frame, so the page's thread never waits for one.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <map>
#include <string>
#include <vector>

#include "platform/gfx.h"
#include "imgui.h"
#include "app/offload.h"
#include "app/session.h"
#include "state/refresh.h"
#include "study/figures.h"
#include "train/latent.h"
#include "widgets/ui.h"

struct ImFont;

namespace app {

struct Fonts {
  ImFont* ui = nullptr;
  ImFont* mono = nullptr;
  ImFont* title = nullptr;
};

// Facts about the page and the browser, set by JS (api/browser.cpp) and the frame loop.
struct Browser {
  bool threaded_build = false;   // this is the pthreads build (dae_app.js, not dae_app_st.js)
  bool isolated = false;         // crossOriginIsolated
  std::string single_reason;     // why only one thread ("page is not cross-origin isolated")
  int hardware_threads = 1;      // navigator.hardwareConcurrency
  bool touch = false;            // a touch screen is the primary pointer
  bool more_contrast = false;    // the system asks for more contrast (prefers-contrast: more)
  int fingers = 0;               // fingers on the screen now (2 or more: a gesture, not a stroke)
  float dpr = 1.f;               // devicePixelRatio
  // The UI scale the user chose (Text size in the header, Ctrl+= / Ctrl+−: 75 % to 200 %, kept in
  // the browser's localStorage): ImGui works in units of ui_scale CSS px, so everything grows.
  float ui_scale = 1.f;
  bool fonts_due = false;        // the scale changed: the fonts are made again before the next frame
  bool mnist_requested = false;  // MNIST's pack asked for (after a first visit's pretrained model)
  bool mnist_done = false;       // MNIST fetched (or failed)
  bool persist_done = false;     // IndexedDB read (or unavailable)
  bool persist_read_failed = false;  // a record of the saved session could not be read (IDBFS)
  bool fresh = false;            // ?fresh: started without the saved session, which is kept until
                                 // the user chooses to save over it
  // One tab at a time holds the saved session and saves it (a Web Lock, dae_api.js). Another
  // tab shows the session as last saved and writes nothing until it takes over.
  bool other_tab = false;        // another tab holds the session: this one never writes the store
  bool took_over = false;        // this page was opened by "Take over here" (said in Files)
  bool handing_over = false;     // another tab asked for the session: saving, then letting go
  int after_take = 0;            // what to do once the session is ours: 1 save now, 2 autosave on
  bool dhcd_listed = false;      // datasets.json lists a Devanagari pack
  std::string dhcd_kind;         // "subset" or "full" (datasets.json)
  int dhcd_bytes = 0;
  bool dhcd_loading = false;
  std::string pending_dataset;   // select once loaded
  std::string busy;              // "Importing …" (Data panel)
  std::string data_error;        // last loading / import error
  bool simd = false;
};

// The run configuration being edited (Data, Model, Training panels): what the next run uses.
struct Editor {
  dae::TrainConfig cfg;
  std::string preset = "seed";        // "" = custom layer list
  std::vector<dae::LayerSpec> rows;    // the editable layer list
  std::string spec_text;              // the layer list as a spec (editable text)
  std::string spec_error;             // the spec text did not parse
  dae::ArchCheck check;               // of the current rows at the dataset's size
  std::unique_ptr<dae::Model> arch_model;  // the same, built (its layer table)
  Memo<std::string> check_memo;
  std::string train_error;            // the last Train click failed
  std::string train_waiting;          // Train pressed before this dataset's images were in: the
                                      // run starts when they arrive
  // Values typed out of range were clamped: the message stays next to the field a while.
  FieldNotes notes;
  // The settings came back from the saved session (ui.json): a bundled model arriving later
  // does not replace them with its own.
  bool restored = false;
  // The Model panel's Code section: the model in memory as Keras (0) or PyTorch (1) code,
  // generated again when the model or the choice changes.
  int code_framework = 0;
  std::string code;
  Memo<std::string> code_memo;
};

enum class Panel { Data, Model, Files, Training, Loss, Draw, Results, Experiments, Inspect, Latent, Count };

struct App;
// Where the wide layout puts a panel: Setup and Views are tab bars, the others windows of their own.
enum class Slot { Setup, Training, Loss, Draw, Views };
// Everything about a panel but its contents, in one entry of panel_table() (state/actions.cpp). The
// table's order is the keyboard's (F6, Alt+1…9) and the wide layout's tab order.
struct PanelDef {
  Panel panel;
  const char* title;  // tab and window title
  const char* id;     // name in window.dae.showTab() and the e2e marks ("tab_<id>")
  Slot slot;
  int narrow_rank;    // position among the narrow layout's buttons (most used first)
  void (*draw)(App& a);
};
const std::vector<PanelDef>& panel_table();
const PanelDef& panel_def(Panel p);
inline const char* panel_title(Panel p) { return panel_def(p).title; }

struct DataState {
  gfx::Image preview;
  dae::TileFigure preview_figure;  // the preview's images and labels (study/figures.h): its Save PNG
  Memo<std::string> preview_memo;
  uint64_t preview_draw = 1;  // a random pick of digits
};

struct ResultsState {
  std::vector<dae::Triple> rows;     // on screen
  // The refresh in progress (a pass): its number, model snapshot and images, the rows computed
  // so far and how many were handed to the helper. Rows of an older pass are dropped.
  uint64_t pass = 0;
  std::shared_ptr<const dae::ModelSnapshot> snap;
  std::vector<size_t> order;
  std::vector<dae::Triple> pending;
  size_t submitted = 0;
  bool pass_open = false;
  gfx::Image noisy, denoised, clean;
  uint64_t draw = 0;  // R reshuffles
  // Which images, the model: at once; its weights while training every 2 s (a pass is ten
  // forward passes on the helper, which shares the cores with the run).
  Refresh refresh{2.0};
  bool collapsed = false;
};

struct DrawState {
  int side = 28, side_w = 28;
  std::vector<float> drawn;  // side·side_w floats in [0,1]
  uint64_t drawn_rev = 1;    // bumps on every stroke
  float brush = 1.3f;        // radius in image pixels
  bool eraser = false;       // the touch-friendly way to erase (right button also erases)
  uint64_t noise_key = 1;
  dae::Triple out;
  bool has_output = false;
  gfx::Image img_drawn, img_noisy, img_denoised;
  Refresh refresh{0.25};  // the drawing, the noise: at once; the model's weights: at most 4×/s while training
  bool drawing = false;
  std::vector<float> before_stroke;  // the drawing before the stroke in progress
  bool gesture = false;              // a second finger came down: nothing is drawn until all are up
  ImVec2 last{-1, -1};
  ImVec2 canvas_min{0, 0}, canvas_max{0, 0};  // screen rectangle of the canvas
  int use_next = 0;
  // How many frames a stroke takes to show its denoised image (frame of the stroke → frame of
  // the output; 1 = the next frame), the last and the worst: the smoothness test reads them.
  int stroke_frame = 0;
  uint64_t stroke_rev = 0;   // the drawing's revision that stroke made
  bool stroke_pending = false;
  int latency_frames = -1, max_latency_frames = -1;
};

struct InspectState {
  gfx::Image filters, fmaps;
  std::vector<float> filter_values, fmap_values;  // what filters and fmaps show (their Save PNG)
  int filters_n = 0, filters_h = 0, filters_w = 0;
  int layer = 0, fmap_c = 0, fmap_h = 0, fmap_w = 0;
  int filter_cmap = 2, fmap_cmap = 1;
  Refresh refresh{0.5};  // the layer, the image: at once; the model's weights: at most 2×/s while training
  bool visible = false;  // computed only while shown
};

// The Latent panel (panels/panel_latent.cpp): the map of the validation images' codes, and the
// images decoded from the places one clicks or picks.
struct LatentView {  // a map as the helper made it, with what it was made from
  std::shared_ptr<const dae::ModelSnapshot> snap;
  dae::Codes codes;
  dae::LatentMap map;
  std::vector<uint8_t> labels;
  float x0 = 0, x1 = 1, y0 = 0, y1 = 1;  // the points' extent, with a margin
};
struct LatentPoints {  // what the point job computed for a view
  std::vector<float> drawn_xy;          // the drawing's place on the map (empty: no drawing)
  std::vector<float> decoded, mixed;    // the clicked place decoded; A and B mixed at t
  dae::Triple hover;                    // the hovered validation image: noisy, denoised, clean
  int hover_index = -1;
};
struct LatentState {
  std::shared_ptr<const LatentView> view;
  int method = 0;          // the map: 0 PCA, 1 t-SNE (made in portions: tsne_busy, tsne_done of 750)
  bool tsne_busy = false;
  int tsne_done = 0;
  int tsne_portions = 0;   // helper jobs the last t-SNE map took
  int generation = 0;      // a new model or method: the t-SNE portions of an older map stop
  std::vector<std::vector<float>> trail;  // the points of earlier maps of this model, oldest first
  bool trails = false;
  Refresh refresh{2.0};   // the model's weights: at most every 2 s while training
  Memo<std::string> points_memo;
  bool visible = false;   // computed only while shown
  int maps = 0;           // maps made (window.dae.ui('latent'))
  std::string error;
  int click_sets = 0;     // a click on the map sets: 0 the decoded place, 1 A, 2 B
  double px = NAN, py = NAN;  // the clicked place
  int a = -1, b = -1;     // the validation images whose codes are mixed
  float t = 0.5f;
  int hover = -1;
  LatentPoints points;
  gfx::Image decoded, mixed, hover_images;
};

struct PlotState {
  bool log_scale = true;
  bool show_steps = true;
  std::set<int> overlay;  // run ids whose curves are overlaid
};

// An axis the Experiments panel can sweep along: a setting of Data, Model or Training.
struct SweepAxis {
  const char* name;      // as shown: "noise level" (and as a sweep records its axis)
  const char* defaults;  // the values the field starts with
  bool log_x;            // the chart's x axis
  bool by_index;         // values are names: the chart places them in their order
  const char* help;
  // Sets point `p` (p.config: the current settings) to value `v`: its config, p.x for the chart
  // unless by_index, p.value if shown otherwise. Throws on a bad value.
  void (*apply)(const App& a, const std::string& v, dae::SweepPoint& p);
};
const std::vector<SweepAxis>& sweep_axes();
const SweepAxis* sweep_axis(const std::string& name);  // null if none is called so
// One sweep point per value (comma-separated), each the Data, Model and Training settings with
// this axis set to it. Throws dae::Error naming a bad value.
std::vector<dae::SweepPoint> sweep_points(App& a, const SweepAxis& axis, const std::string& values);

struct ExperimentsState {
  std::string export_message, export_error;  // Export notebook's last word (api/export.cpp)
  bool sweep_open = false;  // the sweep section is shown
  bool sweep_closed = false;  // the user closed it (a waiting sweep does not reopen it)
  int sweep_axis = 0;       // index into sweep_axes()
  std::string sweep_values; // being typed ("" = the axis' defaults)
  std::string sweep_error;
  int sweep_shown = 0;      // the sweep in the chart (0 = the latest)
  int selected = -1;      // run whose notes are edited
  std::string notes_edit; // being typed
  int notes_run = -1;
  std::string observations_edit;
  std::string observations_before;  // as they were when the field was clicked (for Undo)
  bool observations_loaded = false;
};

struct FilesState {
  std::string message, error;
  bool autosave = true;
  uint64_t saved_rev = 0;     // the revision the browser confirmed it stored
  uint64_t saving_rev = 0;    // the revision of the save in progress
  uint64_t seen_rev = 0;
  // The editor's settings (editor_json) as last seen and as last written: a change is saved
  // like a change of the session.
  std::string seen_editor, saved_editor;
  double change_time = 0, first_unsaved_time = -1, saved_time = -1;
  bool saving = false;
  double save_failed_time = -1;  // the last save the browser refused or never confirmed (-1: none since)
  bool over_budget = false;   // run models kept in this tab only (over the budget, not downloaded)
  bool warning_on = false;    // the browser asks before the page is closed (js_set_unsaved_warning)
  std::string storage_note;   // runs over the storage budget, quota errors
  bool restored = false;
  bool session_back = false;  // a saved session was read on opening (the header's "restored")
  std::string restore_note;   // what was restored (or why a saved item was ignored)
  bool pretrained_tried = false;
  std::string pretrained_loading;  // name of a bundled model being fetched
};

// How the panels are arranged this frame.
enum class LayoutMode { Wide, Middle, Narrow };
const char* layout_mode_name(LayoutMode m);  // "wide", "middle", "narrow"
// The middle layout's first pane (setting up and running: Train, Runs, Data, Model, Files) holds p;
// the second holds the panels for seeing (Draw, Loss, Results, Inspect, Latent).
bool in_first_pane(Panel p);

struct LayoutState {
  LayoutMode mode = LayoutMode::Wide;
  Panel narrow_tab = Panel::Training;   // the panel shown in the narrow layout
  Panel wide_left = Panel::Data;        // wide layout: the left column's tab
  Panel wide_right = Panel::Results;    // wide layout: the lower right tab
  Panel middle_first = Panel::Training; // middle layout: the first pane's panel (setting up, running)
  Panel middle_second = Panel::Draw;    // and the second's (seeing)
  int force_tab = -1;                   // select this panel's tab on the next frame (tests, keys)
  bool select_current = false;          // select wide_left's and wide_right's tabs on the next frame (a reload)
  int focus_panel = -1;                 // give this panel the keyboard focus on the next frame (F6, Alt+digit)
  float header_h = 36;
  // Per panel: its window rectangle and content size, for window.dae.layout().
  struct Box { ImVec2 pos, size, content; float scroll_max_y = 0, scroll_max_x = 0; bool drawn = false; };
  Box boxes[int(Panel::Count)];
};

struct Timing {
  FrameStats stats;
  double now = 0;               // seconds (emscripten_get_now / 1000)
  double last_input = -100, last_render = 0, last_progress = 0;
  int frames_after_load = 0;
  bool usable = false;    // the first screen works (window.dae.usable): pretrained model in
  int frames_after_data = 0;
  bool ready = false;     // and MNIST too (window.dae.ready)
  bool idle = false;            // nothing to do: a frame only polls events; the UI is redrawn once a second (main.cpp)
  std::string busy_because;     // why not idle ("" when idle): wants_fast_loop in main.cpp
  std::map<std::string, long> renders_by_reason;  // frames drawn, by why (tests read them)
  int rendered = 0;             // frames drawn (for window.dae.status().fps)
  std::vector<double> render_times;  // when the last frames were drawn (for fps)
  // The frame rate the header shows, changed at most once a second: a number that changed every
  // frame made the header's window redraw (upload, draw) every frame.
  Memo<int> header_fps;
  double last_work_ms = 0;
};

// The helper's slots (core/app/offload.h): the Draw pad's job goes first, then Inspect's feature
// maps, then a Results pass; a Save PNG's figure last.
enum WorkSlot { kDrawWork = 0, kInspectWork = 1, kResultsWork = 2, kLatentPointWork = 3, kLatentMapWork = 4,
                kFigureWork = 5 };

struct App {
  dae::Session session;
  std::unique_ptr<dae::Offload> work;  // model work off the page's thread (main() makes it)
  dae::Session::Status status;  // this frame's
  Fonts fonts;
  Browser browser;
  Editor editor;
  Timing timing;
  LayoutState layout;
  DataState data;
  ResultsState results;
  DrawState draw;
  InspectState inspect;
  LatentState latent;
  PlotState plot;
  ExperimentsState exp;
  FilesState files;
  // What can be undone, newest last: a deleted run, a sweep's dropped rest, an edit of the
  // observations, a forgotten saved session. Undo (the buttons, Ctrl+Z) takes the newest; the
  // steps are kept until the page closes.
  struct UndoStep {
    std::string what;  // "Run #2 deleted, with its model and notes."
    std::function<void(App&)> undo;
  };
  std::vector<UndoStep> undo;
  Confirm confirm;          // the one modal question of the moment (ui.h)
  struct FigureSaved {      // the last Save PNG: which button, when, and what it said
    std::string id, text;
    bool error = false;
    double when = -1e9;
  } figure_saved;
  bool hint_dismissed = false;  // the first-run hint (train · watch the loss · draw)
  int threads = 1;          // the Training panel's choice for the next run
};

App& the();  // the one App (main.cpp); only main.cpp and bridge.cpp call it

// ---- actions shared by panels, keyboard shortcuts and the JS API (state/actions.cpp) -----------------
void select_dataset(App& a, const std::string& name);
// Selects a preset in the Model panel; `with_training` also sets the Training fields to the
// preset's own settings (best's epochs, batch and lr), as a click on it does.
void select_preset(App& a, const std::string& name, bool with_training = false);
void set_rows(App& a, const std::vector<dae::LayerSpec>& rows);  // custom unless they equal a preset
void refresh_arch(App& a);                                      // check_arch when rows/size change
std::string arch_for_config(const App& a);                      // preset name or the rows' spec
bool start_training(App& a, std::string* error = nullptr);      // with a.editor.cfg and a.threads (or waits
                                                                // for the dataset's images, still arriving)
bool dataset_arriving(const App& a, const std::string& name);   // its bundled pack is being fetched
void toggle_pause(App& a);
void start_from_scratch(App& a);                                // asks nothing: nothing is lost
void select_run(App& a, int id);
void request_delete_run(App& a, int id);                        // asks when the model exists nowhere else
void push_undo(App& a, std::string what, std::function<void(App&)> undo);
bool undo_last(App& a);                                         // false when there is nothing to undo
void drop_sweep_rest(App& a, int id);                           // undoable
void apply_model_config(App& a);                                // the editor follows the current model
// The run the Train panel and the loss plot describe: the one in progress (or paused), else the
// model in memory's; null after From scratch or with a file's model.
const dae::RunRecord* described_run(const App& a);
int dataset_side(const App& a, const std::string& name, bool width = false);
std::string dataset_label(const App& a, const std::string& name);
void clear_drawing(App& a);

// ---- panels -------------------------------------------------------------------------------------
void draw_header(App& a, ImVec2 pos, ImVec2 size);
void draw_data(App& a);
void draw_model(App& a);
void draw_files(App& a);
void draw_training(App& a);
void draw_loss(App& a);
void draw_draw(App& a);
void draw_results(App& a);
void draw_experiments(App& a);
void draw_undo_bar(App& a);  // the newest undoable step and its Undo button (Runs, Files)
void draw_inspect(App& a);
void draw_latent(App& a);

// ---- per-frame updates of derived images --------------------------------------------------------
// At the start of a frame, before the panels: apply the helper's finished jobs (take_work),
// then each update_* hands over what its panel now needs. update_drawing is also called by
// the Draw panel right after a stroke, so the stroke's job runs while this frame is drawn.
void take_work(App& a);
void update_results(App& a);
void update_drawing(App& a);
void update_inspect(App& a);
void update_latent(App& a);

// ---- browser side (api/browser.cpp) -------------------------------------------------------------------
void js_start(App& a);                                  // fetch data, mount IndexedDB
void js_load_pack(App& a, const std::string& name);     // data/<name>.daepack
void js_load_mnist(App& a);                             // data/mnist.daepack, then mnist_done
void js_load_pretrained(App& a, const std::string& dataset);  // models/seed-<dataset>.safetensors
void js_pick_file(const char* kind);                    // "model" | "zip" | "folder"
void js_download(const std::string& file, const char* mime, const void* data, size_t n);
void js_set_unsaved_warning(bool on);                   // beforeunload: work that exists nowhere else
// The screen kept between frames (present.h): asked for before the GL context is made; whether
// the context keeps it; whether the canvas's size was set (its pixels cleared) since last asked.
void js_keep_screen();
bool js_screen_kept();
bool js_take_screen_reset();
void js_wake();                                         // leave the idle loop timing
// The user is working the page: input within the last second, or a widget held (main.cpp).
bool user_working(const App& a);
void js_redraw();  // draw the next frame (state changed), without counting as input
void publish_access(App& a);  // after a frame: the accessible mirror and the live region (api/access.cpp)
void maybe_autosave(App& a);
void save_now(App& a);
// The browser's answer to a save: stored (the revision saved), or refused / never confirmed
// (nothing marked saved; autosave tries again after kSaveRetrySeconds).
constexpr double kSaveRetrySeconds = 10;
void save_confirmed(App& a);
void save_failed(App& a, const std::string& why);
bool unsaved_changes(const App& a);  // autosave off or failing, and changed since the last save
std::string save_text(const App& a);  // the header's word on saving: "autosaved", "not saved: storage failing", …
void save_or_ask(App& a, bool turn_autosave_on);   // ?fresh tabs ask before saving over the saved session
                                                   // and a tab without the session asks to take it
void take_over_or_ask(App& a);   // "Take over here": the session moves to this tab (it reloads)
void hand_over(App& a);          // another tab asked for the session: save what changed, then let go
void session_taken(App& a);      // this tab now holds the session (after save_or_ask's take-over)
void session_lost(App& a);       // another tab took the session without waiting (this one was frozen)
void forget_saved(App& a);
void restore_saved(App& a);
bool saved_session_present(const App& a);  // IndexedDB holds a session (or could not be read)
void announce_usable(App& a);
void announce_ready(App& a);
void download_current_model(App& a);
void download_run_model(App& a, int id);
void export_notebook(App& a);  // the runs as a hand-in notebook, downloaded as dae-study.zip (api/export.cpp)
// A "Save PNG" button (api/export.cpp). A click calls `prepare` (on this thread: it copies what
// the figure shows); the figure it returns is drawn (study/figures.h) at kFigureZoom× and encoded
// on the helper thread, then downloaded as `file`; the button says "Saved" for a moment (or why
// not, beside it). Its accessible name is "Save PNG: <what>"; its mark save_png_<id>.
constexpr int kFigureZoom = 2;
using FigureJob = std::function<std::vector<uint8_t>(int zoom)>;
void save_png_button(App& a, const char* id, const std::string& what, const std::string& file,
                     const std::function<FigureJob()>& prepare);
std::string status_json(App& a);                        // window.dae.status()
constexpr int kMaxThreads = 8;                          // a batch of 128 has 16 shards of 8 images
int max_threads(const App& a);                          // the most a run may use here (1 without isolation)
std::string threads_error(const App& a, int n);         // "" when n threads are possible, else why not
std::string threads_text(const App& a);                 // the header's "2 threads" / "1 thread: why"

}  // namespace app
