// cli.h — what the subcommands of the `dae` tool share: flag parsing (Args), finding the
// bundled datasets, terminal output helpers, Ctrl-C, and the history CSV. Used by dae.cpp
// and sweep.cpp (whose command is declared at the end).
#pragma once
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "base/common.h"
#include "data/data.h"
#include "train/trainer.h"

namespace dae::cli {

// ---- flags -------------------------------------------------------------------------------------
struct Flag {
  std::string name, value_name, help, def;
  bool is_switch = false;
};

class Args {
 public:
  Args(std::string cmd, std::string summary, std::vector<Flag> flags)
      : cmd_(std::move(cmd)), summary_(std::move(summary)), flags_(std::move(flags)) {}
  // Returns false when --help was printed.
  bool parse(int argc, char** argv) {
    for (int i = 0; i < argc; ++i) {
      std::string a = argv[i];
      if (a == "--help" || a == "-h") { print_help(); return false; }
      if (a.rfind("--", 0) != 0) throw Error("unexpected argument '" + printable(a, 60) + "' (see dae " + cmd_ + " --help)");
      std::string key = a.substr(2), val;
      const size_t eq = key.find('=');
      const bool has_eq = eq != std::string::npos;
      if (has_eq) { val = key.substr(eq + 1); key = key.substr(0, eq); }
      const Flag* f = find(key);
      if (!f) throw Error("unknown flag --" + printable(key, 60) + " for 'dae " + cmd_ + "' (see dae " + cmd_ + " --help)");
      if (f->is_switch) {
        if (has_eq) throw Error("--" + key + " takes no value");
        values_[key] = "1";
        continue;
      }
      if (!has_eq) {
        if (i + 1 >= argc) throw Error("--" + key + " needs a value (" + f->value_name + ")");
        val = argv[++i];
      }
      values_[key] = val;
    }
    return true;
  }
  bool has(const std::string& k) const { return values_.count(k) > 0; }
  std::string str(const std::string& k) const {
    auto it = values_.find(k);
    if (it != values_.end()) return it->second;
    const Flag* f = find(k);
    return f ? f->def : "";
  }
  long long integer(const std::string& k, long long lo, long long hi) const {
    const std::string s = str(k);
    const bool digits = !s.empty() && s.size() <= 18 && s.find_first_not_of("0123456789") == std::string::npos;
    const long long v = digits ? std::stoll(s) : -1;
    if (!digits || v < lo || v > hi)
      throw Error("--" + k + " must be an integer between " + std::to_string(lo) + " and " + std::to_string(hi) +
                  ", got '" + printable(s, 40) + "'");
    return v;
  }
  double number(const std::string& k, double lo, double hi) const {
    const std::string s = str(k);
    char* end = nullptr;
    const double v = s.empty() || std::isspace(static_cast<unsigned char>(s[0])) ? NAN : std::strtod(s.c_str(), &end);
    if (!std::isfinite(v) || end != s.c_str() + s.size() || v < lo || v > hi)
      throw Error("--" + k + " must be a number between " + short_number(lo) + " and " + short_number(hi) +
                  ", got '" + printable(s, 40) + "'");
    return v;
  }
  // A training setting that is not part of a run (threads, bench's batch), checked against the
  // settings table's range.
  long long setting_integer(const std::string& k) const {
    const SettingInfo& st = train_setting(k);
    return integer(k, (long long)st.lo, (long long)st.hi);
  }
  // Sets every training setting given as a flag (TrainConfig::set checks each).
  void apply_to(TrainConfig& cfg) const {
    for (const auto& [k, v] : values_) {
      const std::string key = k == "fresh-noise" ? "fresh_noise" : k;
      for (const std::string& name : TrainConfig::keys())
        if (name == key) cfg.set(key, k == "fresh-noise" ? std::string("true") : v);
    }
  }
  void print_help() const {
    std::printf("usage: dae %s [flags]\n\n%s\n\nflags:\n", cmd_.c_str(), summary_.c_str());
    for (const auto& f : flags_) {
      std::string left = "--" + f.name + (f.is_switch ? "" : " " + f.value_name);
      std::printf("  %-28s %s%s\n", left.c_str(), f.help.c_str(),
                  f.def.empty() || f.is_switch ? "" : (" (default " + f.def + ")").c_str());
    }
    std::printf("  %-28s %s\n", "--help", "this help");
  }

 private:
  const Flag* find(const std::string& k) const {
    for (const auto& f : flags_)
      if (f.name == k) return &f;
    return nullptr;
  }
  std::string cmd_, summary_;
  std::vector<Flag> flags_;
  std::map<std::string, std::string> values_;
};

std::vector<Flag> flags_with(std::vector<Flag> base, const std::vector<Flag>& more);
// The flag of a training setting from the settings table: its name, placeholder, help (with
// `more` appended) and default (TrainConfig's). With `list`, the sweep's form: a LIST of values.
Flag setting_flag(const std::string& key, const std::string& more = "", bool list = false);
// --threads N, by default every core of this machine (results do not depend on it).
Flag threads_flag();

// ---- data sets -------------------------------------------------------------------------------
// Fails before any work when two of the named files are one file: an output would overwrite
// another output or an input (e.g. `train --out m --history m` lost the model to the CSV). Each
// entry is {flag, path}; entries with an empty path are skipped. An existing file is compared by
// identity (links and other spellings of it too), a new one by its absolute, normalised path.
void check_distinct_files(const std::vector<std::pair<std::string, std::string>>& named);

// --dataset, --noise, --val, --seed: what picks a run's validation images.
std::vector<Flag> data_flags();

// Dataset, noise and split for commands that use a trained model: defaults come from the
// model file's training config (parsed strictly, like any config), so `dae eval --model
// m.safetensors` scores the run's own validation set; flags override them.
struct ModelData {
  Model model;
  std::map<std::string, std::string> meta;
  TrainConfig cfg;
  std::string dataset_name;
  // The run's validation images (the split's validation part depends only on its size),
  // checked against the model's input.
  ImageSet val_set();
};
ModelData load_model_and_config(const Args& a);
// --model and data_flags() with "default: the model's training config".
std::vector<Flag> model_data_flags();

std::string exe_dir();
// Where the bundled packs are: $DAE_DATA_DIR, else the build's data folder, else <exe dir>/data.
std::string data_dir();
Dataset load_dataset(const std::string& spec);

// ---- terminal output ------------------------------------------------------------------------------
bool is_tty();
std::string fmt_secs(double s);                              // "350ms", "42s", "3m05s"
std::string bar(int done, int total, int width = 30);        // "[=====>....]"

// Ctrl-C: the first sets g_cancel (commands stop at the next batch), the second exits at once.
extern std::atomic<bool> g_cancel;
void on_sigint(int);

// epoch,train_loss,val_loss,val_psnr,val_ssim,seconds — one row per epoch (io.h: atomic).
std::string history_csv(const std::vector<EpochStats>& h);
void write_history_csv(const std::string& path, const std::vector<EpochStats>& h);

// ---- commands defined in their own files ----------------------------------------------------------
int cmd_sweep(int argc, char** argv);     // sweep.cpp
int cmd_latent(int argc, char** argv);    // latent.cpp
int cmd_notebook(int argc, char** argv);  // notebook.cpp
int cmd_figure(int argc, char** argv);    // figure.cpp

}  // namespace dae::cli
