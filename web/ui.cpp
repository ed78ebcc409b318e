// ui.cpp — see ui.h.
#include "ui.h"

#include <emscripten.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "imgui_stdlib.h"

namespace app {

const ImVec4 kAccent(0.31f, 0.56f, 0.90f, 1.f);
const ImVec4 kTrainColor(0.36f, 0.62f, 0.98f, 1.f);
const ImVec4 kValColor(0.98f, 0.60f, 0.22f, 1.f);
const ImVec4 kStepColor(0.50f, 0.70f, 0.95f, 0.55f);
const ImVec4 kMuted(0.62f, 0.65f, 0.71f, 1.f);
const ImVec4 kGood(0.45f, 0.82f, 0.50f, 1.f);
const ImVec4 kBad(0.95f, 0.42f, 0.42f, 1.f);
const ImVec4 kWarn(0.95f, 0.78f, 0.35f, 1.f);

// ---- FieldNotes ------------------------------------------------------------------------------------
std::string FieldNotes::get(const std::string& field, double now) const {
  auto it = notes_.find(field);
  if (it == notes_.end() || now - it->second.second > 8.0) return "";
  return it->second.first;
}

void FieldNotes::show(const std::string& field, double now) {
  const std::string n = get(field, now);
  if (n.empty()) return;
  ImGui::PushTextWrapPos(0);
  ImGui::TextColored(kWarn, "%s", n.c_str());
  ImGui::PopTextWrapPos();
}

// ---- Confirm ---------------------------------------------------------------------------------------
void Confirm::draw() {
  if (open && !ImGui::IsPopupOpen(title.c_str())) ImGui::OpenPopup(title.c_str());
  const ImVec2 d = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowPos(ImVec2(d.x * 0.5f, d.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSizeConstraints(ImVec2(std::min(d.x - 16, 300.f), 0), ImVec2(std::min(d.x - 16, 560.f), d.y - 16));
  if (!ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings))
    return;
  ImGui::PushTextWrapPos(std::min(d.x - 40, 520.f));
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  ImGui::Spacing();
  bool close = false;
  for (size_t i = 0; i < buttons.size(); ++i) {
    if (i) ImGui::SameLine();
    if (buttons[i].primary) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.55f, 0.25f, 0.25f, 1.f));
    const bool clicked = ImGui::Button(buttons[i].label.c_str());
    if (buttons[i].primary) ImGui::PopStyleColor();
    mark("confirm_" + std::to_string(i));
    if (clicked && (!buttons[i].action || buttons[i].action())) close = true;
  }
  if (ImGui::IsKeyPressed(ImGuiKey_Escape)) close = true;
  if (close) {
    open = false;
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
}

// ---- FrameStats ------------------------------------------------------------------------------------
void FrameStats::add(double interval_ms, double work_ms, double main_ms) {
  if (interval_.size() < kWindow) {
    interval_.push_back(interval_ms);
    work_.push_back(work_ms);
    main_.push_back(main_ms);
  } else {
    interval_[next_] = interval_ms;
    work_[next_] = work_ms;
    main_[next_] = main_ms;
  }
  next_ = (next_ + 1) % kWindow;
}

double FrameStats::p95(const std::vector<double>& v) {
  if (v.empty()) return 0;
  std::vector<double> s(v);
  const size_t k = std::min(s.size() - 1, size_t(std::ceil(0.95 * double(s.size()))) - 1);
  std::nth_element(s.begin(), s.begin() + long(k), s.end());
  return s[k];
}

double FrameStats::fps() const {
  if (interval_.empty()) return 0;
  double sum = 0;
  for (double x : interval_) sum += x;
  return sum > 0 ? 1000.0 * double(interval_.size()) / sum : 0;
}

// ---- widgets ----------------------------------------------------------------------------------------
void help_marker(const char* text) {
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered() || (ImGui::IsItemClicked())) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30.0f);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

void section(const char* title, const char* help) {
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.60f, 0.74f, 0.95f, 1.f));
  ImGui::TextUnformatted(title);
  ImGui::PopStyleColor();
  if (help) {
    ImGui::SameLine();
    help_marker(help);
  }
  ImGui::Separator();
}

void wrapped(const ImVec4& color, const std::string& text) {
  ImGui::PushTextWrapPos(0);
  ImGui::TextColored(color, "%s", text.c_str());
  ImGui::PopTextWrapPos();
}

void label(const char* text, float x) {
  ImGui::AlignTextToFramePadding();
  if (x > 0) ImGui::SetCursorPosX(x);
  ImGui::TextUnformatted(text);
  ImGui::SameLine();
}

void same_line_if_fits(const char* next) {
  const ImGuiStyle& st = ImGui::GetStyle();
  const float w = ImGui::CalcTextSize(next, nullptr, true).x + st.FramePadding.x * 2;
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetItemRectMax().x + st.ItemSpacing.x + w <= right) ImGui::SameLine();
}

namespace {
// The value goes in a fixed-width box right of the slider, so the grab never hides it.
template <class T, class F>
bool value_slider(const char* id, T* v, const char* value_fmt, float width, F&& slider) {
  char text[64];
  std::snprintf(text, sizeof text, value_fmt, *v);
  const float text_w = std::max(ImGui::CalcTextSize(text).x, ImGui::CalcTextSize("00.0 px").x);
  const float avail = width > 0 ? width : ImGui::GetContentRegionAvail().x;
  ImGui::SetNextItemWidth(std::max(40.f, avail - text_w - ImGui::GetStyle().ItemInnerSpacing.x));
  const bool changed = slider(id);
  ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
  std::snprintf(text, sizeof text, value_fmt, *v);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(text);
  return changed;
}
}  // namespace

bool slider_float(const char* id, float* v, float lo, float hi, const char* value_fmt, float width) {
  return value_slider(id, v, value_fmt, width,
                      [&](const char* i) { return ImGui::SliderFloat(i, v, lo, hi, "", ImGuiSliderFlags_AlwaysClamp); });
}

bool slider_int(const char* id, int* v, int lo, int hi, const char* value_fmt, float width) {
  return value_slider(id, v, value_fmt, width,
                      [&](const char* i) { return ImGui::SliderInt(i, v, lo, hi, "", ImGuiSliderFlags_AlwaysClamp); });
}

namespace {
std::string g_copied;
double g_copied_time = -100;
std::string g_copied_id;
}  // namespace

void copy_button(const char* id, const std::string& text, double now) {
  ImGui::PushID(id);
  const bool recent = g_copied_id == id && now - g_copied_time < 2.0;
  if (ImGui::SmallButton(recent ? "Copied" : "Copy")) {
    set_clipboard(text);
    g_copied_id = id;
    g_copied_time = now;
  }
  mark(std::string("copy_") + id);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Copy to the clipboard");
  ImGui::PopID();
}

void selectable_text(const char* id, const std::string& text, ImVec2 size) {
  // A read-only multi-line text field: the mouse selects, Ctrl+C copies (through set_clipboard).
  std::string copy = text;
  ImGui::InputTextMultiline(id, &copy, size, ImGuiInputTextFlags_ReadOnly);
}

// ---- formatting -----------------------------------------------------------------------------------
std::string fmt_int(long long v) { return (v < 0 ? "-" : "") + dae::thousands((unsigned long long)(v < 0 ? -v : v)); }

std::string fmt_time(double seconds) {
  if (!(seconds >= 0) || !std::isfinite(seconds)) return "–";
  char b[32];
  const long long t = (long long)std::llround(seconds);
  if (t >= 3600)
    std::snprintf(b, sizeof b, "%lld:%02lld:%02lld", t / 3600, (t / 60) % 60, t % 60);
  else
    std::snprintf(b, sizeof b, "%lld:%02lld", t / 60, t % 60);
  return b;
}

std::string fmt_num(double v, int decimals) {
  if (!std::isfinite(v)) return "–";
  char b[40];
  std::snprintf(b, sizeof b, "%.*f", decimals, v);
  return b;
}

// ---- clipboard ------------------------------------------------------------------------------------
EM_JS(void, js_write_clipboard, (const char* text), {
  var s = UTF8ToString(text);
  Module.daeJS && Module.daeJS.copied(s);
  try {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(s).catch(function () { /* no permission: the copy stays in the page */ });
    }
  } catch (e) { /* ignore */ }
});

void set_clipboard(const std::string& text) {
  g_copied = text;
  js_write_clipboard(text.c_str());
}

const std::string& last_copied() { return g_copied; }

// ---- marks -----------------------------------------------------------------------------------------
namespace {
struct Mark {
  ImVec2 min, max;
  int frame;
};
std::map<std::string, Mark> marks;
}  // namespace

void mark(const std::string& id) {
  marks[id] = {ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), ImGui::GetFrameCount()};
}

dae::Json marks_json() {
  dae::Json j = dae::Json::object();
  const int now = ImGui::GetFrameCount();
  for (const auto& [id, m] : marks) {
    if (now - m.frame > 2) continue;  // not drawn lately (a hidden tab's widgets)
    j[id] = dae::Json::object({{"x", m.min.x}, {"y", m.min.y}, {"width", m.max.x - m.min.x},
                               {"height", m.max.y - m.min.y}});
  }
  return j;
}

}  // namespace app
