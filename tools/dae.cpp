// dae — the command-line tool over the core: summary, train, eval, denoise, grid, bench, export,
// code, notebook (tools/notebook.cpp), figure (tools/figure.cpp), sweep (tools/sweep.cpp),
// latent (tools/latent.cpp).
// Every subcommand has --help; bad flags or files print one line "dae: error: …" and exit 1.
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include "cli.h"
#include "base/common.h"
#include "data/data.h"
#include "formats/io.h"
#include "formats/json.h"
#include "train/metrics.h"
#include "nn/model.h"
#include "study/plot.h"
#include "train/code_export.h"
#include "train/run_setup.h"
#include "train/threadpool.h"
#include "train/trainer.h"

namespace fs = std::filesystem;
using namespace dae;
using namespace dae::cli;

namespace {

// "preset (seed, deep, …) or layer spec", from the preset table; with `training`, which presets
// bring their own epochs, batch and lr.
std::string arch_help(const std::string& tail, bool training = false) {
  std::string names, own;
  for (const Preset& p : Model::presets()) {
    names += (names.empty() ? "" : ", ") + std::string(p.name);
    char lr[32];
    std::snprintf(lr, sizeof lr, "%g", p.training.lr);
    if (training && p.training.epochs > 0)
      own += "; " + std::string(p.name) + " brings its own --epochs " + std::to_string(p.training.epochs) +
             " --batch " + std::to_string(p.training.batch) + " --lr " + lr + " (flags given win)";
  }
  return "preset (" + names + ") or layer spec" + tail + own;
}

// --arch SPEC with `help` in place of the table's.
Flag arch_flag(const std::string& help) {
  Flag f = setting_flag("arch");
  f.help = help;
  return f;
}

// ---- subcommands -------------------------------------------------------------------------------

const std::vector<Flag> kDataFlags = data_flags();
int cmd_summary(int argc, char** argv) {
  Args a("summary", "Print the Keras-style table of an architecture (layers, output shapes, parameters).",
         {arch_flag(arch_help(", see README")),
          {"input", "N", "input size N×N (28 for MNIST, 32 for Devanagari)", "28"},
          {"model", "FILE", "summarise a saved .safetensors model instead", ""}});
  if (!a.parse(argc, argv)) return 0;
  if (a.has("model")) {
    std::printf("%s", Model::load(a.str("model")).summary().c_str());
    return 0;
  }
  const int n = int(a.integer("input", 2, 512));
  Model m = Model::build(a.str("arch"), 1, n, n);
  std::printf("%s", m.summary().c_str());
  return 0;
}


// Keras-style lines while `dae train` runs: "Epoch 2/10", a live bar on a terminal, and each
// epoch's losses and scores when it ends.
class EpochPrinter {
 public:
  EpochPrinter(const Trainer& t, bool quiet) : t_(t), quiet_(quiet), tty_(is_tty() && !quiet), steps_(t.steps_per_epoch()) {}
  void on(Trainer::Event ev) {
    if (quiet_) return;
    if (ev == Trainer::Event::Batch) batch();
    else if (ev == Trainer::Event::Epoch) epoch();
  }

 private:
  using Clock = std::chrono::steady_clock;
  void batch() {
    const int e = t_.epoch();
    if (shown_epoch_ != e) {
      std::printf("Epoch %d/%d\n", e + 1, t_.config().epochs);
      shown_epoch_ = e;
      epoch_t0_ = Clock::now();
    }
    if (!tty_ || Clock::now() - last_draw_ <= std::chrono::milliseconds(100)) return;
    last_draw_ = Clock::now();
    const int s = t_.step_in_epoch();
    const double el = std::chrono::duration<double>(Clock::now() - epoch_t0_).count();
    const double eta = s ? el / s * (steps_ - s) : 0;
    std::printf("\r%4d/%d %s - ETA %s - loss: %.4f - %.0f samples/s   ", s, steps_, bar(s, steps_).c_str(),
                fmt_secs(eta).c_str(), t_.running_train_loss(), t_.samples_per_s());
    std::fflush(stdout);
  }
  void epoch() {
    const EpochStats& h = t_.history().back();
    if (tty_) std::printf("\r");
    std::printf("%4d/%d %s - %s %s/step - loss: %.4f - val_loss: %.4f - val_psnr: %.2f - val_ssim: %.4f\n", steps_,
                steps_, bar(steps_, steps_).c_str(), fmt_secs(h.seconds).c_str(), fmt_secs(h.seconds / steps_).c_str(),
                h.train_loss, h.val_loss, h.val_psnr, h.val_ssim);
    std::fflush(stdout);
  }
  const Trainer& t_;
  const bool quiet_, tty_;
  const int steps_;
  Clock::time_point epoch_t0_ = Clock::now(), last_draw_ = Clock::now() - std::chrono::seconds(1);
  int shown_epoch_ = -1;
};

// --init: the weights of a saved model of the same architecture, for images like `train`'s.
void start_from(Model& model, const std::string& path, const ImageSet& train) {
  Model init = Model::load(path);
  check_input(init, train.h, train.w, "the dataset");
  if (init.spec() != model.spec())
    throw Error("--init model has architecture '" + init.spec() + "', not '" + model.spec() + "'");
  model.weights() = init.weights();
}

int cmd_train(int argc, char** argv) {
  Args a("train", "Train a denoising autoencoder (noisy → clean) and save it as .safetensors.",
         {kDataFlags[0],
          arch_flag(arch_help("", true)),
          kDataFlags[1],
          setting_flag("epochs"),
          setting_flag("batch"),
          setting_flag("lr"),
          setting_flag("loss"),
          setting_flag("train", "; the default is cut to what the dataset holds"),
          kDataFlags[2],
          kDataFlags[3],
          threads_flag(),
          setting_flag("fresh_noise"),
          {"init", "FILE", "start from the weights of a saved model (same architecture)", ""},
          {"out", "FILE", "where to save the model", "model.safetensors"},
          {"history", "FILE", "write per-epoch CSV: epoch,train_loss,val_loss,val_psnr,val_ssim,seconds", ""},
          {"quiet", "", "only the final line", "", true}});
  if (!a.parse(argc, argv)) return 0;
  TrainConfig cfg;
  cfg.threads = ThreadPool::hardware_threads();
  a.apply_to(cfg);
  apply_preset_training(cfg, cfg.arch, [&](const std::string& k) { return a.has(k); });
  cfg.validate();
  const bool quiet = a.has("quiet");
  const std::string out = a.str("out");
  // Fail on an unwritable output before training, not after.
  check_output_path(out);
  if (a.has("history")) check_output_path(a.str("history"));
  check_distinct_files({{"out", out}, {"history", a.str("history")}, {"init", a.str("init")}});

  const std::string dataset_as_given = cfg.dataset;  // "Devanagari"; the run records "dhcd"
  const Dataset ds = load_dataset(cfg.dataset);
  PreparedRun run = prepare_run(cfg, ds, [&](const std::string& k) { return a.has(k); });
  cfg = run.cfg;
  const ImageSet &train = *run.train, &val = *run.val;
  Model& model = *run.model;
  if (a.has("init")) start_from(model, a.str("init"), train);
  if (!quiet)
    std::printf("dataset %s: %s\nusing %zu train / %zu val images; noise %s; model %s, %s params; %d thread%s\n",
                printable(dataset_as_given).c_str(), describe_dataset(ds).c_str(), train.size(), val.size(),
                cfg.noise.str().c_str(), model.name().c_str(), thousands(model.num_params()).c_str(), cfg.threads,
                cfg.threads > 1 ? "s" : "");

  Trainer trainer(model, train, val, cfg);
  const Baseline& base = trainer.baseline();
  if (!quiet)
    std::printf("noisy input baseline: val_loss %.4f - val_psnr %.2f dB - val_ssim %.4f\n", base.loss, base.psnr, base.ssim);

  std::signal(SIGINT, on_sigint);
  const int steps = trainer.steps_per_epoch();
  EpochPrinter printer(trainer, quiet);
  trainer.run([&](Trainer::Event ev) { printer.on(ev); }, &g_cancel);
  std::signal(SIGINT, SIG_DFL);
  const bool cancelled = !trainer.done();
  if (cancelled)
    std::printf("\ncancelled at epoch %d, step %d/%d", trainer.epoch() + 1, trainer.step_in_epoch(), steps);
  model.save(out, trainer.metadata());
  if (a.has("history")) write_history_csv(a.str("history"), trainer.history());
  if (cancelled) {
    std::printf(" — the model so far was saved to %s\n", printable(out).c_str());
    return 130;
  }
  const EpochStats& last = trainer.history().back();
  std::printf("saved %s: val_loss %.4f (noisy %.4f), val_psnr %.2f dB (noisy %.2f), val_ssim %.4f (noisy %.4f)\n",
              printable(out).c_str(), last.val_loss, base.loss, last.val_psnr, base.psnr, last.val_ssim, base.ssim);
  return 0;
}

int cmd_eval(int argc, char** argv) {
  std::vector<Flag> flags = model_data_flags();
  flags.push_back(threads_flag());
  flags.push_back({"json", "", "print one JSON object", "", true});
  Args a("eval", "Score a model on the validation set: loss, PSNR, SSIM, next to the noisy input's.", flags);
  if (!a.parse(argc, argv)) return 0;
  ModelData md = load_model_and_config(a);
  const ImageSet val = md.val_set();
  const EvalResult r = evaluate(md.model, val, md.cfg.noise, md.cfg.seed, md.cfg.loss, int(a.setting_integer("threads")));
  if (a.has("json")) {
    Json j = Json::object();
    j["images"] = r.images;
    j["noise"] = md.cfg.noise.str();
    j["loss"] = loss_name(md.cfg.loss);
    j["val_loss"] = r.loss; j["val_psnr"] = r.psnr; j["val_ssim"] = r.ssim;
    j["noisy_loss"] = r.noisy.loss; j["noisy_psnr"] = r.noisy.psnr; j["noisy_ssim"] = r.noisy.ssim;
    std::printf("%s\n", dump_json(j).c_str());
    return 0;
  }
  std::printf("%zu validation images of %s, noise %s\n", r.images, md.dataset_name.c_str(), md.cfg.noise.str().c_str());
  std::printf("            %-10s %-10s %-8s\n", loss_name(md.cfg.loss), "PSNR (dB)", "SSIM");
  std::printf("denoised    %-10.4f %-10.2f %-8.4f\n", r.loss, r.psnr, r.ssim);
  std::printf("noisy input %-10.4f %-10.2f %-8.4f\n", r.noisy.loss, r.noisy.psnr, r.noisy.ssim);
  std::printf("gain        %-10s %+-10.2f %+-8.4f\n", "", r.psnr - r.noisy.psnr, r.ssim - r.noisy.ssim);
  return 0;
}

uint8_t to_u8(float v) { return uint8_t(std::lround(std::clamp(v, 0.f, 1.f) * 255.f)); }

int cmd_denoise(int argc, char** argv) {
  Args a("denoise", "Run a model on one grayscale PNG of the model's input size (white ink on black, like MNIST).",
         {{"model", "FILE", "a saved model", ""},
          {"in", "PNG", "input image", ""},
          {"out", "PNG", "denoised output", ""},
          {"noise", "KIND:AMOUNT", "corrupt the input first (gaussian:0.5, sp:0.1)", ""},
          {"noisy-out", "PNG", "also save the corrupted input", ""},
          {"invert", "", "the image is dark ink on white: invert in and out", "", true},
          {"seed", "S", "noise seed", "0"}});
  if (!a.parse(argc, argv)) return 0;
  for (const char* k : {"model", "in", "out"})
    if (!a.has(k)) throw Error(std::string("--") + k + " is required");
  check_output_path(a.str("out"));
  if (a.has("noisy-out")) check_output_path(a.str("noisy-out"));
  check_distinct_files({{"out", a.str("out")}, {"noisy-out", a.str("noisy-out")}, {"in", a.str("in")},
                        {"model", a.str("model")}});
  Model model = Model::load(a.str("model"));
  int h = 0, w = 0;
  std::vector<uint8_t> px = read_gray_png(a.str("in"), h, w);
  check_input(model, h, w, printable(a.str("in")));
  const size_t P = size_t(h) * w;
  std::vector<float> x(P), y(P);
  to_float(px.data(), x.data(), P);
  const bool inv = a.has("invert");
  if (inv) for (auto& v : x) v = 1.f - v;
  if (a.has("noise")) {
    std::vector<float> clean = x;
    apply_noise(clean.data(), x.data(), P, Noise::parse(a.str("noise")),
                noise_key(uint64_t(a.setting_integer("seed")), 0));
  }
  Context ctx;
  model.predict(x.data(), 1, y.data(), ctx);
  auto save = [&](const std::string& path, const std::vector<float>& v) {
    std::vector<uint8_t> o(P);
    for (size_t i = 0; i < P; ++i) o[i] = to_u8(inv ? 1.f - v[i] : v[i]);
    write_gray_png(path, o.data(), h, w);
  };
  if (a.has("noisy-out")) save(a.str("noisy-out"), x);
  save(a.str("out"), y);
  std::printf("wrote %s\n", printable(a.str("out")).c_str());
  return 0;
}

int cmd_grid(int argc, char** argv) {
  std::vector<Flag> flags = model_data_flags();
  flags.push_back({"out", "PNG", "output image", "grid.png"});
  flags.push_back({"count", "N", "columns (validation images)", "10"});
  flags.push_back({"scale", "N", "pixel zoom", "3"});
  Args a("grid", "Rows of noisy / denoised / clean validation images (the worksheet's figure).", flags);
  if (!a.parse(argc, argv)) return 0;
  check_output_path(a.str("out"));
  check_distinct_files({{"out", a.str("out")}, {"model", a.str("model")}});
  ModelData md = load_model_and_config(a);
  const ImageSet val = md.val_set();
  const int count = int(std::min<long long>(a.integer("count", 1, 100), (long long)val.size()));
  const int scale = int(a.integer("scale", 1, 16));
  int H = 0, W = 0;
  const std::vector<uint8_t> img = denoise_grid(md.model, val, md.cfg.noise, md.cfg.seed, count, scale, H, W);
  write_gray_png(a.str("out"), img.data(), H, W);
  std::printf("wrote %s: rows noisy / denoised / clean, %d validation images (%s, noise %s)\n", printable(a.str("out")).c_str(),
              count, md.dataset_name.c_str(), md.cfg.noise.str().c_str());
  return 0;
}

// Peak resident memory in MB (0 where the platform does not say, e.g. wasm under node).
double peak_rss_mb() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}

int cmd_bench(int argc, char** argv) {
  Args a("bench", "Training throughput of an architecture (batch 128) and single-image forward latency.\n"
                  "The last line is one JSON object.",
         {threads_flag(),
          arch_flag(arch_help("")),
          {"input", "N", "input size", "28"},
          setting_flag("batch"),
          {"seconds", "S", "how long to measure training", "5"}});
  if (!a.parse(argc, argv)) return 0;
  const int threads = int(a.setting_integer("threads"));
  const int n = int(a.integer("input", 2, 512));
  const int batch = int(a.setting_integer("batch"));
  const double seconds = a.number("seconds", 0.1, 3600);
  Model model = Model::build(a.str("arch"), 1, n, n);
  model.init(0);
  check_training_memory(model, threads);
  // Synthetic digits: blurry strokes in [0,1] (throughput does not depend on the values).
  ImageSet train, val;
  train.h = val.h = n;
  train.w = val.w = n;
  Rng rng(1);
  std::vector<uint8_t> img(size_t(n) * n);
  for (int i = 0; i < 4 * batch; ++i) {
    for (auto& p : img) p = rng.uniform() < 0.2f ? uint8_t(rng.below(256)) : 0;
    train.append(img.data(), 0);
  }
  val.append(img.data(), 0);
  TrainConfig cfg;
  cfg.arch = a.str("arch");
  cfg.batch = batch;
  cfg.threads = threads;
  cfg.epochs = 10000;
  Trainer trainer(model, train, val, cfg);
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < 2; ++i) trainer.step();  // warm-up
  int batches = 0;
  const auto t0 = Clock::now();
  double el = 0;
  while (el < seconds || batches < 3) {
    if (trainer.step() == Trainer::Event::Batch) ++batches;
    el = std::chrono::duration<double>(Clock::now() - t0).count();
  }
  const double sps = batches * double(batch) / el;  // validation passes are 1 image: negligible
  // Forward latency of one image, median of repeated runs.
  Context ctx;
  std::vector<float> x(size_t(n) * n, 0.5f), y(x.size());
  std::vector<double> lat;
  for (int i = 0; i < 200; ++i) {
    const auto s = Clock::now();
    model.predict(x.data(), 1, y.data(), ctx);
    lat.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
  }
  std::nth_element(lat.begin(), lat.begin() + lat.size() / 2, lat.end());
  const double fwd = lat[lat.size() / 2];
  const double gflops = sps * 3 * 2 * model.macs_per_image() / 1e9;
  const double rss = peak_rss_mb();
  std::printf("%s on %d×%d, batch %d, %d thread%s: %.0f training samples/s (%.1f GFLOP/s), forward %.3f ms/image%s\n",
              model.name().c_str(), n, n, batch, threads, threads > 1 ? "s" : "", sps, gflops, fwd,
              rss > 0 ? (", peak RSS " + std::to_string(int(std::lround(rss))) + " MB").c_str() : "");
  Json j = Json::object();
  j["arch"] = model.name();
  j["input"] = n;
  j["batch"] = batch;
  j["threads"] = threads;
  j["samples_per_s"] = std::round(sps * 10) / 10;
  j["forward_ms"] = std::round(fwd * 1000) / 1000;
  j["gflops"] = std::round(gflops * 10) / 10;
  j["peak_rss_mb"] = rss > 0 ? Json(std::round(rss * 10) / 10) : Json();
#ifdef __EMSCRIPTEN__
  j["engine"] = "wasm";
#else
  j["engine"] = "native";
#endif
  std::printf("%s\n", dump_json(j).c_str());
  return 0;
}

// The model as Keras or PyTorch code ("Hand it in"): from a model file (its run's settings) or
// an architecture (the settings given as flags).
int cmd_code(int argc, char** argv) {
  std::vector<Flag> flags = {{"model", "FILE", "a saved model: its architecture and its run's settings", ""},
                             arch_flag(arch_help(" (instead of --model)")),
                             {"input", "N", "input size N×N with --arch", "28"},
                             {"framework", "NAME", "keras or pytorch", "keras"},
                             {"data", "DIR", "where the code reads the run's images (dae export --out DIR)", "data"},
                             {"out", "FILE", "write the code here instead of printing it", ""}};
  for (const char* k : {"dataset", "noise", "epochs", "batch", "lr", "loss", "train", "val", "seed"})
    flags.push_back(setting_flag(k, "; with --model: the model's run unless given"));
  Args a("code", "Print the model as Keras code (the worksheet's style: build, compile, fit) or as PyTorch code\n"
                 "that loads the model file and prints its validation PSNR.", flags);
  if (!a.parse(argc, argv)) return 0;
  const std::string fw = a.str("framework");
  if (fw != "keras" && fw != "pytorch") throw Error("--framework must be keras or pytorch, got '" + printable(fw, 40) + "'");
  if (a.has("out")) {
    check_output_path(a.str("out"));
    check_distinct_files({{"out", a.str("out")}, {"model", a.str("model")}});
  }
  TrainConfig cfg;
  Model model;
  std::string file = "model.safetensors";
  if (a.has("model")) {
    if (a.has("arch")) throw Error("give --model or --arch, not both");
    ModelData md = load_model_and_config(a);
    model = std::move(md.model), cfg = md.cfg;
    file = fs::path(a.str("model")).filename().string();
  }
  a.apply_to(cfg);
  cfg.validate();
  if (!a.has("model")) {
    const int n = int(a.integer("input", 2, 512));
    model = Model::build(cfg.arch, 1, n, n);
  }
  const std::string code = fw == "keras" ? keras_code(model, cfg, a.str("data"))
                                         : torch_code(model, cfg, file, a.str("data")).all();
  if (!a.has("out")) {
    std::printf("%s", code.c_str());
    return 0;
  }
  write_file(a.str("out"), code);
  std::printf("wrote %s: %s code of %s (%s parameters)\n", printable(a.str("out")).c_str(),
              fw == "keras" ? "Keras" : "PyTorch", model.name().c_str(), thousands(model.num_params()).c_str());
  return 0;
}

// Writes the exact training / validation arrays a run sees (the same split and noise), so
// another framework can train on identical data: bench/pytorch_reference.py uses it.
int cmd_export(int argc, char** argv) {
  Args a("export", "Write a run's data as raw float32 files (train_noisy, train_clean, val_noisy, val_clean) + meta.json.",
         flags_with(kDataFlags, {setting_flag("train"),
                                 {"out", "DIR", "output folder", "export"}}));
  if (!a.parse(argc, argv)) return 0;
  TrainConfig cfg;
  a.apply_to(cfg);
  const Noise noise = cfg.noise;
  const uint64_t seed = cfg.seed;
  const fs::path dir = a.str("out");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) throw Error("cannot create the folder " + printable(dir.string()));
  Dataset ds = load_dataset(cfg.dataset);
  ImageSet train, val;
  make_split(ds, cfg.train, cfg.val, train, val);
  export_images(dir.string(), "train", train, noise, seed);
  export_images(dir.string(), "val", val, noise, seed);
  Json meta = Json::object();
  meta["dataset"] = ds.name;
  meta["h"] = train.h;
  meta["w"] = train.w;
  meta["train"] = uint64_t(train.size());
  meta["val"] = uint64_t(val.size());
  meta["noise"] = noise.str();
  meta["seed"] = seed;
  write_file((dir / "meta.json").string(), dump_json(meta, 2) + "\n");
  std::printf("wrote %zu train + %zu val images (%d×%d, noise %s) to %s\n", train.size(), val.size(), train.h,
              train.w, noise.str().c_str(), printable(dir.string()).c_str());
  return 0;
}

void usage(FILE* to) {
  std::fprintf(to,
      "dae — train and use denoising autoencoders\n\n"
      "usage: dae <command> [flags]   (dae <command> --help for its flags)\n\n"
      "commands:\n"
      "  summary   print the Keras-style table of an architecture\n"
      "  train     train a model (noisy → clean) and save it as .safetensors\n"
      "  eval      score a model: loss, PSNR, SSIM vs the noisy input\n"
      "  denoise   run a model on one PNG\n"
      "  grid      save noisy / denoised / clean rows as a PNG\n"
      "  figure    save one of the page's figures as a PNG (loss, results, data, draw, filters, maps)\n"
      "  bench     training samples/s and forward latency\n"
      "  export    write a run's exact training data as raw float32 (for other frameworks)\n"
      "  code      print the model as Keras or PyTorch code\n"
      "  notebook  hand runs in as a Jupyter notebook (figures, code, scores) with their models\n"
      "  sweep     train a grid of runs (flags or a JSON plan), resumable; tables and figures\n"
      "  latent    map the codes of validation images (PCA, t-SNE); decode between two codes\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {  // a mistake: the usage goes to stderr
    usage(stderr);
    return 1;
  }
  if (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    usage(stdout);
    return 0;
  }
  const std::string cmd = argv[1];
  const std::map<std::string, std::function<int(int, char**)>> cmds = {
      {"summary", cmd_summary}, {"train", cmd_train}, {"eval", cmd_eval}, {"denoise", cmd_denoise},
      {"grid", cmd_grid},       {"bench", cmd_bench}, {"export", cmd_export}, {"sweep", cmd_sweep},
      {"latent", cmd_latent}, {"code", cmd_code}, {"notebook", cmd_notebook},
      {"figure", cmd_figure}};
  auto it = cmds.find(cmd);
  if (it == cmds.end()) {
    std::fprintf(stderr, "dae: error: unknown command '%s' (try dae --help)\n", printable(cmd, 60).c_str());
    return 1;
  }
  try {
    return it->second(argc - 2, argv + 2);
  } catch (const Error& e) {
    std::fprintf(stderr, "dae: error: %s\n", printable(e.what(), 2000).c_str());
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "dae: error: out of memory\n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dae: error: %s\n", printable(e.what(), 2000).c_str());
  }
  return 1;
}
