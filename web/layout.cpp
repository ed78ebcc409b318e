// layout.cpp — the panels' windows. The layout follows the screen (main.cpp chooses the mode):
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

// The window name of a panel's slot in the wide layout.
std::string slot_window(Panel p) {
  const PanelDef& d = panel_def(p);
  if (d.slot == Slot::Setup) return "Setup";
  if (d.slot == Slot::Views) return "Views";
  return std::string(d.title) + "###panel" + std::to_string(int(p));
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
  std::string name = std::string(panel_title(p)) + "###panel" + std::to_string(int(p));
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
    if (p == Panel::Experiments && !a.session.runs().empty()) label += " " + std::to_string(a.session.runs().size());
    if (p == Panel::Training && a.status.training) label += " ▶";
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

}  // namespace app
