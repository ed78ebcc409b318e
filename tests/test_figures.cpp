// The hand-in figures (core/study/figures.h) that the page's Save PNG buttons and `dae figure`
// write: decoded from their PNG bytes (stb_image), they have the size asked for (2× = twice the
// pixels of the same figure), the title's text, the series in the palette's colours, and the
// rows of images with the right tiles in the right order.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include <stb_image.h>  // the implementation is compiled in test_data.cpp

#include "base/chart.h"
#include "data/data.h"
#include "study/figures.h"
#include "test_util.h"

using dae::Rgb;

namespace {

struct Decoded {
  int w = 0, h = 0;
  std::vector<uint8_t> px;  // RGB
  Rgb at(int x, int y) const {
    const uint8_t* p = &px[(size_t(y) * size_t(w) + size_t(x)) * 3];
    return {p[0], p[1], p[2]};
  }
};

Decoded decode(const std::vector<uint8_t>& png) {
  Decoded d;
  int n = 0;
  unsigned char* p = stbi_load_from_memory(png.data(), int(png.size()), &d.w, &d.h, &n, 3);
  EXPECT_TRUE(p) << "not a PNG";
  if (!p) return d;
  d.px.assign(p, p + size_t(d.w) * size_t(d.h) * 3);
  stbi_image_free(p);
  return d;
}

// Pixels of exactly colour c in rows [y0, y1).
int count(const Decoded& d, Rgb c, int y0 = 0, int y1 = -1) {
  int n = 0;
  for (int y = y0; y < (y1 < 0 ? d.h : y1); ++y)
    for (int x = 0; x < d.w; ++x) n += d.at(x, y) == c;
  return n;
}

// Dark pixels (text) in rows [y0, y1).
int dark(const Decoded& d, int y0, int y1) {
  int n = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = 0; x < d.w; ++x) n += d.at(x, y).r < 100 && d.at(x, y).g < 100 && d.at(x, y).b < 100;
  return n;
}

dae::LossCurve curve(const std::string& name, double scale) {
  dae::LossCurve c{name, {}, {}, {}};
  for (int e = 1; e <= 6; ++e) {
    c.epochs.push_back(e);
    c.train.push_back(scale * (0.3 + 0.2 / e));
    c.val.push_back(scale * (0.25 + 0.2 / e));
  }
  return c;
}

dae::Triple triple(int h, int w, float noisy, float denoised, float clean) {
  dae::Triple t;
  t.noisy.assign(size_t(h) * size_t(w), noisy);
  t.denoised.assign(size_t(h) * size_t(w), denoised);
  t.clean.assign(size_t(h) * size_t(w), clean);
  t.psnr_noisy = 11.25, t.psnr_denoised = 19.5, t.ssim_noisy = 0.3, t.ssim_denoised = 0.8;
  return t;
}

}  // namespace

TEST(Figures, LossPlotHasTitleRunColoursAndTheNoisyBaselineAtTwiceThePixels) {
  const dae::PlotSpec spec = dae::loss_plot({curve("#1", 1), curve("#2", 0.8)}, 0.9, "bce", false);
  ASSERT_EQ(spec.series.size(), 5u);  // two runs' validation and training, the noisy input
  EXPECT_EQ(spec.series[0].label, "#1 validation");
  EXPECT_TRUE(spec.series[1].dashed);
  const Decoded one = decode(dae::plot_png(spec, 1)), two = decode(dae::plot_png(spec, 2));
  EXPECT_EQ(one.w, 960);
  EXPECT_EQ(one.h, 540);
  EXPECT_EQ(two.w, 1920);
  EXPECT_EQ(two.h, 1080);
  const auto& pal = dae::palette();
  for (const Decoded* d : {&one, &two}) {
    EXPECT_GT(count(*d, pal[0]), 200) << "run #1's blue";
    EXPECT_GT(count(*d, pal[1]), 200) << "run #2's orange";
    EXPECT_GT(count(*d, pal[dae::kGrayHue]), 100) << "the noisy input's gray";
    EXPECT_EQ(count(*d, pal[2]), 0) << "no third run";
  }
  // Twice the pixels each way: four times the area, and more of it fully covered (the
  // anti-aliased edges are a smaller share of a wider line).
  const double ratio = double(count(two, pal[0])) / count(one, pal[0]);
  EXPECT_GT(ratio, 4.0);
  EXPECT_LT(ratio, 7.0);
  // The title's text is drawn in the band above the plot (and not without a title).
  dae::PlotSpec untitled = spec;
  untitled.title.clear();
  const Decoded bare = decode(dae::plot_png(untitled, 2));
  EXPECT_GT(dark(two, 0, 50), 300);
  EXPECT_EQ(dark(bare, 0, 20), 0);
  // One run: its legend says validation and training only; the title names it.
  const dae::PlotSpec single = dae::loss_plot({curve("#4", 1)}, NAN, "mse", true);
  EXPECT_EQ(single.title, "Run #4: loss per epoch");
  EXPECT_EQ(single.y_label, "loss (mse)");
  ASSERT_EQ(single.series.size(), 2u);  // no baseline without its loss
  EXPECT_EQ(single.series[0].label, "validation");
  EXPECT_TRUE(single.log_y);
}

TEST(Figures, ResultsRowsAreNoisyDenoisedCleanTileByTile) {
  const int h = 8, w = 6;  // 84 / 8 → 10 units a value: tiles of 60×80
  const std::vector<dae::Triple> rows = {triple(h, w, 0.25f, 0.75f, 0.9f), triple(h, w, 0.25f, 0.75f, 0.9f),
                                         triple(h, w, 0.25f, 0.75f, 0.9f)};
  const dae::TileFigure f = dae::results_figure(rows, h, w, "model m · noise gaussian:0.5");
  ASSERT_EQ(f.rows.size(), 3u);
  EXPECT_EQ(f.rows[0].label, "noisy");
  EXPECT_EQ(f.rows[2].label, "clean");
  EXPECT_EQ(f.rows[1].tiles[0].caption, "19.5 dB\nSSIM 0.80");
  EXPECT_EQ(f.cell_w, 60);
  EXPECT_EQ(f.cell_h, 80);
  for (int zoom : {1, 2}) {
    const Decoded d = decode(dae::tiles_png(f, zoom));
    const Rgb noisy{64, 64, 64}, denoised{191, 191, 191}, clean{230, 230, 230};
    const int tile = 60 * 80 * zoom * zoom;
    // Three tiles of each value (text edges may hit a value by chance: a few pixels more).
    for (Rgb c : {noisy, denoised, clean}) {
      EXPECT_GE(count(d, c), 3 * tile) << int(c.r) << " at zoom " << zoom;
      EXPECT_LT(count(d, c), 3 * tile + 300 * zoom * zoom) << int(c.r) << " at zoom " << zoom;
    }
    // In order from the top: each row's tiles fill its band of 80·zoom pixel rows.
    auto first_full_row = [&](Rgb c) {
      for (int y = 0; y < d.h; ++y) {
        int n = 0;
        for (int x = 0; x < d.w; ++x) n += d.at(x, y) == c;
        if (n == 3 * 60 * zoom) return y;
      }
      return -1;
    };
    const int yn = first_full_row(noisy), yd = first_full_row(denoised), yc = first_full_row(clean);
    EXPECT_GT(yn, 20 * zoom);  // under the title
    EXPECT_GT(yd, yn + 80 * zoom);
    EXPECT_GT(yc, yd + 80 * zoom);
    EXPECT_GT(dark(d, 0, yn), 200 * zoom) << "the title";
  }
}

TEST(Figures, TilesOfTheWrongSizeOrNoneAreRefused) {
  dae::TileFigure f;
  f.h = f.w = 4;
  EXPECT_ERROR_HAS(dae::render_tiles(f, *dae::Font::default_font()), "at least one image");
  f.rows = {{"a", {{std::vector<float>(15, 0.f), ""}}}};
  EXPECT_ERROR_HAS(dae::render_tiles(f, *dae::Font::default_font()), "has 15 values, not 4×4");
}

TEST(Figures, DataPreviewIsTheImagesCleanThenWithWeakStrongAndChosenNoise) {
  dae::ImageSet set;
  set.h = set.w = 8;
  for (int i = 0; i < 10; ++i) {
    uint8_t img[64];
    for (int p = 0; p < 64; ++p) img[p] = uint8_t(p % 8 == i % 8 ? 255 : 0);  // a stripe in column i % 8
    set.append(img, uint8_t(i));
  }
  const dae::Noise chosen = dae::Noise::parse("gaussian:0.3");
  const dae::TileFigure f = dae::data_preview(set, chosen, 7, 0, "stripes");
  ASSERT_EQ(f.rows.size(), 4u);
  EXPECT_EQ(f.rows[1].label, "gaussian:0.1");
  EXPECT_EQ(f.rows[2].label, "gaussian:0.5");
  EXPECT_EQ(f.rows[3].label, "gaussian:0.3 (chosen)");
  for (const auto& r : f.rows) EXPECT_EQ(r.tiles.size(), 8u);
  std::vector<float> clean(64);
  dae::to_float(set.image(3), clean.data(), 64);
  EXPECT_EQ(f.rows[0].tiles[3].px, clean);  // draw 0: the first images, as they are
  // The noise grows down the rows, and the chosen row is the training noise of that image.
  auto err = [&](const std::vector<float>& v) {
    double s = 0;
    for (size_t i = 0; i < 64; ++i) s += std::fabs(v[i] - clean[i]);
    return s / 64;
  };
  EXPECT_GT(err(f.rows[1].tiles[3].px), 0.01);
  EXPECT_GT(err(f.rows[2].tiles[3].px), 2 * err(f.rows[1].tiles[3].px));
  std::vector<float> noisy(64);
  dae::apply_noise(clean.data(), noisy.data(), 64, chosen, dae::noise_key(7, 3));
  EXPECT_EQ(f.rows[3].tiles[3].px, noisy);
  // Another draw picks other images.
  EXPECT_NE(dae::data_preview(set, chosen, 7, 1, "stripes").rows[0].tiles[0].px,
            dae::data_preview(set, chosen, 7, 2, "stripes").rows[0].tiles[0].px);
  const Decoded d = decode(dae::tiles_png(f, 2));
  EXPECT_GT(d.w, 2 * 8 * 80);
  EXPECT_GT(count(d, Rgb{255, 255, 255}), 0);
}

TEST(Figures, FiltersAndMapsUseThePagesColourMaps) {
  EXPECT_EQ(dae::colormap(dae::Colormap::Diverging, 0.5f), (Rgb{245, 245, 245}));
  EXPECT_EQ(dae::colormap(dae::Colormap::Diverging, 0.f), (Rgb{41, 92, 204}));
  EXPECT_EQ(dae::colormap(dae::Colormap::Heat, 1.f), (Rgb{252, 247, 178}));
  EXPECT_EQ(dae::colormap(dae::Colormap::Gray, 2.f), (Rgb{255, 255, 255}));
  // 20 filters of 3×3, all at their most negative: 16 to a row, 16 units a value, in blue.
  const std::vector<float> f(20 * 9, 0.f);
  const dae::TileFigure ff = dae::filters_figure(f, 20, 3, 3, dae::Colormap::Diverging, "First-layer filters");
  ASSERT_EQ(ff.rows.size(), 2u);
  EXPECT_EQ(ff.rows[0].tiles.size(), 16u);
  EXPECT_EQ(ff.rows[1].tiles.size(), 4u);
  const Decoded d = decode(dae::tiles_png(ff, 1));
  EXPECT_EQ(count(d, Rgb{41, 92, 204}), 20 * 48 * 48);
  // A vector of 32 units: one strip.
  const dae::TileFigure strip = dae::maps_figure(std::vector<float>(32, 1.f), 1, 1, 32, dae::Colormap::Heat, "code");
  ASSERT_EQ(strip.rows.size(), 1u);
  EXPECT_EQ(strip.cell_h, 40);
  EXPECT_EQ(count(decode(dae::tiles_png(strip, 1)), Rgb{252, 247, 178}), strip.cell_w * 40);
  EXPECT_ERROR_HAS(dae::maps_figure(std::vector<float>(31, 1.f), 1, 1, 32, dae::Colormap::Heat, "code"),
                   "do not match");
}

TEST(Figures, SweepChartKeepsEveryNameAndSortsNumbers) {
  const std::vector<dae::SweepValue> names = {{"shallow", 0, 15.0, 11.0}, {"seed", 0, NAN, NAN}, {"deep", 0, 17.5, 11.0}};
  const dae::PlotSpec p = dae::sweep_plot("model", names, false, true);
  EXPECT_EQ(p.x_categories, (std::vector<std::string>{"shallow", "seed", "deep"}));
  ASSERT_EQ(p.series.size(), 2u);
  EXPECT_EQ(p.series[0].x, (std::vector<double>{0, 2}));  // "seed" has no result yet
  EXPECT_EQ(p.series[1].label, "noisy input");
  const std::vector<dae::SweepValue> lrs = {{"0.01", 0.01, 16.0, 11.0}, {"0.001", 0.001, 18.0, 11.0}};
  const dae::PlotSpec q = dae::sweep_plot("lr", lrs, true, false);
  EXPECT_TRUE(q.log_x);
  EXPECT_FALSE(q.integer_x);
  EXPECT_TRUE(dae::sweep_plot("epochs", {{"1", 1, 15.0, 11.0}, {"2", 2, 16.0, 11.0}}, false, false).integer_x);
  EXPECT_EQ(q.series[0].x, (std::vector<double>{0.001, 0.01}));
  EXPECT_EQ(q.series[0].y, (std::vector<double>{18.0, 16.0}));
  const Decoded d = decode(dae::plot_png(q, 2));
  EXPECT_EQ(d.w, 1920);
  EXPECT_GT(count(d, dae::palette()[0]), 100);
}
