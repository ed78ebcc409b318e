// touch.cpp — the one finger on a touch screen: it scrolls the window under it (up and down, or
// sideways: a wide table), and, resting, shows tooltips.
#include <algorithm>
#include <cfloat>
#include <cmath>

#include "imgui_internal.h"
#include "page.h"

namespace app {

namespace {

// Touch, tracked from SDL's finger events in ImGui units, for the one finger on the screen: dragged
// where no widget takes it, it scrolls the window under it (ImGui scrolls only with a wheel);
// resting (not moved 8 px), a long press shows tooltips.
struct TouchScroll {
  bool active = false, scrolling = false;
  ImVec2 start, last;
  ImGuiWindow* win = nullptr;
  bool sideways = false;  // the swipe scrolls x (it started more sideways than up or down)
  double resting_since = -1;  // when it came down, while it has not moved (-1: it moved, or none)
} touch_scroll;

}  // namespace

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
    touch_scroll.resting_since = a.timing.now;
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
    // The window under the finger (or its nearest parent) that scrolls that way.
    const bool sideways = std::abs(p.x - touch_scroll.start.x) > std::abs(p.y - touch_scroll.start.y);
    const auto scrolls = [sideways](const ImGuiWindow* w) { return (sideways ? w->ScrollMax.x : w->ScrollMax.y) > 0; };
    ImGuiWindow* w = GImGui->HoveredWindow;
    while (w && !scrolls(w) && w->ParentWindow) w = w->ParentWindow;
    if (!w || !scrolls(w)) return;
    touch_scroll.win = w;
    touch_scroll.sideways = sideways;
    touch_scroll.scrolling = true;
  }
  ImGuiWindow* w = touch_scroll.win;
  if (touch_scroll.sideways)
    ImGui::SetScrollX(w, std::clamp(w->Scroll.x - (p.x - touch_scroll.last.x), 0.f, w->ScrollMax.x));
  else
    ImGui::SetScrollY(w, std::clamp(w->Scroll.y - (p.y - touch_scroll.last.y), 0.f, w->ScrollMax.y));
  touch_scroll.last = p;
}

double touch_hold(double now) { return touch_scroll.resting_since < 0 ? -1 : now - touch_scroll.resting_since; }

}  // namespace app
