// page.h — the parts of the page that main.cpp (the frame loop) puts together, one file each:
//   style.cpp      the look: ImGui's style and the fonts
//   header.cpp     the header bar (draw_header, declared in state/app.h)
//   layout.cpp     the panels' windows in the wide and the narrow layout
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

void setup_style(float scale);  // scale: 1, or larger for touch screens
void setup_fonts(App& a);       // after a.browser.dpr is known

// W × H: the display in CSS px.
void layout_wide(App& a, float W, float H);
void layout_narrow(App& a, float W, float H);
std::string slot_window(Panel p);  // the window name of a panel's slot in the wide layout

void shortcut(App& a, const SDL_KeyboardEvent& k);

void touch_event(App& a, const SDL_Event& e, float W, float H);  // SDL_FINGER* events
double touch_hold(double now);  // how long the one finger has rested (s); -1: none, or it moved

}  // namespace app
