// cli.cpp — helpers shared by the subcommands. See cli.h.
#include "cli.h"

#include <csignal>
#include <filesystem>

#include <unistd.h>

#include "formats/io.h"
#include "formats/json.h"
#include "train/threadpool.h"

namespace fs = std::filesystem;

namespace dae::cli {

std::vector<Flag> flags_with(std::vector<Flag> base, const std::vector<Flag>& more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

Flag setting_flag(const std::string& key, const std::string& more, bool list) {
  const SettingInfo& st = train_setting(key);
  Flag f{st.flag(), st.value_name, st.help + more, TrainConfig().text(key)};
  if (list) {
    f.value_name = "LIST";
    f.def.clear();
  } else if (st.kind == SettingKind::Bool) {
    f.is_switch = true;
    f.def.clear();
  }
  return f;
}

Flag threads_flag() {
  Flag f = setting_flag("threads");
  f.def = std::to_string(ThreadPool::hardware_threads());
  return f;
}

void check_distinct_files(const std::vector<std::pair<std::string, std::string>>& named) {
  auto same = [](const std::string& a, const std::string& b) {
    std::error_code ea, eb, ec;
    if (fs::exists(a, ea) && fs::exists(b, eb)) return fs::equivalent(a, b, ec) && !ec;
    return fs::weakly_canonical(fs::absolute(a, ea), ea).lexically_normal() ==
           fs::weakly_canonical(fs::absolute(b, eb), eb).lexically_normal();
  };
  for (size_t i = 0; i < named.size(); ++i)
    for (size_t j = i + 1; j < named.size(); ++j)
      if (!named[i].second.empty() && !named[j].second.empty() && same(named[i].second, named[j].second))
        throw Error("--" + named[i].first + " and --" + named[j].first + " name the same file (" +
                    printable(named[j].second) + "): one would overwrite the other");
}

std::vector<Flag> data_flags() {
  return {setting_flag("dataset"), setting_flag("noise"),
          setting_flag("val", "; dae train cuts the default to what the dataset holds"), setting_flag("seed")};
}

ImageSet ModelData::val_set() {
  Dataset ds = load_dataset(cfg.dataset);
  dataset_name = printable(ds.name);
  ImageSet train, val;
  make_split(ds, 1, cfg.val, train, val);
  check_input(model, val.h, val.w, dataset_name);
  return val;
}

ModelData load_model_and_config(const Args& a) {
  if (!a.has("model")) throw Error("--model FILE is required");
  ModelData md;
  md.model = Model::load(a.str("model"), &md.meta);
  auto it = md.meta.find("config");
  if (it != md.meta.end()) {
    try {
      md.cfg = TrainConfig::from_json(parse_json(it->second));
    } catch (const Error& e) {
      const bool all_given = a.has("dataset") && a.has("noise") && a.has("val") && a.has("seed");
      if (!all_given)
        throw Error("model file " + printable(a.str("model")) + ": its training config is damaged (" + e.what() +
                    "); pass --dataset, --noise, --val and --seed yourself");
    }
  }
  for (const char* k : {"dataset", "noise", "val", "seed"})
    if (a.has(k)) md.cfg.set(k, a.str(k));
  return md;
}

std::vector<Flag> model_data_flags() {
  std::vector<Flag> f = {{"model", "FILE", "a model saved by dae train or the web app", ""}};
  for (Flag d : data_flags()) {
    d.help += "; default: the model's training config";
    d.def.clear();
    f.push_back(d);
  }
  return f;
}

std::string exe_dir() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : p.parent_path().string();
}

std::string data_dir() {
  if (const char* d = std::getenv("DAE_DATA_DIR")) return d;
#ifdef DAE_DEFAULT_DATA_DIR
  if (fs::exists(DAE_DEFAULT_DATA_DIR)) return DAE_DEFAULT_DATA_DIR;
#endif
  return exe_dir() + "/data";
}

Dataset load_dataset(const std::string& spec) { return resolve_dataset(spec, data_dir()); }

bool is_tty() { return isatty(fileno(stdout)); }

std::string fmt_secs(double s) {
  char b[32];
  if (s < 1) std::snprintf(b, sizeof b, "%.0fms", s * 1000);
  else if (s < 120) std::snprintf(b, sizeof b, "%.0fs", s);
  else std::snprintf(b, sizeof b, "%dm%02ds", int(s) / 60, int(s) % 60);
  return b;
}

std::string bar(int done, int total, int width) {
  const int fill = total ? int(double(done) / total * width) : width;
  std::string s = "[";
  for (int i = 0; i < width; ++i) s += i < fill ? '=' : (i == fill ? '>' : '.');
  return s + "]";
}

std::atomic<bool> g_cancel{false};
void on_sigint(int) {
  if (g_cancel) std::_Exit(130);  // second Ctrl-C: leave now
  g_cancel = true;
}

std::string history_csv(const std::vector<EpochStats>& h) {
  std::string csv = "epoch,train_loss,val_loss,val_psnr,val_ssim,seconds\n";
  char b[256];
  for (const auto& e : h) {
    std::snprintf(b, sizeof b, "%d,%.6f,%.6f,%.4f,%.5f,%.3f\n", e.epoch, e.train_loss, e.val_loss, e.val_psnr,
                  e.val_ssim, e.seconds);
    csv += b;
  }
  return csv;
}

void write_history_csv(const std::string& path, const std::vector<EpochStats>& h) { write_file(path, history_csv(h)); }

}  // namespace dae::cli
