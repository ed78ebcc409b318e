// sweep.h — a grid of training runs: the plan (JSON, or the CLI's flags), its expansion into
// runs, each run's identity (what its result depends on, hashed into a run id), finished
// results as files, the CSV tables and the figures of a sweep. `dae sweep` (tools/sweep.cpp)
// trains the runs. The page reads sweep values with split_list; its one-axis sweeps are its
// own (core/app/session.h: Sweep) and do not use plans yet.
//
// A plan, as JSON (docs/study/*.json are examples):
//
//   {
//     "name": "depth",                                    optional: a title for tables and figures
//     "description": "…",                                 optional: what the plan is for
//     "settings": {"dataset": "dhcd", "epochs": 5},       fixed settings (TrainConfig keys)
//     "runs": [{"arch": "seed"}, {"arch": "dense", "lr": 0.003}],   optional: explicit runs
//     "axes": {"noise": ["gaussian:0.3", "gaussian:0.5"], "seed": [0, 1]},   crossed, first outermost
//     "eval_noise": ["gaussian:0.1", "gaussian:0.3", "sp:0.1"],             optional: test every model on these
//     "labels": {"conv16 pool | up conv1:sigmoid": "tiny"}                  optional: short names of values
//   }
//
// The runs are every entry of "runs" (default: one empty entry) × every combination of the
// axes' values; a run's config is TrainConfig's defaults ← settings ← its "runs" entry ← its
// axis values. Every value goes through TrainConfig::set, so ranges are checked in one place,
// before anything trains. Keys: dataset arch noise loss epochs batch lr train val seed
// fresh_noise (threads is not a setting of a run: results do not depend on it).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "data/data.h"
#include "formats/json.h"
#include "study/plot.h"
#include "train/trainer.h"

namespace dae {

constexpr const char* kSweepFormat = "dae-sweep-1";  // part of every run's identity
constexpr size_t kMaxSweepRuns = 1000;
constexpr size_t kMaxPlanName = 200, kMaxLabelName = 100, kMaxPlanDescription = 10000;  // bytes

struct SweepAxis {
  std::string key;
  std::vector<Json> values;
};

struct SweepPlan {
  std::string name, description;
  Json settings = Json::object();
  std::vector<Json> runs;  // objects of settings; empty means one run of `settings`
  std::vector<SweepAxis> axes;
  std::vector<Noise> eval_noise;
  // Short names for long values in labels, legends and axes ({"<value as written>": "name"}):
  // an architecture spec reads better as "6 per side".
  std::map<std::string, std::string> labels;
  std::string shown(const Json& value) const;  // the value's name, else as written (strings bare)

  // Strict: unknown keys, a key that is not a run setting, an axis without values, a value
  // of the wrong kind or out of range are errors ("runs[1].lr: learning rate (lr) must be …").
  static SweepPlan from_json(const Json& j);
  Json to_json() const;
  // Sets `key` for every run, replacing whatever the plan said about it: one value becomes a
  // setting, several an axis (the CLI's flags: --lr 1e-3,3e-3).
  void set(const std::string& key, const std::vector<Json>& values);
};

// A flag's text for a run setting as the JSON value TrainConfig would store ("1e-3" → 0.001,
// "Gaussian: .5" → "gaussian:0.5", "true" → true); `key` may use '-' or '_'. Throws dae::Error.
Json setting_value(const std::string& key, const std::string& text);
// "a,b,c" → ["a", "b", "c"] (empty items are an error).
std::vector<std::string> split_list(const std::string& text, const std::string& what);

struct PlannedRun {
  TrainConfig cfg;                // defaults ← settings ← runs entry ← axis values
  Json written = Json::object();  // every key the plan set for this run, as written
  std::string label;              // "arch=deep noise=gaussian:0.3": the keys that vary in the plan
};
// Every run of the plan, in order (first axis outermost). `defaults` supplies what the plan
// leaves out. Throws dae::Error on a bad value or more than kMaxSweepRuns runs.
std::vector<PlannedRun> expand(const SweepPlan& plan, const TrainConfig& defaults);
// The keys whose written values differ between runs, in TrainConfig::keys() order.
std::vector<std::string> varying_keys(const std::vector<PlannedRun>& runs);

// A run bound to its data: sizes as trained (defaults fitted to the dataset, "0 = all"
// resolved), the architecture's canonical spec, and the identity.
struct ResolvedRun {
  PlannedRun plan;
  TrainConfig cfg;
  std::string arch_name;  // the architecture's preset name or "custom"
  Json identity;   // {"format", every TrainConfig key but threads, "data": dataset_fingerprint}
  std::string id;  // the first 12 hex digits of SHA-256(dump_json(identity))
  size_t params = 0;
  double macs = 0;  // forward multiply–accumulates for one image (Model::macs_per_image)
  int h = 0, w = 0;
  // Floating-point operations of training it, 2 per multiply–accumulate: every epoch a training
  // image costs a forward and a backward pass (counted as 3 forwards, as `dae bench` counts its
  // GFLOP/s) and a validation image one forward. Divided by bench's GFLOP/s: a time estimate.
  double train_flops() const { return 2 * macs * cfg.epochs * (3.0 * double(cfg.train) + double(cfg.val)); }
};
// Throws dae::Error (bad architecture for the images, too many images, a model too large).
// `fingerprint` is dataset_fingerprint(ds) (computed once per dataset by the caller).
ResolvedRun resolve_run(const PlannedRun& run, const Dataset& ds, const std::string& fingerprint);

// What a finished run produced.
struct RunResult {
  std::vector<EpochStats> history;  // one entry per epoch (never empty)
  Baseline noisy;                   // the noisy input on the validation set
  double seconds = 0;               // wall time of the run
  const EpochStats& last() const { return history.back(); }
};
// result.json: the run's id, identity, label, parameter count, final and baseline numbers,
// seconds and history. A sweep writes it last, after the model, so its presence means done.
Json result_json(const ResolvedRun& run, const RunResult& r);
// The result in `path` if it is a complete result of exactly this run (same id and identity),
// else nothing (missing, unreadable, half-written or another run's: the run is not finished).
std::optional<RunResult> read_result(const std::string& path, const ResolvedRun& run);

// One model tested on one noise (train on one level, test on another).
struct CrossEval {
  size_t run = 0;  // index into the runs
  Noise noise;
  EvalResult result;
};
// Cached evaluations of one run (runs/<id>/cross_noise.json): {"run": id, "gaussian:0.3": {…}, …}.
// A cache naming another run (a copied file) gives nothing: its numbers are computed again.
Json cross_json(const std::string& run_id, const std::vector<CrossEval>& evals);
std::optional<EvalResult> cross_from_json(const Json& j, const std::string& run_id, const Noise& noise);

// The tables. runs.csv: one row per finished run, in the columns of the page's runs table
// (train/runs_table.h; a sweep leaves threads, improved, collapsed, compute_seconds and notes
// empty); cross_noise.csv: one row per (run, noise).
std::string runs_csv(const std::vector<ResolvedRun>& runs, const std::vector<std::optional<RunResult>>& results);
std::string cross_csv(const std::vector<ResolvedRun>& runs, const std::vector<CrossEval>& evals);

// The figures of a sweep, as (file name, plot): loss.png (validation loss per epoch of every
// run, training loss dashed), psnr_vs_<key>.png for each varying key (final PSNR against its
// value, one line per combination of the other varying keys, and the noisy input's PSNR
// when the key is the noise), cross_noise_<kind>.png (PSNR against the test noise level, one
// line per model, plus the noisy input). Unfinished runs are left out.
std::vector<std::pair<std::string, PlotSpec>> sweep_figures(const SweepPlan& plan, const std::vector<ResolvedRun>& runs,
                                                            const std::vector<std::optional<RunResult>>& results,
                                                            const std::vector<CrossEval>& evals);

}  // namespace dae
