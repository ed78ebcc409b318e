// figures.h — the figures a student hands in, built once from plain data (curves, images,
// captions) so that the page's "Save PNG" buttons and `dae figure` write the same pictures: the
// loss plot of some runs, the noisy / denoised / clean rows, the Data preview, a sweep's final
// PSNR against its values, the Draw triptych, and Inspect's filters and feature maps. Plots go
// through render_plot (plot.h); image figures are rows of tiles with a title, row labels and a
// caption under each tile. `zoom` 2 gives twice the pixels of the same figure (slides).
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "data/data.h"
#include "study/plot.h"
#include "train/metrics.h"

namespace dae {

// ---- rows of images ---------------------------------------------------------------------------------
enum class Colormap { Gray = 0, Heat = 1, Diverging = 2 };  // the page's (shaders/image.frag.glsl)
Rgb colormap(Colormap m, float v);                            // v in [0, 1] (clamped)

struct Tile {
  std::vector<float> px;  // h×w floats in [0, 1], row-major
  std::string caption;    // under the tile; '\n' starts a second line
};
struct TileRow {
  std::string label;  // left of the row (may be empty)
  std::vector<Tile> tiles;
};
struct TileFigure {
  std::string title, note;       // note: a muted line under the rows (may be empty)
  int h = 0, w = 0;              // every tile's size in values
  std::vector<TileRow> rows;
  Colormap cmap = Colormap::Gray;
  int cell_w = 84, cell_h = 84;  // a tile's size on the figure (drawing units; nearest-neighbour)
};
// Throws dae::Error when a tile does not have h·w values or there is nothing to draw.
Image render_tiles(const TileFigure& f, const Font& font, int zoom = 1);

// The tiles laid out `cols` to a row, without labels (filters, feature maps).
std::vector<TileRow> tile_rows(std::vector<Tile> tiles, int cols);

// ---- the panels' image figures ---------------------------------------------------------------------
// Rows noisy / denoised / clean (the worksheet's figure), PSNR and SSIM under each noisy and
// denoised image; `note` says which model and noise.
TileFigure results_figure(const std::vector<Triple>& rows, int h, int w, const std::string& note);
// The Draw triptych: the drawing, it with noise, and denoised (their scores against the drawing).
TileFigure draw_figure(const Triple& t, int h, int w, const std::string& note);
// The Data preview: `cols` images of `images` picked by `draw` (0: the first ones), as they are,
// with weak and strong noise of `noise`'s kind (gaussian 0.1 and 0.5; salt & pepper 0.05 and
// 0.2) and with `noise` itself, noise keyed by noise_key(seed, image). The page's Data panel
// shows these tiles; `dae figure data` writes the same.
TileFigure data_preview(const ImageSet& images, const Noise& noise, uint64_t seed, uint64_t draw,
                        const std::string& dataset, int cols = 8);
// First-layer filters (n tiles of h×w in [0, 1], 16 or 8 to a row) and feature maps (c tiles,
// 8 to a row; one channel of h = 1 is a vector of units, drawn as one strip).
TileFigure filters_figure(const std::vector<float>& f, int n, int h, int w, Colormap cmap, const std::string& title);
TileFigure maps_figure(const std::vector<float>& v, int c, int h, int w, Colormap cmap, const std::string& title);

// ---- the loss plot --------------------------------------------------------------------------------
struct LossCurve {
  std::string name;                        // "#3"
  std::vector<double> epochs, train, val;  // one value per epoch
};
// Validation solid and training dashed in each run's colour (palette order), and the noisy
// input's loss (when finite and > 0) as a gray dashed line.
PlotSpec loss_plot(const std::vector<LossCurve>& runs, double noisy_loss, const std::string& loss_name, bool log_y);

// ---- a sweep's chart ------------------------------------------------------------------------------
struct SweepValue {
  std::string value;               // as typed ("0.001", "deep")
  double x = 0;                    // its number (ignored for names)
  double psnr = NAN, noisy = NAN;  // the run's final validation PSNR and its noisy input's
};
// The page's sweep chart, and `dae sweep`'s figures/psnr_vs_<key>.png of one setting without
// seeds (sweep.cpp). Final validation PSNR against the swept value (names as categories, log x for lr, batch and
// width; ticks on whole numbers when every value is one), the noisy input's PSNR (where given:
// both callers give it only when the noise is what varies) dashed gray for reference. Values without a PSNR are left out
// of the lines but keep their place on a category axis.
PlotSpec sweep_plot(const std::string& axis, const std::vector<SweepValue>& values, bool log_x, bool by_name);

// The PNG file of a figure (plots rendered with the default font).
std::vector<uint8_t> plot_png(PlotSpec spec, int zoom);
std::vector<uint8_t> tiles_png(const TileFigure& f, int zoom);

}  // namespace dae
