// main.cpp — the browser app: SDL2 window + WebGL2 context, Dear ImGui, and the frame loop. A
// frame decides whether it draws (input, a run's progress, idle), updates (the run, the layout
// mode, the derived images), then draws the layout (page.h: the style, header, layout, shortcuts
// and touch handling each have a file) and presents only what changed (platform/present.h);
// autosave follows.
//
// Quiet when idle: with no input, training, loading or animation for a second, a frame only
// polls events (microseconds) and the UI is redrawn once a second; any input, or
// anything the browser side reports (a download finished, a save done), redraws at once.

#include <SDL.h>
#include <GLES3/gl3.h>
#include <emscripten.h>
#include <emscripten/html5.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "imgui_impl_opengl3.h"
#include "imgui_impl_sdl2.h"
#include "imgui_internal.h"
#include "page.h"
#include "platform/present.h"

namespace app {

namespace {

App* g_app = nullptr;
SDL_Window* window = nullptr;
SDL_GLContext gl_context = nullptr;
double last_frame_start = -1;

constexpr float kWideMin = 1200;  // CSS px: below this (or on touch screens) the middle or narrow layout

// ---- the pace: the run's progress, idling -----------------------------------------------------------
// Whether to take the run's progress this frame. While the user works the page during a run on
// worker threads, 4 times a second: the Training panel and the loss plot keep their pixels in
// between, so only what the user works on is drawn again (present.h) and the page's thread stays
// with the user. A change of state (paused, finished, another epoch) shows at once (`update_training`).
bool progress_due(const App& a) {
  return !(a.session.background() && a.session.training() && user_working(a)) || a.timing.now - a.timing.last_progress >= 0.25;
}

void take_progress(App& a) {
  a.session.work(0);
  a.timing.last_progress = a.timing.now;
}

// Why the page draws at full rate ("" = it may idle): shown as status().busy_because.
const char* wants_fast_loop(const App& a) {
  if (!a.timing.ready) return "starting";
  if (a.session.training()) return "training";
  if (!a.browser.busy.empty()) return "browser task";
  if (a.browser.dhcd_loading) return "loading dhcd";
  if (!a.files.pretrained_loading.empty()) return "loading pretrained model";
  if (a.files.saving) return "saving";
  if (a.work->busy()) return "model work";  // its result is shown by the next frame
  if (!GImGui->InputEventsQueue.empty()) return "input";  // keys still trickling in, a few per frame
  if (user_working(a)) return a.timing.now - a.timing.last_input < 1.0 ? "input" : "active widget";
  if (a.confirm.open) return "dialog";
  return "";
}

// ---- start-up: what loads in which order -----------------------------------------------------------
// A saved session is restored once MNIST is in (its runs and settings name their datasets). A
// first visit needs only the pretrained model for its first screen (the Draw pad): it comes
// first, then MNIST's images. Usable (the loading line goes) once the model is in; ready once
// MNIST is in too.
void load_in_order(App& a) {
  if (a.timing.ready || !a.browser.persist_done) return;
  const bool saved = saved_session_present(a);
  if (!a.browser.mnist_requested && (saved || (a.files.restored && a.files.pretrained_loading.empty()))) {
    a.browser.mnist_requested = true;
    js_load_mnist(a);
  }
  if (!a.files.restored && (!saved || a.browser.mnist_done)) restore_saved(a);
  if (!a.files.restored || !a.files.pretrained_loading.empty()) return;
  if (!a.timing.usable && ++a.timing.frames_after_load >= 3) announce_usable(a);
  if (a.timing.usable && a.browser.mnist_done && ++a.timing.frames_after_data >= 3) announce_ready(a);
}

// Train pressed before its dataset's images were in: the run starts when they arrive, or says
// why it cannot.
void start_waiting_run(App& a) {
  const std::string name = a.editor.train_waiting;
  if (name.empty()) return;
  if (a.session.dataset(name)) {
    a.editor.train_waiting.clear();
    start_training(a);
  } else if (!dataset_arriving(a, name)) {
    a.editor.train_waiting.clear();
    a.editor.train_error = "The run did not start: " + dataset_label(a, name) + " could not be loaded (see Data).";
  }
}

// ---- decide: whether this frame draws ------------------------------------------------------------
// The pointer's place in ImGui's units (the UI scale; touches come as fractions of the window).
void to_ui_units(SDL_Event& e, float s) {
  if (s == 1.f) return;
  const auto f = [s](Sint32& v) { v = Sint32(std::lround(v / s)); };
  if (e.type == SDL_MOUSEMOTION) f(e.motion.x), f(e.motion.y);
  if (e.type == SDL_MOUSEBUTTONDOWN || e.type == SDL_MOUSEBUTTONUP) f(e.button.x), f(e.button.y);
}

// Hands this frame's events to ImGui, the touch tracking and the shortcuts; true when one of them
// is input (anything but a window event other than a resize).
bool take_events(App& a) {
  int win_w = 0, win_h = 0;
  SDL_GetWindowSize(window, &win_w, &win_h);
  SDL_Event event;
  bool input = false;
  const float s = a.browser.ui_scale;  // ImGui's units are s CSS px
  while (SDL_PollEvent(&event)) {
    to_ui_units(event, s);
    ImGui_ImplSDL2_ProcessEvent(&event);  // ImGui ≥ 1.87: an ordered input queue
    if (event.type == SDL_FINGERDOWN || event.type == SDL_FINGERMOTION || event.type == SDL_FINGERUP)
      touch_event(a, event, float(win_w) / s, float(win_h) / s);
    if (event.type == SDL_KEYDOWN && a.timing.usable) shortcut(a, event.key);
    if (event.type != SDL_WINDOWEVENT || event.window.event == SDL_WINDOWEVENT_RESIZED) input = true;
  }
  if (input) a.timing.last_input = a.timing.now;
  // While the user works the page (draws, types, drags), a run leaves one of its threads idle:
  // this thread then has a core of its own and answers at once. The same results either way.
  const int spare = user_working(a) ? 1 : 0;
  if (spare != a.session.spare_threads()) a.session.set_spare_threads(spare);
  set_touch_hold(a.browser.touch, touch_hold(a.timing.now));
  return input;
}

// Whether this frame draws; a frame that does not only takes the run's progress.
bool frame_draws(App& a, bool input) {
  // Idle: nothing to draw unless a second has passed (the clock in the header, debounced
  // autosave).
  if (a.timing.idle && !input && a.timing.now - a.timing.last_render < 1.0 && !a.session.training()) {
    a.session.work(0);
    return false;
  }
  // Training on worker threads while nobody touches the page: 4 frames a second show the
  // progress well enough, and leave the cores (and, without a GPU, the compositor's
  // rasterising) to the trainer; 2 a second when the run has a thread on every core (each frame
  // then takes its time from the trainer: ~20 ms of the browser's CPU with software GL). Input
  // brings the full rate back at once, for a third of a second after the last event (hover
  // effects; a key or a move wakes it again): a click on Train does not slow the run's first
  // second down, which made its early ETA ~45 % high.
  const double alone_every = a.status.threads >= a.browser.hardware_threads ? 0.5 : 0.25;
  if (a.session.background() && a.session.training() && !input && a.timing.now - a.timing.last_input > 0.3 &&
      a.timing.now - a.timing.last_render < alone_every && !ImGui::IsAnyItemActive() && !a.draw.drawing) {
    if (progress_due(a)) take_progress(a);
    return false;
  }
  return true;
}

// ---- update: the run, the layout mode, the derived images ----------------------------------------
// Training first (background: take the published progress; else time-sliced work), so every
// panel shows the state after this frame's work.
void update_training(App& a, FrameStats::Frame& stats) {
  const bool due = progress_due(a);
  try {
    if (!a.session.background()) stats.work = a.session.work(12.0);
    else if (due) take_progress(a);
  } catch (const std::exception& e) {
    a.editor.train_error = e.what();
  }
  a.timing.last_work_ms = stats.work;
  dae::Session::Status st = a.session.status();
  if (due || st.training != a.status.training || st.state != a.status.state || st.run_id != a.status.run_id ||
      st.paused != a.status.paused || st.epoch != a.status.epoch || st.validating != a.status.validating)
    a.status = std::move(st);
}

// The layout mode follows the window (layout.cpp); returns the display's size in CSS px.
ImVec2 update_layout_mode(App& a) {
  const ImVec2 d = ImGui::GetIO().DisplaySize;
  const float W = std::max(d.x, 320.f), H = std::max(d.y, 320.f);
  // Middle: small laptops (1024×700, 1280×800 at 150 %: 853×533) and tablets either way up; a
  // phone, even on its side, is narrow.
  const bool middle = std::max(W, H) >= 840 && std::min(W, H) >= 500;
  a.layout.mode = (W >= kWideMin && H >= 560 && !a.browser.touch) ? LayoutMode::Wide
                  : middle                                         ? LayoutMode::Middle
                                                                   : LayoutMode::Narrow;
  return ImVec2(W, H);
}

// The images the panels show (Results, Draw, Inspect), from the helper's finished jobs.
void update_views(App& a) {
  take_work(a);
  update_results(a);
  update_drawing(a);
  update_inspect(a);
  update_latent(a);
}

// ---- draw ---------------------------------------------------------------------------------------
// Builds the frame's windows (display: W × H, from update_layout_mode).
void build_ui(App& a, ImVec2 display) {
  if (a.browser.fonts_due) {  // the UI scale changed: fonts for it, and every pixel drawn again
    a.browser.fonts_due = false;
    setup_fonts(a);
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    present::redraw_all();
  }
  gfx::new_frame();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
  // ImGui works in units of ui_scale CSS px: a smaller display, more device pixels per unit.
  io.DisplaySize = ImVec2(io.DisplaySize.x / a.browser.ui_scale, io.DisplaySize.y / a.browser.ui_scale);
  io.DisplayFramebufferScale = ImVec2(io.DisplayFramebufferScale.x * a.browser.ui_scale,
                                      io.DisplayFramebufferScale.y * a.browser.ui_scale);
  set_css_scale(a.browser.ui_scale);
  if (!(io.DeltaTime > 0.0f)) io.DeltaTime = 1.0f / 1000.0f;  // headless: equal timestamps
  ImGui::NewFrame();
  items_new_frame();
  for (auto& b : a.layout.boxes) b.drawn = false;
  if (a.layout.mode == LayoutMode::Wide) layout_wide(a, display.x, display.y);
  else if (a.layout.mode == LayoutMode::Middle) layout_middle(a, display.x, display.y);
  else layout_narrow(a, display.x, display.y);
  a.layout.force_tab = -1;
  a.layout.select_current = false;
  a.confirm.draw();
  ImGui::Render();
}

void present_ui() {
  if (js_take_screen_reset()) present::redraw_all();  // the canvas was sized: its pixels are gone
  present::frame(ImGui::GetDrawData());                // only what changed (present.h)
  SDL_GL_SwapWindow(window);
}

// The frame drawn, for status(): fps over the last 3 s, and why it was drawn.
void count_render(App& a, bool input) {
  a.timing.last_render = a.timing.now;
  ++a.timing.rendered;
  ++a.timing.renders_by_reason[input ? "input" : a.timing.idle ? "idle tick" : a.timing.busy_because];
  a.timing.render_times.push_back(a.timing.now);
  while (!a.timing.render_times.empty() && a.timing.now - a.timing.render_times.front() > 3.0)
    a.timing.render_times.erase(a.timing.render_times.begin());
}

// ---- the frame ------------------------------------------------------------------------------------
// Milliseconds between laps: the parts of a frame's main-thread time (FrameStats).
struct Laps {
  double t = emscripten_get_now();
  double lap() {
    const double t1 = emscripten_get_now(), ms = t1 - t;
    t = t1;
    return ms;
  }
};

void frame() {
  App& a = *g_app;
  const double t0 = emscripten_get_now();
  const double interval = last_frame_start < 0 ? 16.7 : t0 - last_frame_start;
  last_frame_start = t0;
  a.timing.now = t0 / 1000.0;

  // Decide.
  const bool events = take_events(a);
  const bool input = events || !GImGui->InputEventsQueue.empty();  // or typed keys not yet applied
  if (!frame_draws(a, input)) return;

  // Update.
  FrameStats::Frame stats;
  stats.interval = interval;
  update_training(a, stats);
  const ImVec2 display = update_layout_mode(a);
  Laps laps;
  update_views(a);
  stats.update = laps.lap();

  // Draw.
  build_ui(a, display);
  publish_access(a);
  stats.build = laps.lap();
  present_ui();
  stats.gl = laps.lap();
  count_render(a, input);

  maybe_autosave(a);
  stats.main = emscripten_get_now() - t0;
  a.timing.stats.add(stats);

  load_in_order(a);
  start_waiting_run(a);

  // Quiet when idle (see the top): input or activity ends it at once (js_wake).
  a.timing.busy_because = wants_fast_loop(a);
  a.timing.idle = a.timing.busy_because.empty();
}

}  // namespace

App& the() { return *g_app; }

void take_work(App& a) {
  for (int tries = 0; tries < 8; ++tries) {
    try {
      a.work->poll();
      return;
    } catch (const std::exception& e) {  // a job's error (Offload::poll rethrows it here)
      std::printf("model work: %s\n", e.what());
    }
  }
}

bool user_working(const App& a) { return a.timing.now - a.timing.last_input < 1.0 || ImGui::IsAnyItemActive(); }

void js_redraw() {
  if (g_app) g_app->timing.idle = false;  // one frame; the loop then decides again (wants_fast_loop)
}

void js_wake() {
  if (!g_app) return;
  g_app->timing.last_input = emscripten_get_now() / 1000.0;
  g_app->timing.idle = false;
}

}  // namespace app

int main() {
  using namespace app;
  g_app = new App();
  App& a = *g_app;
#ifdef __wasm_simd128__
  a.browser.simd = true;
#endif
#ifdef DAE_PAGE_THREADS
  a.browser.threaded_build = true;
#endif
  a.browser.dpr = float(emscripten_get_device_pixel_ratio());
  a.browser.ui_scale = saved_ui_scale();
  a.browser.touch = EM_ASM_INT({ return window.matchMedia && window.matchMedia('(pointer: coarse)').matches ? 1 : 0; }) != 0;
  a.browser.more_contrast = EM_ASM_INT({ return window.matchMedia && window.matchMedia('(prefers-contrast: more)').matches ? 1 : 0; }) != 0;
  a.browser.hardware_threads = EM_ASM_INT({ return navigator.hardwareConcurrency || 1; });
  a.browser.isolated = EM_ASM_INT({ return self.crossOriginIsolated ? 1 : 0; }) != 0;
  a.browser.single_reason = "page is not cross-origin isolated";
  // Training threads: one per core, at most kMaxThreads.
  a.threads = max_threads(a);
  a.work = std::make_unique<dae::Offload>(a.browser.threaded_build);
  try {
    a.session.set_background(a.browser.threaded_build);
    a.session.set_threads(a.threads);
  } catch (const std::exception& e) {
    std::printf("threads: %s\n", e.what());
  }
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
    std::printf("SDL_Init: %s\n", SDL_GetError());
    return 1;
  }
  SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "1");
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
  SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);

  double css_w = 1280, css_h = 800;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  window = SDL_CreateWindow("dae", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, int(css_w), int(css_h),
                            SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  if (!window) {
    std::printf("SDL_CreateWindow: %s\n", SDL_GetError());
    return 1;
  }
  js_keep_screen();  // before the context: present.h draws only what changed, onto the screen
  gl_context = SDL_GL_CreateContext(window);
  if (!gl_context) {
    std::printf("SDL_GL_CreateContext: %s\n", SDL_GetError());
    return 1;
  }
  SDL_GL_MakeCurrent(window, gl_context);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  io.ConfigInputTrickleEventQueue = true;  // keys typed within one frame are applied in order
  setup_style(Look{a.browser.touch, a.browser.more_contrast});
  setup_fonts(a);
  ImGui_ImplSDL2_InitForOpenGL(window, gl_context);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  // The browser's clipboard (ImGui's Ctrl+C in text fields, and the Copy buttons).
  io.SetClipboardTextFn = [](void*, const char* text) { set_clipboard(text); };
  io.GetClipboardTextFn = [](void*) { return last_copied().c_str(); };
  present::set_clear_color(0.086f, 0.094f, 0.114f);
  present::set_screen_kept(js_screen_kept());
  if (!gfx::init()) std::printf("image shaders unavailable: images will not be drawn\n");

  select_preset(a, "seed");
  clear_drawing(a);
  js_start(a);
  emscripten_set_main_loop(frame, 0, 1);
  return 0;
}
