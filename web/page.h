// page.h — the parts of the page that main.cpp (the frame loop) puts together, one file each:
//   style.cpp      the look: ImGui's style and the fonts
//   header.cpp     the header bar (draw_header, declared in state/app.h)
//   layout.cpp     the panels' windows in the wide, the middle and the narrow layout
//   shortcuts.cpp  keyboard shortcuts
//   touch.cpp      one finger scrolls the window under it; a resting finger shows tooltips
#pragma once

#include <SDL.h>

#include <string>

#include "state/app.h"

namespace app {

// The windows of the layouts: placed and sized by the layout, every frame.
constexpr ImGuiWindowFlags kFixed = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                    ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                    ImGuiWindowFlags_NoBringToFrontOnFocus;

// How the page looks: 44-px targets on touch screens; brighter for prefers-contrast: more.
constexpr float kFontPx = 15;  // the UI font's size, CSS px (at UI scale 100 %); kTouchTarget: widgets/ui.h
struct Look {
  bool touch = false, more_contrast = false;
};
void setup_style(const Look& look);
void setup_fonts(App& a);       // after a.browser.dpr is known; again when the UI scale changes
// The UI scale: 75 %, 90 %, 100 %, 110 %, 125 %, 150 %, 175 %, 200 %; kept in localStorage.
void set_ui_scale(App& a, float scale);
void step_ui_scale(App& a, int steps);  // ±1: the next step up or down; 0: back to 100 %
float saved_ui_scale();                 // the scale kept in this browser (1 if none)

// W × H: the display in CSS px.
void layout_wide(App& a, float W, float H);
void layout_middle(App& a, float W, float H);
void layout_narrow(App& a, float W, float H);
std::string slot_window(Panel p);  // the window name of a panel's slot in the wide layout
std::string panel_window_name(Panel p);  // the window of a panel shown alone (middle, narrow; wide: Train, Loss, Draw)

void shortcut(App& a, const SDL_KeyboardEvent& k);

void touch_event(App& a, const SDL_Event& e, float W, float H);  // SDL_FINGER* events
double touch_hold(double now);  // how long the one finger has rested (s); -1: none, or it moved

}  // namespace app
