// ui.cpp — see ui.h.
#include "widgets/ui.h"

#include <emscripten.h>

#include <algorithm>
#include <cstdarg>
#include <cmath>
#include <cstring>
#include <cstdio>

#include "imgui_internal.h"
#include "imgui_stdlib.h"

namespace app {

namespace {
void note_mark(const std::string& id);                               // items: the last item has this mark
void add_sentence(const std::string& id, const std::string& text);  // items: a sentence shown
}  // namespace

ImVec4 kAccent(0.31f, 0.56f, 0.90f, 1.f);
ImVec4 kTrainColor(0.36f, 0.62f, 0.98f, 1.f);
ImVec4 kValColor(0.98f, 0.60f, 0.22f, 1.f);
ImVec4 kStepColor(0.50f, 0.70f, 0.95f, 0.55f);
ImVec4 kMuted(0.62f, 0.65f, 0.71f, 1.f);
ImVec4 kGood(0.45f, 0.82f, 0.50f, 1.f);
ImVec4 kBad(0.95f, 0.42f, 0.42f, 1.f);
ImVec4 kWarn(0.95f, 0.78f, 0.35f, 1.f);

// ---- FieldNotes ------------------------------------------------------------------------------------
std::string FieldNotes::get(const std::string& field, double now) const {
  auto it = notes_.find(field);
  if (it == notes_.end() || now - it->second.second > 8.0) return "";
  return it->second.first;
}

void FieldNotes::show(const std::string& field, double now) {
  const std::string n = get(field, now);
  if (n.empty()) return;
  wrapped(kWarn, n);
  mark("note_" + field);
  shown("note_" + field, n, kWarn);
}

// ---- Confirm ---------------------------------------------------------------------------------------
void Confirm::draw() {
  if (open && !ImGui::IsPopupOpen(title.c_str())) ImGui::OpenPopup(title.c_str());
  const ImVec2 d = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowPos(ImVec2(d.x * 0.5f, d.y * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSizeConstraints(ImVec2(std::min(d.x - 16, 300.f), 0), ImVec2(std::min(d.x - 16, 560.f), d.y - 16));
  if (!ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings))
    return;
  text_wrapped(text, nullptr, std::min(d.x - 40, 520.f));
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
void FrameStats::add(const Frame& f) {
  if (frames_.size() < kWindow) frames_.push_back(f);
  else frames_[next_] = f;
  next_ = (next_ + 1) % kWindow;
}

double FrameStats::quantile(double Frame::*part, double q) const {
  if (frames_.empty()) return 0;
  std::vector<double> v;
  for (const Frame& f : frames_) v.push_back(f.*part);
  const size_t k = std::min(v.size() - 1, size_t(std::ceil(q * double(v.size()))) - 1);
  std::nth_element(v.begin(), v.begin() + long(k), v.end());
  return v[k];
}

std::vector<std::pair<const char*, double>> FrameStats::parts_p95() const {
  return {{"work", quantile(&Frame::work, 0.95)}, {"update", quantile(&Frame::update, 0.95)},
          {"build", quantile(&Frame::build, 0.95)}, {"gl", quantile(&Frame::gl, 0.95)}};
}

double FrameStats::fps() const {
  if (frames_.empty()) return 0;
  double sum = 0;
  for (const Frame& f : frames_) sum += f.interval;
  return sum > 0 ? 1000.0 * double(frames_.size()) / sum : 0;
}

// ---- widgets ----------------------------------------------------------------------------------------
namespace {
// Where a tooltip's text wraps (window-local): at 30 em, or sooner on a narrow screen.
float tip_wrap() {
  const ImGuiStyle& st = ImGui::GetStyle();
  return st.WindowPadding.x +
         std::max(60.f, std::min(ImGui::GetFontSize() * 30.f, ImGui::GetIO().DisplaySize.x - 2 * st.WindowPadding.x - 16));
}

bool g_touch = false;      // a touch screen is the primary pointer
double g_held = -1;        // seconds one finger has rested on the screen, or -1
}  // namespace

void set_touch_hold(bool touch, double held_seconds) {
  g_touch = touch;
  g_held = held_seconds;
}

void tooltip(const char* fmt, ...) {
  // On a touch screen a tap would flash every tooltip: they show while a finger rests (a long
  // press), as on phones.
  if (g_touch && g_held < 0.5) return;
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  std::string text(size_t(std::max(0, std::vsnprintf(nullptr, 0, fmt, ap))), '\0');
  va_end(ap);
  std::vsnprintf(text.data(), text.size() + 1, fmt, ap2);
  va_end(ap2);
  ImGui::BeginTooltip();
  text_wrapped(text, nullptr, tip_wrap());
  ImGui::EndTooltip();
}

bool small_button(const char* label) { return g_touch ? ImGui::Button(label) : ImGui::SmallButton(label); }

bool choice(const char* label, bool selected, ImGuiSelectableFlags flags) {
  // On a touch screen the row is a finger's height (the spacing above and below counts).
  const float h = g_touch ? kTouchTarget - ImGui::GetStyle().ItemSpacing.y : 0;
  return ImGui::Selectable(label, selected, flags, ImVec2(0, h));
}

bool touch_screen() { return g_touch; }

float help_marker_width() { return g_touch ? kTouchTarget : ImGui::CalcTextSize("(?)").x; }

void help_marker(const char* text, const char* id) {
  if (g_touch) {  // a finger-sized button
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0, 0, 0, 0));
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
    ImGui::PushID(text);
    ImGui::Button("(?)", ImVec2(kTouchTarget, kTouchTarget));
    ImGui::PopID();
    ImGui::PopStyleColor(2);
  } else {
    ImGui::TextDisabled("(?)");
  }
  if (id) mark(std::string("help_") + id);
  const bool hovered = ImGui::IsItemHovered(), clicked = ImGui::IsItemClicked();
  ImGui::PushID(text);
  // A click (or a tap: a finger cannot hover) keeps the text open until a click elsewhere.
  if (clicked) ImGui::OpenPopup("help");
  if (ImGui::BeginPopup("help")) {
    text_wrapped(text, nullptr, tip_wrap());
    ImGui::EndPopup();
  } else if (hovered) {
    tooltip("%s", text);
  }
  ImGui::PopID();
}

void section(const char* title, const char* help) {
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.60f, 0.74f, 0.95f, 1.f));
  if (help && g_touch) ImGui::AlignTextToFramePadding();  // level with the finger-sized "(?)"
  ImGui::TextUnformatted(title);
  ImGui::PopStyleColor();
  if (help) {
    ImGui::SameLine();
    help_marker(help);
  }
  ImGui::Separator();
}

void text_wrapped(const std::string& text, const ImVec4* color, float wrap_x) {
  // Greedy lines of whole words, measured as Dear ImGui measures them (1 px to spare so that it
  // does not break them again; a word longer than a line is still cut by its wrapping).
  const float width = ImGui::CalcWrapWidthForPos(ImGui::GetCursorScreenPos(), wrap_x) - 1;
  std::string out, line;
  float line_w = 0;      // CalcTextSize rounds each width up: the sum may wrap early, never late
  bool started = false;  // the line has its first word (leading spaces are kept: indentation)
  size_t i = 0;
  while (i <= text.size()) {
    const size_t end = std::min(text.find_first_of(" \n", i), text.size());
    const std::string word = text.substr(i, end - i);
    const std::string add = started ? " " + word : word;
    const float add_w = ImGui::CalcTextSize(add.c_str()).x;
    if (started && !word.empty() && line_w + add_w > width) {
      out += line + "\n";
      line = word;
      line_w = ImGui::CalcTextSize(word.c_str()).x;
    } else {
      line += add;
      line_w += add_w;
    }
    started = started || !word.empty();
    if (!started && end < text.size() && text[end] == ' ') {
      line += ' ';
      line_w += ImGui::CalcTextSize(" ").x;
    }
    if (end == text.size() || text[end] == '\n') {
      out += line + (end == text.size() ? "" : "\n");
      line.clear();
      line_w = 0;
      started = false;
    }
    i = end + 1;
  }
  ImGui::PushTextWrapPos(wrap_x);
  if (color) ImGui::PushStyleColor(ImGuiCol_Text, *color);
  ImGui::TextUnformatted(out.c_str());
  if (color) ImGui::PopStyleColor();
  ImGui::PopTextWrapPos();
}

std::string elide(const std::string& text, float max_w) {
  if (ImGui::CalcTextSize(text.c_str()).x <= max_w) return text;
  std::string s = text;
  while (!s.empty()) {
    size_t n = s.size() - 1;  // the last character's first byte (UTF-8 continuation bytes are 10xxxxxx)
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    s.resize(n);
    while (!s.empty() && s.back() == ' ') s.pop_back();
    if (ImGui::CalcTextSize((s + "…").c_str()).x <= max_w) break;
  }
  return s + "…";
}

void wrapped(const ImVec4& color, const std::string& text) { text_wrapped(text, &color, 0); }

void label(const char* text, float x) {
  ImGui::AlignTextToFramePadding();
  if (x > 0) ImGui::SetCursorPosX(x);
  ImGui::TextUnformatted(text);
  add_text_item(text);
  ImGui::SameLine();
}

void same_line_if_fits(float width) {
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width <= right) ImGui::SameLine();
}

void same_line_if_fits(const char* next) {
  // A button's width, or a checkbox's or radio's (its box, then the label), whichever is wider.
  const ImGuiStyle& st = ImGui::GetStyle();
  same_line_if_fits(ImGui::CalcTextSize(next, nullptr, true).x +
                    std::max(st.FramePadding.x * 2, ImGui::GetFrameHeight() + st.ItemInnerSpacing.x));
}

namespace {
// The value goes in a fixed-width box right of the slider, so the grab never hides it.
template <class T, class F>
bool value_slider(const char* id, T* v, const char* value_fmt, float width, F&& slider) {
  char text[64];
  std::snprintf(text, sizeof text, value_fmt, *v);
  const float text_w = std::max(ImGui::CalcTextSize(text).x, ImGui::CalcTextSize("00.0 px").x);
  const float avail = width > 0 ? width : ImGui::GetContentRegionAvail().x;
  ImGui::BeginGroup();  // one item for mark() and hover checks: the slider and its value
  ImGui::SetNextItemWidth(std::max(40.f, avail - text_w - ImGui::GetStyle().ItemInnerSpacing.x));
  next_item_role("slider", text);
  const bool changed = slider(id);
  const std::string name = std::string("slider_") + (std::strncmp(id, "##", 2) == 0 ? id + 2 : id);
  mark(name);  // the slider's frame (its grab moves inside it)
  ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
  std::snprintf(text, sizeof text, value_fmt, *v);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(text);
  mark(name + "_value");
  shown(name + "_value", text, ImGui::GetStyle().Colors[ImGuiCol_Text]);
  ImGui::EndGroup();
  return changed;
}
}  // namespace

bool slider_float(const char* id, float* v, float lo, float hi, const char* value_fmt, float width) {
  const bool changed = value_slider(
      id, v, value_fmt, width, [&](const char* i) { return ImGui::SliderFloat(i, v, lo, hi, "", ImGuiSliderFlags_AlwaysClamp); });
  // The value kept is the value shown: "%.2f" keeps 0.49, not the 0.4895911 under the pointer
  // (which then printed as "sp:0.4895911" in Runs and file names).
  const int decimals = value_fmt ? ImParseFormatPrecision(value_fmt, -1) : -1;
  if (changed && decimals >= 0 && decimals <= 6) {
    const float scale = std::pow(10.f, float(decimals));
    *v = std::clamp(std::round(*v * scale) / scale, lo, hi);
  }
  return changed;
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
  if (small_button(recent ? "Copied" : "Copy")) {
    set_clipboard(text);
    g_copied_id = id;
    g_copied_time = now;
  }
  mark(std::string("copy_") + id);
  if (ImGui::IsItemHovered()) tooltip("Copy to the clipboard");
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

void mark_at(const std::string& id, ImVec2 min, ImVec2 max) { marks[id] = {min, max, ImGui::GetFrameCount()}; }

void mark(const std::string& id) {
  // The part a person can click: the item clipped to its window's visible area (a table row
  // that spans all columns may reach past the window's right edge).
  ImRect r(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
  note_mark(id);
  ImRect visible = r;
  visible.ClipWithFull(GImGui->CurrentWindow->InnerClipRect);
  if (visible.GetWidth() > 0 && visible.GetHeight() > 0) r = visible;
  marks[id] = {r.Min, r.Max, ImGui::GetFrameCount()};
}

namespace {
float g_css_scale = 1.f;
}
void set_css_scale(float s) { g_css_scale = s; }
float css(float v) { return v * g_css_scale; }

dae::Json marks_json() {
  dae::Json j = dae::Json::object();
  const int now = ImGui::GetFrameCount();
  for (const auto& [id, m] : marks) {
    if (now - m.frame > 2) continue;  // not drawn lately (a hidden tab's widgets)
    j[id] = dae::Json::object({{"x", css(m.min.x)}, {"y", css(m.min.y)}, {"width", css(m.max.x - m.min.x)},
                               {"height", css(m.max.y - m.min.y)}});
  }
  return j;
}

std::string mark_containing(ImVec2 p) {
  const int now = ImGui::GetFrameCount();
  std::string best;
  float best_area = 0;
  for (const auto& [id, m] : marks) {
    if (now - m.frame > 2 || p.x < m.min.x || p.y < m.min.y || p.x > m.max.x || p.y > m.max.y) continue;
    const float area = (m.max.x - m.min.x) * (m.max.y - m.min.y);
    if (best.empty() || area < best_area) {
      best = id;
      best_area = area;
    }
  }
  return best;
}

// ---- texts -----------------------------------------------------------------------------------------
namespace {
struct Shown {
  std::string text;
  ImVec4 color;
  int frame;
};
std::map<std::string, Shown> texts;

const char* colour_name(const ImVec4& c) {
  auto same = [&](const ImVec4& k) { return c.x == k.x && c.y == k.y && c.z == k.z; };
  if (same(kGood)) return "good";
  if (same(kBad)) return "bad";
  if (same(kWarn)) return "warn";
  if (same(kMuted)) return "muted";
  return "text";
}
}  // namespace

void shown(const std::string& id, const std::string& text, const ImVec4& color) {
  texts[id] = {text, color, ImGui::GetFrameCount()};
  add_sentence(id, text);
}

dae::Json texts_json() {
  dae::Json j = dae::Json::object();
  const int now = ImGui::GetFrameCount();
  for (const auto& [id, t] : texts) {
    if (now - t.frame > 2) continue;  // not drawn lately
    j[id] = dae::Json::object({{"text", t.text}, {"color", colour_name(t.color)}});
  }
  return j;
}

// ---- items -----------------------------------------------------------------------------------------
namespace {
struct Item {
  ImGuiID id;
  ImRect bb;
  ImGuiWindow* window;
  ImRect cell;          // the table cell's clip rectangle (items in a table), else empty
  bool overlap_ok;      // drawn under other widgets on purpose (a selectable row)
  std::string label;
  bool input = false;   // a field one types into (or a slider that takes typed values)
  // For the accessible mirror (access_json): what the item is, its value and state, its mark.
  std::string role;     // button, checkbox, radio, tab, slider, combobox, textbox; "text": a sentence
  std::string value;    // a field's or a combo's value, when the panel says it (item_value)
  int checked = -1;     // checkbox, radio, tab: 1 on / selected, 0 off; -1 not a state
  std::string mark;     // its mark() id, if any
};
std::vector<Item> items;
struct Pending {  // next_item_role: for the next widget added
  std::string role, value, name;
} pending;


// The window's own parts (title bar, scrollbars) and a table's column borders are items to
// Dear ImGui too; they are not widgets of ours, and lie outside the content area by design.
bool decoration(ImGuiContext& g, ImGuiWindow* w, ImGuiID id) {
  if (id == 0) return false;
  if (id == w->ID || id == w->MoveId || id == ImGui::GetWindowScrollbarID(w, ImGuiAxis_X) ||
      id == ImGui::GetWindowScrollbarID(w, ImGuiAxis_Y))
    return true;
  if (ImGuiTable* t = g.CurrentTable)
    for (int c = 0; c < t->ColumnsCount; ++c)
      if (id == ImGui::TableGetColumnResizeID(t, c, t->InstanceCurrent)) return true;
  return false;
}

void add_item(ImGuiContext& g, ImGuiID id, const ImRect& bb, bool overlap_ok, const char* label) {
  ImGuiWindow* w = g.CurrentWindow;
  if (!w || decoration(g, w, id)) return;
  Item it{id, bb, w, ImRect(), overlap_ok, label ? label : "", false, "", "", -1, ""};
  if (id != 0 && !pending.role.empty()) {
    it.role = pending.role;
    it.value = pending.value;
    if (!pending.name.empty()) it.label = pending.name;
    pending.role.clear();
  }
  // The cell's whole width (a column scrolled partly out of view still has all of it; its clip
  // rectangle would only be the visible part).
  if (ImGuiTable* t = g.CurrentTable; t && t->InnerWindow == w && t->CurrentColumn >= 0) {
    const ImGuiTableColumn& c = t->Columns[t->CurrentColumn];
    it.cell = ImRect(c.MinX, c.ClipRect.Min.y, c.MaxX, c.ClipRect.Max.y);
  }
  items.push_back(std::move(it));
}

std::string window_name(const ImGuiWindow* w) {
  std::string n = w->Name;
  const size_t k = n.find("###");
  if (k != std::string::npos) n = n.substr(0, k);
  return n;
}

dae::Json rect_json(const ImRect& r) {
  return dae::Json::object({{"x", css(r.Min.x)}, {"y", css(r.Min.y)}, {"width", css(r.GetWidth())}, {"height", css(r.GetHeight())}});
}

// How far a window scrolls, and whether a person can scroll it (a scrollbar is shown).
dae::Json scroll_json(const ImGuiWindow* w) {
  return dae::Json::object({{"x", css(w->Scroll.x)}, {"y", css(w->Scroll.y)}, {"max_x", css(w->ScrollMax.x)},
                            {"max_y", css(w->ScrollMax.y)}, {"bar_x", w->ScrollbarX}, {"bar_y", w->ScrollbarY}});
}
}  // namespace

dae::Json windows_json() {
  dae::Json list = dae::Json::array();
  for (const ImGuiWindow* w : GImGui->Windows) {
    if (!w->Active || w->Hidden) continue;
    dae::Json j = rect_json(w->Rect());
    j["name"] = window_name(w);
    j["root"] = window_name(w->RootWindow);
    j["view"] = rect_json(w->InnerRect);
    j["content"] = dae::Json::object({{"width", css(w->ContentSize.x)}, {"height", css(w->ContentSize.y)}});
    j["scroll"] = scroll_json(w);
    j["popup"] = (w->RootWindow->Flags & (ImGuiWindowFlags_Popup | ImGuiWindowFlags_Tooltip)) != 0;
    // The inside of a multi-line text field (its child window has the field's id): its text
    // scrolls with the cursor, not with a scrollbar.
    j["text_field"] = std::any_of(items.begin(), items.end(), [&](const Item& it) { return it.input && it.id == w->ChildId; });
    list.push_back(std::move(j));
  }
  return list;
}

void mark_row_item() {
  if (items.empty()) return;
  items.back().overlap_ok = true;  // a whole table row, drawn under its cells on purpose
  items.back().cell = ImRect();
}

void add_text_item(const char* text) {
  ImGuiContext& g = *GImGui;
  add_item(g, 0, g.LastItemData.Rect, false, text);
}

void item_role(const char* role, int checked, const std::string& name) {
  if (items.empty() || items.back().id != GImGui->LastItemData.ID) return;
  items.back().role = role;
  items.back().checked = checked;
  if (!name.empty()) items.back().label = name;
}

void next_item_role(const char* role, const std::string& value, const std::string& name) {
  pending.role = role;
  pending.value = value;
  pending.name = name;
}

void item_value(const std::string& value) {
  if (!items.empty() && items.back().id == GImGui->LastItemData.ID) items.back().value = value;
}

namespace {
void note_mark(const std::string& id) {
  if (!items.empty() && items.back().id != 0 && items.back().id == GImGui->LastItemData.ID) items.back().mark = id;
}

// A sentence a panel drew (shown()): the mirror reads it in its place among the widgets.
void add_sentence(const std::string& id, const std::string& text) {
  ImGuiContext& g = *GImGui;
  if (!g.CurrentWindow) return;
  items.push_back(Item{0, g.LastItemData.Rect, g.CurrentWindow, ImRect(), false, text, false, "", "", -1, ""});
  items.back().role = "text";
  items.back().mark = id;
}

// What a label says: "Train##run" → "Train", "##lr" → "", "▶ Train" → "Train" (a symbol
// drawn before a word is not read).
std::string shown_label(const std::string& label) {
  const size_t k = label.find("##");
  std::string s = k == std::string::npos ? label : label.substr(0, k);
  const size_t sp = s.find(' ');
  if (!s.empty() && static_cast<unsigned char>(s[0]) >= 0x80 && sp != std::string::npos && sp <= 4) s.erase(0, sp + 1);
  return s;
}

// The accessible name of items[i]: its label, else the field label on its left in the same row
// ("Rate" for "##lr"); the step buttons of a number field are "<field> minus" and "plus".
std::string access_name(size_t i) {
  const Item& it = items[i];
  std::string name = shown_label(it.label);
  if (name == "-" || name == "+") {
    for (size_t j = i; j-- > 0;)
      if (items[j].window == it.window && items[j].role == "textbox")
        return access_name(j) + (name == "-" ? " minus" : " plus");
  }
  if (!name.empty()) return name;
  for (size_t j = i; j-- > 0;) {
    const Item& t = items[j];
    if (t.window != it.window || t.bb.Max.y <= it.bb.Min.y || t.bb.Min.y >= it.bb.Max.y) continue;
    if (t.id == 0 && t.role.empty() && t.bb.Max.x <= it.bb.Min.x + 1) return shown_label(t.label);
  }
  const size_t k = it.label.rfind('#');  // "##sweep_values" → "sweep values"
  std::string id = k == std::string::npos ? it.label : it.label.substr(k + 1);
  std::replace(id.begin(), id.end(), '_', ' ');
  return id;
}

// Checkable widgets say so to the hook; the rest are buttons unless a panel said otherwise.
void set_role_from_flags(Item& it, ImGuiItemStatusFlags flags) {
  if (!it.role.empty()) return;
  if (flags & ImGuiItemStatusFlags_Checkable) {
    it.role = "checkbox";
    it.checked = (flags & ImGuiItemStatusFlags_Checked) ? 1 : 0;
  } else if (flags & ImGuiItemStatusFlags_Inputable) {
    it.role = "textbox";
  } else {
    it.role = "button";
  }
}
}  // namespace

void say(const std::string& id, const std::string& text) { add_sentence(id, text); }

dae::Json access_json() {
  dae::Json list = dae::Json::array();
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& it = items[i];
    if (it.role.empty() || (it.role == "text" && it.label.empty())) continue;  // a field label: named by its field
    const std::string name = it.role == "text" ? it.label : access_name(i);
    if (name.empty() && it.role == "button") continue;  // a bare drag area, a row under its cells
    // Scrolled out of its window: Dear ImGui gives no label for it (it is not drawn this frame).
    if (name.empty() && !it.window->InnerClipRect.Overlaps(it.bb)) continue;
    dae::Json j = rect_json(it.bb);
    j["i"] = i;
    j["role"] = it.role;
    j["name"] = name;
    std::string panel = window_name(it.window->RootWindow);  // "##header" → "header"
    panel.erase(0, panel.find_first_not_of('#'));
    j["panel"] = panel;
    if (!it.value.empty()) j["value"] = it.value;
    if (it.checked >= 0) j["checked"] = it.checked == 1;
    if (!it.mark.empty()) j["mark"] = it.mark;
    list.push_back(std::move(j));
  }
  return list;
}

void items_new_frame() {
  items.clear();
  pending.role.clear();
  GImGui->TestEngineHookItems = true;
}

dae::Json items_json() {
  dae::Json list = dae::Json::array();
  for (const Item& it : items) {
    if (it.role == "text") continue;  // a sentence (shown()): the mirror's, not a widget
    const ImGuiWindow* w = it.window;
    dae::Json j = rect_json(it.bb);
    j["id"] = it.id;
    j["label"] = it.label;
    j["window"] = window_name(w->RootWindow);
    j["child"] = w != w->RootWindow ? window_name(w) : "";
    j["view"] = rect_json(w->InnerRect);
    j["scroll"] = scroll_json(w);
    if (it.cell.GetWidth() > 0) j["cell"] = rect_json(it.cell);
    j["overlap_ok"] = it.overlap_ok;
    j["input"] = it.input;
    j["popup"] = (w->RootWindow->Flags & (ImGuiWindowFlags_Popup | ImGuiWindowFlags_Tooltip)) != 0;
    list.push_back(std::move(j));
  }
  return list;
}

}  // namespace app

// Dear ImGui's item hooks (IMGUI_ENABLE_TEST_ENGINE): every widget reports its rectangle and label.
void ImGuiTestEngineHook_ItemAdd(ImGuiContext* ctx, ImGuiID id, const ImRect& bb, const ImGuiLastItemData* item) {
  app::add_item(*ctx, id, bb, item && (item->InFlags & ImGuiItemFlags_AllowOverlap), nullptr);
}

void ImGuiTestEngineHook_ItemInfo(ImGuiContext*, ImGuiID id, const char* label, ImGuiItemStatusFlags flags) {
  if (app::items.empty() || app::items.back().id != id) return;
  if (label && app::items.back().label.empty()) app::items.back().label = label;  // "##lr" stays: tests name fields by it
  app::items.back().input = (flags & ImGuiItemStatusFlags_Inputable) != 0;
  app::set_role_from_flags(app::items.back(), flags);
}

void ImGuiTestEngineHook_Log(ImGuiContext*, const char*, ...) {}

const char* ImGuiTestEngine_FindItemDebugLabel(ImGuiContext*, ImGuiID) { return nullptr; }
