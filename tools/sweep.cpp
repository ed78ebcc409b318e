// dae sweep — trains a grid of runs (from flags or a JSON plan, core/study/sweep.h), resumes where
// it stopped, tests every model on other noise levels, and writes the tables and figures.
//
// <out>/runs.csv                 one row per finished run (final and noisy-input scores, seconds)
// <out>/cross_noise.csv          one row per (run, test noise) when --eval-noise / eval_noise is set
// <out>/plan.json                the plan as run (flags applied)
// <out>/figures/*.png            loss curves, PSNR against each varied setting, cross-noise PSNR
// <out>/runs/<id>/               model.safetensors, history.csv, grid.png, cross_noise.json and,
//                                written last, result.json: a run is finished when its
//                                result.json is complete and names the same identity (and the
//                                model is there); anything else is trained (again).
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli.h"
#include "formats/io.h"
#include "formats/json.h"
#include "nn/model.h"
#include "study/plot.h"
#include "study/sweep.h"
#include "train/threadpool.h"

namespace fs = std::filesystem;

namespace dae::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct LoadedData {
  Dataset ds;
  std::string fingerprint;
};

// The flag of a run setting: fresh_noise → fresh-noise.
std::string flag_of(const std::string& key) {
  std::string f = key;
  for (char& c : f)
    if (c == '_') c = '-';
  return f;
}

std::vector<Flag> sweep_flags() {
  std::vector<Flag> f = {
      {"plan", "FILE", "a JSON plan: settings, runs, axes, eval_noise (README, docs/study/*.json)", ""},
      {"out", "DIR", "output folder (created; finished runs in it are kept and skipped)", "sweep"},
      {"dataset", "LIST", "mnist, dhcd, folders or .zip files", ""},
      {"arch", "LIST", "presets or specs (inside a list, separate a spec's tokens by spaces or '-')", ""},
      {"noise", "LIST", "gaussian:F, sp:P", ""},
      {"loss", "LIST", "bce, mse", ""},
      {"lr", "LIST", "Adam learning rates", ""},
      {"batch", "LIST", "batch sizes", ""},
      {"epochs", "LIST", "epochs", ""},
      {"train", "LIST", "training images (0 = all available)", ""},
      {"val", "LIST", "validation images (0 = all available)", ""},
      {"seed", "LIST", "seeds", ""},
      {"fresh-noise", "LIST", "false (one noisy copy per image) and/or true (new noise every epoch)", ""},
      {"eval-noise", "LIST", "also test every model on these noises (train on one level, test on others)", ""},
      {"threads", "N", "worker threads (results do not depend on it)", std::to_string(ThreadPool::hardware_threads())},
      {"no-figures", "", "skip the PNG figures", "", true},
      {"dry-run", "", "list the runs and which are finished, train nothing", "", true},
      {"quiet", "", "no per-epoch lines", "", true}};
  return f;
}

// The plan: --plan's file, then every setting flag (a list of several values is an axis).
SweepPlan plan_from(const Args& a) {
  SweepPlan plan;
  if (a.has("plan")) {
    const std::string path = a.str("plan");
    const std::vector<uint8_t> b = read_file(path, size_t(16) << 20, "a plan file");
    try {
      plan = SweepPlan::from_json(parse_json(std::string(b.begin(), b.end())));
    } catch (const Error& e) {
      throw Error("plan " + printable(path) + ": " + e.what());
    }
    if (plan.name.empty()) plan.name = fs::path(path).stem().string();
  }
  for (const std::string& key : TrainConfig::keys()) {
    if (key == "threads" || !a.has(flag_of(key))) continue;
    std::vector<Json> values;
    for (const std::string& v : split_list(a.str(flag_of(key)), "--" + flag_of(key))) {
      try {
        values.push_back(setting_value(key, v));
      } catch (const Error& e) {
        throw Error("--" + flag_of(key) + ": " + e.what());
      }
    }
    plan.set(key, values);
  }
  if (a.has("eval-noise")) {
    plan.eval_noise.clear();
    for (const std::string& v : split_list(a.str("eval-noise"), "--eval-noise")) plan.eval_noise.push_back(Noise::parse(v));
  }
  return plan;
}

std::string run_dir(const std::string& out, const ResolvedRun& r) { return (fs::path(out) / "runs" / r.id).string(); }

// A finished run's result (see the top of this file), or nothing.
std::optional<RunResult> finished(const std::string& out, const ResolvedRun& r) {
  std::error_code ec;
  if (!fs::is_regular_file(fs::path(run_dir(out, r)) / "model.safetensors", ec)) return std::nullopt;
  return read_result((fs::path(run_dir(out, r)) / "result.json").string(), r);
}

void make_folder(const fs::path& d) {
  std::error_code ec;
  fs::create_directories(d, ec);
  if (!fs::is_directory(d, ec)) throw Error("cannot create the folder " + printable(d.string()));
}

std::string short_label(const ResolvedRun& r, size_t width) {
  const std::string s = printable(r.plan.label.empty() ? "(one run)" : r.plan.label, 400);
  return s.size() <= width ? s : s.substr(0, width - 3) + "...";
}

// Trains one run; returns nothing when Ctrl-C stopped it (nothing of it is kept then).
std::optional<RunResult> train_run(const ResolvedRun& r, const Dataset& ds, const std::string& out, bool quiet) {
  const auto t0 = Clock::now();
  ImageSet train, val;
  make_split(ds, r.cfg.train, r.cfg.val, train, val);
  Model model = Model::build(r.cfg.arch, 1, train.h, train.w);
  model.init(r.cfg.seed);
  Trainer trainer(model, train, val, r.cfg);
  trainer.run(
      [&](Trainer::Event ev) {
        if (quiet || ev != Trainer::Event::Epoch) return;
        const EpochStats& h = trainer.history().back();
        std::printf("    epoch %d/%d - loss: %.4f - val_loss: %.4f - val_psnr: %.2f - val_ssim: %.4f - %s\n", h.epoch,
                    r.cfg.epochs, h.train_loss, h.val_loss, h.val_psnr, h.val_ssim, fmt_secs(h.seconds).c_str());
        std::fflush(stdout);
      },
      &g_cancel);
  if (!trainer.done()) return std::nullopt;
  RunResult res;
  res.history = trainer.history();
  res.noisy = trainer.baseline();
  res.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  // The model, its history and its grid first; result.json last: it marks the run finished.
  const fs::path dir = run_dir(out, r);
  make_folder(dir);
  model.save((dir / "model.safetensors").string(), trainer.metadata());
  write_history_csv((dir / "history.csv").string(), res.history);
  int gh = 0, gw = 0;
  const auto grid = denoise_grid(model, val, r.cfg.noise, r.cfg.seed, int(std::min<size_t>(10, val.size())), 3, gh, gw);
  write_gray_png((dir / "grid.png").string(), grid.data(), gh, gw);
  write_file((dir / "result.json").string(), dump_json(result_json(r, res), 2) + "\n");
  return res;
}

// Every finished run on every test noise, reusing runs/<id>/cross_noise.json; the model is
// read back from its file, so the numbers are those `dae eval --model … --noise …` prints.
std::vector<CrossEval> cross_evaluate(const SweepPlan& plan, const std::vector<ResolvedRun>& runs,
                                      const std::vector<std::optional<RunResult>>& results,
                                      std::map<std::string, LoadedData>& data, const std::string& out, int threads) {
  std::vector<CrossEval> evals;
  if (plan.eval_noise.empty()) return evals;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (!results[i]) continue;
    const ResolvedRun& r = runs[i];
    const std::string cache_path = (fs::path(run_dir(out, r)) / "cross_noise.json").string();
    Json cache = Json::object();
    try {
      const auto b = read_file(cache_path, size_t(16) << 20, "a cache file");
      cache = parse_json(std::string(b.begin(), b.end()));
    } catch (const Error&) {
      cache = Json::object();  // missing or damaged: computed again
    }
    std::vector<CrossEval> mine;
    std::optional<Model> model;
    std::optional<ImageSet> val;
    bool computed = false;
    for (const Noise& n : plan.eval_noise) {
      CrossEval e{i, n, {}};
      if (auto c = cross_from_json(cache, n)) {
        e.result = *c;
      } else {
        if (!model) {
          model = Model::load((fs::path(run_dir(out, r)) / "model.safetensors").string());
          ImageSet train;
          val.emplace();
          make_split(data.at(r.cfg.dataset).ds, 1, r.cfg.val, train, *val);
        }
        e.result = evaluate(*model, *val, n, r.cfg.seed, r.cfg.loss, threads);
        computed = true;
      }
      mine.push_back(e);
    }
    if (computed) write_file(cache_path, dump_json(cross_json(mine), 2) + "\n");
    evals.insert(evals.end(), mine.begin(), mine.end());
  }
  return evals;
}

void print_runs_table(const std::vector<ResolvedRun>& runs, const std::vector<std::optional<RunResult>>& results) {
  size_t lw = 5;
  for (const auto& r : runs) lw = std::max(lw, std::min<size_t>(48, short_label(r, 48).size()));
  std::printf("\n %-3s %-12s  %-*s  %10s  %-9s %-9s %-8s %-11s %s\n", "#", "run", int(lw), "label", "params", "val_loss",
              "PSNR", "SSIM", "noisy PSNR", "time");
  for (size_t i = 0; i < runs.size(); ++i) {
    const ResolvedRun& r = runs[i];
    if (!results[i]) {
      std::printf(" %-3zu %-12s  %-*s  %10s  (not finished)\n", i + 1, r.id.c_str(), int(lw), short_label(r, 48).c_str(),
                  thousands(r.params).c_str());
      continue;
    }
    const RunResult& x = *results[i];
    std::printf(" %-3zu %-12s  %-*s  %10s  %-9.4f %-9.2f %-8.4f %-11.2f %s\n", i + 1, r.id.c_str(), int(lw),
                short_label(r, 48).c_str(), thousands(r.params).c_str(), x.last().val_loss, x.last().val_psnr,
                x.last().val_ssim, x.noisy.psnr, fmt_secs(x.seconds).c_str());
  }
}

void print_cross_table(const SweepPlan& plan, const std::vector<ResolvedRun>& runs, const std::vector<CrossEval>& evals) {
  if (evals.empty()) return;
  std::printf("\nPSNR (dB) of each model on each test noise (rows: models; the noisy input's PSNR first)\n");
  std::printf(" %-52s", "");
  for (const Noise& n : plan.eval_noise) std::printf(" %13s", n.str().c_str());
  std::printf("\n");
  std::map<std::string, bool> shown;  // one noisy-input row per dataset
  for (const auto& e : evals) {
    const std::string ds = runs[e.run].cfg.dataset;
    if (shown[ds]) continue;
    shown[ds] = true;
    std::printf(" %-52s", ("noisy input (" + printable(ds, 36) + ")").c_str());
    for (const auto& f : evals)
      if (f.run == e.run) std::printf(" %13.2f", f.result.noisy.psnr);
    std::printf("\n");
  }
  for (size_t i = 0; i < runs.size(); ++i) {
    bool any = false;
    for (const auto& e : evals)
      if (e.run == i) {
        if (!any) std::printf(" %-52s", (runs[i].id + " " + short_label(runs[i], 39)).c_str());
        any = true;
        std::printf(" %13.2f", e.result.psnr);
      }
    if (any) std::printf("\n");
  }
}

}  // namespace

int cmd_sweep(int argc, char** argv) {
  Args a("sweep",
         "Train a grid of runs and compare them. Every setting flag takes a comma-separated list; two or more\n"
         "values make it an axis (all combinations are run). Finished runs in --out are skipped, so the same\n"
         "command resumes, and a changed plan trains only its new runs.\n"
         "Writes runs.csv, cross_noise.csv (with --eval-noise), figures/*.png and runs/<id>/ under --out.",
         sweep_flags());
  if (!a.parse(argc, argv)) return 0;
  SweepPlan plan = plan_from(a);
  const int threads = int(a.integer("threads", 1, 256));
  const std::string out = a.str("out");
  const bool quiet = a.has("quiet"), figures = !a.has("no-figures"), dry = a.has("dry-run");
  TrainConfig defaults;
  defaults.threads = threads;
  const std::vector<PlannedRun> planned = expand(plan, defaults);

  // Before any training: the output folder, the font, every dataset and every run's setup.
  if (!dry) {
    make_folder(fs::path(out) / "runs");
    check_output_path((fs::path(out) / "runs.csv").string());
    if (figures) {
      make_folder(fs::path(out) / "figures");
      Font::default_font();
    }
  }
  std::map<std::string, LoadedData> data;
  std::vector<ResolvedRun> runs;
  std::map<std::string, size_t> seen;  // id → run, for duplicates in the plan
  std::vector<std::string> loaded;     // what each dataset is, printed once every run resolved
  size_t duplicates = 0;
  for (size_t i = 0; i < planned.size(); ++i) {
    const std::string name = canonical_dataset_name(planned[i].cfg.dataset);
    if (!data.count(name)) {
      LoadedData d{load_dataset(name), ""};
      d.fingerprint = dataset_fingerprint(d.ds);
      loaded.push_back("dataset " + printable(name) + ": " + describe_dataset(d.ds));
      data.emplace(name, std::move(d));
    }
    ResolvedRun r;
    try {
      r = resolve_run(planned[i], data.at(name).ds, data.at(name).fingerprint);
    } catch (const Error& e) {
      throw Error("run " + std::to_string(i + 1) + (planned[i].label.empty() ? "" : " (" + planned[i].label + ")") + ": " +
                  e.what());
    }
    if (seen.count(r.id)) {
      ++duplicates;
      continue;
    }
    seen[r.id] = runs.size();
    runs.push_back(std::move(r));
  }
  for (const auto& line : loaded) std::printf("%s\n", line.c_str());
  std::vector<std::optional<RunResult>> results(runs.size());
  size_t done = 0;
  for (size_t i = 0; i < runs.size(); ++i)
    if ((results[i] = finished(out, runs[i]))) ++done;
  std::printf("sweep%s%s: %zu run%s (%zu finished, %zu to train)%s → %s\n", plan.name.empty() ? "" : " ",
              printable(plan.name).c_str(), runs.size(), runs.size() == 1 ? "" : "s", done, runs.size() - done,
              duplicates ? (", " + std::to_string(duplicates) + " duplicate" + (duplicates > 1 ? "s" : "") + " left out").c_str() : "",
              printable(out).c_str());
  if (dry) {
    for (size_t i = 0; i < runs.size(); ++i)
      std::printf(" %-3zu %-12s  %-8s  %s  (%s, %s, %s params, %zu train / %zu val, %d epoch%s)\n", i + 1,
                  runs[i].id.c_str(), results[i] ? "finished" : "to train", short_label(runs[i], 60).c_str(),
                  printable(runs[i].cfg.dataset).c_str(), runs[i].cfg.noise.str().c_str(),
                  thousands(runs[i].params).c_str(), runs[i].cfg.train, runs[i].cfg.val, runs[i].cfg.epochs,
                  runs[i].cfg.epochs > 1 ? "s" : "");
    // The work left, for estimates: divide by the GFLOP/s `dae bench --input <size>` reports.
    double flops = 0;
    for (size_t i = 0; i < runs.size(); ++i)
      if (!results[i])
        flops += runs[i].train_flops() + 2 * runs[i].macs * double(runs[i].cfg.val * plan.eval_noise.size());
    std::printf("work to do: %.2f TFLOP (training, validation and cross-noise tests)\n", flops / 1e12);
    return 0;
  }
  {  // the plan as run, beside the results (never over the plan file given)
    const fs::path p = fs::path(out) / "plan.json";
    std::error_code ec;
    if (!(a.has("plan") && fs::exists(p, ec) && fs::equivalent(p, a.str("plan"), ec)))
      write_file(p.string(), dump_json(plan.to_json(), 2) + "\n");
  }

  std::signal(SIGINT, on_sigint);
  size_t k = 0;
  const size_t todo = runs.size() - done;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (results[i]) continue;
    const ResolvedRun& r = runs[i];
    std::printf("[%zu/%zu] run %s  %s: %s, %s params, %zu train / %zu val, %d epoch%s\n", ++k, todo, r.id.c_str(),
                short_label(r, 80).c_str(), printable(r.cfg.dataset).c_str(), thousands(r.params).c_str(), r.cfg.train,
                r.cfg.val, r.cfg.epochs, r.cfg.epochs > 1 ? "s" : "");
    std::fflush(stdout);
    results[i] = train_run(r, data.at(r.cfg.dataset).ds, out, quiet);
    if (!results[i]) {
      std::signal(SIGINT, SIG_DFL);
      write_file((fs::path(out) / "runs.csv").string(), runs_csv(runs, results));
      std::printf("\ncancelled: run %s was not finished and is not kept; the same command resumes the sweep\n",
                  r.id.c_str());
      return 130;
    }
    const RunResult& x = *results[i];
    std::printf("    done in %s: val_loss %.4f, val_psnr %.2f dB (noisy %.2f), val_ssim %.4f (noisy %.4f)\n",
                fmt_secs(x.seconds).c_str(), x.last().val_loss, x.last().val_psnr, x.noisy.psnr, x.last().val_ssim,
                x.noisy.ssim);
    write_file((fs::path(out) / "runs.csv").string(), runs_csv(runs, results));
  }
  std::signal(SIGINT, SIG_DFL);
  write_file((fs::path(out) / "runs.csv").string(), runs_csv(runs, results));

  const std::vector<CrossEval> evals = cross_evaluate(plan, runs, results, data, out, threads);
  if (!plan.eval_noise.empty()) write_file((fs::path(out) / "cross_noise.csv").string(), cross_csv(runs, evals));
  size_t nfig = 0;
  if (figures) {
    const auto font = Font::default_font();
    for (const auto& [name, spec] : sweep_figures(plan, runs, results, evals)) {
      render_plot(spec, *font).image.save_png((fs::path(out) / "figures" / name).string());
      ++nfig;
    }
  }
  print_runs_table(runs, results);
  print_cross_table(plan, runs, evals);
  std::printf("\nwrote %s/runs.csv%s, %zu figure%s and runs/<id>/ (model, history, grid)\n", printable(out).c_str(),
              plan.eval_noise.empty() ? "" : ", cross_noise.csv", nfig, nfig == 1 ? "" : "s");
  return 0;
}

}  // namespace dae::cli
