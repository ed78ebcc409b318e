// main.cpp — the browser app: SDL2 window + WebGL2 context, Dear ImGui, the frame loop
// (training progress, panels, autosave, idle), and the layout, which follows the screen:
//
//  Wide (≥ 1200 CSS px and a mouse):                Narrow (phones, small or zoomed windows):
//   +------------------------------------------+     +----------------------+
//   | header: model · threads · fps · autosave |     | header               |
//   +-----------+--------------+---------------+     | [Train][Loss][Draw]… | one tap to any panel
//   | Data |    | Training     | Draw          |     +----------------------+
//   | Model |   +--------------+---------------+     | the chosen panel,    |
//   | Files     | Loss         | Results|Runs| |     | full width, scrolls  |
//   |           |              | Inspect       |     | by touch             |
//   +-----------+--------------+---------------+     +----------------------+
//
// Quiet when idle: with no input, training, loading or animation for a second, a frame only
// polls events (microseconds) and the UI is redrawn once a second; any input, or
// anything the browser side reports (a download finished, a save done), redraws at once.

#include <SDL.h>
#include <GLES3/gl3.h>
#include <emscripten.h>
#include <emscripten/html5.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>

#include "state/app.h"
#include "imgui_impl_opengl3.h"
#include "imgui_impl_sdl2.h"
#include "imgui_internal.h"
#include "platform/present.h"

namespace app {

namespace {

App* g_app = nullptr;
SDL_Window* window = nullptr;
SDL_GLContext gl_context = nullptr;
double last_frame_start = -1;

constexpr float kWideMin = 1200;  // CSS px: below this (or on touch screens) the narrow layout

// ---- look ------------------------------------------------------------------------------------
void setup_style(float scale) {
  ImGuiStyle& st = ImGui::GetStyle();
  st = ImGuiStyle();
  ImGui::StyleColorsDark(&st);
  st.WindowPadding = ImVec2(10, 8);
  st.FramePadding = ImVec2(6, 3);
  st.ItemSpacing = ImVec2(8, 5);
  st.ItemInnerSpacing = ImVec2(5, 4);
  st.CellPadding = ImVec2(4, 2);
  st.IndentSpacing = 16;
  st.ScrollbarSize = 12;
  st.GrabMinSize = 12;
  st.WindowRounding = 0;
  st.FrameRounding = 3;
  st.GrabRounding = 3;
  st.TabRounding = 3;
  st.ChildRounding = 3;
  st.PopupRounding = 3;
  st.WindowBorderSize = 1;
  st.WindowTitleAlign = ImVec2(0.0f, 0.5f);
  st.TouchExtraPadding = ImVec2(0, 0);
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
  c[ImGuiCol_NavHighlight] = ImVec4(1.00f, 0.80f, 0.30f, 1.f);  // keyboard focus: clearly visible
  if (scale != 1.f) st.ScaleAllSizes(scale);
}

bool file_exists(const char* path) {
  if (FILE* f = std::fopen(path, "rb")) {
    std::fclose(f);
    return true;
  }
  return false;
}

// Fonts are rasterised at the device's pixel ratio (crisp on phones) and drawn at CSS size.
void setup_fonts(App& a) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  const float dpr = std::clamp(a.browser.dpr, 1.f, 4.f);
  // Latin-1, Greek (Δ), general punctuation (— … ·), arrows, math operators (≈ ≥), shapes (▶),
  // dingbats (✕).
  static const ImWchar ranges[] = {0x0020, 0x00FF, 0x0370, 0x03FF, 0x2000, 0x206F, 0x2190, 0x21FF,
                                   0x2200, 0x22FF, 0x25A0, 0x25FF, 0x2700, 0x27BF, 0};
  ImFontConfig cfg;
  cfg.OversampleH = dpr > 1.5f ? 1 : 2;
  cfg.OversampleV = 1;
  const char* sans = "/fonts/DejaVuSans.ttf";
  const char* mono = "/fonts/DejaVuSansMono.ttf";
  a.fonts = Fonts();
  if (file_exists(sans)) {
    a.fonts.ui = io.Fonts->AddFontFromFileTTF(sans, 15.0f * dpr, &cfg, ranges);
    a.fonts.title = io.Fonts->AddFontFromFileTTF(sans, 19.0f * dpr, &cfg, ranges);
  }
  if (file_exists(mono)) a.fonts.mono = io.Fonts->AddFontFromFileTTF(mono, 13.0f * dpr, &cfg, ranges);
  io.FontGlobalScale = 1.f / dpr;
  if (!a.fonts.ui) {
    // No TrueType font: ImGui's built-in bitmap font, slightly enlarged.
    ImFontConfig d;
    d.SizePixels = 13.f * dpr;
    a.fonts.ui = io.Fonts->AddFontDefault(&d);
    io.FontGlobalScale = 1.15f / dpr;
  }
  if (!a.fonts.mono) a.fonts.mono = a.fonts.ui;
  if (!a.fonts.title) a.fonts.title = a.fonts.ui;
  io.FontDefault = a.fonts.ui;
}

// ---- header ------------------------------------------------------------------------------------
constexpr ImGuiWindowFlags kFixed = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                    ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                    ImGuiWindowFlags_NoBringToFrontOnFocus;

}  // namespace

void draw_header(App& a, ImVec2 pos, ImVec2 size) {
  ImGui::SetNextWindowPos(pos);
  ImGui::SetNextWindowSize(size);
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.086f, 0.094f, 0.114f, 1.f));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(10, 4));
  ImGui::Begin("##header", nullptr, ImGuiWindowFlags_NoDecoration | kFixed | ImGuiWindowFlags_NoNav);
  const bool narrow = a.layout.mode == LayoutMode::Narrow;
  ImGui::PushFont(a.fonts.title);
  ImGui::TextColored(ImVec4(0.55f, 0.75f, 1.f, 1.f), "dae");
  ImGui::PopFont();
  ImGui::SameLine(0, 8);
  const std::string model = a.st.model.source == dae::ModelSource::None ? "no model yet" : a.st.model.describe();
  shown("header_model", model, kMuted);
  a.t.header_fps.update(int(std::lround(a.t.stats.fps())), a.t.now, 1.0);
  char right[200];
  std::snprintf(right, sizeof right, "%s · %d fps · %s", threads_text(a).c_str(), a.t.header_fps.key(), save_text(a).c_str());
  const float rw = ImGui::CalcTextSize(right).x;
  const float avail = ImGui::GetContentRegionAvail().x - 24;
  ImGui::AlignTextToFramePadding();
  if (!narrow && avail > rw + 200) {
    // One line: the model in memory on the left, runtime facts on the right.
    const std::string line = "model: " + model;
    ImGui::TextColored(kMuted, "%s", elide(line, avail - rw - 16).c_str());
    mark("header_model");
    if (ImGui::IsItemHovered()) tooltip("%s", line.c_str());
    ImGui::SameLine(size.x - rw - 34);
    ImGui::TextColored(kMuted, "%s", right);
  } else {
    // Two short lines, each cut with "…" before the "(?)" (the whole model text on hover).
    const float w = pos.x + size.x - 40 - ImGui::GetCursorScreenPos().x;
    ImGui::BeginGroup();
    ImGui::TextColored(kMuted, "%s", elide(model, w).c_str());
    ImGui::TextColored(kMuted, "%s", elide(right, w).c_str());
    ImGui::EndGroup();
    mark("header_model");
    if (ImGui::IsItemHovered()) tooltip("%s", model.c_str());
  }
  ImGui::SameLine(size.x - 30);
  help_marker(
      "Keyboard: Tab / Shift+Tab move between fields and buttons, Space or Enter activates, arrows adjust.\n"
      "F6 (or Alt+1…9) moves to the next panel.\n"
      "Shortcuts (when no text field is active):\n"
      "  Ctrl+Enter  train with the current settings\n"
      "  P           pause / resume training\n"
      "  C           clear the drawing,  E  eraser on/off\n"
      "  R           reshuffle the Results images\n"
      "  L           toggle the loss plot's log scale\n"
      "Everything is saved in this browser (IndexedDB) and restored on reload.",
      "keys");
  ImGui::End();
  ImGui::PopStyleVar();
  ImGui::PopStyleColor();
}

namespace {

// ---- panels in windows -------------------------------------------------------------------------
void record_box(App& a, Panel p) {
  ImGuiWindow* w = ImGui::GetCurrentWindow();
  auto& b = a.layout.boxes[int(p)];
  b.pos = w->Pos;
  b.size = w->Size;
  b.content = w->ContentSize;
  b.scroll_max_y = w->ScrollMax.y;
  b.scroll_max_x = w->ScrollMax.x;
  b.drawn = true;
}

// F6 / Alt+digit asked for this panel: the window being drawn takes the keyboard focus, on its
// first widget (a window focused without a widget ignores Tab until clicked).
void take_keyboard_focus(App& a, Panel p) {
  if (a.layout.focus_panel != int(p)) return;
  ImGui::SetWindowFocus();
  ImGui::NavInitWindow(ImGui::GetCurrentWindow(), true);
  a.layout.focus_panel = -1;
}

void panel_window(App& a, Panel p, ImVec2 pos, ImVec2 size, bool titled) {
  ImGui::SetNextWindowPos(pos);
  ImGui::SetNextWindowSize(size);
  std::string name = std::string(panel_title(p)) + "###panel" + std::to_string(int(p));
  ImGuiWindowFlags f = kFixed;
  if (!titled) f |= ImGuiWindowFlags_NoTitleBar;
  ImGui::Begin(name.c_str(), nullptr, f);
  take_keyboard_focus(a, p);
  record_box(a, p);
  panel_def(p).draw(a);
  ImGui::End();
}

// The window name of a panel's slot in the wide layout.
std::string slot_window(Panel p) {
  const PanelDef& d = panel_def(p);
  if (d.slot == Slot::Setup) return "Setup";
  if (d.slot == Slot::Views) return "Views";
  return std::string(d.title) + "###panel" + std::to_string(int(p));
}

// A tab bar of the panels of one slot inside one window (the wide layout's left column and
// lower right).
void tabbed_window(App& a, Slot slot, Panel& current, ImVec2 pos, ImVec2 size) {
  const char* id = slot == Slot::Setup ? "Setup" : "Views";
  ImGui::SetNextWindowPos(pos);
  ImGui::SetNextWindowSize(size);
  ImGui::Begin(id, nullptr, kFixed | ImGuiWindowFlags_NoTitleBar);
  if (ImGui::BeginTabBar((std::string(id) + "_tabs").c_str())) {
    for (const PanelDef& d : panel_table()) {
      if (d.slot != slot) continue;
      const Panel p = d.panel;
      const int flags = a.layout.force_tab == int(p) ? ImGuiTabItemFlags_SetSelected : 0;
      std::string label = d.title;
      if (p == Panel::Experiments) label += " (" + std::to_string(a.s.runs().size()) + ")";
      label += "###tab" + std::to_string(int(p));
      const bool open = ImGui::BeginTabItem(label.c_str(), nullptr, flags);
      mark(std::string("tab_") + d.id);
      if (open) {
        current = p;
        ImGui::BeginChild("scroll", ImVec2(0, 0), false);
        // F6 / Alt+digit: the keyboard focus goes into the panel (Tab then moves through it).
        take_keyboard_focus(a, p);
        record_box(a, p);
        d.draw(a);
        ImGui::EndChild();
        ImGui::EndTabItem();
      }
    }
    ImGui::EndTabBar();
  }
  ImGui::End();
}

void layout_wide(App& a, float W, float H) {
  const float header_h = 36;
  a.layout.header_h = header_h;
  const float left_w = std::round(std::clamp(W * 0.31f, 370.f, 520.f));
  const float right_w = std::round(std::clamp(W * 0.36f, 430.f, 640.f));
  const float mid_w = W - left_w - right_w;
  const float body_y = header_h, body_h = H - header_h;
  const float train_h = std::round(std::clamp(body_h * 0.40f, 300.f, 360.f));
  const float draw_h = std::round(std::clamp(body_h * 0.43f, 320.f, 420.f));
  draw_header(a, ImVec2(0, 0), ImVec2(W, header_h));
  tabbed_window(a, Slot::Setup, a.layout.wide_left, ImVec2(0, body_y), ImVec2(left_w, body_h));
  panel_window(a, Panel::Training, ImVec2(left_w, body_y), ImVec2(mid_w, train_h), true);
  panel_window(a, Panel::Loss, ImVec2(left_w, body_y + train_h), ImVec2(mid_w, body_h - train_h), true);
  panel_window(a, Panel::Draw, ImVec2(left_w + mid_w, body_y), ImVec2(right_w, draw_h), true);
  tabbed_window(a, Slot::Views, a.layout.wide_right, ImVec2(left_w + mid_w, body_y + draw_h),
                ImVec2(right_w, body_h - draw_h));
}

// Narrow: a grid of big tab buttons, then the chosen panel at full width.
void layout_narrow(App& a, float W, float H) {
  static const std::vector<PanelDef> order = [] {
    std::vector<PanelDef> o = panel_table();
    std::sort(o.begin(), o.end(), [](const PanelDef& x, const PanelDef& y) { return x.narrow_rank < y.narrow_rank; });
    return o;
  }();
  const int n = int(order.size());
  // The narrow header always has two lines (the model; threads, fps and autosave).
  const float header_h = std::ceil(std::max(36.f, 2 * ImGui::GetTextLineHeightWithSpacing() + 10));
  a.layout.header_h = header_h;
  draw_header(a, ImVec2(0, 0), ImVec2(W, header_h));
  const float button_h = std::max(ImGui::GetFrameHeight() + 8, a.browser.touch ? 40.f : 30.f);
  const int per_row = W >= 9 * 88 ? n : (n + 1) / 2;
  const int rows = (n + per_row - 1) / per_row;
  const float bar_h = rows * (button_h + 4) + 8;
  if (a.layout.force_tab >= 0) a.layout.narrow_tab = Panel(a.layout.force_tab);
  ImGui::SetNextWindowPos(ImVec2(0, header_h));
  ImGui::SetNextWindowSize(ImVec2(W, bar_h));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(4, 4));
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(4, 4));
  ImGui::Begin("##tabs", nullptr, kFixed | ImGuiWindowFlags_NoDecoration);
  const float bw = std::floor((W - 8 - 4 * (per_row - 1)) / per_row);
  for (int i = 0; i < n; ++i) {
    if (i % per_row) ImGui::SameLine();
    const Panel p = order[size_t(i)].panel;
    const bool on = a.layout.narrow_tab == p;
    if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.27f, 0.45f, 0.72f, 1.f));
    std::string label = order[size_t(i)].title;
    if (p == Panel::Experiments && !a.s.runs().empty()) label += " " + std::to_string(a.s.runs().size());
    if (p == Panel::Training && a.st.training) label += " ▶";
    if (ImGui::Button(label.c_str(), ImVec2(bw, button_h))) a.layout.narrow_tab = p;
    if (on) ImGui::PopStyleColor();
    mark(std::string("tab_") + order[size_t(i)].id);
  }
  ImGui::End();
  ImGui::PopStyleVar(2);
  const float y = header_h + bar_h;
  panel_window(a, a.layout.narrow_tab, ImVec2(0, y), ImVec2(W, H - y), false);
  // The wide layout shows the same tab when the window widens.
  if (panel_def(a.layout.narrow_tab).slot == Slot::Setup) a.layout.wide_left = a.layout.narrow_tab;
  if (panel_def(a.layout.narrow_tab).slot == Slot::Views) a.layout.wide_right = a.layout.narrow_tab;
}

// ---- input ---------------------------------------------------------------------------------------
// Keyboard shortcuts, from SDL's key events (only when no text field takes the keys).
void shortcut(App& a, const SDL_KeyboardEvent& k) {
  if (k.repeat) return;
  const SDL_Scancode sc = k.keysym.scancode;
  // Panel switching on keys browsers leave to pages: F6 (Shift+F6 back), Alt+1…9.
  const std::vector<PanelDef>& cycle = panel_table();
  const int n = int(cycle.size());
  auto go = [&](Panel p) {
    a.layout.force_tab = int(p);
    a.layout.focus_panel = int(p);  // next frame, when its window (or tab) is drawn
  };
  if (sc == SDL_SCANCODE_F6) {
    // The panel shown where the keyboard focus is (or the narrow layout's), then the next one.
    const ImGuiWindow* fw = GImGui->NavWindow;
    const std::string focus = fw && fw->RootWindow ? fw->RootWindow->Name : "";
    Panel now = a.layout.mode == LayoutMode::Narrow ? a.layout.narrow_tab : Panel::Training;
    if (a.layout.mode == LayoutMode::Wide) {
      if (focus == "Setup") now = a.layout.wide_left;
      else if (focus == "Views") now = a.layout.wide_right;
      else
        for (const PanelDef& d : cycle)
          if (slot_window(d.panel) == focus) now = d.panel;
    }
    int cur = 0;
    for (int i = 0; i < n; ++i)
      if (cycle[size_t(i)].panel == now) cur = i;
    go(cycle[size_t((cur + ((k.keysym.mod & KMOD_SHIFT) ? n - 1 : 1)) % n)].panel);
    return;
  }
  if ((k.keysym.mod & KMOD_ALT) && sc >= SDL_SCANCODE_1 && sc <= SDL_SCANCODE_9 && sc - SDL_SCANCODE_1 < n) {
    go(cycle[size_t(sc - SDL_SCANCODE_1)].panel);
    // Alt was part of a shortcut: its release must not toggle ImGui's menu layer (the keyboard
    // focus would leave the panel's widgets and Tab would do nothing).
    ImGui::SetKeyOwner(ImGuiMod_Alt, ImHashStr("alt_shortcut"), ImGuiInputFlags_LockUntilRelease);
    return;
  }
  if (ImGui::GetIO().WantTextInput) return;
  const bool ctrl = (k.keysym.mod & KMOD_CTRL) != 0;
  if (ctrl) {
    if (sc == SDL_SCANCODE_RETURN || sc == SDL_SCANCODE_KP_ENTER) start_training(a);
    return;
  }
  if (k.keysym.mod & (KMOD_ALT | KMOD_GUI)) return;
  switch (sc) {
    case SDL_SCANCODE_P: toggle_pause(a); break;
    case SDL_SCANCODE_C: clear_drawing(a); break;
    case SDL_SCANCODE_E: a.draw.eraser = !a.draw.eraser; break;
    case SDL_SCANCODE_R: ++a.results.draw; break;
    case SDL_SCANCODE_L: a.plot.log_scale = !a.plot.log_scale; break;
    default: break;
  }
}

// Touch, tracked from SDL's finger events in CSS pixels, for the one finger on the screen: dragged
// where no widget takes it, it scrolls the window under it (ImGui scrolls only with a wheel);
// resting (not moved 8 px), a long press shows tooltips.
struct TouchScroll {
  bool active = false, scrolling = false;
  ImVec2 start, last;
  ImGuiWindow* win = nullptr;
  double resting_since = -1;  // when it came down, while it has not moved (-1: it moved, or none)
} touch_scroll;

void touch_event(App& a, const SDL_Event& e, float W, float H) {
  const ImVec2 p(e.tfinger.x * W, e.tfinger.y * H);
  if (e.type == SDL_FINGERDOWN) ++a.browser.fingers;
  if (e.type == SDL_FINGERUP) {
    a.browser.fingers = std::max(0, a.browser.fingers - 1);
    // The last finger lifted: nothing stays "hovered" (no tooltip left on the screen after a tap).
    if (a.browser.fingers == 0) ImGui::GetIO().AddMousePosEvent(-FLT_MAX, -FLT_MAX);
  }
  if (a.browser.fingers >= 2) {  // a pinch: it neither scrolls a window nor (the page) zooms
    touch_scroll = TouchScroll();
    return;
  }
  if (e.type == SDL_FINGERDOWN) {
    touch_scroll = TouchScroll();
    touch_scroll.active = true;
    touch_scroll.start = touch_scroll.last = p;
    touch_scroll.resting_since = a.t.now;
    return;
  }
  if (e.type == SDL_FINGERUP) {
    touch_scroll.active = false;
    touch_scroll.resting_since = -1;
    return;
  }
  if (e.type == SDL_FINGERMOTION && std::hypot(p.x - touch_scroll.start.x, p.y - touch_scroll.start.y) >= 8)
    touch_scroll.resting_since = -1;
  if (e.type != SDL_FINGERMOTION || !touch_scroll.active) return;
  if (!touch_scroll.scrolling) {
    // A press on a window's empty space makes the window's "move" id active (even when it
    // cannot move): that is no widget taking the finger.
    const ImGuiContext& g = *GImGui;
    const bool widget = g.ActiveId != 0 && !(g.ActiveIdWindow && g.ActiveId == g.ActiveIdWindow->MoveId);
    if (widget || std::hypot(p.x - touch_scroll.start.x, p.y - touch_scroll.start.y) < 8) {
      touch_scroll.last = p;
      return;
    }
    ImGuiWindow* w = GImGui->HoveredWindow;
    while (w && w->ScrollMax.y <= 0 && w->ParentWindow) w = w->ParentWindow;
    if (!w || w->ScrollMax.y <= 0) return;
    touch_scroll.win = w;
    touch_scroll.scrolling = true;
  }
  ImGui::SetScrollY(touch_scroll.win, std::clamp(touch_scroll.win->Scroll.y - (p.y - touch_scroll.last.y), 0.f,
                                                 touch_scroll.win->ScrollMax.y));
  touch_scroll.last = p;
}

// ---- the frame -------------------------------------------------------------------------------------
// Whether to take the run's progress this frame. While the user works the page during a run on
// worker threads, 4 times a second: the Training panel and the loss plot keep their pixels in
// between, so only what the user works on is drawn again (present.h) and the page's thread stays
// with the user. A change of state (paused, finished, another epoch) shows at once (`frame`).
bool progress_due(const App& a) {
  return !(a.s.background() && a.s.training() && user_working(a)) || a.t.now - a.t.last_progress >= 0.25;
}

void take_progress(App& a) {
  a.s.work(0);
  a.t.last_progress = a.t.now;
}

// Why the page draws at full rate ("" = it may idle): shown as status().busy_because.
const char* wants_fast_loop(const App& a) {
  if (!a.t.ready) return "starting";
  if (a.s.training()) return "training";
  if (!a.browser.busy.empty()) return "browser task";
  if (a.browser.dhcd_loading) return "loading dhcd";
  if (!a.files.pretrained_loading.empty()) return "loading pretrained model";
  if (a.files.saving) return "saving";
  if (a.work->busy()) return "model work";  // its result is shown by the next frame
  if (!GImGui->InputEventsQueue.empty()) return "input";  // keys still trickling in, a few per frame
  if (user_working(a)) return a.t.now - a.t.last_input < 1.0 ? "input" : "active widget";
  if (a.confirm.open) return "dialog";
  return "";
}

void frame() {
  App& a = *g_app;
  const double t0 = emscripten_get_now();
  const double interval = last_frame_start < 0 ? 16.7 : t0 - last_frame_start;
  last_frame_start = t0;
  a.t.now = t0 / 1000.0;

  int win_w = 0, win_h = 0;
  SDL_GetWindowSize(window, &win_w, &win_h);
  SDL_Event event;
  bool input = false;
  while (SDL_PollEvent(&event)) {
    ImGui_ImplSDL2_ProcessEvent(&event);  // ImGui ≥ 1.87: an ordered input queue
    if (event.type == SDL_FINGERDOWN || event.type == SDL_FINGERMOTION || event.type == SDL_FINGERUP)
      touch_event(a, event, float(win_w), float(win_h));
    if (event.type == SDL_KEYDOWN && a.t.ready) shortcut(a, event.key);
    if (event.type != SDL_WINDOWEVENT || event.window.event == SDL_WINDOWEVENT_RESIZED) input = true;
  }
  if (input) a.t.last_input = a.t.now;
  // While the user works the page (draws, types, drags), a run leaves one of its threads idle:
  // this thread then has a core of its own and answers at once. The same results either way.
  const int spare = user_working(a) ? 1 : 0;
  if (spare != a.s.spare_threads()) a.s.set_spare_threads(spare);
  set_touch_hold(a.browser.touch, touch_scroll.resting_since < 0 ? -1 : a.t.now - touch_scroll.resting_since);

  // Idle: nothing to draw unless a second has passed (the clock in the header, debounced
  // autosave).
  const bool queued = !GImGui->InputEventsQueue.empty();  // typed keys not yet applied
  if (queued) input = true;
  if (a.t.idle && !input && a.t.now - a.t.last_render < 1.0 && !a.s.training()) {
    a.s.work(0);
    return;
  }
  // Training on worker threads while nobody touches the page: 4 frames a second show the
  // progress well enough, and leave the cores (and, without a GPU, the compositor's
  // rasterising) to the trainer; 2 a second when the run has a thread on every core (each frame
  // then takes its time from the trainer: ~20 ms of the browser's CPU with software GL). Input
  // brings the full rate back at once, for a third of a second after the last event (hover
  // effects; a key or a move wakes it again): a click on Train does not slow the run's first
  // second down, which made its early ETA ~45 % high.
  const double alone_every = a.st.threads >= a.browser.hardware_threads ? 0.5 : 0.25;
  if (a.s.background() && a.s.training() && !input && a.t.now - a.t.last_input > 0.3 &&
      a.t.now - a.t.last_render < alone_every && !ImGui::IsAnyItemActive() && !a.draw.drawing) {
    if (progress_due(a)) take_progress(a);
    return;
  }

  // Training first (background: take the published progress; else time-sliced work), so every
  // panel shows the state after this frame's work.
  FrameStats::Frame stats;
  stats.interval = interval;
  const bool due = progress_due(a);
  try {
    if (!a.s.background()) stats.work = a.s.work(12.0);
    else if (due) take_progress(a);
  } catch (const std::exception& e) {
    a.ed.train_error = e.what();
  }
  a.t.last_work_ms = stats.work;
  {
    dae::Session::Status st = a.s.status();
    if (due || st.training != a.st.training || st.state != a.st.state || st.run_id != a.st.run_id ||
        st.paused != a.st.paused || st.epoch != a.st.epoch || st.validating != a.st.validating)
      a.st = std::move(st);
  }

  // The layout mode and the style follow the window.
  const ImVec2 d = ImGui::GetIO().DisplaySize;
  const float W = std::max(d.x, 320.f), H = std::max(d.y, 320.f);
  a.layout.mode = (W >= kWideMin && H >= 560 && !a.browser.touch) ? LayoutMode::Wide : LayoutMode::Narrow;

  double t = emscripten_get_now();
  const auto lap = [&t] {
    const double t1 = emscripten_get_now(), ms = t1 - t;
    t = t1;
    return ms;
  };
  take_work(a);
  update_results(a);
  update_drawing(a);
  update_inspect(a);
  stats.update = lap();

  gfx::new_frame();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
  if (!(io.DeltaTime > 0.0f)) io.DeltaTime = 1.0f / 1000.0f;  // headless: equal timestamps
  ImGui::NewFrame();
  items_new_frame();
  for (auto& b : a.layout.boxes) b.drawn = false;
  if (a.layout.mode == LayoutMode::Wide) layout_wide(a, W, H);
  else layout_narrow(a, W, H);
  a.layout.force_tab = -1;
  a.confirm.draw();
  ImGui::Render();
  stats.build = lap();

  if (js_take_screen_reset()) present::redraw_all();  // the canvas was sized: its pixels are gone
  present::frame(ImGui::GetDrawData());                // only what changed (present.h)
  SDL_GL_SwapWindow(window);
  stats.gl = lap();
  a.t.last_render = a.t.now;
  ++a.t.rendered;
  ++a.t.renders_by_reason[input ? "input" : a.t.idle ? "idle tick" : a.t.busy_because];
  a.t.render_times.push_back(a.t.now);
  while (!a.t.render_times.empty() && a.t.now - a.t.render_times.front() > 3.0)
    a.t.render_times.erase(a.t.render_times.begin());

  maybe_autosave(a);
  stats.main = emscripten_get_now() - t0;
  a.t.stats.add(stats);

  if (!a.t.ready && a.browser.mnist_done && a.browser.persist_done) {
    if (!a.files.restored) restore_saved(a);
    // Ready once a first-visit pretrained model (if any) has arrived: the page is then usable as is.
    if (a.files.pretrained_loading.empty() && ++a.t.frames_after_load >= 3) announce_ready(a);
  }

  // Quiet when idle (see the top): input or activity ends it at once (js_wake).
  a.t.busy_because = wants_fast_loop(a);
  a.t.idle = a.t.busy_because.empty();
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

bool user_working(const App& a) { return a.t.now - a.t.last_input < 1.0 || ImGui::IsAnyItemActive(); }

void js_redraw() {
  if (g_app) g_app->t.idle = false;  // one frame; the loop then decides again (wants_fast_loop)
}

void js_wake() {
  if (!g_app) return;
  g_app->t.last_input = emscripten_get_now() / 1000.0;
  g_app->t.idle = false;
}

}  // namespace app

extern "C" EMSCRIPTEN_KEEPALIVE void dae_wake() { app::js_wake(); }

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
  a.browser.touch = EM_ASM_INT({ return window.matchMedia && window.matchMedia('(pointer: coarse)').matches ? 1 : 0; }) != 0;
  a.browser.hardware_threads = EM_ASM_INT({ return navigator.hardwareConcurrency || 1; });
  a.browser.isolated = EM_ASM_INT({ return self.crossOriginIsolated ? 1 : 0; }) != 0;
  a.browser.single_reason = "page is not cross-origin isolated";
  // Training threads: one per core, at most kMaxThreads.
  a.threads = max_threads(a);
  a.work = std::make_unique<dae::Offload>(a.browser.threaded_build);
  try {
    a.s.set_background(a.browser.threaded_build);
    a.s.set_threads(a.threads);
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
  setup_style(a.browser.touch ? 1.25f : 1.f);
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
