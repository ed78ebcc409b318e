// sweep.cpp — sweep plans, runs, identities, results, tables and figures. See sweep.h.
#include "study/sweep.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "formats/csv.h"
#include "formats/io.h"
#include "nn/model.h"
#include "formats/sha256.h"
#include "study/figures.h"
#include "train/run_setup.h"
#include "train/runs_table.h"

namespace dae {
namespace {

// "fresh-noise" → "fresh_noise"; refuses what is not a setting of a run.
std::string run_key(const std::string& key) {
  std::string k = key;
  for (char& c : k)
    if (c == '-') c = '_';
  if (k == "threads")
    throw Error("threads is not a setting of a run (results do not depend on it): give --threads to dae sweep");
  const auto& keys = TrainConfig::keys();
  if (std::find(keys.begin(), keys.end(), k) == keys.end())
    throw Error("unknown training setting '" + printable(key, 60) + "' (one of dataset, arch, noise, loss, epochs, "
                "batch, lr, train, val, seed, fresh_noise)");
  return k;
}

// Checks one value with TrainConfig::set; messages start with where the value is.
void check_value(const std::string& where, const std::string& key, const Json& v) {
  try {
    TrainConfig c;
    c.set(key, v);
  } catch (const Error& e) {
    throw Error(where + ": " + e.what());
  }
}

// A settings object with canonical keys, every value checked.
Json checked_settings(const Json& j, const std::string& where) {
  if (!j.is_object()) throw Error(where + " must be an object of settings, got " + json_kind(j));
  Json out = Json::object();
  for (const auto& [key, value] : j.items()) {
    const std::string k = run_key(key);
    if (out.contains(k)) throw Error(where + ": " + k + " is given twice");
    check_value(where + "." + k, k, value);
    out[k] = value;
  }
  return out;
}

// How a value reads in labels and tables: strings bare, numbers as JSON writes them.
std::string show(const Json& v) { return v.is_string() ? v.get<std::string>() : dump_json(v); }

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

// A string of the plan that titles or names something: at most `max` bytes.
std::string short_text(const Json& v, const std::string& what, size_t max) {
  std::string s = json_string(v, what);
  if (s.size() > max)
    throw Error(what + " is " + std::to_string(s.size()) + " bytes long; at most " + std::to_string(max) + " (it names something)");
  return s;
}

}  // namespace

// ---- plans ----------------------------------------------------------------------------------------

SweepPlan SweepPlan::from_json(const Json& j) {
  if (!j.is_object()) throw Error("a plan must be a JSON object, got " + json_kind(j));
  SweepPlan p;
  for (const auto& [key, value] : j.items()) {
    if (key == "name") p.name = short_text(value, "name", kMaxPlanName);
    else if (key == "description") p.description = short_text(value, "description", kMaxPlanDescription);
    else if (key == "settings") p.settings = checked_settings(value, "settings");
    else if (key == "runs") {
      if (!value.is_array()) throw Error("runs must be an array of objects, got " + json_kind(value));
      for (size_t i = 0; i < value.size(); ++i) p.runs.push_back(checked_settings(value[i], "runs[" + std::to_string(i) + "]"));
    } else if (key == "axes") {
      if (!value.is_object()) throw Error("axes must be an object of arrays, got " + json_kind(value));
      for (const auto& [ak, av] : value.items()) {
        SweepAxis axis;
        axis.key = run_key(ak);
        for (const auto& other : p.axes)
          if (other.key == axis.key) throw Error("axes: " + axis.key + " is given twice");
        if (!av.is_array() || av.empty()) throw Error("axes." + axis.key + " must be a non-empty array of values");
        for (size_t i = 0; i < av.size(); ++i) {
          check_value("axes." + axis.key + "[" + std::to_string(i) + "]", axis.key, av[i]);
          axis.values.push_back(av[i]);
        }
        p.axes.push_back(std::move(axis));
      }
    } else if (key == "eval_noise") {
      if (!value.is_array()) throw Error("eval_noise must be an array of noise specs, got " + json_kind(value));
      for (size_t i = 0; i < value.size(); ++i) {
        const std::string what = "eval_noise[" + std::to_string(i) + "]";
        try {
          p.eval_noise.push_back(Noise::parse(json_string(value[i], what)));
        } catch (const Error& e) {
          throw Error(std::string(e.what()).rfind(what, 0) == 0 ? e.what() : what + ": " + e.what());
        }
      }
    } else if (key == "labels") {
      if (!value.is_object()) throw Error("labels must be an object of names, got " + json_kind(value));
      for (const auto& [v, name] : value.items()) p.labels[v] = short_text(name, "labels." + printable(v, 60), kMaxLabelName);
    } else {
      throw Error("unknown plan key '" + printable(key, 60) +
                  "' (name, description, settings, runs, axes, eval_noise, labels)");
    }
  }
  return p;
}

Json SweepPlan::to_json() const {
  Json j = Json::object();
  if (!name.empty()) j["name"] = name;
  if (!description.empty()) j["description"] = description;
  j["settings"] = settings;
  if (!runs.empty()) j["runs"] = runs;
  Json a = Json::object();
  for (const auto& ax : axes) a[ax.key] = ax.values;
  j["axes"] = a;
  Json e = Json::array();
  for (const auto& n : eval_noise) e.push_back(n.str());
  j["eval_noise"] = e;
  if (!labels.empty()) {
    Json l = Json::object();
    for (const auto& [v, name] : labels) l[v] = name;
    j["labels"] = l;
  }
  return j;
}

std::string SweepPlan::shown(const Json& value) const {
  const std::string s = show(value);
  auto it = labels.find(s);
  return it == labels.end() ? s : it->second;
}

void SweepPlan::set(const std::string& key, const std::vector<Json>& values) {
  const std::string k = run_key(key);
  if (values.empty()) throw Error("no values for " + k);
  for (size_t i = 0; i < values.size(); ++i) check_value(k, k, values[i]);
  settings.erase(k);
  for (auto& r : runs) r.erase(k);
  axes.erase(std::remove_if(axes.begin(), axes.end(), [&](const SweepAxis& a) { return a.key == k; }), axes.end());
  if (values.size() == 1) settings[k] = values[0];
  else axes.push_back({k, values});
}

Json setting_value(const std::string& key, const std::string& text) {
  const std::string k = run_key(key);
  TrainConfig c;
  c.set(k, text);
  return c.to_json()[k];
}

std::vector<std::string> split_list(const std::string& text, const std::string& what) {
  std::vector<std::string> out(1);
  for (char c : text) {
    if (c == ',') out.emplace_back();
    else out.back() += c;
  }
  for (const auto& s : out)
    if (s.find_first_not_of(" \t") == std::string::npos)
      throw Error(what + ": empty item in '" + printable(text, 80) + "' (values are separated by commas)");
  return out;
}

// ---- runs ----------------------------------------------------------------------------------------

std::vector<PlannedRun> expand(const SweepPlan& plan, const TrainConfig& defaults) {
  const std::vector<Json> entries = plan.runs.empty() ? std::vector<Json>{Json::object()} : plan.runs;
  double total = double(entries.size());  // (a double cannot overflow on a silly plan)
  for (const auto& a : plan.axes) {
    if (a.values.empty()) throw Error("axes." + a.key + " has no values");
    total *= double(a.values.size());
  }
  if (total > double(kMaxSweepRuns))
    throw Error("the plan has " + fmt("%.0f", total) + " runs, more than " + std::to_string(kMaxSweepRuns) +
                ": use fewer values or axes");
  std::vector<PlannedRun> out;
  const size_t combos = size_t(total) / entries.size();
  for (const auto& entry : entries)
    for (size_t c = 0; c < combos; ++c) {
      PlannedRun r;
      r.written = plan.settings;
      for (const auto& [k, v] : entry.items()) r.written[k] = v;
      size_t rest = c;  // the last axis changes fastest
      for (size_t a = plan.axes.size(); a-- > 0;) {
        const auto& ax = plan.axes[a];
        r.written[ax.key] = ax.values[rest % ax.values.size()];
        rest /= ax.values.size();
      }
      r.cfg = defaults;
      for (const auto& [k, v] : r.written.items()) r.cfg.set(k, v);
      apply_preset_training(r.cfg, r.cfg.arch, [&](const std::string& k) { return r.written.contains(k); });
      r.cfg.validate();
      out.push_back(std::move(r));
    }
  // Labels: the values of the keys that vary.
  const std::vector<std::string> keys = varying_keys(out);
  for (auto& r : out) {
    const Json j = r.cfg.to_json();
    for (const auto& k : keys) r.label += (r.label.empty() ? "" : " ") + k + "=" + plan.shown(j[k]);
  }
  return out;
}

std::vector<std::string> varying_keys(const std::vector<PlannedRun>& runs) {
  std::vector<std::string> out;
  for (const auto& k : TrainConfig::keys()) {
    if (k == "threads") continue;
    std::set<std::string> seen;
    for (const auto& r : runs) seen.insert(dump_json(r.cfg.to_json()[k]));
    if (seen.size() > 1) out.push_back(k);
  }
  return out;
}

ResolvedRun resolve_run(const PlannedRun& run, const Dataset& ds, const std::string& fingerprint) {
  ResolvedRun r;
  r.plan = run;
  const PreparedRun p = prepare_run(run.cfg, ds, [&](const std::string& k) { return run.written.contains(k); });
  r.cfg = p.cfg;
  r.arch_name = p.model->name();
  r.params = p.model->num_params();
  r.macs = p.model->macs_per_image();
  r.h = p.train->h;
  r.w = p.train->w;
  r.identity = Json::object();
  r.identity["format"] = kSweepFormat;
  const Json cfg = r.cfg.to_json();  // (a loop over a temporary's items() would dangle)
  for (const auto& [k, v] : cfg.items()) r.identity[k] = v;
  r.identity["data"] = fingerprint;
  r.id = sha256_hex(dump_json(r.identity)).substr(0, 12);
  return r;
}

// ---- results --------------------------------------------------------------------------------------

Json result_json(const ResolvedRun& run, const RunResult& r) {
  Json j = Json::object();
  j["format"] = kSweepFormat;
  j["id"] = run.id;
  j["label"] = run.plan.label;
  j["identity"] = run.identity;
  j["params"] = uint64_t(run.params);
  j["val_loss"] = r.last().val_loss;
  j["val_psnr"] = r.last().val_psnr;
  j["val_ssim"] = r.last().val_ssim;
  j["noisy_loss"] = r.noisy.loss;
  j["noisy_psnr"] = r.noisy.psnr;
  j["noisy_ssim"] = r.noisy.ssim;
  j["seconds"] = r.seconds;
  j["history"] = history_json(r.history);
  return j;
}

std::optional<RunResult> read_result(const std::string& path, const ResolvedRun& run) {
  try {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::nullopt;
    const std::vector<uint8_t> b = read_file(path, size_t(64) << 20, "a result file");
    const Json j = parse_json(std::string(b.begin(), b.end()));
    if (json_string(json_at(j, "id", "result"), "id") != run.id) return std::nullopt;
    if (dump_json(json_at(j, "identity", "result")) != dump_json(run.identity)) return std::nullopt;
    RunResult r;
    r.noisy.loss = json_number(json_at(j, "noisy_loss", "result"), "noisy_loss");
    r.noisy.psnr = json_number(json_at(j, "noisy_psnr", "result"), "noisy_psnr");
    r.noisy.ssim = json_number(json_at(j, "noisy_ssim", "result"), "noisy_ssim");
    r.seconds = json_number(json_at(j, "seconds", "result"), "seconds");
    r.history = history_from_json(json_at(j, "history", "result"), false);
    if (r.history.empty()) return std::nullopt;
    if (int(r.history.size()) != run.cfg.epochs) return std::nullopt;  // stopped early: not finished
    return r;
  } catch (const Error&) {
    return std::nullopt;  // unreadable or half-written: not finished
  }
}

Json cross_json(const std::string& run_id, const std::vector<CrossEval>& evals) {
  Json j = Json::object();
  j["run"] = run_id;
  for (const auto& e : evals)
    j[e.noise.str()] = Json::object({{"images", uint64_t(e.result.images)},
                                     {"val_loss", e.result.loss},
                                     {"val_psnr", e.result.psnr},
                                     {"val_ssim", e.result.ssim},
                                     {"noisy_loss", e.result.noisy.loss},
                                     {"noisy_psnr", e.result.noisy.psnr},
                                     {"noisy_ssim", e.result.noisy.ssim}});
  return j;
}

std::optional<EvalResult> cross_from_json(const Json& j, const std::string& run_id, const Noise& noise) {
  const Json* run = j.is_object() ? json_find(j, "run") : nullptr;
  if (!run || !run->is_string() || run->get<std::string>() != run_id) return std::nullopt;  // another run's
  const Json* e = json_find(j, noise.str());
  if (!e) return std::nullopt;
  try {
    EvalResult r;
    r.images = size_t(json_int(json_at(*e, "images", "cross"), "images", 1, 100000000));
    r.loss = json_number(json_at(*e, "val_loss", "cross"), "val_loss");
    r.psnr = json_number(json_at(*e, "val_psnr", "cross"), "val_psnr");
    r.ssim = json_number(json_at(*e, "val_ssim", "cross"), "val_ssim");
    r.noisy.loss = json_number(json_at(*e, "noisy_loss", "cross"), "noisy_loss");
    r.noisy.psnr = json_number(json_at(*e, "noisy_psnr", "cross"), "noisy_psnr");
    r.noisy.ssim = json_number(json_at(*e, "noisy_ssim", "cross"), "noisy_ssim");
    return r;
  } catch (const Error&) {
    return std::nullopt;
  }
}

// ---- tables ---------------------------------------------------------------------------------------

std::string runs_csv(const std::vector<ResolvedRun>& runs, const std::vector<std::optional<RunResult>>& results) {
  std::vector<RunRow> rows;
  for (size_t i = 0; i < runs.size() && i < results.size(); ++i) {
    if (!results[i]) continue;
    const ResolvedRun& r = runs[i];
    RunRow row;
    row.run = r.id;
    row.label = r.plan.label;
    row.config = r.cfg;
    row.arch_name = r.arch_name;
    row.params = r.params;
    row.input_h = r.h;
    row.input_w = r.w;
    row.train = r.cfg.train;
    row.val = r.cfg.val;
    row.state = "finished";  // only finished runs have a result
    row.set_history(results[i]->history);
    row.noisy = results[i]->noisy;
    row.wall_seconds = results[i]->seconds;
    rows.push_back(std::move(row));
  }
  return runs_csv(rows);
}

std::string cross_csv(const std::vector<ResolvedRun>& runs, const std::vector<CrossEval>& evals) {
  std::string s = "id,label,train_noise,test_noise,images,val_loss,val_psnr,val_ssim,noisy_loss,noisy_psnr,noisy_ssim\n";
  for (const auto& e : evals) {
    const ResolvedRun& r = runs.at(e.run);
    const EvalResult& x = e.result;
    s += r.id + "," + csv_field(r.plan.label) + "," + csv_field(r.cfg.noise.str()) + "," + csv_field(e.noise.str()) +
         "," + std::to_string(x.images) + "," + fmt("%.9g", x.loss) + "," + fmt("%.9g", x.psnr) + "," +
         fmt("%.9g", x.ssim) + "," + fmt("%.9g", x.noisy.loss) + "," + fmt("%.9g", x.noisy.psnr) + "," +
         fmt("%.9g", x.noisy.ssim) + "\n";
  }
  return s;
}

// ---- figures --------------------------------------------------------------------------------------

namespace {

const char* kNoiseKinds[] = {"gaussian", "sp"};
std::string kind_of(const Noise& n) { return n.kind == Noise::SaltPepper ? "sp" : n.kind == Noise::Gaussian ? "gaussian" : "none"; }

std::string title(const SweepPlan& plan, const std::string& what) { return plan.name.empty() ? what : plan.name + ": " + what; }

// The noisy input's line is the palette's gray; the k-th model's line takes the other hues in
// turn, dashed in their second round, so up to 18 lines stay apart and none looks like the input.
constexpr int kNoisyColor = kGrayHue;
void model_style(Series& s, size_t k) {
  static const int hues[] = {0, 1, 2, 3, 4, 5, 6, 8, 9};
  const size_t n = sizeof hues / sizeof hues[0];
  s.color = hues[k % n];
  s.dashed = (k / n) % 2 == 1;
}

// The label of run i without `drop` (its group along one key), "" when nothing else varies.
std::string group_label(const SweepPlan& plan, const ResolvedRun& r, const std::vector<std::string>& keys,
                        const std::set<std::string>& drop) {
  std::string s;
  const Json j = r.plan.cfg.to_json();
  for (const auto& k : keys)
    if (!drop.count(k)) s += (s.empty() ? "" : " ") + k + "=" + plan.shown(j[k]);
  return s;
}

PlotSpec loss_figure(const SweepPlan& plan, const std::vector<ResolvedRun>& runs,
                     const std::vector<std::optional<RunResult>>& results) {
  PlotSpec p;
  std::set<std::string> losses;
  size_t finished = 0;
  for (size_t i = 0; i < runs.size(); ++i)
    if (results[i]) {
      ++finished;
      losses.insert(loss_name(runs[i].cfg.loss));
    }
  p.title = title(plan, "validation loss per epoch" + std::string(finished <= 10 ? " (training loss dashed)" : ""));
  p.x_label = "epoch";
  p.y_label = losses.size() == 1 ? "loss (" + *losses.begin() + ")" : "loss (bce or mse, see legend)";
  p.integer_x = true;
  int color = 0;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (!results[i]) continue;
    Series val, train;
    val.label = runs[i].plan.label.empty() ? runs[i].id : runs[i].plan.label;
    if (losses.size() > 1) val.label += " (" + std::string(loss_name(runs[i].cfg.loss)) + ")";
    for (const auto& e : results[i]->history) {
      val.x.push_back(e.epoch);
      val.y.push_back(e.val_loss);
      train.x.push_back(e.epoch);
      train.y.push_back(e.train_loss);
    }
    if (finished <= 10) {
      val.color = train.color = color;
      train.dashed = true;
      train.markers = false;
    }
    p.series.push_back(val);
    if (finished <= 10) p.series.push_back(train);
    ++color;
  }
  return p;
}

// One line, one run per value: the page's sweep chart (study/figures.h draws both), with the
// noisy input's PSNR (`base`: by dataset, then value) only when the noise is what varies.
PlotSpec one_line_figure(const PlotSpec& p, const std::string& key, const std::map<double, std::vector<double>>& psnr,
                         const std::map<std::string, std::map<double, std::vector<double>>>& base) {
  std::vector<SweepValue> values;
  for (size_t i = 0; i < p.x_categories.size(); ++i) values.push_back({p.x_categories[i], double(i), NAN, NAN});
  for (const auto& [x, ys] : psnr) {
    double noisy = NAN;
    for (const auto& [ds, by_x] : base)
      if (key == "noise" && by_x.count(x)) noisy = by_x.at(x)[0];
    if (p.x_categories.empty()) values.push_back({"", x, ys[0], noisy});
    else values[size_t(x)].psnr = ys[0], values[size_t(x)].noisy = noisy;
  }
  PlotSpec one = sweep_plot(key, values, p.log_x, !p.x_categories.empty());
  one.title = p.title;
  one.x_label = p.x_label;
  return one;
}

// Final PSNR against the values of `key`, one line per combination of the other varying keys
// (seeds averaged, each seed's point marked).
PlotSpec psnr_figure(const SweepPlan& plan, const std::vector<ResolvedRun>& runs,
                     const std::vector<std::optional<RunResult>>& results, const std::vector<std::string>& keys,
                     const std::string& key) {
  PlotSpec p;
  p.title = title(plan, "final validation PSNR against " + key);
  p.y_label = "PSNR (dB)", p.x_label = key;
  // x: numbers for numeric keys and for noise of one kind; otherwise named categories.
  const bool numeric_key = key == "lr" || key == "batch" || key == "epochs" || key == "train" || key == "val";
  std::set<std::string> kinds;
  for (const auto& r : runs) kinds.insert(kind_of(r.cfg.noise));
  const bool noise_amount = key == "noise" && kinds.size() == 1;
  std::vector<std::string> cats;
  auto x_of = [&](const ResolvedRun& r) -> double {
    if (numeric_key || noise_amount) {
      const Json j = r.plan.cfg.to_json();
      return noise_amount ? double(r.cfg.noise.amount) : j[key].get<double>();
    }
    const std::string v = plan.shown(r.plan.cfg.to_json()[key]);
    auto it = std::find(cats.begin(), cats.end(), v);
    if (it == cats.end()) {
      cats.push_back(v);
      return double(cats.size() - 1);
    }
    return double(it - cats.begin());
  };
  if (noise_amount) p.x_label = "noise amount (" + *kinds.begin() + ")";
  p.log_x = key == "lr";
  const std::set<std::string> drop = {key, "seed"};
  std::vector<std::string> groups;
  std::map<std::string, std::map<double, std::vector<double>>> psnr;
  std::map<std::string, std::map<double, std::vector<double>>> base;  // by dataset: the noisy input's PSNR
  for (size_t i = 0; i < runs.size(); ++i) {
    const double x = x_of(runs[i]);  // every run's value names a category, finished or not
    if (!results[i]) continue;
    const std::string g = group_label(plan, runs[i], keys, drop);
    if (std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
    psnr[g][x].push_back(results[i]->last().val_psnr);
    base[runs[i].cfg.dataset][x].push_back(results[i]->noisy.psnr);
  }
  if (!numeric_key && !noise_amount) p.x_categories = cats;
  const bool seeds = std::find(keys.begin(), keys.end(), "seed") != keys.end();
  if (groups.size() == 1 && !seeds) return one_line_figure(p, key, psnr[groups[0]], base);
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    const std::string& g = groups[gi];
    Series mean, points;
    mean.label = g.empty() ? "denoised" : g;
    if (seeds) mean.label += " (mean of seeds)";
    model_style(mean, gi);
    points.color = mean.color;
    points.line = false;
    for (const auto& [x, ys] : psnr[g]) {
      double m = 0;
      for (double y : ys) {
        m += y;
        points.x.push_back(x);
        points.y.push_back(y);
      }
      mean.x.push_back(x);
      mean.y.push_back(m / double(ys.size()));
    }
    if (seeds) mean.markers = false;
    p.series.push_back(mean);
    if (seeds) p.series.push_back(points);
  }
  if (key == "noise")  // the noisy input's PSNR at each level, for reference (it does not depend on the model)
    for (const auto& [ds, by_x] : base) {
      Series noisy;
      noisy.label = "noisy input" + (base.size() > 1 ? " (" + ds + ")" : std::string());
      noisy.color = kNoisyColor;
      noisy.dashed = true;
      noisy.markers = false;
      for (const auto& [x, ys] : by_x) {
        double m = 0;
        for (double y : ys) m += y;
        noisy.x.push_back(x);
        noisy.y.push_back(m / double(ys.size()));
      }
      p.series.push_back(noisy);
    }
  return p;
}

// PSNR of each model on every test noise of one kind.
PlotSpec cross_figure(const SweepPlan& plan, const std::vector<ResolvedRun>& runs, const std::vector<CrossEval>& evals,
                      const std::string& kind) {
  PlotSpec p;
  p.title = title(plan, "each model (trained on one noise) tested on other levels (" + kind + ")");
  p.x_label = "test noise amount (" + kind + ")";
  p.y_label = "PSNR (dB)";
  std::map<size_t, Series> by_run;
  std::map<std::string, Series> noisy;  // by dataset: the noisy input's PSNR
  for (const auto& e : evals) {
    if (kind_of(e.noise) != kind) continue;
    Series& s = by_run[e.run];
    const std::string& label = runs[e.run].plan.label;
    s.label = label.find("noise=") != std::string::npos ? label
                                                         : "noise=" + runs[e.run].cfg.noise.str() + (label.empty() ? "" : " " + label);
    s.x.push_back(e.noise.amount);
    s.y.push_back(e.result.psnr);
    Series& n = noisy[runs[e.run].cfg.dataset];
    if (std::find(n.x.begin(), n.x.end(), double(e.noise.amount)) == n.x.end()) {
      n.x.push_back(e.noise.amount);
      n.y.push_back(e.result.noisy.psnr);
    }
  }
  size_t k = 0;
  for (auto& [i, s] : by_run) {
    model_style(s, k++);
    p.series.push_back(s);
  }
  for (auto& [ds, n] : noisy) {
    n.label = "noisy input" + (noisy.size() > 1 ? " (" + ds + ")" : std::string());
    n.color = kNoisyColor;
    n.dashed = true;
    n.markers = false;
    p.series.push_back(n);
  }
  return p;
}

}  // namespace

std::vector<std::pair<std::string, PlotSpec>> sweep_figures(const SweepPlan& plan, const std::vector<ResolvedRun>& runs,
                                                            const std::vector<std::optional<RunResult>>& results,
                                                            const std::vector<CrossEval>& evals) {
  std::vector<std::pair<std::string, PlotSpec>> out;
  if (std::none_of(results.begin(), results.end(), [](const auto& r) { return r.has_value(); })) return out;
  out.emplace_back("loss.png", loss_figure(plan, runs, results));
  std::vector<PlannedRun> planned;
  for (const auto& r : runs) planned.push_back(r.plan);
  const std::vector<std::string> keys = varying_keys(planned);
  for (const auto& k : keys)
    if (k != "seed") out.emplace_back("psnr_vs_" + k + ".png", psnr_figure(plan, runs, results, keys, k));
  for (const char* kind : kNoiseKinds)
    if (std::any_of(evals.begin(), evals.end(), [&](const CrossEval& e) { return kind_of(e.noise) == kind; }))
      out.emplace_back(std::string("cross_noise_") + kind + ".png", cross_figure(plan, runs, evals, kind));
  return out;
}

}  // namespace dae
