// figure.cpp — `dae figure KIND`: the figures of the page's Save PNG buttons, from files
// (core/study/figures.h draws both): the loss plot of model files, the noisy / denoised / clean
// rows, the Data preview, the Draw triptych of a PNG, the first-layer filters and the feature
// maps. A sweep's charts are written by `dae sweep` (figures/*.png; one setting without seeds:
// the page's sweep chart, by sweep_plot too).
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "cli.h"
#include "app/session.h"
#include "formats/io.h"
#include "formats/json.h"
#include "formats/png.h"
#include "study/figures.h"
#include "study/sweep.h"

namespace dae::cli {

namespace {

std::vector<Flag> figure_flags() {
  std::vector<Flag> f = model_data_flags();
  f[0].help += " (loss: a comma-separated list of model files, one curve pair each)";
  f.push_back({"out", "PNG", "output image", "figure.png"});
  f.push_back({"zoom", "N", "pixels per drawing unit: 1, or 2 for slides (the page's Save PNG)", "2"});
  f.push_back({"log", "", "loss: a log y axis", "", true});
  f.push_back({"count", "N", "results: columns (validation images)", "10"});
  f.push_back({"draw", "N", "data: which images (1 = the page's first pick; 0 = the first images)", "1"});
  f.push_back({"in", "PNG", "draw, maps: a grayscale image of the model's size (white ink on black)", ""});
  f.push_back({"invert", "", "draw, maps: the image is dark ink on white", "", true});
  f.push_back({"layer", "K", "maps: after layer K (0: the first)", "0"});
  f.push_back({"cmap", "NAME", "filters, maps: gray, heat or diverging", "gray"});
  return f;
}

Colormap cmap_of(const std::string& s) {
  if (s == "gray") return Colormap::Gray;
  if (s == "heat") return Colormap::Heat;
  if (s == "diverging") return Colormap::Diverging;
  throw Error("--cmap must be gray, heat or diverging, got '" + printable(s, 40) + "'");
}

// The model file's history and the noisy input's validation loss (NAN if not recorded).
LossCurve curve_of(const std::string& path, const std::string& name, double& noisy, std::string& loss) {
  std::map<std::string, std::string> meta;
  Model::load(path, &meta);
  if (!meta.count("history")) throw Error(printable(path) + " records no training history: it has no loss curve");
  LossCurve c{name, {}, {}, {}};
  for (const EpochStats& e : history_from_json(parse_json(meta["history"]), false)) {
    c.epochs.push_back(e.epoch);
    c.train.push_back(e.train_loss);
    c.val.push_back(e.val_loss);
  }
  if (meta.count("baseline")) noisy = parse_json(meta["baseline"]).value("val_loss", double(NAN));
  if (meta.count("config")) loss = loss_name(TrainConfig::from_json(parse_json(meta["config"])).loss);
  return c;
}

std::vector<uint8_t> loss_png(const Args& a, int zoom) {
  std::vector<LossCurve> runs;
  double noisy = NAN;
  std::string loss;
  const std::vector<std::string> files = split_list(a.str("model"), "--model");
  for (const std::string& f : files) runs.push_back(curve_of(f, std::filesystem::path(f).stem().string(), noisy, loss));
  if (files.size() > 1) noisy = NAN;  // one baseline per run would not be one line
  return plot_png(loss_plot(runs, noisy, loss, a.has("log")), zoom);
}

// The image of --in as floats in [0, 1], checked against the model.
std::vector<float> input_image(const Args& a, const Model& m) {
  if (!a.has("in")) throw Error("--in PNG is required");
  int h = 0, w = 0;
  const std::vector<uint8_t> px = read_gray_png(a.str("in"), h, w);
  check_input(m, h, w, printable(a.str("in")));
  std::vector<float> x(px.size());
  to_float(px.data(), x.data(), x.size());
  if (a.has("invert"))
    for (float& v : x) v = 1.f - v;
  return x;
}

std::string about(const ModelData& md, const std::string& file) {
  return "model " + std::filesystem::path(file).filename().string() + " (" + md.model.spec() + ") · noise " +
         md.cfg.noise.str() + " · " + (md.dataset_name.empty() ? md.cfg.dataset : md.dataset_name);
}

std::vector<uint8_t> model_png(const std::string& kind, const Args& a, int zoom) {
  ModelData md = load_model_and_config(a);
  const Model& m = md.model;
  const int h = m.input_shape().h, w = m.input_shape().w;
  Context ctx;
  if (kind == "results") {
    const ImageSet val = md.val_set();
    const int count = int(std::min<long long>(a.integer("count", 1, 100), (long long)val.size()));
    std::vector<Triple> rows;
    for (int i = 0; i < count; ++i) rows.push_back(result_triple(m, &val, size_t(i), md.cfg.noise, md.cfg.seed, ctx));
    return tiles_png(results_figure(rows, h, w, about(md, a.str("model")) + " validation images"), zoom);
  }
  if (kind == "draw") {
    const Triple t = drawing_triple(m, input_image(a, m), noise_key(md.cfg.seed, 0), md.cfg.noise, ctx);
    return tiles_png(draw_figure(t, h, w, about(md, a.str("model"))), zoom);
  }
  if (kind == "filters") {
    int n = 0, fh = 0, fw = 0;
    const std::vector<float> f = first_layer_filters(m, n, fh, fw);
    if (n == 0) throw Error("the first layer with weights is neither a convolution nor a Dense layer on the image");
    return tiles_png(filters_figure(f, n, fh, fw, cmap_of(a.str("cmap")), "First-layer filters of " + m.spec()), zoom);
  }
  const int layer = int(a.integer("layer", 0, 1000));
  int c = 0, mh = 0, mw = 0;
  const std::vector<float> v = feature_maps(m, input_image(a, m), layer, c, mh, mw, ctx);
  return tiles_png(maps_figure(v, c, mh, mw, cmap_of(a.str("cmap")), "Feature maps after layer " + std::to_string(layer)),
                   zoom);
}

// The Data preview of --model's run (its dataset, noise and seed), or of the flags given.
std::vector<uint8_t> data_png(const Args& a, int zoom) {
  TrainConfig cfg = a.has("model") ? load_model_and_config(a).cfg : TrainConfig{};
  for (const char* k : {"dataset", "noise", "seed"})
    if (a.has(k)) cfg.set(k, a.str(k));
  const Dataset ds = load_dataset(cfg.dataset);
  return tiles_png(data_preview(ds.train, cfg.noise, cfg.seed, uint64_t(a.integer("draw", 0, 1000000)), ds.name), zoom);
}

}  // namespace

int cmd_figure(int argc, char** argv) {
  const char* kinds = "loss, results, data, draw, filters or maps";
  const std::string kind = argc > 0 ? argv[0] : "";
  Args a("figure KIND",
         std::string("Write one of the page's figures (its Save PNG buttons draw the same) as a PNG. KIND:\n") +
             "  loss     training and validation loss per epoch of --model (a list: one pair of curves each)\n"
             "  results  noisy / denoised / clean rows of --model's validation images, PSNR and SSIM\n"
             "  data     the Data preview: --dataset images as they are, with noise 0.1, 0.5 and --noise\n"
             "           (--model: its run's dataset, noise and seed; without: mnist, gaussian:0.5)\n"
             "  draw     --in as drawn, with --model's noise, and denoised by it\n"
             "  filters  --model's first-layer filters\n"
             "  maps     the feature maps of --in after --layer of --model\n"
             "A sweep's charts are written by dae sweep (figures/psnr_vs_<key>.png: the page's sweep chart).",
         figure_flags());
  if (kind.empty() || kind.rfind("--", 0) == 0) {
    if (!a.parse(argc, argv)) return 0;
    throw Error(std::string("name the figure: dae figure KIND, KIND one of ") + kinds);
  }
  if (!a.parse(argc - 1, argv + 1)) return 0;
  const int zoom = int(a.integer("zoom", 1, 4));
  check_output_path(a.str("out"));
  check_distinct_files({{"out", a.str("out")}, {"in", a.str("in")}, {"model", a.str("model")}});
  std::vector<uint8_t> png;
  if (kind == "loss") png = loss_png(a, zoom);
  else if (kind == "data") png = data_png(a, zoom);
  else if (kind == "results" || kind == "draw" || kind == "filters" || kind == "maps") png = model_png(kind, a, zoom);
  else throw Error("unknown figure '" + printable(kind, 40) + "': " + kinds);
  write_file(a.str("out"), png.data(), png.size());
  auto be32 = [&](size_t at) { return int(png[at]) << 24 | int(png[at + 1]) << 16 | int(png[at + 2]) << 8 | int(png[at + 3]); };
  const int w = be32(16), h = be32(20);  // the IHDR chunk
  std::printf("wrote %s: %s figure, %d×%d pixels\n", printable(a.str("out")).c_str(), kind.c_str(), w, h);
  return 0;
}

}  // namespace dae::cli
