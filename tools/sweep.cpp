// dae sweep — trains a grid of runs (from flags or a JSON plan, core/study/sweep.h), resumes where
// it stopped, tests every model on other noise levels, and writes the tables and figures.
//
// <out>/runs.csv                 one row per finished run (final and noisy-input scores, seconds)
// <out>/cross_noise.csv          one row per (run, test noise) when --eval-noise / eval_noise is set
// <out>/plan.json                the plan as run (flags applied)
// <out>/figures/*.png            loss curves, PSNR against each varied setting, cross-noise PSNR
// <out>/runs/<id>/               model.safetensors, history.csv, grid.png, cross_noise.json and,
//                                written last, result.json: a run is finished when its
//                                result.json is complete and names the same identity, its model
//                                file is whole and says it is this run's, its history has every
//                                epoch and its grid decodes; anything else is trained (again).
// <out>/.lock                    held while a sweep writes: a second sweep on the folder refuses.
//
// Nothing inside <out> may be a symbolic link (a shared or unpacked folder could point runs/<id>
// or runs.csv anywhere, and dae would write there): the folder is checked before any work, every
// write checks its path again and never follows a link. Every obstacle (a folder where a file
// goes, a read-only file) is found before the first run trains.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>
#ifndef __EMSCRIPTEN__
#include <sys/file.h>
#endif

#include "cli.h"
#include "formats/io.h"
#include "formats/json.h"
#include "formats/png.h"
#include "formats/safetensors.h"
#include "nn/model.h"
#include "study/plot.h"
#include "study/sweep.h"
#include "train/run_setup.h"
#include "train/threadpool.h"

namespace fs = std::filesystem;

namespace dae::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct LoadedData {
  Dataset ds;
  std::string fingerprint;
};

std::vector<Flag> sweep_flags() {
  std::vector<Flag> f = {
      {"plan", "FILE", "a JSON plan: settings, runs, axes, eval_noise (README, docs/study/*.json)", ""},
      {"out", "DIR", "output folder (created; finished runs in it are kept and skipped)", "sweep"}};
  // Every run setting but threads, as a list: several values make an axis.
  for (const std::string& key : TrainConfig::keys())
    if (key != "threads")
      f.push_back(setting_flag(key, key == "arch" ? "; inside a list, separate a spec's tokens by spaces or '-'" : "",
                               true));
  return flags_with(f, {{"eval-noise", "LIST", "also test every model on these noises (train on one level, test on others)", ""},
                        threads_flag(),
                        {"no-figures", "", "skip the PNG figures", "", true},
                        {"dry-run", "", "list the runs and which are finished, train nothing", "", true},
                        {"quiet", "", "no per-epoch lines", "", true}});
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
    if (key == "threads" || !a.has(train_setting(key).flag())) continue;
    std::vector<Json> values;
    for (const std::string& v : split_list(a.str(train_setting(key).flag()), "--" + train_setting(key).flag())) {
      try {
        values.push_back(setting_value(key, v));
      } catch (const Error& e) {
        throw Error("--" + train_setting(key).flag() + ": " + e.what());
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

// Creates the folder `path` (and those above it), or says why it is not one.
void create_folder(const std::string& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (fs::is_directory(path)) return;
  std::error_code st;
  const std::string why = ec ? ec.message() : fs::exists(path, st) ? "a file of that name is in the way" : "unknown reason";
  throw Error("cannot create the folder " + printable(path) + ": " + why);
}

// The output folder (see the top of this file): paths inside it, checked writes, the lock.
class SweepFolder {
 public:
  explicit SweepFolder(std::string root) : root_(std::move(root)) {}
  SweepFolder(const SweepFolder&) = delete;
  SweepFolder& operator=(const SweepFolder&) = delete;
  ~SweepFolder() {
    if (lock_fd_ >= 0) ::close(lock_fd_);
  }
  const std::string& root() const { return root_; }
  std::string at(const std::string& rel) const { return (fs::path(root_) / rel).string(); }

  // Every path a sweep uses inside the folder: none may be a symbolic link.
  void check_links() const {
    for (const char* top : {"runs", "figures", "runs.csv", "cross_noise.csv", "plan.json", ".lock"}) {
      check_no_links(root_, at(top));
      const std::string name = top;
      if (name != "runs" && name != "figures") continue;
      std::error_code ec, sub;
      for (fs::directory_iterator it(at(top), ec), end; !ec && it != end; it.increment(ec)) {
        check_no_links(root_, it->path().string());
        if (name == "runs" && it->is_directory(sub))
          for (fs::directory_iterator f(it->path(), sub); !sub && f != end; f.increment(sub))
            check_no_links(root_, f->path().string());
      }
    }
  }

  // One sweep at a time (flock: the kernel lets go when dae exits, however it ends).
  void lock() {
#ifndef __EMSCRIPTEN__
    const std::string p = at(".lock");
    check_no_links(root_, p);
    lock_fd_ = ::open(p.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (lock_fd_ < 0) throw Error("cannot create the lock file " + printable(p) + ": " + std::strerror(errno));
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
      char pid[24] = {0};
      const ssize_t n = ::pread(lock_fd_, pid, sizeof pid - 1, 0);
      const std::string who = n > 0 && std::string(pid, size_t(n)).find_first_not_of("0123456789") == std::string::npos
                                  ? " (process " + std::string(pid, size_t(n)) + ")"
                                  : "";
      throw Error("another dae sweep is working in " + printable(root_) + who +
                  ": wait for it to finish, or choose another --out");
    }
    const std::string me = std::to_string(long(::getpid()));
    if (::ftruncate(lock_fd_, 0) != 0 || ::pwrite(lock_fd_, me.data(), me.size(), 0) != ssize_t(me.size())) {
      // The lock holds without the number in it; only the message of a second sweep is poorer.
    }
#endif
  }

  void make(const std::string& rel) const {
    check_no_links(root_, at(rel));
    create_folder(at(rel));
  }

  // Would write() of `rel` work? (Before training: an obstacle is found before the work.)
  void check_writable(const std::string& rel) const {
    check_no_links(root_, at(rel));
    std::error_code ec;
    if (fs::exists(fs::path(at(rel)).parent_path(), ec)) check_output_path(at(rel), Links::refuse);
  }

  void write(const std::string& rel, const void* p, size_t n) const {
    check_no_links(root_, at(rel));
    write_file(at(rel), p, n, Links::refuse);
  }
  void write(const std::string& rel, std::string_view text) const { write(rel, text.data(), text.size()); }
  void write(const std::string& rel, const std::vector<uint8_t>& b) const { write(rel, b.data(), b.size()); }

 private:
  std::string root_;
  int lock_fd_ = -1;
};

std::string run_dir(const ResolvedRun& r) { return "runs/" + r.id; }
const char* const kRunFiles[] = {"model.safetensors", "history.csv", "grid.png", "cross_noise.json", "result.json"};

// A finished run's result (see the top of this file), or nothing.
std::optional<RunResult> finished(const SweepFolder& f, const ResolvedRun& r) {
  const std::string dir = run_dir(r) + "/";
  std::optional<RunResult> res = read_result(f.at(dir + "result.json"), r);
  if (!res) return std::nullopt;
  try {
    const SafeTensors st = load_safetensors(f.at(dir + "model.safetensors"));  // whole, or it throws
    const auto it = st.metadata.find("sweep_run");
    if (it == st.metadata.end() || it->second != r.id) return std::nullopt;  // another run's model
    const auto h = read_file(f.at(dir + "history.csv"), size_t(16) << 20, "a history file");
    if (std::count(h.begin(), h.end(), '\n') != r.cfg.epochs + 1) return std::nullopt;
    int gh = 0, gw = 0;
    read_gray_png(f.at(dir + "grid.png"), gh, gw, 4096);
  } catch (const Error&) {
    return std::nullopt;  // missing, damaged or another run's: trained again
  }
  return res;
}

// The run's label for the terminal: escaped, at most about `width` bytes, cut between characters.
std::string short_label(const ResolvedRun& r, size_t width) {
  return printable(r.plan.label.empty() ? "(one run)" : r.plan.label, width - 3);
}

// Trains one run; returns nothing when Ctrl-C stopped it (nothing of it is kept then).
std::optional<RunResult> train_run(const ResolvedRun& r, const Dataset& ds, const SweepFolder& out, bool quiet) {
  const auto t0 = Clock::now();
  PreparedRun p = prepare_run(r.cfg, ds, [](const std::string&) { return true; });  // sizes as resolved
  Model& model = *p.model;
  Trainer trainer(model, *p.train, *p.val, r.cfg);
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
  // The model (saying whose it is), its history and its grid first; result.json last: it marks
  // the run finished.
  const std::string dir = run_dir(r) + "/";
  out.make(dir);
  std::map<std::string, std::string> meta = trainer.metadata();
  meta["sweep_run"] = r.id;
  out.write(dir + "model.safetensors", safetensors_bytes(model.to_safetensors(meta)));
  out.write(dir + "history.csv", history_csv(res.history));
  int gh = 0, gw = 0;
  const auto grid = denoise_grid(model, *p.val, r.cfg.noise, r.cfg.seed, int(std::min<size_t>(10, p.val->size())), 3, gh, gw);
  out.write(dir + "grid.png", encode_png_gray(grid.data(), gh, gw));
  out.write(dir + "result.json", dump_json(result_json(r, res), 2) + "\n");
  return res;
}

// Every finished run on every test noise, reusing runs/<id>/cross_noise.json; the model is
// read back from its file, so the numbers are those `dae eval --model … --noise …` prints.
std::vector<CrossEval> cross_evaluate(const SweepPlan& plan, const std::vector<ResolvedRun>& runs,
                                      const std::vector<std::optional<RunResult>>& results,
                                      std::map<std::string, LoadedData>& data, const SweepFolder& out, int threads) {
  std::vector<CrossEval> evals;
  if (plan.eval_noise.empty()) return evals;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (!results[i]) continue;
    const ResolvedRun& r = runs[i];
    const std::string cache_path = run_dir(r) + "/cross_noise.json";
    Json cache = Json::object();
    try {
      const auto b = read_file(out.at(cache_path), size_t(16) << 20, "a cache file");
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
      if (auto c = cross_from_json(cache, r.id, n)) {
        e.result = *c;
      } else {
        if (!model) {
          model = Model::load(out.at(run_dir(r) + "/model.safetensors"));
          ImageSet train;
          val.emplace();
          make_split(data.at(r.cfg.dataset).ds, 1, r.cfg.val, train, *val);
        }
        e.result = evaluate(*model, *val, n, r.cfg.seed, r.cfg.loss, threads);
        computed = true;
      }
      mine.push_back(e);
    }
    if (computed) out.write(cache_path, dump_json(cross_json(r.id, mine), 2) + "\n");
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

// Before any training: the output folder (no links in it, ours alone), its subfolders, the
// font, and the files every sweep writes.
void prepare_folder(SweepFolder& folder, const std::string& out, bool dry, bool figures) {
  if (!dry) create_folder(out);
  folder.check_links();
  if (dry) return;
  folder.lock();
  folder.make("runs");
  for (const char* f : {"runs.csv", "plan.json", "cross_noise.csv"}) folder.check_writable(f);
  if (figures) {
    folder.make("figures");
    Font::default_font();
  }
}

// Every planned run bound to its data (each dataset loaded once and described), runs that are
// the same run (same id) left out.
struct Resolved {
  std::vector<ResolvedRun> runs;
  size_t duplicates = 0;
};
Resolved resolve_all(const std::vector<PlannedRun>& planned, std::map<std::string, LoadedData>& data) {
  Resolved out;
  std::set<std::string> seen;       // ids, for duplicates in the plan
  std::vector<std::string> loaded;  // what each dataset is, printed once every run resolved
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
    if (!seen.insert(r.id).second) {
      ++out.duplicates;
      continue;
    }
    out.runs.push_back(std::move(r));
  }
  for (const auto& line : loaded) std::printf("%s\n", line.c_str());
  return out;
}

// --dry-run: the runs, which are finished, and the work left.
void print_dry_run(const SweepPlan& plan, const std::vector<ResolvedRun>& runs,
                   const std::vector<std::optional<RunResult>>& results) {
  for (size_t i = 0; i < runs.size(); ++i)
    std::printf(" %-3zu %-12s  %-8s  %s  (%s, %s, %s params, %zu train / %zu val, %d epoch%s)\n", i + 1,
                runs[i].id.c_str(), results[i] ? "finished" : "to train", short_label(runs[i], 60).c_str(),
                printable(runs[i].cfg.dataset).c_str(), runs[i].cfg.noise.str().c_str(),
                thousands(runs[i].params).c_str(), runs[i].cfg.train, runs[i].cfg.val, runs[i].cfg.epochs,
                runs[i].cfg.epochs > 1 ? "s" : "");
  // The work left, for estimates: divide by the GFLOP/s `dae bench --input <size>` reports.
  double flops = 0;
  for (size_t i = 0; i < runs.size(); ++i)
    if (!results[i]) flops += runs[i].train_flops() + 2 * runs[i].macs * double(runs[i].cfg.val * plan.eval_noise.size());
  std::printf("work to do: %.2f TFLOP (training, validation and cross-noise tests)\n", flops / 1e12);
}

// A file or folder in the way of a run to train is an error before anything trains.
void check_run_folders(const SweepFolder& folder, const std::vector<ResolvedRun>& runs,
                       const std::vector<std::optional<RunResult>>& results) {
  for (size_t i = 0; i < runs.size(); ++i) {
    if (results[i]) continue;
    const std::string dir = run_dir(runs[i]);
    std::error_code ec;
    try {
      if (fs::exists(folder.at(dir), ec) && !fs::is_directory(folder.at(dir), ec))
        throw Error(printable(folder.at(dir)) + " is in the way: it should be the run's folder");
      for (const char* f : kRunFiles) folder.check_writable(dir + "/" + f);
    } catch (const Error& e) {
      throw Error("run " + runs[i].id + " cannot be saved: " + e.what() + " (nothing was trained)");
    }
  }
}

// Trains the unfinished runs one after another, runs.csv rewritten after each. False when
// Ctrl-C stopped one (it is not kept; the same command resumes).
bool train_all(const std::vector<ResolvedRun>& runs, std::vector<std::optional<RunResult>>& results,
               const std::map<std::string, LoadedData>& data, const SweepFolder& folder, bool quiet) {
  std::signal(SIGINT, on_sigint);
  size_t k = 0;
  const size_t todo = size_t(std::count(results.begin(), results.end(), std::nullopt));
  for (size_t i = 0; i < runs.size(); ++i) {
    if (results[i]) continue;
    const ResolvedRun& r = runs[i];
    std::printf("[%zu/%zu] run %s  %s: %s, %s params, %zu train / %zu val, %d epoch%s\n", ++k, todo, r.id.c_str(),
                short_label(r, 80).c_str(), printable(r.cfg.dataset).c_str(), thousands(r.params).c_str(), r.cfg.train,
                r.cfg.val, r.cfg.epochs, r.cfg.epochs > 1 ? "s" : "");
    std::fflush(stdout);
    results[i] = train_run(r, data.at(r.cfg.dataset).ds, folder, quiet);
    if (!results[i]) {
      std::signal(SIGINT, SIG_DFL);
      folder.write("runs.csv", runs_csv(runs, results));
      std::printf("\ncancelled: run %s was not finished and is not kept; the same command resumes the sweep\n",
                  r.id.c_str());
      return false;
    }
    const RunResult& x = *results[i];
    std::printf("    done in %s: val_loss %.4f, val_psnr %.2f dB (noisy %.2f), val_ssim %.4f (noisy %.4f)\n",
                fmt_secs(x.seconds).c_str(), x.last().val_loss, x.last().val_psnr, x.noisy.psnr, x.last().val_ssim,
                x.noisy.ssim);
    folder.write("runs.csv", runs_csv(runs, results));
  }
  std::signal(SIGINT, SIG_DFL);
  folder.write("runs.csv", runs_csv(runs, results));
  return true;
}

// The figures of the sweep under figures/; returns how many.
size_t write_figures(const SweepPlan& plan, const std::vector<ResolvedRun>& runs,
                     const std::vector<std::optional<RunResult>>& results, const std::vector<CrossEval>& evals,
                     const SweepFolder& folder) {
  size_t n = 0;
  const auto font = Font::default_font();
  for (const auto& [name, spec] : sweep_figures(plan, runs, results, evals)) {
    folder.write("figures/" + name, render_plot(spec, *font).image.png());
    ++n;
  }
  return n;
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
  const int threads = int(a.setting_integer("threads"));
  const std::string out = a.str("out");
  const bool quiet = a.has("quiet"), figures = !a.has("no-figures"), dry = a.has("dry-run");
  TrainConfig defaults;
  defaults.threads = threads;
  const std::vector<PlannedRun> planned = expand(plan, defaults);

  SweepFolder folder(out);
  prepare_folder(folder, out, dry, figures);
  std::map<std::string, LoadedData> data;
  const Resolved resolved = resolve_all(planned, data);
  const std::vector<ResolvedRun>& runs = resolved.runs;
  std::vector<std::optional<RunResult>> results(runs.size());
  size_t done = 0;
  for (size_t i = 0; i < runs.size(); ++i)
    if ((results[i] = finished(folder, runs[i]))) ++done;
  const size_t dup = resolved.duplicates;
  std::printf("sweep%s%s: %zu run%s (%zu finished, %zu to train)%s → %s\n", plan.name.empty() ? "" : " ",
              printable(plan.name).c_str(), runs.size(), runs.size() == 1 ? "" : "s", done, runs.size() - done,
              dup ? (", " + std::to_string(dup) + " duplicate" + (dup > 1 ? "s" : "") + " left out").c_str() : "",
              printable(out).c_str());
  if (dry) {
    print_dry_run(plan, runs, results);
    return 0;
  }
  check_run_folders(folder, runs, results);
  {  // the plan as run, beside the results (never over the plan file given)
    const std::string p = folder.at("plan.json");
    std::error_code ec;
    if (!(a.has("plan") && fs::exists(p, ec) && fs::equivalent(p, a.str("plan"), ec)))
      folder.write("plan.json", dump_json(plan.to_json(), 2) + "\n");
  }
  if (!train_all(runs, results, data, folder, quiet)) return 130;

  const std::vector<CrossEval> evals = cross_evaluate(plan, runs, results, data, folder, threads);
  if (!plan.eval_noise.empty()) folder.write("cross_noise.csv", cross_csv(runs, evals));
  print_runs_table(runs, results);
  print_cross_table(plan, runs, evals);
  const size_t nfig = figures ? write_figures(plan, runs, results, evals, folder) : 0;
  std::printf("\nwrote %s/runs.csv%s, %zu figure%s and runs/<id>/ (model, history, grid)\n", printable(out).c_str(),
              plan.eval_noise.empty() ? "" : ", cross_noise.csv", nfig, nfig == 1 ? "" : "s");
  return 0;
}

}  // namespace dae::cli
