// layout.cpp — the panels' windows. The layout follows the screen (main.cpp chooses the mode):
// wide (below), middle (900–1199 CSS px, small laptops, tablets: two panes, each a row of tab
// buttons over one panel, side by side or, in portrait, one above the other) and narrow:
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
#include <algorithm>
#include <cmath>

#include "imgui_internal.h"
#include "page.h"

namespace app {

std::string panel_window_name(Panel p) { return std::string(panel_title(p)) + "###panel" + std::to_string(int(p)); }

// The window name of a panel's slot in the wide layout.
std::string slot_window(Panel p) {
  const PanelDef& d = panel_def(p);
  if (d.slot == Slot::Setup) return "Setup";
  if (d.slot == Slot::Views) return "Views";
  return panel_window_name(p);
}

namespace {

// Where the panel's window is this frame, and how far it scrolls (window.dae.layout()).
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
  const std::string name = panel_window_name(p);
  ImGuiWindowFlags f = kFixed;
  if (!titled) f |= ImGuiWindowFlags_NoTitleBar;
  ImGui::Begin(name.c_str(), nullptr, f);
  take_keyboard_focus(a, p);
  record_box(a, p);
  panel_def(p).draw(a);
  ImGui::End();
}

// A tab bar of the panels of one slot inside one window (the wide layout's left column and
// lower right).
void tabbed_window(App& a, Slot slot, Panel& current, ImVec2 pos, ImVec2 size) {
  const char* id = slot == Slot::Setup ? "Setup" : "Views";
  ImGui::SetNextWindowPos(pos);
  ImGui::SetNextWindowSize(size);
  ImGui::Begin(id, nullptr, kFixed | ImGuiWindowFlags_NoTitleBar);
  if (ImGui::BeginTabBar((std::string(id) + "_tabs").c_str())) {
    const Panel wanted = current;  // the loop sets `current` to the tab ImGui shows
    for (const PanelDef& d : panel_table()) {
      if (d.slot != slot) continue;
      const Panel p = d.panel;
      const bool select = a.layout.force_tab == int(p) || (a.layout.select_current && p == wanted);
      const int flags = select ? ImGuiTabItemFlags_SetSelected : 0;
      std::string label = d.title;
      if (p == Panel::Experiments) label += " (" + std::to_string(a.session.runs().size()) + ")";
      label += "###tab" + std::to_string(int(p));
      const bool open = ImGui::BeginTabItem(label.c_str(), nullptr, flags);
      item_role("tab", open, d.title);
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

}  // namespace

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

namespace {

// The panels in the narrow layout's order (most used first).
const std::vector<PanelDef>& ranked_panels() {
  static const std::vector<PanelDef> order = [] {
    std::vector<PanelDef> o = panel_table();
    std::sort(o.begin(), o.end(), [](const PanelDef& x, const PanelDef& y) { return x.narrow_rank < y.narrow_rank; });
    return o;
  }();
  return order;
}

// A grid of big buttons, one per panel of `panels`, at `pos`, `W` wide: one tap shows a panel in
// `current`. Returns the grid's height. `id` names its window.
float panel_switcher(App& a, const char* id, const std::vector<PanelDef>& panels, Panel& current, ImVec2 pos, float W) {
  const int n = int(panels.size());
  const float button_h = std::max(ImGui::GetFrameHeight() + 8, a.browser.touch ? kTouchTarget : 30.f);
  const int per_row = W >= n * 88 ? n : (n + 1) / 2;
  const int rows = (n + per_row - 1) / per_row;
  const float bar_h = rows * (button_h + 4) + 8;
  ImGui::SetNextWindowPos(pos);
  ImGui::SetNextWindowSize(ImVec2(W, bar_h));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(4, 4));
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(4, 4));
  ImGui::Begin(id, nullptr, kFixed | ImGuiWindowFlags_NoDecoration);
  const float bw = std::floor((W - 8 - 4 * (per_row - 1)) / per_row);
  for (int i = 0; i < n; ++i) {
    if (i % per_row) ImGui::SameLine();
    const PanelDef& d = panels[size_t(i)];
    const bool on = current == d.panel;
    if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.27f, 0.45f, 0.72f, 1.f));
    std::string label = d.title;
    if (d.panel == Panel::Experiments && !a.session.runs().empty()) label += " " + std::to_string(a.session.runs().size());
    if (d.panel == Panel::Training && a.status.training) label += " ▶";
    label += "###switch" + std::to_string(int(d.panel));
    if (ImGui::Button(label.c_str(), ImVec2(bw, button_h))) current = d.panel;
    item_role("tab", on, d.title);
    if (on) ImGui::PopStyleColor();
    mark(std::string("tab_") + d.id);
  }
  ImGui::End();
  ImGui::PopStyleVar(2);
  return bar_h;
}

// The middle layout's first pane's panels (or the second's), in the narrow layout's order.
std::vector<PanelDef> pane_panels(bool first) {
  std::vector<PanelDef> o;
  for (const PanelDef& d : ranked_panels())
    if (in_first_pane(d.panel) == first) o.push_back(d);
  return o;
}

// The wide layout shows the same tabs when the window widens.
void follow_in_wide(App& a, Panel p) {
  if (panel_def(p).slot == Slot::Setup) a.layout.wide_left = p;
  if (panel_def(p).slot == Slot::Views) a.layout.wide_right = p;
}

}  // namespace

// The narrow and middle layouts' header: always two lines (the model; threads, fps and autosave).
static float two_line_header(App& a, float W) {
  const float header_h =
      std::ceil(std::max({36.f, 2 * ImGui::GetTextLineHeightWithSpacing() + 10, ImGui::GetFrameHeight() + 8}));
  a.layout.header_h = header_h;
  draw_header(a, ImVec2(0, 0), ImVec2(W, header_h));
  return header_h;
}

// Narrow: a grid of big tab buttons, then the chosen panel at full width.
void layout_narrow(App& a, float W, float H) {
  const float header_h = two_line_header(a, W);
  if (a.layout.force_tab >= 0) a.layout.narrow_tab = Panel(a.layout.force_tab);
  const float y = header_h + panel_switcher(a, "##tabs", ranked_panels(), a.layout.narrow_tab, ImVec2(0, header_h), W);
  panel_window(a, a.layout.narrow_tab, ImVec2(0, y), ImVec2(W, H - y), false);
  follow_in_wide(a, a.layout.narrow_tab);
}

// Middle: two panes, side by side (landscape) or one above the other (portrait), each a grid of
// tab buttons over its panel: the first for setting up and running (Train, Runs, Data, Model,
// Files), the second for seeing (Draw, Loss, Results, Inspect, Latent).
void layout_middle(App& a, float W, float H) {
  const float header_h = two_line_header(a, W);
  static const std::vector<PanelDef> first = pane_panels(true), second = pane_panels(false);
  if (a.layout.force_tab >= 0) {
    const Panel p = Panel(a.layout.force_tab);
    (in_first_pane(p) ? a.layout.middle_first : a.layout.middle_second) = p;
  }
  const bool side_by_side = W >= H;
  const float body_h = H - header_h;
  const ImVec2 size = side_by_side ? ImVec2(std::floor(W / 2), body_h) : ImVec2(W, std::floor(body_h / 2));
  const ImVec2 pos2 = side_by_side ? ImVec2(size.x, header_h) : ImVec2(0, header_h + size.y);
  const ImVec2 size2 = side_by_side ? ImVec2(W - size.x, body_h) : ImVec2(W, body_h - size.y);
  const auto pane = [&](const char* id, const std::vector<PanelDef>& panels, Panel& current, ImVec2 pos, ImVec2 sz) {
    const float bar = panel_switcher(a, id, panels, current, pos, sz.x);
    panel_window(a, current, ImVec2(pos.x, pos.y + bar), ImVec2(sz.x, sz.y - bar), false);
    follow_in_wide(a, current);
  };
  pane("##tabs1", first, a.layout.middle_first, ImVec2(0, header_h), size);
  pane("##tabs2", second, a.layout.middle_second, pos2, size2);
}

}  // namespace app
