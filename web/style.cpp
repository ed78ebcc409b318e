// style.cpp — the look of the page: ImGui's style (sizes, roundings, the dark colours) and the
// fonts (DejaVu Sans and Sans Mono, written to /fonts by dae_api.js before main() runs).
#include <emscripten.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <cstdio>

#include "page.h"

namespace app {

namespace {

bool file_exists(const char* path) {
  if (FILE* f = std::fopen(path, "rb")) {
    std::fclose(f);
    return true;
  }
  return false;
}

void finger_sizes(ImGuiStyle& st) {
  // Fingers: every frame (button, field, tab, checkbox, combo, slider) is 44 CSS px tall, and
  // the padding makes the narrowest (✕, ▲) 44 wide (WCAG 2.5.5).
  st.WindowPadding = ImVec2(12, 10);
  st.FramePadding = ImVec2(18, (kTouchTarget - kFontPx) / 2);
  st.ItemSpacing = ImVec2(8, 6);
  st.ItemInnerSpacing = ImVec2(8, 6);
  st.CellPadding = ImVec2(4, 3);
  st.IndentSpacing = 20;
  st.ScrollbarSize = 16;
  st.GrabMinSize = 24;
}

void more_contrast(ImGuiStyle& st) {
  ImVec4* c = st.Colors;
  // prefers-contrast: more — white text, light-gray muted text (11:1 on the panels), visible
  // borders round every field and button.
  c[ImGuiCol_Text] = ImVec4(1.f, 1.f, 1.f, 1.f);
  kMuted = ImVec4(0.82f, 0.84f, 0.88f, 1.f);
  kBad = ImVec4(1.f, 0.60f, 0.60f, 1.f);
  kWarn = ImVec4(1.f, 0.86f, 0.50f, 1.f);
  kGood = ImVec4(0.60f, 0.92f, 0.64f, 1.f);
  c[ImGuiCol_TextDisabled] = kMuted;
  c[ImGuiCol_Border] = ImVec4(0.70f, 0.73f, 0.80f, 1.f);
  c[ImGuiCol_Separator] = c[ImGuiCol_Border];
  c[ImGuiCol_WindowBg] = ImVec4(0.04f, 0.04f, 0.05f, 1.f);
  c[ImGuiCol_ChildBg] = ImVec4(0.02f, 0.02f, 0.03f, 1.f);
  st.FrameBorderSize = 1;
}

}  // namespace

void setup_style(const Look& look) {
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
  if (look.touch) finger_sizes(st);
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
  if (look.more_contrast) more_contrast(st);
}

// Fonts are rasterised at the device's pixel ratio times the UI scale (crisp on phones and
// projectors) and drawn at their size in ImGui units.
void setup_fonts(App& a) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  const float dpr = std::clamp(a.browser.dpr, 1.f, 4.f) * a.browser.ui_scale;  // device px per ImGui unit
  // The characters the app draws (DAE_FONT_RANGES, web/CMakeLists.txt: the site's fonts hold these).
  static const ImWchar ranges[] = {DAE_FONT_RANGES, 0};
  ImFontConfig cfg;
  cfg.OversampleH = dpr > 1.5f ? 1 : 2;
  cfg.OversampleV = 1;
  const char* sans = "/fonts/DejaVuSans.ttf";
  const char* mono = "/fonts/DejaVuSansMono.ttf";
  a.fonts = Fonts();
  if (file_exists(sans)) {
    a.fonts.ui = io.Fonts->AddFontFromFileTTF(sans, kFontPx * dpr, &cfg, ranges);
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

// ---- the UI scale ---------------------------------------------------------------------------------
namespace {
const float kScales[] = {0.75f, 0.9f, 1.f, 1.1f, 1.25f, 1.5f, 1.75f, 2.f};
}

void set_ui_scale(App& a, float scale) {
  scale = std::clamp(scale, kScales[0], kScales[std::size(kScales) - 1]);
  if (scale == a.browser.ui_scale) return;
  a.browser.ui_scale = scale;
  a.browser.fonts_due = true;
  EM_ASM({ try { localStorage.setItem('dae-ui-scale', String($0)); } catch (e) {} }, double(scale));
}

void step_ui_scale(App& a, int steps) {
  if (steps == 0) return set_ui_scale(a, 1.f);
  int i = 0;  // the nearest step, then `steps` further
  for (int k = 0; k < int(std::size(kScales)); ++k)
    if (std::abs(kScales[k] - a.browser.ui_scale) < std::abs(kScales[i] - a.browser.ui_scale)) i = k;
  set_ui_scale(a, kScales[std::clamp(i + steps, 0, int(std::size(kScales)) - 1)]);
}

float saved_ui_scale() {
  const double v = EM_ASM_DOUBLE({
    try { var v = parseFloat(localStorage.getItem('dae-ui-scale')); return v > 0 ? v : 1; } catch (e) { return 1; }
  });
  return std::clamp(float(v), kScales[0], kScales[std::size(kScales) - 1]);
}

}  // namespace app
