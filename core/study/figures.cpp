// figures.cpp — the hand-in figures from plain data. See figures.h.
#include "study/figures.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace dae {

// ---- rows of images ---------------------------------------------------------------------------------

Rgb colormap(Colormap m, float v) {
  const float t = std::clamp(std::isfinite(v) ? v : 0.f, 0.f, 1.f);
  auto mix = [](const float* a, const float* b, float s) {
    auto c = [&](int i) { return uint8_t(std::lround((a[i] + (b[i] - a[i]) * s) * 255)); };
    return Rgb{c(0), c(1), c(2)};
  };
  if (m == Colormap::Heat) {  // dark blue → magenta → orange → light yellow
    static const float stops[5][3] = {{0.02f, 0.02f, 0.10f}, {0.30f, 0.07f, 0.50f}, {0.75f, 0.20f, 0.45f},
                                      {0.98f, 0.55f, 0.15f}, {0.99f, 0.97f, 0.70f}};
    const float s = t * 4;
    const int k = std::min(3, int(s));
    return mix(stops[k], stops[k + 1], s - float(k));
  }
  if (m == Colormap::Diverging) {  // blue below 0.5, white at 0.5, red above
    static const float lo[3] = {0.16f, 0.36f, 0.80f}, mid[3] = {0.96f, 0.96f, 0.96f}, hi[3] = {0.82f, 0.22f, 0.18f};
    return t < 0.5f ? mix(lo, mid, t * 2) : mix(mid, hi, t * 2 - 1);
  }
  const uint8_t g = uint8_t(std::lround(t * 255));
  return {g, g, g};
}

std::vector<TileRow> tile_rows(std::vector<Tile> tiles, int cols) {
  std::vector<TileRow> rows;
  cols = std::max(1, cols);
  for (size_t i = 0; i < tiles.size(); ++i) {
    if (i % size_t(cols) == 0) rows.emplace_back();
    rows.back().tiles.push_back(std::move(tiles[i]));
  }
  return rows;
}

namespace {

constexpr int kGap = 6, kRowGap = 10;
constexpr double kCaptionLineH = kTickSize * 1.3;

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t end = std::min(s.find('\n', start), s.size());
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

size_t caption_lines(const TileRow& r) {
  size_t n = 0;
  for (const Tile& t : r.tiles)
    if (!t.caption.empty()) n = std::max(n, lines_of(t.caption).size());
  return n;
}

// One tile, `cell` units at (x, y), nearest-neighbour, in the figure's colours; a thin frame.
void draw_tile(Image& img, const TileFigure& f, const Tile& t, int x, int y) {
  const int z = img.zoom(), pw = f.cell_w * z, ph = f.cell_h * z;
  std::vector<Rgb> colour(t.px.size());  // each value's colour once, not each pixel's
  for (size_t v = 0; v < t.px.size(); ++v) colour[v] = colormap(f.cmap, t.px[v]);
  std::vector<size_t> column(static_cast<size_t>(pw));
  for (int i = 0; i < pw; ++i) column[size_t(i)] = size_t(i * f.w / pw);
  for (int j = 0; j < ph; ++j) {
    const Rgb* row = &colour[size_t(j * f.h / ph) * size_t(f.w)];
    for (int i = 0; i < pw; ++i) img.set(x * z + i, y * z + j, row[column[size_t(i)]]);
  }
  img.outline(Rect{x - 1, y - 1, f.cell_w + 2, f.cell_h + 2}, kFrame);
}

}  // namespace

Image render_tiles(const TileFigure& f, const Font& font, int zoom) {
  size_t cols = 0;
  for (const TileRow& r : f.rows) {
    cols = std::max(cols, r.tiles.size());
    for (const Tile& t : r.tiles)
      if (f.h <= 0 || f.w <= 0 || t.px.size() != size_t(f.h) * size_t(f.w))
        throw Error("a figure's image has " + std::to_string(t.px.size()) + " values, not " + std::to_string(f.h) + "×" +
                    std::to_string(f.w));
  }
  if (cols == 0 || f.cell_w < 1 || f.cell_h < 1) throw Error("a figure needs at least one image");
  double label_w = 0;
  for (const TileRow& r : f.rows) label_w = std::max(label_w, font.width(r.label, kLabelSize));
  const int left = kPad + (label_w > 0 ? int(std::ceil(label_w)) + 12 : 0);
  const int grid_w = int(cols) * (f.cell_w + kGap) - kGap;
  const int top = kPad + (f.title.empty() ? 0 : int(kTitleSize * 1.6)) + 2;
  int height = top;
  for (const TileRow& r : f.rows) height += f.cell_h + int(double(caption_lines(r)) * kCaptionLineH) + kRowGap;
  const std::vector<std::string> note = f.note.empty() ? std::vector<std::string>{} : lines_of(f.note);
  height += int(double(note.size()) * kCaptionLineH) + kPad;
  double text_w = font.width(f.title, kTitleSize);
  for (const std::string& l : note) text_w = std::max(text_w, font.width(l, kTickSize));
  const int width = std::max(left + grid_w, kPad + int(std::ceil(std::min(text_w, 1400.0)))) + kPad;
  Image img(width, height, kWhite, zoom);
  if (!f.title.empty())
    font.draw(img, fit_text(font, f.title, kTitleSize, width - 2 * kPad), kPad, kPad + font.ascent(kTitleSize),
              kTitleSize, kText);
  int y = top;
  for (const TileRow& r : f.rows) {
    font.draw(img, r.label, kPad, y + f.cell_h / 2.0 + font.ascent(kLabelSize) * 0.35, kLabelSize, kText);
    for (size_t c = 0; c < r.tiles.size(); ++c) {
      const int x = left + int(c) * (f.cell_w + kGap);
      draw_tile(img, f, r.tiles[c], x, y);
      const std::vector<std::string> caps = r.tiles[c].caption.empty() ? std::vector<std::string>{} : lines_of(r.tiles[c].caption);
      for (size_t l = 0; l < caps.size(); ++l) {
        const std::string t = fit_text(font, caps[l], kTickSize, f.cell_w + kGap - 2);
        font.draw(img, t, x + (f.cell_w - font.width(t, kTickSize)) / 2,
                  y + f.cell_h + 3 + font.ascent(kTickSize) + kCaptionLineH * double(l), kTickSize, kText);
      }
    }
    y += f.cell_h + int(double(caption_lines(r)) * kCaptionLineH) + kRowGap;
  }
  for (const std::string& l : note) {
    font.draw(img, fit_text(font, l, kTickSize, width - 2 * kPad), kPad, y + font.ascent(kTickSize), kTickSize, kMutedText);
    y += int(kCaptionLineH);
  }
  return img;
}

// ---- the panels' image figures ---------------------------------------------------------------------

namespace {

std::string scores(double psnr, double ssim) {
  char b[64];
  std::snprintf(b, sizeof b, "%.1f dB\nSSIM %.2f", psnr, ssim);
  return b;
}

// The side of a tile on a figure: `target` units for the largest side, whole units per value.
void cell_size(TileFigure& f, int target) {
  const int k = std::max(1, target / std::max(f.h, f.w));
  f.cell_w = f.w * k;
  f.cell_h = f.h * k;
}

}  // namespace

TileFigure results_figure(const std::vector<Triple>& rows, int h, int w, const std::string& note) {
  TileFigure f;
  f.title = "Noisy / denoised / clean validation images";
  f.note = note;
  f.h = h, f.w = w;
  cell_size(f, 84);
  f.rows = {{"noisy", {}}, {"denoised", {}}, {"clean", {}}};
  for (const Triple& t : rows) {
    f.rows[0].tiles.push_back({t.noisy, scores(t.psnr_noisy, t.ssim_noisy)});
    f.rows[1].tiles.push_back({t.denoised, scores(t.psnr_denoised, t.ssim_denoised)});
    f.rows[2].tiles.push_back({t.clean, ""});
  }
  return f;
}

TileFigure draw_figure(const Triple& t, int h, int w, const std::string& note) {
  TileFigure f;
  f.title = "A drawing, with noise, denoised";
  f.note = note;
  f.h = h, f.w = w;
  cell_size(f, 168);
  f.rows = {{"", {{t.clean, "drawn"},
                  {t.noisy, "noisy: " + scores(t.psnr_noisy, t.ssim_noisy)},
                  {t.denoised, "denoised: " + scores(t.psnr_denoised, t.ssim_denoised)}}}};
  return f;
}

TileFigure data_preview(const ImageSet& images, const Noise& noise, uint64_t seed, uint64_t draw,
                        const std::string& dataset, int cols) {
  TileFigure f;
  f.h = images.h, f.w = images.w;
  cell_size(f, 84);
  Noise lo = noise, hi = noise;
  if (lo.kind == Noise::None) lo.kind = hi.kind = Noise::Gaussian;
  lo.amount = lo.kind == Noise::Gaussian ? 0.1f : 0.05f;
  hi.amount = lo.kind == Noise::Gaussian ? 0.5f : 0.2f;
  f.title = "Data preview: " + dataset + ", original / " + lo.str() + " / " + hi.str();
  f.rows = {{"original", {}}, {lo.str(), {}}, {hi.str(), {}}, {noise.str() + " (chosen)", {}}};
  if (images.size() == 0) return f;
  const size_t n = images.pixels_per_image();
  Rng rng(0x70726576ull + draw);
  for (int c = 0; c < cols; ++c) {
    const size_t i = draw ? size_t(rng.below(images.size())) : size_t(c) % images.size();
    std::vector<float> clean(n);
    to_float(images.image(i), clean.data(), n);
    const uint64_t k = noise_key(seed, i);
    const Noise* kinds[3] = {&lo, &hi, &noise};
    for (int r = 0; r < 3; ++r) {
      std::vector<float> noisy(n);
      apply_noise(clean.data(), noisy.data(), n, *kinds[r], k);
      f.rows[size_t(r) + 1].tiles.push_back({std::move(noisy), ""});
    }
    f.rows[0].tiles.push_back({std::move(clean), ""});
  }
  return f;
}

namespace {

std::vector<Tile> split_tiles(const std::vector<float>& v, int n, size_t per) {
  if (v.size() != size_t(std::max(n, 0)) * per) throw Error("a figure's images do not match their count and size");
  std::vector<Tile> tiles;
  for (int i = 0; i < n; ++i) tiles.push_back({std::vector<float>(v.begin() + long(size_t(i) * per), v.begin() + long(size_t(i + 1) * per)), ""});
  return tiles;
}

}  // namespace

TileFigure filters_figure(const std::vector<float>& v, int n, int h, int w, Colormap cmap, const std::string& title) {
  TileFigure f;
  f.title = title;
  f.note = "each scaled to its largest |w|: " + std::string(cmap == Colormap::Diverging ? "white" : "mid-gray") + " = 0";
  f.h = h, f.w = w, f.cmap = cmap;
  cell_size(f, h > 8 ? 56 : 48);
  f.rows = tile_rows(split_tiles(v, n, size_t(h) * size_t(w)), std::min(n, h > 8 ? 8 : 16));
  return f;
}

TileFigure maps_figure(const std::vector<float>& v, int c, int h, int w, Colormap cmap, const std::string& title) {
  TileFigure f;
  f.title = title;
  f.h = h, f.w = w, f.cmap = cmap;
  if (c == 1 && h == 1) {  // a vector of units: one strip
    f.note = "a vector of " + std::to_string(w) + " units, scaled to its min..max";
    f.cell_w = w * std::max(2, std::min(24, 960 / std::max(w, 1)));
    f.cell_h = 40;
  } else {
    f.note = std::to_string(c) + " channel" + (c == 1 ? "" : "s") + " of " + std::to_string(h) + "×" + std::to_string(w) +
             ", each scaled to its own min..max";
    cell_size(f, 96);
  }
  f.rows = tile_rows(split_tiles(v, c, size_t(h) * size_t(w)), std::min(c, 8));
  return f;
}

// ---- plots ------------------------------------------------------------------------------------------

PlotSpec loss_plot(const std::vector<LossCurve>& runs, double noisy_loss, const std::string& loss_name, bool log_y) {
  PlotSpec p;
  p.title = runs.size() == 1 ? "Run " + runs[0].name + ": loss per epoch" : "Loss per epoch";
  p.x_label = "epoch";
  p.y_label = "loss" + (loss_name.empty() ? std::string() : " (" + loss_name + ")");
  p.integer_x = true;
  p.log_y = log_y;
  double last = 1;
  for (size_t k = 0; k < runs.size(); ++k) {
    const LossCurve& r = runs[k];
    Series val, train;
    const std::string who = runs.size() == 1 ? "" : r.name + " ";
    val.label = who + "validation";
    train.label = who + "training";
    // The palette in order, skipping the gray (the noisy input's).
    val.color = train.color = int(k < size_t(kGrayHue) ? k : k + 1) % int(palette().size());
    train.dashed = true;
    val.x = train.x = r.epochs;
    val.y = r.val;
    train.y = r.train;
    for (double e : r.epochs) last = std::max(last, e);
    p.series.push_back(val);
    p.series.push_back(train);
  }
  if (std::isfinite(noisy_loss) && noisy_loss > 0) {
    Series noisy;
    noisy.label = "noisy input";
    noisy.color = kGrayHue;
    noisy.dashed = true;
    noisy.markers = false;
    noisy.x = {1, last};
    noisy.y = {noisy_loss, noisy_loss};
    p.series.push_back(noisy);
  }
  return p;
}

PlotSpec sweep_plot(const std::string& axis, const std::vector<SweepValue>& values, bool log_x, bool by_name) {
  PlotSpec p;
  p.title = "Final validation PSNR against " + axis;
  p.x_label = axis;
  p.y_label = "PSNR (dB)";
  p.log_x = log_x && !by_name;
  p.integer_x = !p.log_x && std::all_of(values.begin(), values.end(), [](const SweepValue& v) { return v.x == std::floor(v.x); });
  Series den, noisy;
  den.label = "denoised";
  den.color = 0;
  noisy.label = "noisy input";
  noisy.color = kGrayHue;
  noisy.dashed = true;
  noisy.markers = false;
  std::vector<std::pair<double, const SweepValue*>> pts;
  for (size_t i = 0; i < values.size(); ++i) {
    if (by_name) p.x_categories.push_back(values[i].value);
    if (std::isfinite(values[i].psnr)) pts.push_back({by_name ? double(i) : values[i].x, &values[i]});
  }
  std::stable_sort(pts.begin(), pts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [x, v] : pts) {
    den.x.push_back(x);
    den.y.push_back(v->psnr);
    if (!std::isfinite(v->noisy)) continue;
    noisy.x.push_back(x);
    noisy.y.push_back(v->noisy);
  }
  p.series.push_back(den);
  if (!noisy.x.empty()) p.series.push_back(noisy);
  return p;
}

std::vector<uint8_t> plot_png(PlotSpec spec, int zoom) {
  spec.zoom = zoom;
  return render_plot(spec, *Font::default_font()).image.png();
}

std::vector<uint8_t> tiles_png(const TileFigure& f, int zoom) { return render_tiles(f, *Font::default_font(), zoom).png(); }

}  // namespace dae
