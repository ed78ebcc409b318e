// latent.cpp — `dae latent`: the map of a model's codes (train/latent.h) of the validation images
// as a labelled PNG (and a CSV of each image's position), or with --interpolate the strip of
// images decoded between two validation images' codes.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "cli.h"
#include "formats/csv.h"
#include "formats/io.h"
#include "study/plot.h"
#include "train/latent.h"
#include "train/threadpool.h"

namespace dae::cli {
namespace {

uint8_t to_u8(float v) { return uint8_t(std::lround(std::clamp(v, 0.f, 1.f) * 255.f)); }

std::vector<uint8_t> to_u8(const std::vector<float>& v) {
  std::vector<uint8_t> o(v.size());
  for (size_t i = 0; i < v.size(); ++i) o[i] = to_u8(v[i]);
  return o;
}

// index,class,x,y[,z0,z1,…]: one row per image on the map.
std::string map_csv(const ImageSet& val, const Codes& codes, const LatentMap& map, bool full) {
  std::string out = "index,class,x,y";
  if (full)
    for (int j = 0; j < codes.dim; ++j) out += ",z" + std::to_string(j);
  out += "\n";
  for (int i = 0; i < codes.n; ++i) {
    out += std::to_string(i) + "," + std::to_string(int(val.labels[size_t(i)])) + "," +
           csv_number(map.xy[2 * size_t(i)], "%.6g") + "," + csv_number(map.xy[2 * size_t(i) + 1], "%.6g");
    if (full)
      for (int j = 0; j < codes.dim; ++j) out += "," + csv_number(codes.row(i)[j], "%.7g");
    out += "\n";
  }
  return out;
}

// The map as a scatter plot: one colour per class (the palette), a legend, the axes' titles.
Image map_figure(const ImageSet& val, const LatentMap& map, int n, const std::string& title) {
  PlotSpec spec;
  spec.title = title;
  spec.x_label = map.axis_label(0);
  spec.y_label = map.axis_label(1);
  spec.width = 900, spec.height = 720;
  const int classes = 1 + *std::max_element(val.labels.begin(), val.labels.begin() + n);
  for (int k = 0; k < classes; ++k) {
    Series s;
    s.label = "class " + std::to_string(k);
    s.line = false;
    s.marker_radius = n > 500 ? 2.2 : 3.2;
    for (int i = 0; i < n; ++i)
      if (val.labels[size_t(i)] == k) s.x.push_back(map.xy[2 * size_t(i)]), s.y.push_back(map.xy[2 * size_t(i) + 1]);
    spec.series.push_back(s);
  }
  return render_plot(spec, *Font::default_font()).image;
}

// "A,B" → two validation indices below `n`.
std::pair<int, int> parse_pair(const std::string& s, size_t n) {
  const size_t comma = s.find(',');
  auto index = [&](const std::string& t) {
    const bool digits = !t.empty() && t.size() < 10 && t.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoul(t) >= n)
      throw Error("--interpolate needs two validation indices A,B below " + std::to_string(n) + ", got '" +
                  printable(s, 40) + "'");
    return int(std::stoul(t));
  };
  if (comma == std::string::npos) index("");
  return {index(s.substr(0, comma)), index(s.substr(comma + 1))};
}

// Clean A | decoded (1 − t)·z_A + t·z_B for `steps` values of t from 0 to 1 | clean B.
int interpolate(const Args& a, ModelData& md, const ImageSet& val) {
  const auto [ia, ib] = parse_pair(a.str("interpolate"), val.size());
  const int steps = int(a.integer("steps", 2, 40));
  const Model& m = md.model;
  const size_t P = val.pixels_per_image();
  const int dim = int(code_size(m));
  std::vector<float> x(2 * P), z(2 * size_t(dim)), y(P);
  to_float(val.image(size_t(ia)), x.data(), P);
  to_float(val.image(size_t(ib)), x.data() + P, P);
  Context ctx;
  encode(m, x.data(), 2, z.data(), ctx);
  std::vector<std::vector<uint8_t>> imgs = {std::vector<uint8_t>(val.image(size_t(ia)), val.image(size_t(ia)) + P)};
  std::vector<std::string> caps = {"A: #" + std::to_string(ia)};
  for (int s = 0; s < steps; ++s) {
    const float t = float(s) / float(steps - 1);
    decode(m, mix_codes(z.data(), z.data() + dim, dim, t).data(), 1, y.data(), ctx);
    imgs.push_back(to_u8(y));
    char cap[32];
    std::snprintf(cap, sizeof cap, "t=%.2f", double(t));
    caps.push_back(cap);
  }
  imgs.emplace_back(val.image(size_t(ib)), val.image(size_t(ib)) + P);
  caps.push_back("B: #" + std::to_string(ib));
  const std::string title = "decoded (1-t)·code(A) + t·code(B), " + md.dataset_name + " validation images " +
                            std::to_string(ia) + " (class " + std::to_string(val.labels[size_t(ia)]) + ") and " +
                            std::to_string(ib) + " (class " + std::to_string(val.labels[size_t(ib)]) + ")";
  image_strip(imgs, val.h, val.w, caps, 3, title, *Font::default_font()).save_png(a.str("out"));
  std::printf("wrote %s: clean A, %d decoded mixes, clean B\n", printable(a.str("out")).c_str(), steps);
  return 0;
}

std::vector<Flag> latent_flags() {
  std::vector<Flag> f = model_data_flags();
  f.insert(f.end(), {{"method", "pca|tsne", "how the codes are laid out in 2-D (t-SNE's time grows with the square of --images: "
                      "~2 s for 2,000 on 2 cores)", "pca"},
                     {"images", "N", "validation images on the map (at most the split's)", "2000"},
                     {"out", "PNG", "the map (or with --interpolate, the strip)", "latent.png"},
                     {"codes", "CSV", "also write index,class,x,y of each image", ""},
                     {"codes-full", "", "the CSV also holds each image's whole code (z0, z1, …)", "", true},
                     {"perplexity", "P", "t-SNE's perplexity", "30"},
                     {"tsne-seed", "S", "t-SNE's seed (its start's jitter)", "0"},
                     {"interpolate", "A,B", "instead of a map: decode mixes of validation images A's and B's codes", ""},
                     {"steps", "N", "with --interpolate: mixes from t = 0 to t = 1", "10"},
                     threads_flag()});
  return f;
}

}  // namespace

int cmd_latent(int argc, char** argv) {
  Args a("latent", "See the representation: a 2-D map (PCA or t-SNE) of the codes the encoder (the layers "
                   "before '|') gives the clean validation images, or images decoded between two codes.",
         latent_flags());
  if (!a.parse(argc, argv)) return 0;
  check_output_path(a.str("out"));
  if (a.has("codes")) check_output_path(a.str("codes"));
  if (a.has("codes-full") && !a.has("codes")) throw Error("--codes-full needs --codes FILE");
  check_distinct_files({{"out", a.str("out")}, {"codes", a.str("codes")}, {"model", a.str("model")}});
  const MapMethod method = parse_map_method(a.str("method"));
  ModelData md = load_model_and_config(a);
  check_has_encoder(md.model);
  const ImageSet val = md.val_set();
  if (a.has("interpolate")) return interpolate(a, md, val);
  const int n = int(std::min<long long>(a.integer("images", 4, 100000), (long long)val.size()));
  TsneOptions opt;
  opt.perplexity = a.number("perplexity", 1, std::max(1, n - 1));
  opt.seed = uint64_t(a.integer("tsne-seed", 0, 1000000000));
  ThreadPool pool(int(a.setting_integer("threads")));
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const Codes codes = encode_set(md.model, val, n, pool);
  const auto t1 = Clock::now();
  const LatentMap map = make_map(codes, method, opt, pool);
  const auto t2 = Clock::now();
  const std::string title = std::string(method == MapMethod::Pca ? "PCA" : "t-SNE") + " of the codes of " +
                            std::to_string(n) + " " + md.dataset_name + " validation images (" +
                            std::to_string(codes.dim) + " values each, model " + md.model.name() + ")";
  map_figure(val, map, n, title).save_png(a.str("out"));
  if (a.has("codes")) write_file(a.str("codes"), map_csv(val, codes, map, a.has("codes-full")));
  std::printf("%d codes of %d values: encoded in %.2f s, %s map in %.2f s (%d threads)\n", n, codes.dim,
              std::chrono::duration<double>(t1 - t0).count(), map_method_name(method),
              std::chrono::duration<double>(t2 - t1).count(), pool.size());
  if (method == MapMethod::Pca) std::printf("axes: %s; %s\n", map.axis_label(0).c_str(), map.axis_label(1).c_str());
  std::printf("kNN (k=5, each image left out) accuracy of the class: from the code %.4f, from the map %.4f\n",
              knn_accuracy(codes.z.data(), n, codes.dim, val.labels, 5), knn_accuracy(map.xy.data(), n, 2, val.labels, 5));
  std::printf("wrote %s%s%s\n", printable(a.str("out")).c_str(), a.has("codes") ? " and " : "",
              a.has("codes") ? printable(a.str("codes")).c_str() : "");
  return 0;
}

}  // namespace dae::cli
