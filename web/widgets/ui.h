// ui.h — small pieces every panel uses: colours, formatting, widgets (sections, help markers,
// sliders whose values stay readable, copy buttons), the one invalidation mechanism (Memo),
// notes next to fields, the modal question (Confirm), frame statistics, and the marks that let
// tests click real widgets.
#pragma once
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "data/data.h"
#include "imgui.h"
#include "formats/json.h"

namespace app {

// The smallest control a finger is given on a touch screen, CSS px at UI scale 100 % (WCAG 2.5.5).
constexpr float kTouchTarget = 44;

// The page's colours (style.cpp brightens them when the system asks for more contrast).
extern ImVec4 kAccent, kTrainColor, kValColor, kStepColor, kMuted, kGood, kBad, kWarn;

// ---- the one invalidation mechanism ------------------------------------------------------------
// A derived value (an image, a table) remembers the key of the inputs it was computed from.
// update(key) is true when they changed — and, while something trains, no more often than
// every `min_interval` seconds — so the caller recomputes; force() makes the next update true.
template <class Key>
class Memo {
 public:
  bool update(const Key& key, double now = 0, double min_interval = 0) {
    if (valid_ && key == key_) return false;
    if (valid_ && min_interval > 0 && now - when_ < min_interval) return false;
    key_ = key;
    valid_ = true;
    when_ = now;
    return true;
  }
  void force() { valid_ = false; }
  const Key& key() const { return key_; }  // the value last taken

 private:
  Key key_{};
  bool valid_ = false;
  double when_ = 0;
};

// Builds a key string from parts: key("results", rev, 0.5f) → "results|12|f1056964608". Floats
// go in by their bits and noises by their kind and amount: exact, and no formatting every frame.
template <class... T>
std::string key(const T&... parts) {
  std::string s;
  auto add = [&](const auto& p) {
    using P = std::decay_t<decltype(p)>;
    const auto bits = [](float f) {
      uint32_t u;
      std::memcpy(&u, &f, sizeof u);
      return 'f' + std::to_string(u);
    };
    if (!s.empty()) s += '|';
    if constexpr (std::is_convertible_v<P, std::string>) s += std::string(p);
    else if constexpr (std::is_same_v<P, float>) s += bits(p);
    else if constexpr (std::is_same_v<P, dae::Noise>) s += std::to_string(int(p.kind)) + '|' + bits(p.amount);
    else s += std::to_string(p);
  };
  (add(parts), ...);
  return s;
}

// ---- notes next to fields ------------------------------------------------------------------------
// "clamped to 10 (the largest learning rate)" shown under a field for a few seconds.
class FieldNotes {
 public:
  void set(const std::string& field, const std::string& text, double now) { notes_[field] = {text, now}; }
  // Draws the note of `field` (if any, and younger than 8 s) in the warning colour.
  void show(const std::string& field, double now);
  std::string get(const std::string& field, double now) const;

 private:
  std::map<std::string, std::pair<std::string, double>> notes_;
};

// ---- the modal question -------------------------------------------------------------------------
// One question at a time, e.g. "Delete run #3? Its model exists only here." with buttons
// [Download the model] [Delete] [Cancel]. Each button runs its action; the dialog closes unless
// the action returns false (e.g. "Download" keeps it open so the user can then delete).
struct Confirm {
  struct Button {
    std::string label;
    std::function<bool()> action;  // true: close
    bool primary = false;
  };
  std::string title, text;
  std::vector<Button> buttons;
  bool open = false;
  void ask(std::string t, std::string body, std::vector<Button> b) {
    title = std::move(t);
    text = std::move(body);
    buttons = std::move(b);
    open = true;
  }
  void draw();  // once per frame, after the panels
};

// ---- frame statistics ---------------------------------------------------------------------------
class FrameStats {
 public:
  // One rendered frame (ms): its interval since the previous frame() call, its main-thread time
  // in all, and the main parts of that: training's share (time-sliced, or taking the published
  // progress), the panels' model work (results, drawing, inspect), building the UI with ImGui,
  // and handing the UI to GL.
  struct Frame {
    double interval = 0, main = 0, work = 0, update = 0, build = 0, gl = 0;
  };
  void add(const Frame& f);
  double interval_p95() const { return quantile(&Frame::interval, 0.95); }
  double main_p95() const { return quantile(&Frame::main, 0.95); }
  double main_p50() const { return quantile(&Frame::main, 0.5); }
  // p95 of each part, over the same frames: {"work", "update", "build", "gl"}.
  std::vector<std::pair<const char*, double>> parts_p95() const;
  double fps() const;

 private:
  double quantile(double Frame::*part, double q) const;
  static constexpr size_t kWindow = 240;
  std::vector<Frame> frames_;
  size_t next_ = 0;
};

// ---- widgets ----------------------------------------------------------------------------------------
bool touch_screen();  // the page is used with fingers (finger-sized controls)
// A button without vertical padding (in a line of text); a full-size one on touch screens.
bool small_button(const char* label);
// One entry of a list or a combo's popup (ImGui::Selectable), a finger's height on touch screens.
bool choice(const char* label, bool selected = false, ImGuiSelectableFlags flags = 0);
// "(?)": its text as a tooltip on hover, kept open by a click or tap; `id` marks it help_<id>.
void help_marker(const char* text, const char* id = nullptr);
float help_marker_width();
// A tooltip for the last item (printf format), wrapped to fit the screen. On a touch screen only
// after a finger has rested for half a second (set_touch_hold, every frame: -1 = no such finger).
void tooltip(const char* fmt, ...) IM_FMTARGS(1);
void set_touch_hold(bool touch, double held_seconds);
void section(const char* title, const char* help = nullptr);
void wrapped(const ImVec4& color, const std::string& text);  // coloured text wrapped to the panel
std::string elide(const std::string& text, float max_w);  // cut to max_w pixels with "…" (whole characters)
// Text wrapped at spaces only, at `wrap_x` (window-local; 0: the panel's right edge): Dear ImGui
// also breaks after '.' and ',', which splits numbers ("lr 0." / "0015").
void text_wrapped(const std::string& text, const ImVec4* color = nullptr, float wrap_x = 0);
// A slider whose value is written beside it (never under the grab). Returns true when changed.
bool slider_float(const char* id, float* v, float lo, float hi, const char* value_fmt, float width = -1);
bool slider_int(const char* id, int* v, int lo, int hi, const char* value_fmt, float width = -1);
// A small button that copies `text` to the clipboard and says so for a moment.
void copy_button(const char* id, const std::string& text, double now);
// Text of a long block (Keras summary) that can be selected with the mouse and copied.
void selectable_text(const char* id, const std::string& text, ImVec2 size);
void label(const char* text, float x);  // a field label at x (0 = line start)
// Continues on the same line if a button labelled `next` (or an item `width` wide) still fits
// there, else on the next.
void same_line_if_fits(const char* next);
void same_line_if_fits(float width);

// ---- formatting -----------------------------------------------------------------------------------
std::string fmt_int(long long v);     // 74,497
std::string fmt_time(double seconds);  // 1:05, 1:02:03, "–"
std::string fmt_num(double v, int decimals);

// ---- clipboard (browser) --------------------------------------------------------------------------
void set_clipboard(const std::string& text);  // navigator.clipboard + a copy for tests
const std::string& last_copied();

// ---- what tests read back -------------------------------------------------------------------------
// Records the last item's screen rectangle under `id` (window.dae.rect(id): tests click real
// buttons and tabs with the mouse).
void mark(const std::string& id);
void mark_at(const std::string& id, ImVec2 min, ImVec2 max);  // a place that is not an item (a chart's point)
dae::Json marks_json();
// What the page tells JavaScript is in CSS px: ImGui's units times the UI scale (set each frame).
void set_css_scale(float s);
float css(float v);
std::string mark_containing(ImVec2 p);  // the smallest mark drawn lately that contains p, or ""
// A sentence a panel drew this frame that says what is going on (which model is in memory, a
// note next to a field, an error), with the colour it was drawn in: window.dae.texts().
void shown(const std::string& id, const std::string& text, const ImVec4& color);
dae::Json texts_json();
// The last widget spans its table row on purpose (a row-selecting Selectable drawn under the
// cells): the layout checks do not count it as overlapping them.
void mark_row_item();
// Every widget of the last drawn frame (Dear ImGui's item hook) with the visible area and
// scroll range of its window: window.dae.layout().items, so tests can check that nothing is
// cut off or overlaps. items_new_frame() starts a new list (before the panels are drawn).
void items_new_frame();
void add_text_item(const char* text);  // the last item, a text, joins the list (field labels)
dae::Json items_json();
dae::Json windows_json();  // every window drawn: rectangle, visible area, content size, scrolling
// The accessible mirror (web/api/access.cpp): every widget and shown() sentence of the last frame
// in drawing order with its role, name, value and state, its panel and rectangle. Panels say
// what the hook cannot see: item_role("radio", on), item_role("tab", open),
// next_item_role("combobox", "64") before a combo.
// `name`: for a widget whose label does not say it (a combo's, a tab's id).
void item_role(const char* role, int checked = -1, const std::string& name = "");
void next_item_role(const char* role, const std::string& value, const std::string& name = "");  // a combo, before it
void item_value(const std::string& value);
dae::Json access_json();
// A sentence for screen readers only (the mirror reads it here; nothing is drawn): the text
// alternative of an image or a plot ("denoised: PSNR 17.4 dB").
void say(const std::string& id, const std::string& text);

}  // namespace app
