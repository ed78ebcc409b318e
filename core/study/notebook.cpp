// notebook.cpp — see notebook.h.
#include "study/notebook.h"

#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "base/common.h"
#include "formats/io.h"
#include "formats/json.h"
#include "formats/png.h"
#include "study/figures.h"
#include "study/plot.h"
#include "train/code_export.h"

namespace dae {

std::string base64(const std::vector<uint8_t>& bytes) {
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t v = uint32_t(bytes[i]) << 16;
    if (n > 1) v |= uint32_t(bytes[i + 1]) << 8;
    if (n > 2) v |= bytes[i + 2];
    for (size_t k = 0; k < 4; ++k) out += k <= n ? abc[(v >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

namespace {

namespace fs = std::filesystem;

// ---- cells (nbformat 4.5: every cell has an id) -----------------------------------------------
class Cells {
 public:
  void markdown(const std::string& text) { add({{"cell_type", "markdown"}, {"metadata", Json::object()}, {"source", text}}); }
  void code(const std::string& source, Json outputs = Json::array()) {
    add({{"cell_type", "code"}, {"metadata", Json::object()}, {"execution_count", nullptr}, {"source", source},
         {"outputs", std::move(outputs)}});
  }
  // A figure: written to <dir>/figures/<name>, shown by the cell's code and embedded as its output.
  void figure(const std::string& dir, const std::string& name, const std::vector<uint8_t>& png, const std::string& caption) {
    write_file(dir + "/figures/" + name, png.data(), png.size());
    Json out = {{"output_type", "display_data"}, {"metadata", Json::object()},
                {"data", {{"image/png", base64(png)}, {"text/plain", "<IPython.core.display.Image object>"}}}};
    code("# " + printable(caption) + "\nfrom IPython.display import Image, display\ndisplay(Image(filename=" +
             py_str("figures/" + name) + "))",
         Json::array({out}));
  }
  Json notebook() && {
    Json meta = {{"kernelspec", {{"name", "python3"}, {"display_name", "Python 3"}, {"language", "python"}}},
                 {"language_info", {{"name", "python"}}}};
    return {{"nbformat", 4}, {"nbformat_minor", 5}, {"metadata", meta}, {"cells", std::move(cells_)}};
  }

 private:
  void add(Json cell) {
    cell["id"] = "cell-" + std::to_string(cells_.size() + 1);
    cells_.push_back(std::move(cell));
  }
  Json cells_ = Json::array();
};

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

// Text for a Markdown table cell: printable, no '|' or line breaks.
std::string cell_text(const std::string& s) {
  std::string out;
  for (char c : printable(s, 120)) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::vector<uint8_t> gray_png(const std::vector<uint8_t>& px, int h, int w) { return encode_png_gray(px.data(), h, w); }

// Where a run's files go next to the notebook.
struct RunFiles {
  std::string model, data;  // "models/run1.safetensors", "data/1"
  EvalResult scores;        // the model on its validation images (evaluate: the numbers dae eval prints)
};

void header(Cells& nb, const std::string& dir, const Study& s, const ImageSet& val) {
  const TrainConfig& cfg = s.runs.front().cfg;
  std::set<std::string> datasets, noises;
  for (const StudyRun& r : s.runs) datasets.insert(r.cfg.dataset), noises.insert(r.cfg.noise.str());
  std::string title;
  for (const std::string& d : datasets) title += (title.empty() ? "" : ", ") + dataset_title(d);
  nb.markdown("# Representation Learning and Autoencoder — " + title + "\n\nConvolutional denoising autoencoders: " +
              "each network is trained to map noisy images back to clean ones. " + std::to_string(s.runs.size()) +
              (s.runs.size() == 1 ? " run" : " runs") + ", trained with `dae` and written out by `dae notebook`. "
              "The figures are embedded; the PyTorch cells run next to the folders `models/` and `data/` written "
              "with this notebook.");
  std::string data = "## Data\n\n";
  for (const std::string& d : datasets) {
    const std::string cite = dataset_citation(d);
    data += "- **" + dataset_title(d) + "**" + (cite.empty() ? " (imported images)" : ": " + cite) + "\n";
  }
  data += "\nImages of " + dims(val.h, val.w) + " pixels, values in [0, 1]. Noise: ";
  std::string ns;
  for (const std::string& n : noises) ns += (ns.empty() ? "`" : ", `") + n + "`";
  data += ns + " (`gaussian:f` is clip(x + f·N(0, 1), 0, 1); `sp:p` sets a fraction p of the pixels to 0 or 1). "
          "Below, validation images as they are (top) and with noise 0.1 and 0.5 of the first run's kind.";
  nb.markdown(data);
  int h = 0, w = 0;
  const std::vector<uint8_t> px = noise_grid(val, cfg.noise, {0.1f, 0.5f}, cfg.seed, int(std::min<size_t>(10, val.size())), 3, h, w);
  nb.figure(dir, "data_preview.png", gray_png(px, h, w), "Data preview: original / noise 0.1 / noise 0.5");
}

// Each architecture once: its Keras-style summary and its Keras code (with the first run using it).
void models(Cells& nb, const Study& s) {
  std::set<std::string> seen;
  nb.markdown("## Model\n\nThe summary is dae's Keras-style table; the Keras code builds the same network in the "
              "worksheet's style (shown, not run here: it needs TensorFlow, and `dae export` for its data).");
  for (const StudyRun& r : s.runs) {
    if (!seen.insert(r.model.spec()).second) continue;
    nb.markdown("### `" + r.model.spec() + "`\n\n```\n" + r.model.summary() + "```\n\n**Keras**\n\n```python\n" +
                keras_code(r.model, r.cfg) + "```");
  }
}

void run_section(Cells& nb, const std::string& dir, size_t k, const StudyRun& r, const ImageSet& val, const RunFiles& f) {
  const std::string n = std::to_string(k + 1), tag = "run" + n;
  std::string md = "## Run " + n + ": " + cell_text(r.label) + "\n\n| setting | value |\n|---|---|\n";
  for (const std::string& key : TrainConfig::keys())
    if (key != "threads") md += "| " + key + " | `" + cell_text(r.cfg.text(key)) + "` |\n";
  md += "| parameters | " + thousands(r.model.num_params()) + " |\n| model file | `" + f.model + "` |\n";
  nb.markdown(md);
  if (!r.history.empty()) {
    LossCurve c{n, {}, {}, {}};
    for (const EpochStats& e : r.history) c.epochs.push_back(e.epoch), c.train.push_back(e.train_loss), c.val.push_back(e.val_loss);
    const PlotSpec p = loss_plot({c}, NAN, loss_name(r.cfg.loss), false);  // the page's Save PNG draws the same
    nb.figure(dir, tag + "_loss.png", render_plot(p, *Font::default_font()).image.png(),
              "Run " + n + ": training (dashed) and validation loss per epoch");
  }
  int h = 0, w = 0;
  const std::vector<uint8_t> px =
      denoise_grid(r.model, val, r.cfg.noise, r.cfg.seed, int(std::min<size_t>(10, val.size())), 3, h, w);
  nb.figure(dir, tag + "_grid.png", gray_png(px, h, w), "Run " + n + ": noisy / denoised / clean validation images");
  const EvalResult& e = f.scores;
  nb.markdown("**Scores** on " + thousands(e.images) + " validation images:\n\n| | " + loss_name(r.cfg.loss) +
              " | PSNR (dB) | SSIM |\n|---|---|---|---|\n| denoised | " + fmt("%.4f", e.loss) + " | " + fmt("%.2f", e.psnr) +
              " | " + fmt("%.4f", e.ssim) + " |\n| noisy input | " + fmt("%.4f", e.noisy.loss) + " | " +
              fmt("%.2f", e.noisy.psnr) + " | " + fmt("%.4f", e.noisy.ssim) + " |\n| gain | | " +
              fmt("%+.2f", e.psnr - e.noisy.psnr) + " | " + fmt("%+.4f", e.ssim - e.noisy.ssim) + " |");
  const TorchCode c = torch_code(r.model, r.cfg, f.model, f.data);
  Json out = {{"output_type", "stream"}, {"name", "stdout"},
              {"text", torch_run_line(e.psnr, e.noisy.psnr, e.images, r.model.num_params()) + "\n"}};
  nb.code(c.title + c.model + "\n" + c.run, Json::array({out}));
  if (!r.notes.empty()) nb.markdown("**Notes.** " + r.notes);
}

void runs_table(Cells& nb, const Study& s, const std::vector<RunFiles>& files) {
  std::string md = "## Runs\n\n| # | run | arch | noise | epochs | batch | lr | loss | params | val loss | PSNR (dB) | "
                   "SSIM | noisy PSNR |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (size_t k = 0; k < s.runs.size(); ++k) {
    const StudyRun& r = s.runs[k];
    const EvalResult& e = files[k].scores;
    md += "| " + std::to_string(k + 1) + " | " + cell_text(r.label) + " | `" + cell_text(r.cfg.arch) + "` | " +
          r.cfg.noise.str() + " | " + std::to_string(r.cfg.epochs) + " | " + std::to_string(r.cfg.batch) + " | " +
          short_number(r.cfg.lr) + " | " + loss_name(r.cfg.loss) + " | " + thousands(r.model.num_params()) + " | " +
          fmt("%.4f", e.loss) + " | " + fmt("%.2f", e.psnr) + " | " + fmt("%.4f", e.ssim) + " | " +
          fmt("%.2f", e.noisy.psnr) + " |\n";
  }
  nb.markdown(md);
}

}  // namespace

std::string write_study(const std::string& dir, const Study& s, const StudyValSet& val, int threads) {
  if (s.runs.empty()) throw Error("a study needs at least one run");
  auto make_dir = [&](const std::string& sub) {
    std::error_code ec;
    fs::create_directories(fs::path(dir) / sub, ec);
    if (ec) throw Error("cannot create the folder " + printable((fs::path(dir) / sub).string()));
  };
  for (const char* sub : {"models", "data", "figures"}) make_dir(sub);
  // The files the code cells read, and each run's scores.
  std::vector<RunFiles> files;
  std::map<std::string, std::string> data_dirs;  // dataset|noise|val|seed → data/<n>
  for (size_t k = 0; k < s.runs.size(); ++k) {
    const StudyRun& r = s.runs[k];
    const ImageSet& v = val(r.cfg);
    RunFiles f;
    f.model = "models/run" + std::to_string(k + 1) + ".safetensors";
    r.model.save(dir + "/" + f.model, r.metadata);
    const std::string key = r.cfg.dataset + "|" + r.cfg.noise.str() + "|" + r.cfg.text("val") + "|" + r.cfg.text("seed");
    if (!data_dirs.count(key)) {
      data_dirs[key] = "data/" + std::to_string(data_dirs.size() + 1);
      make_dir(data_dirs[key]);
      export_images(dir + "/" + data_dirs[key], "val", v, r.cfg.noise, r.cfg.seed);
    }
    f.data = data_dirs[key];
    f.scores = evaluate(r.model, v, r.cfg.noise, r.cfg.seed, r.cfg.loss, threads);
    files.push_back(f);
  }
  Cells nb;
  header(nb, dir, s, val(s.runs.front().cfg));
  models(nb, s);
  nb.markdown("## Code\n\nThe PyTorch helpers: a loader of dae's model files (safetensors) into an `nn.Sequential`, and "
              "the validation PSNR as dae computes it (per image, then averaged). Each run below builds its network and "
              "scores it on the validation images in `data/` (written as `dae export` writes them).");
  nb.code(torch_code(s.runs.front().model, s.runs.front().cfg, "", "").helpers);
  for (size_t k = 0; k < s.runs.size(); ++k) run_section(nb, dir, k, s.runs[k], val(s.runs[k].cfg), files[k]);
  runs_table(nb, s, files);
  if (!s.figures.empty()) {
    nb.markdown("## Sweep charts");
    for (size_t i = 0; i < s.figures.size(); ++i)
      nb.figure(dir, "sweep_" + std::to_string(i + 1) + ".png", s.figures[i].second, s.figures[i].first);
  }
  if (!s.observations.empty()) nb.markdown("## Observations\n\n" + s.observations);
  const std::string path = dir + "/study.ipynb";
  write_file(path, dump_json(std::move(nb).notebook(), 1) + "\n");
  return path;
}

StudyRun study_run_from_file(const std::string& path, const std::string& label) {
  StudyRun r;
  r.label = label;
  r.model = Model::load(path, &r.metadata);
  const auto cfg = r.metadata.find("config");
  if (cfg == r.metadata.end())
    throw Error("model file " + printable(path) + " has no training config (not saved by dae train, dae sweep or the page)");
  try {
    r.cfg = TrainConfig::from_json(parse_json(cfg->second));
    const auto h = r.metadata.find("history");
    if (h != r.metadata.end()) r.history = history_from_json(parse_json(h->second), true);
  } catch (const Error& e) {
    throw Error("model file " + printable(path) + ": its training record is damaged (" + e.what() + ")");
  }
  return r;
}

StudyValSet study_val_sets(std::function<const Dataset&(const std::string&)> dataset) {
  auto vals = std::make_shared<std::map<std::string, ImageSet>>();
  return [vals, dataset = std::move(dataset)](const TrainConfig& cfg) -> const ImageSet& {
    const std::string key = cfg.dataset + "|" + std::to_string(cfg.val);
    auto it = vals->find(key);
    if (it != vals->end()) return it->second;
    ImageSet train, v;
    make_split(dataset(cfg.dataset), 1, cfg.val, train, v);
    return vals->emplace(key, std::move(v)).first->second;
  };
}

}  // namespace dae
