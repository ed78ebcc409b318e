// main.cpp — the browser app: SDL2 window + WebGL2 context, Dear ImGui, the frame loop
// (time-sliced training, panels, autosave) and the fixed tiled layout.
//
// Layout (computed from the display size every frame; fits 1280×800 without overlap):
//   +------------------------------------------------------------------------------+
//   | header: title, dataset · model · params, SIMD / threads, frame time, autosave |
//   +------------------+--------------------------+--------------------------------+
//   | Setup            | Training                 | Draw                           |
//   |  [Data|Model|    |  config, buttons,        |  canvas · noisy · denoised     |
//   |   Model files]   |  progress, metrics       +--------------------------------+
//   |                  +--------------------------+ [Results|Experiments|Inspect]  |
//   |                  | Loss                     |                                |
//   +------------------+--------------------------+--------------------------------+

#include <SDL.h>
#include <GLES3/gl3.h>
#include <emscripten.h>
#include <emscripten/html5.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "app.h"
#include "imgui_impl_opengl3.h"
#include "imgui_impl_sdl.h"

namespace app {

App* g = nullptr;

const ImVec4 kAccent(0.31f, 0.56f, 0.90f, 1.f);
const ImVec4 kTrainColor(0.36f, 0.62f, 0.98f, 1.f);
const ImVec4 kValColor(0.98f, 0.60f, 0.22f, 1.f);
const ImVec4 kStepColor(0.50f, 0.70f, 0.95f, 0.55f);
const ImVec4 kMuted(0.62f, 0.65f, 0.71f, 1.f);
const ImVec4 kGood(0.45f, 0.82f, 0.50f, 1.f);
const ImVec4 kBad(0.95f, 0.42f, 0.42f, 1.f);
const ImVec4 kWarn(0.95f, 0.78f, 0.35f, 1.f);

namespace {

SDL_Window* window = nullptr;
SDL_GLContext gl_context = nullptr;
double last_frame_start = -1;

// ---- look ------------------------------------------------------------------------------------
void setup_style() {
  ImGuiStyle& st = ImGui::GetStyle();
  ImGui::StyleColorsDark(&st);
  st.WindowPadding = ImVec2(10, 8);
  st.FramePadding = ImVec2(6, 3);
  st.ItemSpacing = ImVec2(8, 5);
  st.ItemInnerSpacing = ImVec2(5, 4);
  st.CellPadding = ImVec2(4, 2);
  st.IndentSpacing = 16;
  st.ScrollbarSize = 12;
  st.GrabMinSize = 10;
  st.WindowRounding = 0;
  st.FrameRounding = 3;
  st.GrabRounding = 3;
  st.TabRounding = 3;
  st.ChildRounding = 3;
  st.PopupRounding = 3;
  st.WindowBorderSize = 1;
  st.WindowTitleAlign = ImVec2(0.0f, 0.5f);
  ImVec4* c = st.Colors;
  c[ImGuiCol_WindowBg] = ImVec4(0.118f, 0.129f, 0.153f, 1.f);
  c[ImGuiCol_ChildBg] = ImVec4(0.098f, 0.106f, 0.125f, 1.f);
  c[ImGuiCol_PopupBg] = ImVec4(0.10f, 0.11f, 0.13f, 0.98f);
  c[ImGuiCol_Border] = ImVec4(0.24f, 0.26f, 0.31f, 1.f);
  c[ImGuiCol_TitleBg] = ImVec4(0.145f, 0.16f, 0.19f, 1.f);
  c[ImGuiCol_TitleBgActive] = ImVec4(0.17f, 0.19f, 0.235f, 1.f);
  c[ImGuiCol_TitleBgCollapsed] = c[ImGuiCol_TitleBg];
  c[ImGuiCol_FrameBg] = ImVec4(0.17f, 0.185f, 0.22f, 1.f);
  c[ImGuiCol_FrameBgHovered] = ImVec4(0.22f, 0.245f, 0.29f, 1.f);
  c[ImGuiCol_FrameBgActive] = ImVec4(0.25f, 0.28f, 0.34f, 1.f);
  c[ImGuiCol_Button] = ImVec4(0.22f, 0.29f, 0.40f, 1.f);
  c[ImGuiCol_ButtonHovered] = ImVec4(0.28f, 0.40f, 0.58f, 1.f);
  c[ImGuiCol_ButtonActive] = ImVec4(0.31f, 0.47f, 0.70f, 1.f);
  c[ImGuiCol_Header] = ImVec4(0.22f, 0.29f, 0.40f, 0.8f);
  c[ImGuiCol_HeaderHovered] = ImVec4(0.28f, 0.40f, 0.58f, 0.8f);
  c[ImGuiCol_HeaderActive] = ImVec4(0.31f, 0.47f, 0.70f, 1.f);
  c[ImGuiCol_Tab] = ImVec4(0.16f, 0.18f, 0.22f, 1.f);
  c[ImGuiCol_TabHovered] = ImVec4(0.28f, 0.40f, 0.58f, 1.f);
  c[ImGuiCol_TabActive] = ImVec4(0.24f, 0.34f, 0.50f, 1.f);
  c[ImGuiCol_TabUnfocused] = c[ImGuiCol_Tab];
  c[ImGuiCol_TabUnfocusedActive] = c[ImGuiCol_TabActive];
  c[ImGuiCol_CheckMark] = kAccent;
  c[ImGuiCol_SliderGrab] = kAccent;
  c[ImGuiCol_SliderGrabActive] = ImVec4(0.45f, 0.66f, 0.98f, 1.f);
  c[ImGuiCol_PlotHistogram] = kAccent;
  c[ImGuiCol_TableHeaderBg] = ImVec4(0.16f, 0.18f, 0.22f, 1.f);
  c[ImGuiCol_TableRowBgAlt] = ImVec4(1.f, 1.f, 1.f, 0.03f);
  c[ImGuiCol_Text] = ImVec4(0.90f, 0.91f, 0.93f, 1.f);
  c[ImGuiCol_TextDisabled] = kMuted;
  c[ImGuiCol_Separator] = c[ImGuiCol_Border];
}

bool file_exists(const char* path) {
  if (FILE* f = std::fopen(path, "rb")) {
    std::fclose(f);
    return true;
  }
  return false;
}

void setup_fonts() {
  ImGuiIO& io = ImGui::GetIO();
  // Latin-1, Greek (Δ), general punctuation (— … ·), arrows, math operators (≈ ≥), shapes (▶),
  // dingbats (✕).
  static const ImWchar ranges[] = {0x0020, 0x00FF, 0x0370, 0x03FF, 0x2000, 0x206F, 0x2190, 0x21FF,
                                   0x2200, 0x22FF, 0x25A0, 0x25FF, 0x2700, 0x27BF, 0};
  ImFontConfig cfg;
  cfg.OversampleH = 2;
  cfg.OversampleV = 1;
  const char* sans = "/fonts/DejaVuSans.ttf";
  const char* mono = "/fonts/DejaVuSansMono.ttf";
  if (file_exists(sans)) {
    g->fonts.ui = io.Fonts->AddFontFromFileTTF(sans, 15.0f, &cfg, ranges);
    g->fonts.title = io.Fonts->AddFontFromFileTTF(sans, 19.0f, &cfg, ranges);
  }
  if (file_exists(mono)) g->fonts.mono = io.Fonts->AddFontFromFileTTF(mono, 13.0f, &cfg, ranges);
  if (!g->fonts.ui) {
    // No TrueType font was packaged: ImGui's built-in bitmap font, slightly enlarged.
    g->fonts.ui = io.Fonts->AddFontDefault();
    io.FontGlobalScale = 1.15f;
  }
  if (!g->fonts.mono) g->fonts.mono = g->fonts.ui;
  if (!g->fonts.title) g->fonts.title = g->fonts.ui;
  io.FontDefault = g->fonts.ui;
}

// ---- header ------------------------------------------------------------------------------------
void header(ImVec2 pos, ImVec2 size) {
  ImGui::SetNextWindowPos(pos);
  ImGui::SetNextWindowSize(size);
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.086f, 0.094f, 0.114f, 1.f));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(12, 0));
  ImGui::Begin("##header", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoNav);
  const float h = size.y;
  ImGui::PushFont(g->fonts.title);
  ImGui::SetCursorPosY((h - ImGui::GetFontSize()) * 0.5f);
  ImGui::TextColored(ImVec4(0.55f, 0.75f, 1.f, 1.f), "dae");
  ImGui::SameLine(0, 8);
  ImGui::TextUnformatted("denoising autoencoder trainer");
  ImGui::PopFont();

  const dae::Json& st = g->status;
  ImGui::SameLine(0, 24);
  ImGui::SetCursorPosY((h - ImGui::GetFontSize()) * 0.5f);
  std::string ds = str(st, "dataset");
  std::string line;
  if (g->s.has_model()) {
    line = dataset_label(ds.empty() ? g->cfg.dataset : ds) + "  ·  " + str(st, "arch_name") + " model  ·  " +
           fmt_int((long long)num(st, "params")) + " params";
  } else {
    line = dataset_label(g->cfg.dataset) + "  ·  no model yet";
  }
  // Right side: runtime facts.
  char right[200];
  const char* save_state = !g->autosave ? "autosave off"
                           : g->saving  ? "saving…"
                           : g->saved_time >= 0 ? "autosaved"
                                                : "not saved yet";
  std::snprintf(right, sizeof right, "WASM SIMD %s  ·  %d thread  ·  %.0f fps, frame p95 %.0f ms  ·  %s",
                g->simd ? "on" : "off", 1, g->stats.fps(), g->stats.interval_p95(), save_state);
  const float w = ImGui::CalcTextSize(right).x;
  const float right_x = size.x - w - 34;
  {
    // The middle text, clipped before the right-hand facts.
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::PushClipRect(p, ImVec2(pos.x + right_x - 16, p.y + h), true);
    ImGui::TextColored(kMuted, "%s", line.c_str());
    ImGui::PopClipRect();
  }
  ImGui::SameLine(right_x);
  ImGui::SetCursorPosY((h - ImGui::GetFontSize()) * 0.5f);
  ImGui::TextColored(kMuted, "%s", right);
  ImGui::SameLine();
  ImGui::SetCursorPosY((h - ImGui::GetFontSize()) * 0.5f);
  help_marker(
      "Keyboard: Tab / arrows move between widgets, Space or Enter activates, Ctrl+Tab switches panels.\n"
      "Shortcuts (when no text field is active):\n"
      "  Ctrl+Enter  train with the current settings\n"
      "  P           pause / resume training\n"
      "  C           clear the drawing\n"
      "  R           reshuffle the Results images\n"
      "  L           toggle the loss plot's log scale\n"
      "Everything is saved in this browser (IndexedDB) and restored on reload.");
  ImGui::End();
  ImGui::PopStyleVar();
  ImGui::PopStyleColor();
}

// Keyboard shortcuts, taken from SDL's key events directly: ImGui 1.86 samples key state once
// per frame, so a key pressed and released within one frame would be missed.
void shortcut(const SDL_KeyboardEvent& k) {
  if (k.repeat || ImGui::GetIO().WantTextInput) return;
  const bool ctrl = (k.keysym.mod & KMOD_CTRL) != 0;
  const SDL_Scancode sc = k.keysym.scancode;
  if (ctrl) {
    if (sc == SDL_SCANCODE_RETURN || sc == SDL_SCANCODE_KP_ENTER) start_training();
    return;
  }
  if (k.keysym.mod & (KMOD_ALT | KMOD_GUI)) return;
  switch (sc) {
    case SDL_SCANCODE_P: toggle_pause(); break;
    case SDL_SCANCODE_C: clear_drawing(); break;
    case SDL_SCANCODE_R:
      ++g->results_draw;
      g->results_force = true;
      break;
    case SDL_SCANCODE_L: g->log_scale = !g->log_scale; break;
    default: break;
  }
}

void layout() {
  const ImVec2 d = ImGui::GetIO().DisplaySize;
  const float W = std::max(d.x, 960.f), H = std::max(d.y, 640.f);
  const float header_h = 36;
  const float left_w = std::round(std::clamp(W * 0.31f, 360.f, 520.f));
  const float right_w = std::round(std::clamp(W * 0.36f, 440.f, 640.f));
  const float mid_w = W - left_w - right_w;
  const float body_y = header_h, body_h = H - header_h;
  const float train_h = std::round(std::clamp(body_h * 0.37f, 280.f, 340.f));
  const float draw_h = std::round(std::clamp(body_h * 0.43f, 320.f, 420.f));

  header(ImVec2(0, 0), ImVec2(W, header_h));
  panel_setup(ImVec2(0, body_y), ImVec2(left_w, body_h));
  panel_training(ImVec2(left_w, body_y), ImVec2(mid_w, train_h));
  panel_loss(ImVec2(left_w, body_y + train_h), ImVec2(mid_w, body_h - train_h));
  panel_draw(ImVec2(left_w + mid_w, body_y), ImVec2(right_w, draw_h));
  panel_views(ImVec2(left_w + mid_w, body_y + draw_h), ImVec2(right_w, body_h - draw_h));
}

void frame() {
  const double t0 = emscripten_get_now();
  const double interval = last_frame_start < 0 ? 16.7 : t0 - last_frame_start;
  last_frame_start = t0;
  g->now = t0 / 1000.0;

  // ImGui 1.86 samples key states once per frame: a key pressed and released between two frames
  // (automation, very fast typing) would never be seen down. Such a key-up is held back until
  // the next frame.
  static std::vector<SDL_Event> deferred;
  std::vector<SDL_Event> events;
  events.swap(deferred);
  SDL_Event event;
  while (SDL_PollEvent(&event)) events.push_back(event);
  bool input = false, blocked = false;
  std::vector<SDL_Scancode> down_now, up_held;
  auto has = [](const std::vector<SDL_Scancode>& v, SDL_Scancode c) { return std::find(v.begin(), v.end(), c) != v.end(); };
  for (const SDL_Event& e : events) {
    const bool key_event = e.type == SDL_KEYDOWN || e.type == SDL_KEYUP || e.type == SDL_TEXTINPUT;
    if (blocked && key_event) {
      deferred.push_back(e);  // behind a repeated key: keep the order
      continue;
    }
    if (e.type == SDL_KEYDOWN && has(up_held, e.key.keysym.scancode)) {
      blocked = true;  // the same key again: next frame
      deferred.push_back(e);
      continue;
    }
    if (e.type == SDL_KEYUP && has(down_now, e.key.keysym.scancode)) {
      up_held.push_back(e.key.keysym.scancode);
      deferred.push_back(e);
      continue;
    }
    if (e.type == SDL_KEYDOWN) down_now.push_back(e.key.keysym.scancode);
    ImGui_ImplSDL2_ProcessEvent(&e);
    if (e.type == SDL_KEYDOWN || e.type == SDL_KEYUP) {
      // The backend reads modifiers from SDL_GetModState(), i.e. after every queued event:
      // Ctrl may already be up when Ctrl+A is processed. The event's own modifiers are right.
      ImGuiIO& io = ImGui::GetIO();
      io.KeyCtrl = (e.key.keysym.mod & KMOD_CTRL) != 0;
      io.KeyShift = (e.key.keysym.mod & KMOD_SHIFT) != 0;
      io.KeyAlt = (e.key.keysym.mod & KMOD_ALT) != 0;
      io.KeySuper = (e.key.keysym.mod & KMOD_GUI) != 0;
    }
    if (e.type == SDL_KEYDOWN && g->ready) shortcut(e.key);
    input = true;
  }
  if (input) g->last_input = g->now;

  // Training first, so every panel shows the state after this frame's work.
  // Session::work(b) stops before a unit it expects to overrun the budget (at least one unit).
  double work_ms = 0;
  if (g->s.training()) {
    try {
      work_ms = g->s.work(g->budget_ms);
    } catch (const std::exception& e) {
      g->train_error = e.what();
    }
  }
  g->last_work_ms = work_ms;

  // While training with nobody touching the page, the UI is redrawn ~10 times a second and the
  // frames in between only train: drawing 1280×800 is expensive on CPU-rendered WebGL
  // (SwiftShader), and those frames' GPU time is better spent training. Any input (mouse, keys)
  // redraws at once and keeps every frame drawn for a second.
  const bool redraw = !g->ready || !g->s.training() || g->now - g->last_input < 1.0 ||
                      g->now - g->last_render >= 0.1;
  if (!redraw) {
    maybe_autosave();
    g->stats.add(interval, work_ms, emscripten_get_now() - t0);
    return;
  }
  g->last_render = g->now;
  g->status = status_json();

  update_results();
  update_drawing();
  update_inspect();

  gfx::new_frame();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
  if (!(io.DeltaTime > 0.0f)) io.DeltaTime = 1.0f / 1000.0f;  // headless: equal timestamps
  ImGui::NewFrame();
  layout();
  ImGui::Render();

  int fb_w = 0, fb_h = 0;
  SDL_GL_GetDrawableSize(window, &fb_w, &fb_h);
  glViewport(0, 0, fb_w, fb_h);
  glClearColor(0.086f, 0.094f, 0.114f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  SDL_GL_SwapWindow(window);

  maybe_autosave();
  g->stats.add(interval, work_ms, emscripten_get_now() - t0);

  if (!g->ready && g->mnist_done && g->persist_done) {
    if (!g->restored) restore_saved();
    if (++g->frames_after_load >= 3) announce_ready();
  }
}

}  // namespace

// ---- helpers ----------------------------------------------------------------------------------
namespace {
struct Mark {
  ImVec2 min, max;
  int frame;
};
std::map<std::string, Mark> marks;
}  // namespace

void mark(const std::string& id) {
  marks[id] = {ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), ImGui::GetFrameCount()};
}

dae::Json marks_json() {
  dae::Json j = dae::Json::object();
  const int now = ImGui::GetFrameCount();
  for (const auto& [id, m] : marks) {
    if (now - m.frame > 2) continue;  // not drawn lately (a hidden tab's widgets)
    j[id] = dae::Json::object({{"x", m.min.x}, {"y", m.min.y}, {"width", m.max.x - m.min.x},
                               {"height", m.max.y - m.min.y}});
  }
  return j;
}

double num(const dae::Json& j, const char* key, double def) {
  const dae::Json* v = dae::json_find(j, key);
  return v && v->is_number() ? v->get<double>() : def;
}

std::string str(const dae::Json& j, const char* key) {
  const dae::Json* v = dae::json_find(j, key);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

std::string dataset_label(const std::string& name) {
  if (name == "mnist") return "MNIST digits";
  if (name == "dhcd") return "Devanagari digits";
  return name.empty() ? "no dataset" : name;
}

int dataset_side(const std::string& name) {
  if (const dae::Dataset* d = g->s.dataset(name)) return d->h();
  return name == "dhcd" ? 32 : 28;
}

void help_marker(const char* text) {
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30.0f);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

void section(const char* title, const char* help) {
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.60f, 0.74f, 0.95f, 1.f));
  ImGui::TextUnformatted(title);
  ImGui::PopStyleColor();
  if (help) {
    ImGui::SameLine();
    help_marker(help);
  }
  ImGui::Separator();
}

std::string fmt_int(long long v) {
  std::string s = std::to_string(v < 0 ? -v : v);
  for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
  return v < 0 ? "-" + s : s;
}

std::string fmt_time(double seconds) {
  if (!(seconds >= 0) || !std::isfinite(seconds)) return "–";
  char b[32];
  const long long t = (long long)std::llround(seconds);
  if (t >= 3600)
    std::snprintf(b, sizeof b, "%lld:%02lld:%02lld", t / 3600, (t / 60) % 60, t % 60);
  else
    std::snprintf(b, sizeof b, "%lld:%02lld", t / 60, t % 60);
  return b;
}

// ---- frame statistics ---------------------------------------------------------------------------
void FrameStats::add(double interval_ms, double work_ms, double cpu_ms) {
  if (interval_.size() < kWindow) {
    interval_.push_back(interval_ms);
    work_.push_back(work_ms);
    cpu_.push_back(cpu_ms);
  } else {
    interval_[next_] = interval_ms;
    work_[next_] = work_ms;
    cpu_[next_] = cpu_ms;
  }
  next_ = (next_ + 1) % kWindow;
}

double FrameStats::p95(const std::vector<double>& v) {
  if (v.empty()) return 0;
  std::vector<double> s(v);
  const size_t k = std::min(s.size() - 1, size_t(std::ceil(0.95 * double(s.size()))) - 1);
  std::nth_element(s.begin(), s.begin() + long(k), s.end());
  return s[k];
}

double FrameStats::fps() const {
  if (interval_.empty()) return 0;
  double sum = 0;
  for (double x : interval_) sum += x;
  return sum > 0 ? 1000.0 * double(interval_.size()) / sum : 0;
}

}  // namespace app

int main() {
  using namespace app;
  g = new App();
#ifdef __wasm_simd128__
  g->simd = true;
#endif
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) {
    std::printf("SDL_Init: %s\n", SDL_GetError());
    return 1;
  }
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
  setup_style();
  setup_fonts();
  ImGui_ImplSDL2_InitForOpenGL(window, gl_context);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  if (!gfx::init()) std::printf("image shaders unavailable: images will not be drawn\n");

  select_preset("seed");
  clear_drawing();
  js_start();
  emscripten_set_main_loop(frame, 0, 1);
  return 0;
}
