// plot.cpp — RGB images, text, line plots and image grids. See plot.h.
#include "study/plot.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <mutex>

#include "formats/io.h"
#include "formats/png.h"
#include "train/trainer.h"

// stb_truetype (Debian libstb-dev), compiled here with internal linkage so it cannot clash
// with another copy (Dear ImGui carries its own).
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#endif
#define STBTT_STATIC
#define STB_TRUETYPE_IMPLEMENTATION
#include <stb_truetype.h>
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic pop
#endif

namespace dae {

// ---- Image ----------------------------------------------------------------------------------------

Image::Image(int w, int h, Rgb fill, int zoom) : w_(w * zoom), h_(h * zoom), zoom_(zoom), clip_{0, 0, w_, h_} {
  if (zoom < 1 || zoom > 4 || w <= 0 || h <= 0 || w > 16384 || h > 16384 || w_ > 16384 || h_ > 16384)
    throw Error("cannot make an image of " + std::to_string(w) + "×" + std::to_string(h) + " pixels at zoom " +
                std::to_string(zoom));
  px_.resize(size_t(w_) * size_t(h_) * 3);
  for (size_t i = 0; i < px_.size(); i += 3) {
    px_[i] = fill.r;
    px_[i + 1] = fill.g;
    px_[i + 2] = fill.b;
  }
}

Rgb Image::at(int x, int y) const {
  if (x < 0 || y < 0 || x >= w_ || y >= h_) return {};
  const uint8_t* p = &px_[(size_t(y) * size_t(w_) + size_t(x)) * 3];
  return {p[0], p[1], p[2]};
}

void Image::set(int x, int y, Rgb c) { blend(x, y, c, 1.0); }

void Image::blend(int x, int y, Rgb c, double a) {
  if (a <= 0 || !clip_.contains(x, y) || x >= w_ || y >= h_ || x < 0 || y < 0) return;
  uint8_t* p = &px_[(size_t(y) * size_t(w_) + size_t(x)) * 3];
  if (a >= 1) {
    p[0] = c.r; p[1] = c.g; p[2] = c.b;
    return;
  }
  auto mix = [a](uint8_t under, uint8_t over) { return uint8_t(std::lround(under + (double(over) - under) * a)); };
  p[0] = mix(p[0], c.r);
  p[1] = mix(p[1], c.g);
  p[2] = mix(p[2], c.b);
}

void Image::fill(const Rect& r, Rgb c) {
  const int z = zoom_;
  for (int y = r.y * z; y < (r.y + r.h) * z; ++y)
    for (int x = r.x * z; x < (r.x + r.w) * z; ++x) set(x, y, c);
}

void Image::outline(const Rect& r, Rgb c) {
  const int z = zoom_, x0 = r.x * z, y0 = r.y * z, x1 = (r.x + r.w) * z, y1 = (r.y + r.h) * z;  // a border z pixels wide
  for (int k = 0; k < z; ++k) {
    for (int x = x0; x < x1; ++x) { set(x, y0 + k, c); set(x, y1 - 1 - k, c); }
    for (int y = y0; y < y1; ++y) { set(x0 + k, y, c); set(x1 - 1 - k, y, c); }
  }
}

void Image::line(double x0, double y0, double x1, double y1, Rgb c, double width) {
  const double z = zoom_;
  line_px(x0 * z, y0 * z, x1 * z, y1 * z, c, width * z);
}

void Image::line_px(double x0, double y0, double x1, double y1, Rgb c, double width) {
  // Coverage of each pixel near the segment from the distance of its centre to it: full
  // within width/2, fading to nothing over one pixel (anti-aliasing without supersampling).
  const double r = width / 2;
  const int xa = int(std::floor(std::min(x0, x1) - r - 1)), xb = int(std::ceil(std::max(x0, x1) + r + 1));
  const int ya = int(std::floor(std::min(y0, y1) - r - 1)), yb = int(std::ceil(std::max(y0, y1) + r + 1));
  const double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
  for (int y = std::max(ya, clip_.y); y <= std::min(yb, clip_.y + clip_.h - 1); ++y)
    for (int x = std::max(xa, clip_.x); x <= std::min(xb, clip_.x + clip_.w - 1); ++x) {
      const double cx = x + 0.5, cy = y + 0.5;
      const double t = len2 > 0 ? std::clamp(((cx - x0) * dx + (cy - y0) * dy) / len2, 0.0, 1.0) : 0.0;
      const double d = std::hypot(cx - (x0 + t * dx), cy - (y0 + t * dy));
      blend(x, y, c, std::clamp(r + 0.5 - d, 0.0, 1.0));
    }
}

void Image::polyline(const std::vector<double>& xs, const std::vector<double>& ys, Rgb c, double width, bool dashed) {
  constexpr double kDash = 9, kGap = 6;
  double phase = 0;  // distance into the current dash+gap period
  for (size_t i = 1; i < xs.size() && i < ys.size(); ++i) {
    const double x0 = xs[i - 1], y0 = ys[i - 1], x1 = xs[i], y1 = ys[i];
    const double len = std::hypot(x1 - x0, y1 - y0);
    if (!dashed || len == 0) {
      line(x0, y0, x1, y1, c, width);
      continue;
    }
    double s = 0;  // walk the segment in pieces that end where the pattern changes
    while (s < len) {
      const bool on = phase < kDash;
      const double step = std::min(len - s, on ? kDash - phase : kDash + kGap - phase);
      if (on) {
        const double a = s / len, b = (s + step) / len;
        line(x0 + a * (x1 - x0), y0 + a * (y1 - y0), x0 + b * (x1 - x0), y0 + b * (y1 - y0), c, width);
      }
      s += step;
      phase = std::fmod(phase + step, kDash + kGap);
    }
  }
}

void Image::disc(double cx, double cy, double radius, Rgb c) {
  cx *= zoom_, cy *= zoom_, radius *= zoom_;
  for (int y = int(std::floor(cy - radius - 1)); y <= int(std::ceil(cy + radius + 1)); ++y)
    for (int x = int(std::floor(cx - radius - 1)); x <= int(std::ceil(cx + radius + 1)); ++x)
      blend(x, y, c, std::clamp(radius + 0.5 - std::hypot(x + 0.5 - cx, y + 0.5 - cy), 0.0, 1.0));
}

void Image::gray(const uint8_t* px, int h, int w, int x, int y, int scale) {
  x *= zoom_, y *= zoom_, scale *= zoom_;
  for (int j = 0; j < h * scale; ++j)
    for (int i = 0; i < w * scale; ++i) {
      const uint8_t v = px[size_t(j / scale) * size_t(w) + size_t(i / scale)];
      set(x + i, y + j, {v, v, v});
    }
}

std::vector<uint8_t> Image::png() const { return encode_png_rgb(px_.data(), h_, w_); }

void Image::save_png(const std::string& path) const {
  const std::vector<uint8_t> b = png();
  write_file(path, b.data(), b.size());
}

// ---- Font -----------------------------------------------------------------------------------------

struct Font::Impl {
  stbtt_fontinfo info;
};

Font::~Font() = default;

namespace {

// The code point starting at byte i of s, and where the next one starts; a malformed byte is
// U+FFFD (one byte).
int next_codepoint(const std::string& s, size_t& i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  const int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (len == 0 || i + size_t(len) > s.size() || !valid_utf8(std::string_view(s).substr(i, size_t(len)))) {
    ++i;
    return 0xFFFD;
  }
  int cp = len == 1 ? c : c & (0x7F >> len);
  for (int k = 1; k < len; ++k) cp = cp << 6 | (static_cast<unsigned char>(s[i + size_t(k)]) & 0x3F);
  i += size_t(len);
  return cp;
}

std::vector<int> codepoints(const std::string& s) {
  std::vector<int> out;
  for (size_t i = 0; i < s.size();) out.push_back(next_codepoint(s, i));
  return out;
}

}  // namespace

std::shared_ptr<const Font> Font::load(const std::string& path) {
  std::shared_ptr<Font> f(new Font());
  f->data_ = read_file(path, size_t(64) << 20, "a font file");
  f->impl_ = std::make_unique<Impl>();
  const int offset = stbtt_GetFontOffsetForIndex(f->data_.data(), 0);
  if (offset < 0 || !stbtt_InitFont(&f->impl_->info, f->data_.data(), offset))
    throw Error("cannot use the font " + printable(path) + ": not a TrueType font");
  return f;
}

std::shared_ptr<const Font> Font::default_font() {
  static std::mutex m;
  static std::shared_ptr<const Font> font;
  std::lock_guard<std::mutex> lock(m);
  if (font) return font;
  if (const char* env = std::getenv("DAE_FONT")) {  // an explicit choice is the only one tried
    font = load(env);
    return font;
  }
  for (const char* p : {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/fonts/DejaVuSans.ttf"}) {
    std::error_code ec;
    if (!std::filesystem::exists(p, ec)) continue;
    font = load(p);
    return font;
  }
  throw Error("figures need the font DejaVu Sans: install fonts-dejavu-core (apt-get install fonts-dejavu-core) or "
              "set DAE_FONT to a .ttf file");
}

double Font::ascent(double size) const {
  int a = 0, d = 0, g = 0;
  stbtt_GetFontVMetrics(&impl_->info, &a, &d, &g);
  return a * double(stbtt_ScaleForPixelHeight(&impl_->info, float(size)));
}

double Font::descent(double size) const {
  int a = 0, d = 0, g = 0;
  stbtt_GetFontVMetrics(&impl_->info, &a, &d, &g);
  return -d * double(stbtt_ScaleForPixelHeight(&impl_->info, float(size)));
}

double Font::width(const std::string& text, double size) const {
  double w = 0;
  prefix(text, size, INFINITY, &w);
  return w;
}

size_t Font::prefix(const std::string& text, double size, double max_w, double* width) const {
  const double scale = stbtt_ScaleForPixelHeight(&impl_->info, float(size));
  double x = 0;
  size_t i = 0, fits = 0;
  int prev = -1;
  while (i < text.size()) {
    const int cp = next_codepoint(text, i);
    int adv = 0, lsb = 0;
    stbtt_GetCodepointHMetrics(&impl_->info, cp, &adv, &lsb);
    const double next = x + (prev >= 0 ? stbtt_GetCodepointKernAdvance(&impl_->info, prev, cp) * scale : 0) + adv * scale;
    if (next > max_w) break;
    x = next;
    fits = i;
    prev = cp;
  }
  if (width) *width = x;
  return fits;
}

void Font::draw(Image& img, const std::string& text, double x, double baseline, double size, Rgb c,
                bool vertical) const {
  x *= img.zoom(), baseline *= img.zoom(), size *= img.zoom();  // drawing units → pixels
  const float scale = stbtt_ScaleForPixelHeight(&impl_->info, float(size));
  const std::vector<int> cps = codepoints(text);
  double pen = 0;  // along the text, from its start
  for (size_t i = 0; i < cps.size(); ++i) {
    int adv = 0, lsb = 0;
    stbtt_GetCodepointHMetrics(&impl_->info, cps[i], &adv, &lsb);
    const double whole = std::floor(pen);
    int gw = 0, gh = 0, xo = 0, yo = 0;
    unsigned char* bm = stbtt_GetCodepointBitmapSubpixel(&impl_->info, scale, scale, float(pen - whole), 0.f, cps[i],
                                                         &gw, &gh, &xo, &yo);
    for (int v = 0; v < gh && bm; ++v)
      for (int u = 0; u < gw; ++u) {
        const double a = bm[v * gw + u] / 255.0;
        const int du = int(whole) + xo + u, dv = yo + v;  // along the text, below the baseline
        if (vertical) img.blend(int(std::floor(x)) + dv, int(std::floor(baseline)) - du, c, a);
        else img.blend(int(std::floor(x)) + du, int(std::floor(baseline)) + dv, c, a);
      }
    stbtt_FreeBitmap(bm, nullptr);
    pen += adv * double(scale);
    if (i + 1 < cps.size()) pen += stbtt_GetCodepointKernAdvance(&impl_->info, cps[i], cps[i + 1]) * double(scale);
  }
}

// ---- plots ----------------------------------------------------------------------------------------

// `text` shortened with "…" to at most `max_w` units. Linear in the text's length (a
// character-by-character search was quadratic: a 32,000-character label took 50 s).
std::string fit_text(const Font& f, const std::string& text, double size, double max_w) {
  const size_t all = f.prefix(text, size, max_w);
  if (all == text.size()) return text;
  return text.substr(0, f.prefix(text, size, max_w - f.width("…", size))) + "…";
}

double Figure::px(double x) const {
  const double v = log_x ? std::log10(x) : x;
  return plot.x + (v - x0) / (x1 - x0) * plot.w;
}

double Figure::py(double y) const {
  const double v = log_y ? std::log10(y) : y;
  return plot.y + plot.h - (v - y0) / (y1 - y0) * plot.h;
}

namespace {

constexpr Rgb kAxis{60, 60, 60}, kGrid{228, 228, 228};

bool usable(double v, bool log) { return std::isfinite(v) && (!log || v > 0); }

// The shown range of one axis over all usable values (log10 on a log axis), padded.
void axis_range(const std::vector<double>& vals, bool log, double pad, double& lo, double& hi) {
  lo = INFINITY;
  hi = -INFINITY;
  for (double v : vals) {
    if (!usable(v, log)) continue;
    const double t = log ? std::log10(v) : v;
    lo = std::min(lo, t);
    hi = std::max(hi, t);
  }
  if (!std::isfinite(lo)) { lo = 0; hi = 1; return; }
  if (hi - lo < 1e-12) {  // one value: a window around it
    const double half = log ? 0.5 : std::max(std::fabs(lo) * 0.1, 0.5);
    lo -= half;
    hi += half;
    return;
  }
  const double span = hi - lo;
  lo -= span * pad;
  hi += span * pad;
}

// `text` in lines of at most `max_w` pixels, broken at spaces; at most `max_lines` lines, the
// last shortened with "…" when the text does not fit. Each word is measured once (a line's
// width is the sum of its words' and spaces' widths, kerning across a space ignored).
std::vector<std::string> wrap_text(const Font& f, const std::string& text, double size, double max_w, size_t max_lines) {
  std::vector<std::string> lines;
  std::string line;
  double line_w = 0;
  const double space_w = f.width(" ", size);
  bool more = false;  // words left over after max_lines lines
  for (size_t i = 0; i < text.size() && !more;) {
    const size_t start = text.find_first_not_of(' ', i);
    if (start == std::string::npos) break;
    const size_t end = std::min(text.find(' ', start), text.size());
    const std::string word = text.substr(start, end - start);
    i = end;
    const double word_w = f.width(word, size);
    if (line.empty() || line_w + space_w + word_w <= max_w) {
      line_w += (line.empty() ? 0 : space_w) + word_w;
      line += (line.empty() ? "" : " ") + word;
      continue;
    }
    lines.push_back(line);
    if (lines.size() == max_lines) more = true;
    line = word;
    line_w = word_w;
  }
  if (!more && !line.empty()) lines.push_back(line);
  if (more) lines.back() += " …";  // the last line kept says that more was cut
  for (auto& l : lines) l = fit_text(f, l, size, max_w);
  return lines;
}

Rgb series_color(const Series& s, size_t i) { return palette()[size_t(s.color >= 0 ? s.color : int(i)) % palette().size()]; }
bool series_dashed(const Series& s, size_t i) { return s.dashed || (s.color < 0 && i >= palette().size()); }

// The ticks of both axes and their labels (no x labels on a category axis: its names are).
struct Ticks {
  std::vector<double> x, y;
  std::vector<std::string> x_labels, y_labels;
};

// Sets the figure's data range and ticks from the spec; returns the ticks with their labels.
Ticks plot_ticks(const PlotSpec& spec, Figure& fig) {
  fig.log_x = spec.log_x && spec.x_categories.empty();
  fig.log_y = spec.log_y;
  std::vector<double> xs, ys;
  for (const auto& s : spec.series) {
    xs.insert(xs.end(), s.x.begin(), s.x.end());
    ys.insert(ys.end(), s.y.begin(), s.y.end());
  }
  if (!spec.x_categories.empty()) {
    fig.x0 = -0.5;
    fig.x1 = double(spec.x_categories.size()) - 0.5;
  } else {
    axis_range(xs, fig.log_x, 0.04, fig.x0, fig.x1);
  }
  axis_range(ys, fig.log_y, 0.07, fig.y0, fig.y1);
  Ticks t;
  t.y = nice_ticks(fig.y0, fig.y1, fig.log_y);
  t.y_labels = tick_labels(t.y, fig.log_y);
  if (!spec.x_categories.empty()) {
    for (size_t i = 0; i < spec.x_categories.size(); ++i) t.x.push_back(double(i));
  } else {
    t.x = spec.integer_x && !fig.log_x ? whole_ticks(fig.x0, fig.x1) : nice_ticks(fig.x0, fig.x1, fig.log_x);
    t.x_labels = tick_labels(t.x, fig.log_x);
  }
  fig.x_ticks = t.x;
  fig.y_ticks = t.y;
  return t;
}

constexpr double kTickLineH = kTickSize * 1.3, kLegendLineH = kLegendSize * 1.5, kSwatch = 28;

// The legend's rows: as many series as fit beside the plot, or 40 (the figure grows for them);
// past that its last row says how many more there are, so a sweep of 800 runs still makes a
// figure (it once asked for an image 19,620 pixels tall).
struct Legend {
  std::vector<size_t> entries;  // the series listed
  size_t more = 0;              // the labelled series left out
  std::string more_text;        // "… and N more"
  int w = 0, h = 0;             // 0 without entries
};

Legend plot_legend(const PlotSpec& spec, const Font& font, int top, int bottom) {
  Legend g;
  for (size_t i = 0; i < spec.series.size(); ++i)
    if (!spec.series[i].label.empty()) g.entries.push_back(i);
  const size_t rows_fit = std::max<size_t>(40, size_t(std::max(0.0, (spec.height - top - bottom - 16) / kLegendLineH)));
  g.more = g.entries.size() > rows_fit ? g.entries.size() - (rows_fit - 1) : 0;
  if (g.more) g.entries.resize(rows_fit - 1);
  g.more_text = g.more ? "… and " + std::to_string(g.more) + " more" : "";
  if (g.entries.empty()) return g;
  double text_w = g.more ? font.width(g.more_text, kLegendSize) : 0;
  for (size_t i : g.entries) text_w = std::max(text_w, font.width(spec.series[i].label, kLegendSize));
  g.w = int(std::ceil(std::min(text_w, spec.width * 0.32) + kSwatch + 8 + 2 * 10));
  const size_t rows = g.entries.size() + (g.more ? 1 : 0);
  g.h = int(std::ceil(double(rows) * kLegendLineH + 2 * 8));
  return g;
}

// Where the parts go: title on top, y label and tick labels on the left, x tick labels and
// label below, the legend in a column of its own on the right. Makes the figure's image.
struct Layout {
  size_t tick_lines = 1;  // lines of the longest category name under its tick
  Legend legend;
};

Layout plot_layout(const PlotSpec& spec, const Font& font, const Ticks& t, Figure& fig) {
  Layout l;
  double ytick_w = 0;
  for (const auto& s : t.y_labels) ytick_w = std::max(ytick_w, font.width(s, kTickSize));
  const int left = kPad + (spec.y_label.empty() ? 0 : int(kLabelSize * 1.4)) + int(std::ceil(ytick_w)) + 10;
  const int top = kPad + (spec.title.empty() ? 0 : int(kTitleSize * 1.6));
  // Category names wrap onto up to 3 lines under their tick (estimated on the full width; the
  // legend column is at most a third of it).
  const double slot_guess = spec.x_categories.empty() ? 0 : spec.width * 0.6 / double(spec.x_categories.size());
  for (const auto& c : spec.x_categories)
    l.tick_lines = std::max(l.tick_lines, wrap_text(font, c, kTickSize, slot_guess - 6, 3).size());
  const int bottom = kPad + int(kTickSize * 0.3 + kTickLineH * double(l.tick_lines)) + 8 +
                     (spec.x_label.empty() ? 0 : int(kLabelSize * 1.6));
  l.legend = plot_legend(spec, font, top, bottom);
  const int legend_w = l.legend.w, right = legend_w ? legend_w + 2 * kPad : kPad;
  const int width = std::max(spec.width, left + 200 + right);
  const int height = std::max(spec.height, top + std::max(l.legend.h, 150) + bottom);
  fig.image = Image(width, height, kWhite, spec.zoom);
  fig.plot = Rect{left, top, width - left - right, height - top - bottom};
  if (legend_w) fig.legend = Rect{fig.plot.x + fig.plot.w + kPad, top, legend_w, l.legend.h};
  return l;
}

// Grid lines, tick marks and their labels (category names wrapped under their tick), the frame.
void draw_axes(Figure& fig, const PlotSpec& spec, const Font& font, const Ticks& t, size_t tick_lines) {
  Image& img = fig.image;
  const Rect& P = fig.plot;
  for (size_t i = 0; i < t.y.size(); ++i) {
    const double y = P.y + P.h - (t.y[i] - fig.y0) / (fig.y1 - fig.y0) * P.h;
    img.line(P.x, y, P.x + P.w, y, kGrid, 1);
    img.line(P.x - 5, y, P.x, y, kAxis, 1);
    const std::string& s = t.y_labels[i];
    font.draw(img, s, P.x - 8 - font.width(s, kTickSize), y + font.ascent(kTickSize) * 0.35, kTickSize, kText);
  }
  const double slot = t.x.empty() ? P.w : double(P.w) / std::max<size_t>(1, t.x.size());
  for (size_t i = 0; i < t.x.size(); ++i) {
    const double x = P.x + (t.x[i] - fig.x0) / (fig.x1 - fig.x0) * P.w;
    img.line(x, P.y, x, P.y + P.h, kGrid, 1);
    img.line(x, P.y + P.h, x, P.y + P.h + 5, kAxis, 1);
    const std::vector<std::string> lines = spec.x_categories.empty()
                                               ? std::vector<std::string>{t.x_labels[i]}
                                               : wrap_text(font, spec.x_categories[i], kTickSize, slot - 6, tick_lines);
    for (size_t l = 0; l < lines.size(); ++l)
      font.draw(img, lines[l], x - font.width(lines[l], kTickSize) / 2,
                P.y + P.h + 8 + font.ascent(kTickSize) + kTickLineH * double(l), kTickSize, kText);
  }
  img.outline(Rect{P.x - 1, P.y - 1, P.w + 2, P.h + 2}, kFrame);
}

// The title (centred on the figure), the x label under the plot, the y label up its left side.
void draw_titles(Figure& fig, const PlotSpec& spec, const Font& font) {
  Image& img = fig.image;
  const Rect& P = fig.plot;
  const int width = img.units_w(), height = img.units_h();
  if (!spec.title.empty()) {
    const std::string t = fit_text(font, spec.title, kTitleSize, width - 2 * kPad);
    font.draw(img, t, (width - font.width(t, kTitleSize)) / 2, kPad + font.ascent(kTitleSize), kTitleSize, kText);
  }
  if (!spec.x_label.empty()) {
    const std::string t = fit_text(font, spec.x_label, kLabelSize, P.w);
    font.draw(img, t, P.x + (P.w - font.width(t, kLabelSize)) / 2, height - kPad - font.descent(kLabelSize), kLabelSize, kText);
  }
  if (!spec.y_label.empty()) {
    const std::string t = fit_text(font, spec.y_label, kLabelSize, P.h);
    font.draw(img, t, kPad + font.ascent(kLabelSize) - kLabelSize * 0.1, P.y + (P.h + font.width(t, kLabelSize)) / 2,
              kLabelSize, kText, true);
  }
}

// The data, clipped to the plot area: lines first, then markers on top.
void draw_series(Figure& fig, const PlotSpec& spec) {
  Image& img = fig.image;
  img.set_clip(fig.plot);
  for (int pass = 0; pass < 2; ++pass)
    for (size_t i = 0; i < spec.series.size(); ++i) {
      const Series& s = spec.series[i];
      std::vector<double> px, py;
      for (size_t k = 0; k < s.x.size() && k < s.y.size(); ++k) {
        if (!usable(s.x[k], fig.log_x) || !usable(s.y[k], fig.log_y)) continue;
        px.push_back(fig.px(s.x[k]));
        py.push_back(fig.py(s.y[k]));
      }
      if (pass == 0 && s.line) img.polyline(px, py, series_color(s, i), 2.0, series_dashed(s, i));
      if (pass == 1 && s.markers)
        for (size_t k = 0; k < px.size(); ++k) img.disc(px[k], py[k], s.marker_radius, series_color(s, i));
    }
  img.reset_clip();
}

// The legend: a swatch of each series' line and marker, and its label.
void draw_legend(Figure& fig, const PlotSpec& spec, const Font& font, const Legend& g) {
  Image& img = fig.image;
  const Rect& L = fig.legend;
  img.fill(L, kWhite);
  img.outline(L, kFrame);
  double y = L.y + 8 + kLegendLineH / 2;
  for (size_t i : g.entries) {
    const Series& s = spec.series[i];
    const Rgb c = series_color(s, i);
    const double x0 = L.x + 10, x1 = x0 + kSwatch;
    if (s.line) img.polyline({x0, x1}, {y, y}, c, 2.0, series_dashed(s, i));
    if (s.markers) img.disc((x0 + x1) / 2, y, 3.2, c);
    const std::string t = fit_text(font, s.label, kLegendSize, L.w - kSwatch - 8 - 20);
    font.draw(img, t, x1 + 8, y + font.ascent(kLegendSize) * 0.38, kLegendSize, kText);
    y += kLegendLineH;
  }
  if (g.more) font.draw(img, fit_text(font, g.more_text, kLegendSize, L.w - 20), L.x + 10,
                        y + font.ascent(kLegendSize) * 0.38, kLegendSize, kText);
}

}  // namespace

Figure render_plot(const PlotSpec& spec, const Font& font) {
  Figure fig;
  const Ticks t = plot_ticks(spec, fig);
  const Layout l = plot_layout(spec, font, t, fig);
  draw_axes(fig, spec, font, t, l.tick_lines);
  draw_titles(fig, spec, font);
  draw_series(fig, spec);
  if (l.legend.w) draw_legend(fig, spec, font, l.legend);
  return fig;
}

// ---- grids of images ------------------------------------------------------------------------------

namespace {

// Rows of `count` images of h×w each, every pixel `scale`× and 2-pixel gaps on a mid-gray
// background; fill(c, rows) sets rows[r] (h·w floats in [0, 1]) to column c's image of row r.
std::vector<uint8_t> image_rows(int nrows, int count, int h, int w, int scale,
                                const std::function<void(int, std::vector<std::vector<float>>&)>& fill, int& H, int& W) {
  const int gap = 2;
  const size_t P = size_t(h) * size_t(w);
  const long long gw = count * (w * scale + gap) + gap, gh = nrows * (h * scale + gap) + gap;
  if (gw > 16384 || gh > 16384)
    throw Error("the grid would be " + std::to_string(gw) + "×" + std::to_string(gh) +
                " pixels (over 16384 on a side): use fewer images or a smaller scale");
  std::vector<uint8_t> img(size_t(gw) * size_t(gh), 128);
  std::vector<std::vector<float>> rows(static_cast<size_t>(nrows), std::vector<float>(P));
  auto to_u8 = [](float v) { return uint8_t(std::lround(std::clamp(v, 0.f, 1.f) * 255.f)); };
  for (int c = 0; c < count; ++c) {
    fill(c, rows);
    for (int r = 0; r < nrows; ++r)
      for (int y = 0; y < h * scale; ++y)
        for (int x = 0; x < w * scale; ++x)
          img[size_t(gap + r * (h * scale + gap) + y) * size_t(gw) + size_t(gap + c * (w * scale + gap) + x)] =
              to_u8(rows[size_t(r)][size_t(y / scale) * size_t(w) + size_t(x / scale)]);
  }
  H = int(gh);
  W = int(gw);
  return img;
}

void check_grid(const ImageSet& val, int count, int scale) {
  if (count < 1 || size_t(count) > val.size() || scale < 1)
    throw Error("a grid needs 1.." + std::to_string(val.size()) + " images and a scale ≥ 1");
}

}  // namespace

std::vector<uint8_t> denoise_grid(const Model& model, const ImageSet& val, const Noise& noise, uint64_t seed,
                                  int count, int scale, int& H, int& W) {
  check_grid(val, count, scale);
  check_input(model, val.h, val.w, "the validation data");
  const size_t P = val.pixels_per_image();
  Context ctx;
  return image_rows(3, count, val.h, val.w, scale, [&](int c, std::vector<std::vector<float>>& rows) {
    // rows: noisy, denoised, clean
    to_float(val.image(size_t(c)), rows[2].data(), P);
    apply_noise(rows[2].data(), rows[0].data(), P, noise, val_noise_key(seed, size_t(c)));
    model.predict(rows[0].data(), 1, rows[1].data(), ctx);
  }, H, W);
}

std::vector<uint8_t> noise_grid(const ImageSet& val, const Noise& noise, const std::vector<float>& amounts,
                                uint64_t seed, int count, int scale, int& H, int& W) {
  check_grid(val, count, scale);
  const size_t P = val.pixels_per_image();
  return image_rows(int(amounts.size()) + 1, count, val.h, val.w, scale, [&](int c, std::vector<std::vector<float>>& rows) {
    to_float(val.image(size_t(c)), rows[0].data(), P);
    for (size_t a = 0; a < amounts.size(); ++a) {
      Noise n = noise;
      n.amount = amounts[a];
      apply_noise(rows[0].data(), rows[a + 1].data(), P, n, val_noise_key(seed, size_t(c)));
    }
  }, H, W);
}

Image image_strip(const std::vector<std::vector<uint8_t>>& images, int h, int w, const std::vector<std::string>& captions,
                  int scale, const std::string& title, const Font& font) {
  const int n = int(images.size()), cell = w * scale, gap = 6;
  const long long width = std::max<long long>(n * (cell + gap) + gap, 2 * kPad + 1);
  if (n < 1 || width > 16384) throw Error("a strip needs 1 to " + std::to_string(16384 / (cell + gap)) + " images");
  const int top = kPad + int(kTitleSize * 1.6), caption = int(kTickLineH) + 8;
  Image img(int(width), top + h * scale + caption + kPad);
  font.draw(img, fit_text(font, title, kTitleSize, double(width) - 2 * kPad), kPad, kPad + font.ascent(kTitleSize),
            kTitleSize, kText);
  for (int i = 0; i < n; ++i) {
    const int x = gap + i * (cell + gap);
    img.gray(images[size_t(i)].data(), h, w, x, top, scale);
    const std::string t = fit_text(font, i < int(captions.size()) ? captions[size_t(i)] : "", kTickSize, cell);
    font.draw(img, t, x + (cell - font.width(t, kTickSize)) / 2, top + h * scale + 4 + font.ascent(kTickSize),
              kTickSize, kText);
  }
  return img;
}

}  // namespace dae
