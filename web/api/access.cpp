// access.cpp — the page for screen readers. Dear ImGui draws everything on one canvas and has no
// accessibility layer, so the page keeps a mirror: after each frame the widgets and sentences it
// drew (widgets/ui.h access_json: role, name, value, state, panel, in drawing order) go to
// dae_api.js, which keeps hidden DOM elements of those roles in panel regions — rebuilt only when
// the set of items changes, updated in place otherwise. Activating a mirrored element comes back
// here (dae_access_act) as the pointer and keys a person would use on the canvas, so every
// action goes through the same widget code. Run start, each epoch, the end, errors and undo
// offers are announced in a live region.
#include <emscripten.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "imgui.h"
#include "state/app.h"

namespace app {

namespace {

// What was last sent: the mirror (to skip frames where nothing changed) and where each item was.
std::string g_sent;
struct Place {
  float x, y;  // the item's centre
  bool text_field;
};
std::map<int, Place> g_places;

void announce(const std::string& text) {
  EM_ASM({ Module.daeJS.announce(UTF8ToString($0)); }, text.c_str());
}

std::string psnr_text(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f dB", v);
  return b;
}

// A run started, finished an epoch, or ended: said once each.
void announce_run(const App& a) {
  static int run = 0, epoch = -1;
  static dae::RunState state = dae::RunState::Finished;
  const dae::Session::Status& st = a.status;
  if (!st.has_run) return;
  const std::string name = "Run #" + std::to_string(st.run_id);
  if (st.run_id != run && st.training) {
    announce(name + " started: " + std::to_string(st.epochs) + " epochs on " + st.dataset + ".");
    epoch = 0;
  }
  if (st.run_id == run || st.training) {  // every epoch finished since the last frame, in order
    for (const dae::EpochStats& h : st.history) {
      if (h.epoch <= epoch) continue;
      char b[200];
      std::snprintf(b, sizeof b, "%s, epoch %d of %d: validation loss %.4f, PSNR %s.", name.c_str(), h.epoch,
                    st.epochs, h.val_loss, psnr_text(h.val_psnr).c_str());
      announce(b);
    }
  }
  if (st.run_id == run && st.state != state && !st.training && !st.paused) {
    std::string end = name + " " + dae::run_state_name(st.state);
    if (std::isfinite(st.val_psnr)) end += ": validation PSNR " + psnr_text(st.val_psnr);
    if (std::isfinite(st.noisy_psnr)) end += " (the noisy input " + psnr_text(st.noisy_psnr) + ")";
    if (!st.error.empty()) end += ": " + st.error;
    announce(end + ".");
  }
  if (!st.history.empty()) epoch = std::max(epoch, st.history.back().epoch);
  if (st.run_id != run && !st.training) epoch = st.history.empty() ? 0 : st.history.back().epoch;  // a run selected, not started
  run = st.run_id;
  state = st.state;
}

// Errors where the user acted, and the newest step that can be undone.
void announce_messages(const App& a) {
  static std::string files_error, data_error, undo;
  auto once = [](std::string& last, const std::string& now, const char* prefix) {
    if (now != last && !now.empty()) announce(prefix + now);
    last = now;
  };
  once(files_error, a.files.error, "Error: ");
  once(data_error, a.browser.data_error, "Error: ");
  once(undo, a.undo.empty() ? std::string() : a.undo.back().what, "Undo available: ");
}

}  // namespace

void publish_access(App& a) {
  announce_run(a);
  announce_messages(a);
  const dae::Json list = access_json();
  std::string text = dae::dump_json(list);
  if (text == g_sent) return;
  g_places.clear();
  for (const dae::Json& e : list) {
    const float u = css(1.f);  // the mirror is in CSS px; the pointer goes in ImGui's units
    const float x = e["x"].get<float>() / u, y = e["y"].get<float>() / u;
    g_places[e["i"].get<int>()] = {x + e["width"].get<float>() / u / 2, y + e["height"].get<float>() / u / 2,
                                   e["role"] == "textbox"};
  }
  g_sent = std::move(text);
  EM_ASM({ Module.daeJS.mirror(UTF8ToString($0)); }, g_sent.c_str());
}

}  // namespace app

// A mirrored element was activated (click) or its text was entered (text): as a person would on
// the canvas — the pointer clicks the item's centre; a field's text is selected and replaced by
// typing, then Enter. Dear ImGui takes queued events one frame at a time, in order.
extern "C" EMSCRIPTEN_KEEPALIVE void dae_access_act(int item, int edit, const char* text) {
  const auto it = app::g_places.find(item);
  if (it == app::g_places.end()) return;
  ImGuiIO& io = ImGui::GetIO();
  io.AddMousePosEvent(it->second.x, it->second.y);
  io.AddMouseButtonEvent(ImGuiMouseButton_Left, true);
  io.AddMouseButtonEvent(ImGuiMouseButton_Left, false);
  if (edit && it->second.text_field) {
    io.AddKeyEvent(ImGuiMod_Ctrl, true);
    io.AddKeyEvent(ImGuiKey_A, true);
    io.AddKeyEvent(ImGuiKey_A, false);
    io.AddKeyEvent(ImGuiMod_Ctrl, false);
    io.AddInputCharactersUTF8(text);
    io.AddKeyEvent(ImGuiKey_Enter, true);
    io.AddKeyEvent(ImGuiKey_Enter, false);
  }
  io.AddMousePosEvent(-FLT_MAX, -FLT_MAX);  // the pointer leaves: no hover, no tooltip left behind
  app::js_redraw();
}
