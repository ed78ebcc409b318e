// shortcuts.cpp — the keyboard shortcuts (the header's "keys" help lists them).
#include "imgui_internal.h"
#include "page.h"

namespace app {

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
    Panel now = a.layout.mode == LayoutMode::Narrow ? a.layout.narrow_tab
                : a.layout.mode == LayoutMode::Middle ? a.layout.middle_first
                                                      : Panel::Training;
    if (a.layout.mode == LayoutMode::Wide) {
      if (focus == "Setup") now = a.layout.wide_left;
      else if (focus == "Views") now = a.layout.wide_right;
      else
        for (const PanelDef& d : cycle)
          if (slot_window(d.panel) == focus) now = d.panel;
    } else if (a.layout.mode == LayoutMode::Middle) {
      for (const PanelDef& d : cycle)
        if (panel_window_name(d.panel) == focus) now = d.panel;
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
  const bool ctrl = (k.keysym.mod & KMOD_CTRL) != 0;
  // Ctrl+= / Ctrl+− / Ctrl+0: the UI scale (the page's own, instead of the browser's zoom).
  if (ctrl && (sc == SDL_SCANCODE_EQUALS || sc == SDL_SCANCODE_KP_PLUS)) return step_ui_scale(a, +1);
  if (ctrl && (sc == SDL_SCANCODE_MINUS || sc == SDL_SCANCODE_KP_MINUS)) return step_ui_scale(a, -1);
  if (ctrl && (sc == SDL_SCANCODE_0 || sc == SDL_SCANCODE_KP_0)) return step_ui_scale(a, 0);
  if (ImGui::GetIO().WantTextInput) return;
  // Esc (when no dialog is open: there it closes the dialog) or Ctrl+. stops the run.
  if ((sc == SDL_SCANCODE_ESCAPE && !ctrl && !ImGui::GetTopMostPopupModal()) || (ctrl && sc == SDL_SCANCODE_PERIOD)) {
    if (a.session.training() || a.session.paused()) a.session.stop();
    return;
  }
  if (ctrl) {
    if (sc == SDL_SCANCODE_RETURN || sc == SDL_SCANCODE_KP_ENTER) start_training(a);
    if (sc == SDL_SCANCODE_Z) undo_last(a);
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

}  // namespace app
