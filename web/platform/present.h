// present.h — puts ImGui's frame on the screen, redrawing only what changed.
//
// Without a GPU (software GL, as in headless Chromium or a GPU-less laptop) every pixel drawn is
// CPU time taken from the trainer: the page's windows cover the screen about twice over, and a
// full redraw of a 1280×800 page costs the rasteriser ~40 ms. So the last frame is kept: on the
// screen itself when the WebGL context keeps its buffer between frames (preserveDrawingBuffer,
// asked for by the page), else in a framebuffer of our own that is then copied to the screen
// (a full-screen copy, ~25 ms of software GL per frame). Each frame, every draw list (one per
// window) is compared with the last frame's, triangle by triangle and image by image in draw
// order; the pixels of what lies between their longest common beginning and longest common end
// (before and after) are cleared and drawn again — by every command of every window, each cut
// to those rectangles, so each pixel gets exactly the draws of a full redraw. A frame with
// nothing changed draws nothing; a mostly changed one is drawn whole.
//
//   present::frame(ImGui::GetDrawData());   // after ImGui::Render()
//
// The plain reference is a full redraw by Dear ImGui's own OpenGL backend: present::request_check()
// makes the next frame also draw that into a second framebuffer and count the pixels where the
// two differ (window.dae.checkRedraw(); e2e_redraw asserts 0).
#pragma once
#include <cstdint>

#include "imgui.h"

namespace present {

struct Stats {
  uint64_t frames = 0;    // frames presented
  uint64_t full = 0;      // ... drawn in full (first frame, resize, order change, mostly dirty)
  uint64_t partial = 0;   // ... drawn in part
  uint64_t skipped = 0;   // ... with nothing changed: nothing drawn
  double drawn_area = 0;  // sum over frames of the share of the screen drawn (full frame = 1)
  uint64_t uploads = 0;   // draw lists whose vertices were uploaded to the GPU (changed or new)
  // The last check: -1 none yet; else the pixels that differ from a full redraw.
  int64_t check_differing = -1;
  uint64_t checks = 0;
  bool screen_kept = false;  // the frame is kept on the screen (else in a framebuffer of ours)
};

// Clear colour of the page behind the windows.
void set_clear_color(float r, float g, float b);
// Whether the screen keeps its pixels between frames (then the frame is kept there).
void set_screen_kept(bool on);
// The next frame is drawn whole (the screen's pixels were lost: the canvas was sized).
void redraw_all();
// Draws this frame (see the top). `dd` is ImGui's draw data after ImGui::Render().
void frame(ImDrawData* dd);
void request_check();
const Stats& stats();

}  // namespace present
