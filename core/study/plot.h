// plot.h — figures as RGB images, written as PNG (png.h): line plots with markers, axes with
// readable ticks (base/chart.h: 1-2-5 steps, decades on log axes; or named categories), a
// legend in its own column beside the data (so it never covers a point; up to 40 entries or as
// many as fit, then "… and N more"), colours from the palette (base/chart.h), text in DejaVu
// Sans rendered by stb_truetype (Debian libstb-dev + fonts-dejavu-core); and rows of validation
// images (noisy / denoised / clean; clean / noise 0.1 / noise 0.5). No UI: the CLI (dae grid,
// dae sweep, dae notebook) writes these files; the page draws its own charts with Dear ImGui,
// with the same palette and ticks.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/chart.h"
#include "data/data.h"
#include "nn/model.h"

namespace dae {

constexpr Rgb kWhite{255, 255, 255}, kBlack{0, 0, 0};
// The figures' text sizes (drawing units), margin and text colours (figures.h uses them too).
constexpr double kTitleSize = 18, kLabelSize = 15, kTickSize = 13, kLegendSize = 13;
constexpr int kPad = 12;
constexpr Rgb kText{30, 30, 30}, kMutedText{95, 95, 95}, kFrame{170, 170, 170};

struct Rect {
  int x = 0, y = 0, w = 0, h = 0;
  bool contains(double px, double py) const { return px >= x && px < x + w && py >= y && py < y + h; }
  bool intersects(const Rect& o) const { return x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h; }
};

// An RGB image (3 bytes a pixel, row-major) with anti-aliased drawing, clipped to `clip`. With
// a zoom of 2 it has 2·w × 2·h pixels and every drawing call (and Font::draw) takes coordinates,
// sizes and widths in the w × h units, doubled: the same figure, crisp at twice the resolution.
// set, blend and at address the pixels themselves.
class Image {
 public:
  Image() = default;
  Image(int w, int h, Rgb fill = kWhite, int zoom = 1);
  int width() const { return w_; }    // pixels
  int height() const { return h_; }
  int zoom() const { return zoom_; }
  int units_w() const { return w_ / zoom_; }  // in drawing units
  int units_h() const { return h_ / zoom_; }
  Rgb at(int x, int y) const;
  const std::vector<uint8_t>& pixels() const { return px_; }
  void set(int x, int y, Rgb c);                 // ignores pixels outside the clip
  void blend(int x, int y, Rgb c, double alpha);  // c over the pixel with opacity alpha in [0, 1]
  void fill(const Rect& r, Rgb c);
  void outline(const Rect& r, Rgb c);  // 1-pixel border inside r
  // A line `width` pixels wide from (x0, y0) to (x1, y1), pixel centres at +0.5; round caps.
  void line(double x0, double y0, double x1, double y1, Rgb c, double width);
  // A polyline, solid or dashed (dash and gap lengths in pixels, continued across vertices).
  void polyline(const std::vector<double>& xs, const std::vector<double>& ys, Rgb c, double width, bool dashed);
  void disc(double cx, double cy, double radius, Rgb c);
  // Copies an 8-bit gray image scaled by `scale` with its top-left corner at (x, y).
  void gray(const uint8_t* px, int h, int w, int x, int y, int scale);
  void set_clip(const Rect& r) { clip_ = Rect{r.x * zoom_, r.y * zoom_, r.w * zoom_, r.h * zoom_}; }
  void reset_clip() { clip_ = Rect{0, 0, w_, h_}; }
  std::vector<uint8_t> png() const;     // encode_png_rgb
  void save_png(const std::string& path) const;  // atomic (io.h)

 private:
  void line_px(double x0, double y0, double x1, double y1, Rgb c, double width);  // in pixels
  int w_ = 0, h_ = 0, zoom_ = 1;
  std::vector<uint8_t> px_;
  Rect clip_;
};

// A TrueType font (stb_truetype). Text is UTF-8; characters the font lacks draw as its
// missing-glyph box.
class Font {
 public:
  // Throws dae::Error("cannot use the font <path>: …").
  static std::shared_ptr<const Font> load(const std::string& path);
  // The font figures use: $DAE_FONT if set, else DejaVu Sans where Debian's fonts-dejavu-core
  // puts it (/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf), else /fonts/DejaVuSans.ttf (the
  // page's virtual file system). Loaded once. Throws dae::Error saying what to install.
  static std::shared_ptr<const Font> default_font();
  ~Font();
  double width(const std::string& text, double size) const;  // advance in pixels at `size` px
  // The length in bytes of the longest prefix of `text` (whole characters) at most `max_w`
  // pixels wide, and its width; one pass, stopping where the text leaves the room.
  size_t prefix(const std::string& text, double size, double max_w, double* width = nullptr) const;
  // Draws with the baseline's left end at (x, baseline); `vertical` turns the text 90° to read
  // upwards from (x, baseline), which is then its bottom-left corner (y-axis labels).
  void draw(Image& img, const std::string& text, double x, double baseline, double size, Rgb c,
            bool vertical = false) const;
  double ascent(double size) const;   // pixels above the baseline
  double descent(double size) const;  // pixels below it (positive)

 private:
  Font() = default;
  std::vector<uint8_t> data_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// `text` shortened with "…" to at most `max_w` units at `size`.
std::string fit_text(const Font& f, const std::string& text, double size, double max_w);

// ---- line plots ----------------------------------------------------------------------------------
struct Series {
  std::string label;           // shown in the legend (no legend entry when empty)
  std::vector<double> x, y;    // points with a non-finite coordinate (or ≤ 0 on a log axis) are skipped
  int color = -1;              // palette index; -1: the series' own index (from the 11th on, dashed)
  bool dashed = false;
  bool line = true, markers = true;
  double marker_radius = 3.2;  // pixels (scatter plots of many points use smaller ones)
};

struct PlotSpec {
  std::string title, x_label, y_label;
  std::vector<Series> series;
  bool log_x = false, log_y = false;
  // When not empty, x values are positions 0..n−1 shown with these names (arch, loss, …).
  std::vector<std::string> x_categories;
  bool integer_x = false;  // x ticks on whole numbers only (epochs)
  int width = 960, height = 540;  // the legend column comes out of this width
  int zoom = 1;                   // 2: twice the pixels (Image's zoom), the same figure
};

// A rendered plot and where its parts are (for tests, and for the page to map a hover).
struct Figure {
  Image image;
  Rect plot;    // the data area, inside the axes (in drawing units: pixels at zoom 1)
  Rect legend;  // the legend box; w = 0 when there is none
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;  // the data range shown (log10 values on log axes)
  bool log_x = false, log_y = false;
  std::vector<double> x_ticks, y_ticks;   // where the ticks are (log10 values on log axes)
  double px(double x) const;  // data → pixel column/row (centre coordinates)
  double py(double y) const;
};
Figure render_plot(const PlotSpec& spec, const Font& font);

// ---- images of images -----------------------------------------------------------------------------
// Rows of noisy / denoised / clean validation images (the first `count`, noise from
// val_noise_key(seed, i) as in training), each pixel `scale`× and 2-pixel gaps on a mid-gray
// background: the worksheet's figure. Returns 8-bit gray pixels of h×w.
std::vector<uint8_t> denoise_grid(const Model& model, const ImageSet& val, const Noise& noise, uint64_t seed,
                                  int count, int scale, int& h, int& w);
// Rows of the same images clean and then with `noise`'s kind at each of `amounts` (the page's
// Data preview: original / 0.1 / 0.5), noise from val_noise_key(seed, i); the same layout.
std::vector<uint8_t> noise_grid(const ImageSet& val, const Noise& noise, const std::vector<float>& amounts,
                                uint64_t seed, int count, int scale, int& h, int& w);

// A row of 8-bit gray images (each h×w, `scale`× per pixel) on white with a caption under each
// and a title above: the images decoded between two codes (dae latent --interpolate).
Image image_strip(const std::vector<std::vector<uint8_t>>& images, int h, int w, const std::vector<std::string>& captions,
                  int scale, const std::string& title, const Font& font);

}  // namespace dae
