// header.cpp — the header bar: the model in memory, threads, frame rate and autosave, and the
// keyboard help.
#include <cmath>
#include <cstdio>

#include "page.h"

namespace app {

namespace {

// The "(?)" of the header: every key, and which Alt+digit opens which panel (the panel table's order).
std::string keys_help() {
  std::string panels;
  int n = 0;
  for (const PanelDef& d : panel_table()) {
    if (n == 9) break;  // Alt+1…9; the rest by F6
    panels += std::string(n % 3 ? ",  " : "\n  ") + "Alt+" + std::to_string(n + 1) + " " + d.title;
    ++n;
  }
  return "Keyboard: Tab / Shift+Tab move between fields and buttons, Space or Enter activates, arrows adjust.\n"
         "F6 / Shift+F6 move to the next / previous panel; Alt+digit opens one:" + panels + "\n"
         "Shortcuts (when no text field is active):\n"
         "  Ctrl+Enter      train with the current settings\n"
         "  Esc or Ctrl+.   stop the run (it keeps its model)\n"
         "  Ctrl+Z          undo the last delete, drop, forget or edit of the observations\n"
         "  P               pause / resume training\n"
         "  C               clear the drawing,  E  eraser on/off\n"
         "  R               reshuffle the Results images\n"
         "  L               toggle the loss plot's log scale\n"
         "  Ctrl+= / Ctrl+- / Ctrl+0   larger / smaller / normal text and controls (also \"Aa\" here)\n"
         "Everything is saved in this browser (IndexedDB) and restored on reload. Screen readers: the page lists "
         "its controls and says each epoch and the end of a run.";
}

// "Aa": the UI scale, 75 % to 200 %, for projectors and low vision (kept in this browser).
void text_size_button(App& a, float width) {
  ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0, 0, 0, 0));
  if (ImGui::Button("Aa###text_size", ImVec2(width, a.browser.touch ? kTouchTarget : 0))) ImGui::OpenPopup("text_size");
  ImGui::PopStyleColor();
  item_role("button", -1, "Text size");
  mark("text_size");
  if (ImGui::IsItemHovered()) tooltip("Text size: %d %% (Ctrl+= / Ctrl+- / Ctrl+0)", int(std::lround(a.browser.ui_scale * 100)));
  if (!ImGui::BeginPopup("text_size")) return;
  ImGui::Text("Text size: %d %%", int(std::lround(a.browser.ui_scale * 100)));
  if (ImGui::Button("Smaller")) step_ui_scale(a, -1);
  mark("text_smaller");
  ImGui::SameLine();
  if (ImGui::Button("Larger")) step_ui_scale(a, +1);
  mark("text_larger");
  ImGui::SameLine();
  if (ImGui::Button("100 %")) step_ui_scale(a, 0);
  mark("text_normal");
  ImGui::EndPopup();
}

}  // namespace

void draw_header(App& a, ImVec2 pos, ImVec2 size) {
  ImGui::SetNextWindowPos(pos);
  ImGui::SetNextWindowSize(size);
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.086f, 0.094f, 0.114f, 1.f));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(10, 4));
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(6, 3));  // lines of text (the buttons: popped below)
  ImGui::Begin("##header", nullptr, ImGuiWindowFlags_NoDecoration | kFixed | ImGuiWindowFlags_NoNav);
  const bool narrow = a.layout.mode != LayoutMode::Wide;  // two lines
  ImGui::PushFont(a.fonts.title);
  ImGui::TextColored(ImVec4(0.55f, 0.75f, 1.f, 1.f), "dae");
  ImGui::PopFont();
  ImGui::SameLine(0, 8);
  const std::string model = a.status.model.source == dae::ModelSource::None ? "no model yet" : a.status.model.describe();
  shown("header_model", model, kMuted);
  a.timing.header_fps.update(int(std::lround(a.timing.stats.fps())), a.timing.now, 1.0);
  char right[200];
  std::snprintf(right, sizeof right, "%s · %d fps · %s", threads_text(a).c_str(), a.timing.header_fps.key(), save_text(a).c_str());
  const float rw = ImGui::CalcTextSize(right).x;
  // The two buttons at the right end: "Aa" (text size) and "(?)" (keys).
  const float bw = a.browser.touch ? kTouchTarget : ImGui::GetFrameHeight() + 10, buttons_w = 2 * bw + 16;
  const float avail = ImGui::GetContentRegionAvail().x - buttons_w;
  ImGui::AlignTextToFramePadding();
  if (!narrow && avail > rw + 200) {
    // One line: the model in memory on the left, runtime facts on the right.
    const std::string line = "model: " + model;
    ImGui::TextColored(kMuted, "%s", elide(line, avail - rw - 16).c_str());
    mark("header_model");
    if (ImGui::IsItemHovered()) tooltip("%s", line.c_str());
    ImGui::SameLine(size.x - rw - buttons_w - 10);
    ImGui::TextColored(kMuted, "%s", right);
  } else {
    // Two short lines, each cut with "…" before the "(?)" (the whole model text on hover).
    const float w = pos.x + size.x - buttons_w - ImGui::GetCursorScreenPos().x;
    ImGui::BeginGroup();
    ImGui::TextColored(kMuted, "%s", elide(model, w).c_str());
    ImGui::TextColored(kMuted, "%s", elide(right, w).c_str());
    ImGui::EndGroup();
    mark("header_model");
    if (ImGui::IsItemHovered()) tooltip("%s", model.c_str());
  }
  ImGui::SameLine(size.x - buttons_w);
  ImGui::PopStyleVar();  // the page's frame padding again: finger-sized buttons on touch screens
  text_size_button(a, bw);
  ImGui::SameLine(size.x - bw - 10);
  static const std::string keys = keys_help();
  help_marker(keys.c_str(), "keys");
  ImGui::End();
  ImGui::PopStyleVar();
  ImGui::PopStyleColor();
}

}  // namespace app
