// Figures (core/study/plot.h): tick positions and labels (core/base/chart.h), lines drawn in
// their colour along their path, the legend beside the data (never over a point), log and
// category axes, text really drawn, the RGB PNG encoder (decoded again by stb_image), and the noisy/denoised/clean grid.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <stb_image.h>  // the implementation is compiled in test_data.cpp

#include "base/chart.h"
#include "data/data.h"
#include "nn/model.h"
#include "study/plot.h"
#include "test_util.h"
#include "train/trainer.h"

namespace fs = std::filesystem;
using dae::Figure;
using dae::PlotSpec;
using dae::Rgb;
using dae::Series;

namespace {

const dae::Font& font() { return *dae::Font::default_font(); }

// Pixels of exactly colour c inside r.
int count_color(const dae::Image& img, const dae::Rect& r, Rgb c) {
  int n = 0;
  for (int y = r.y; y < r.y + r.h; ++y)
    for (int x = r.x; x < r.x + r.w; ++x) n += img.at(x, y) == c;
  return n;
}

Series series(const std::string& label, std::vector<double> x, std::vector<double> y) {
  Series s;
  s.label = label;
  s.x = std::move(x);
  s.y = std::move(y);
  return s;
}

}  // namespace

TEST(Plot, TicksAreOneTwoFiveStepsWithReadableLabels) {
  EXPECT_EQ(dae::nice_ticks(0, 1), (std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1}));
  const auto t = dae::nice_ticks(0.013, 0.087);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_NEAR(t[0], 0.02, 1e-12);
  EXPECT_NEAR(t[3], 0.08, 1e-12);
  EXPECT_EQ(dae::nice_ticks(-3, 7), (std::vector<double>{-2, 0, 2, 4, 6}));
  EXPECT_EQ(dae::nice_ticks(-4.2, -1.9, true), (std::vector<double>{-4, -3, -2}));  // decades
  const auto few = dae::nice_ticks(-3.2, -2.2, true);                                // 1, 2, 5 within
  ASSERT_EQ(few.size(), 3u);
  EXPECT_NEAR(few[0], std::log10(1e-3), 1e-12);
  EXPECT_NEAR(few[1], std::log10(2e-3), 1e-12);
  EXPECT_NEAR(few[2], std::log10(5e-3), 1e-12);
  // At least three ticks when the next finer step gives them (the step 5 gave 0.5 and 1 here).
  EXPECT_EQ(dae::nice_ticks(0.1, 1.12), (std::vector<double>{0.2, 0.4, 0.6000000000000001, 0.8, 1}));
  // On a log axis 1, 2, 5 giving fewer than three: linear ticks on the values.
  const auto lin = dae::nice_ticks(std::log10(0.9e-3), std::log10(3.3e-3), true);
  ASSERT_EQ(lin.size(), 5u);
  EXPECT_NEAR(std::pow(10.0, lin[1]), 1.5e-3, 1e-15);
  EXPECT_EQ(dae::tick_labels(lin, true), (std::vector<std::string>{"0.0010", "0.0015", "0.0020", "0.0025", "0.0030"}));
  EXPECT_EQ(dae::whole_ticks(0.92, 5.08), (std::vector<double>{1, 2, 3, 4, 5}));
  EXPECT_EQ(dae::whole_ticks(-0.1, 2.1), (std::vector<double>{0, 1, 2}));
  // Labels: one format for the whole axis.
  EXPECT_EQ(dae::tick_labels({0, 0.2, 0.4}), (std::vector<std::string>{"0.0", "0.2", "0.4"}));
  EXPECT_EQ(dae::tick_labels({0.2, 0.25, 0.3}), (std::vector<std::string>{"0.20", "0.25", "0.30"}));
  EXPECT_EQ(dae::tick_labels({1000, 1500}), (std::vector<std::string>{"1000", "1500"}));
  EXPECT_EQ(dae::tick_labels({-1e-17, 0.1}), (std::vector<std::string>{"0.0", "0.1"}));
  EXPECT_EQ(dae::tick_labels({0, 500}), (std::vector<std::string>{"0", "500"}));
  EXPECT_EQ(dae::tick_labels({std::log10(0.05), -1, std::log10(0.2)}, true),
            (std::vector<std::string>{"0.05", "0.10", "0.20"}));
  EXPECT_EQ(dae::tick_labels({-3, -2, -1, 0}, true), (std::vector<std::string>{"0.001", "0.010", "0.100", "1.000"}));
  EXPECT_EQ(dae::tick_labels({-4, std::log10(2e-4), std::log10(5e-4), -3}, true),
            (std::vector<std::string>{"1e-4", "2e-4", "5e-4", "1e-3"}));  // one below 0.001: all as m×10^e
  EXPECT_EQ(dae::tick_labels({3, 4, 5}, true), (std::vector<std::string>{"1e3", "1e4", "1e5"}));
  EXPECT_TRUE(dae::nice_ticks(1, 1).empty());
}

TEST(Plot, LinesFollowTheirPathInTheirColourAndTheLegendCoversNothing) {
  PlotSpec spec;
  spec.title = "val loss";
  spec.x_label = "epoch";
  spec.y_label = "loss";
  spec.series = {series("seed", {0, 1, 2}, {0, 1, 0.5}), series("deep", {0, 2}, {2, 1.6})};
  const Figure f = dae::render_plot(spec, font());
  const Rgb c0 = dae::palette()[0], c1 = dae::palette()[1];
  ASSERT_GT(f.legend.w, 0);
  EXPECT_FALSE(f.legend.intersects(f.plot));
  // Along every segment, the pixel under the path has the series' colour (lines 2 px wide).
  for (const auto& [s, c] : {std::pair{spec.series[0], c0}, std::pair{spec.series[1], c1}})
    for (size_t k = 1; k < s.x.size(); ++k)
      for (double t : {0.2, 0.35, 0.5, 0.65, 0.8}) {
        const double x = s.x[k - 1] + t * (s.x[k] - s.x[k - 1]), y = s.y[k - 1] + t * (s.y[k] - s.y[k - 1]);
        EXPECT_EQ(f.image.at(int(f.px(x)), int(f.py(y))), c) << s.label << " at t=" << t;
      }
  // Every point is inside the plot area (so outside the legend) and marked.
  for (const auto& s : spec.series)
    for (size_t k = 0; k < s.x.size(); ++k) {
      EXPECT_TRUE(f.plot.contains(f.px(s.x[k]), f.py(s.y[k])));
      EXPECT_FALSE(f.legend.contains(f.px(s.x[k]), f.py(s.y[k])));
    }
  // The legend shows both colours; no series colour leaks outside the plot and the legend.
  EXPECT_GT(count_color(f.image, f.legend, c0), 20);
  EXPECT_GT(count_color(f.image, f.legend, c1), 20);
  const int all0 = count_color(f.image, {0, 0, f.image.width(), f.image.height()}, c0);
  EXPECT_EQ(all0, count_color(f.image, f.plot, c0) + count_color(f.image, f.legend, c0));
  // Text: the title band and the y-label column hold dark glyph pixels; the background is white.
  int title_dark = 0, ylabel_dark = 0;
  for (int y = 0; y < f.plot.y - 2; ++y)
    for (int x = 0; x < f.image.width(); ++x) title_dark += f.image.at(x, y).r < 100;
  for (int y = f.plot.y; y < f.plot.y + f.plot.h; ++y)
    for (int x = 0; x < 24; ++x) ylabel_dark += f.image.at(x, y).r < 100;
  EXPECT_GT(title_dark, 40);
  EXPECT_GT(ylabel_dark, 20);
  EXPECT_EQ(f.image.at(1, 1), dae::kWhite);
  // PNG: decoded by an independent decoder, the same pixels.
  const std::vector<uint8_t> png = f.image.png();
  int w = 0, h = 0, ch = 0;
  unsigned char* back = stbi_load_from_memory(png.data(), int(png.size()), &w, &h, &ch, 3);
  ASSERT_TRUE(back);
  EXPECT_EQ(w, f.image.width());
  EXPECT_EQ(h, f.image.height());
  EXPECT_EQ(ch, 3);
  EXPECT_TRUE(std::equal(f.image.pixels().begin(), f.image.pixels().end(), back));
  stbi_image_free(back);
  const fs::path out = fs::path(DAE_TEST_TMP_DIR) / "plot_lines.png";
  f.image.save_png(out.string());
  EXPECT_GT(fs::file_size(out), 1000u);
}

TEST(Plot, ManyLongLabelsGrowTheFigureNotOverTheData) {
  PlotSpec spec;
  for (int i = 0; i < 14; ++i)
    spec.series.push_back(series("run " + std::to_string(i) + ": conv32 conv32 pool conv64 conv64 pool | conv64 conv64 up",
                                 {1, 2, 3}, {1.0 + i, 0.5 + i, 0.2 + i}));
  spec.height = 200;
  const Figure f = dae::render_plot(spec, font());
  EXPECT_FALSE(f.legend.intersects(f.plot));
  EXPECT_LE(f.legend.y + f.legend.h, f.image.height());
  EXPECT_GT(f.image.height(), 200);  // 14 entries need more than 200 pixels
  EXPECT_LE(f.legend.x + f.legend.w, f.image.width());
  // Series 10..13 reuse colours 0..3, dashed: along a dashed line some pixels are background.
  const Series& s = spec.series[10];
  int on = 0, off = 0;
  for (int k = 0; k <= 40; ++k) {
    const double x = 1 + k / 40.0, y = s.y[0] + (s.y[1] - s.y[0]) * k / 40.0;
    const Rgb p = f.image.at(int(f.px(x)), int(f.py(y)));
    on += p == dae::palette()[0];
    off += p == dae::kWhite || p == Rgb{228, 228, 228};
  }
  EXPECT_GT(on, 5);
  EXPECT_GT(off, 5);
}

// A sweep of 830 runs: the legend names 39 and says how many more, at the figure's usual size
// (it asked for an image of 960×19,620 pixels and threw). Labels of 40,000 characters are
// shortened in one pass (fitting them a character at a time took minutes).
TEST(Plot, ThousandsOfSeriesAndHugeLabelsStillMakeAFigure) {
  PlotSpec spec;
  for (int i = 0; i < 830; ++i) spec.series.push_back(series("run " + std::to_string(i), {1, 2}, {1.0 + i, 0.5 + i}));
  spec.series[5].label = std::string(40000, 'w');
  spec.title = std::string(40000, 'T');
  spec.x_label = std::string(20000, 'x') + " " + std::string(20000, 'y');
  spec.x_categories = {std::string(40000, 'c'), "b " + std::string(40000, 'd')};
  const Figure f = dae::render_plot(spec, font());
  EXPECT_EQ(f.image.width(), 960);
  EXPECT_LT(f.image.height(), 1200);
  EXPECT_GT(f.legend.h, 39 * 15);  // 39 entries and the "… and 791 more" row
  EXPECT_LE(f.legend.y + f.legend.h, f.image.height());
  EXPECT_FALSE(f.legend.intersects(f.plot));
  // The last row is text, not a swatch: dark pixels at the legend's left edge only above it.
  int dark_low = 0;
  for (int y = f.legend.y + f.legend.h - 24; y < f.legend.y + f.legend.h - 4; ++y)
    for (int x = f.legend.x + 10; x < f.legend.x + 60; ++x) dark_low += f.image.at(x, y).r < 128;
  EXPECT_GT(dark_low, 10);
  const auto wrapped = dae::render_plot([] {
    PlotSpec p;
    p.series.push_back(series(std::string(40000, 'z'), {1}, {1}));
    return p;
  }(), font());
  EXPECT_LE(wrapped.legend.w, int(960 * 0.32) + 100);
}

TEST(Plot, LogAndCategoryAxesPlaceValuesEvenly) {
  PlotSpec spec;
  spec.log_x = true;
  spec.series = {series("lr", {1e-4, 1e-3, 1e-2}, {20, 21, 19})};
  const Figure f = dae::render_plot(spec, font());
  EXPECT_NEAR(f.px(1e-3) - f.px(1e-4), f.px(1e-2) - f.px(1e-3), 1e-9);
  EXPECT_EQ(f.image.at(int(f.px(1e-3)), int(f.py(21))), dae::palette()[0]);  // the marker
  PlotSpec cat;
  cat.x_categories = {"seed", "deep", "transposed"};
  cat.series = {series("", {0, 1, 2}, {5, 7, 6})};
  const Figure g = dae::render_plot(cat, font());
  EXPECT_EQ(g.legend.w, 0);  // no labels, no legend
  EXPECT_NEAR(g.px(1), g.plot.x + g.plot.w / 2.0, 1e-9);
  EXPECT_EQ(g.image.at(int(g.px(2)), int(g.py(6))), dae::palette()[0]);
  // Long category names wrap under their tick instead of being cut to the same few words.
  PlotSpec longcat = cat;
  longcat.x_categories = {"conv32 pool conv64 pool | conv64 up conv32 up conv1:sigmoid",
                          "conv32 conv32 pool conv64 conv64 pool | conv64 conv64 up conv32 conv32 up conv1:sigmoid",
                          "dense"};
  const Figure lc = dae::render_plot(longcat, font());
  EXPECT_LT(lc.plot.h, g.plot.h - 20) << "room for more lines of tick labels";
  int ink_rows = 0;  // rows below the plot with glyph pixels, under the second tick
  for (int y = lc.plot.y + lc.plot.h + 6; y < lc.image.height(); ++y) {
    bool ink = false;
    for (int x = int(lc.px(1)) - 60; x < int(lc.px(1)) + 60; ++x) ink = ink || lc.image.at(x, y).r < 120;
    ink_rows += ink;
  }
  EXPECT_GT(ink_rows, 15) << "two or more lines of text (one line of 13-pixel text inks about 12 rows)";
  // Epochs: whole-number ticks only.
  PlotSpec ep;
  ep.integer_x = true;
  ep.series = {series("", {1, 2, 3}, {0.3, 0.2, 0.15})};
  const Figure e = dae::render_plot(ep, font());
  EXPECT_EQ(e.x_ticks, (std::vector<double>{1, 2, 3}));
  // Unusable points are skipped: NaN, and ≤ 0 on a log axis.
  PlotSpec bad;
  bad.log_y = true;
  bad.series = {series("x", {0, 1, 2, 3}, {1, NAN, -1, 10})};
  const Figure b = dae::render_plot(bad, font());
  EXPECT_TRUE(b.plot.contains(b.px(3), b.py(10)));
}

TEST(Plot, FontErrorsAreOneLine) {
  EXPECT_ERROR_HAS(dae::Font::load("/nonexistent/font.ttf"), "file not found");
  const fs::path junk = fs::path(DAE_TEST_TMP_DIR) / "junk.ttf";
  {
    FILE* f = fopen(junk.string().c_str(), "wb");
    fputs("not a font at all, just some text that is long enough", f);
    fclose(f);
  }
  EXPECT_ERROR_HAS(dae::Font::load(junk.string()), "not a TrueType font");
  EXPECT_GT(font().width("Epoch", 13), font().width("E", 13));
}

TEST(Plot, DenoiseGridRowsAreNoisyDenoisedClean) {
  dae::ImageSet val;
  val.h = val.w = 8;
  std::vector<uint8_t> img(64);
  for (int i = 0; i < 3; ++i) {
    for (int p = 0; p < 64; ++p) img[size_t(p)] = uint8_t((p * 37 + i * 11) % 256);
    val.append(img.data(), uint8_t(i));
  }
  dae::Model m = dae::Model::build("conv1:sigmoid", 1, 8, 8);
  m.init(3);
  const dae::Noise noise = dae::Noise::parse("gaussian:0.3");
  int H = 0, W = 0;
  const auto g = dae::denoise_grid(m, val, noise, 5, 3, 2, H, W);
  EXPECT_EQ(W, 3 * (8 * 2 + 2) + 2);
  EXPECT_EQ(H, 3 * (8 * 2 + 2) + 2);
  EXPECT_EQ(g[0], 128);  // the gap
  // Image 1, pixel (row 3, col 5), zoomed 2×: noisy (row 0), denoised (row 1), clean (row 2).
  std::vector<float> clean(64), noisy(64), out(64);
  dae::to_float(val.image(1), clean.data(), 64);
  dae::apply_noise(clean.data(), noisy.data(), 64, noise, dae::val_noise_key(5, 1));
  dae::Context ctx;
  m.predict(noisy.data(), 1, out.data(), ctx);
  const float* rows[3] = {noisy.data(), out.data(), clean.data()};
  for (int r = 0; r < 3; ++r) {
    const int y = 2 + r * 18 + 3 * 2 + 1, x = 2 + 1 * 18 + 5 * 2;
    EXPECT_EQ(g[size_t(y) * size_t(W) + size_t(x)], uint8_t(std::lround(std::clamp(rows[r][3 * 8 + 5], 0.f, 1.f) * 255)))
        << "row " << r;
  }
  EXPECT_ERROR_HAS(dae::denoise_grid(m, val, noise, 5, 4, 2, H, W), "a grid needs 1..3 images");
}
