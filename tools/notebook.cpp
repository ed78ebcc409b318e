// notebook.cpp — `dae notebook`: runs (model files, or a dae sweep folder) handed in as a Jupyter
// notebook with the models, validation images and figures next to it (core/study/notebook.h).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cli.h"
#include "formats/io.h"
#include "formats/json.h"
#include "formats/png.h"
#include "study/notebook.h"
#include "study/sweep.h"

namespace fs = std::filesystem;

namespace dae::cli {
namespace {

std::string read_text(const fs::path& p, size_t max_bytes) {
  const std::vector<uint8_t> b = read_file(p.string(), max_bytes, "a file");
  return std::string(b.begin(), b.end());
}

// A dae sweep folder: its finished runs in runs.csv's order (labelled as the sweep labels them),
// its figures (loss, then PSNR against each setting, then cross-noise) and its notes.md.
void read_sweep(const fs::path& dir, Study& s, std::string& notes) {
  if (!fs::is_regular_file(dir / "runs.csv"))
    throw Error(printable(dir.string()) + " is not a dae sweep folder (it has no runs.csv)");
  const std::string csv = read_text(dir / "runs.csv", size_t(64) << 20);
  size_t pos = csv.find('\n');  // skip the header
  while (pos != std::string::npos && pos + 1 < csv.size()) {
    const size_t end = csv.find('\n', pos + 1);
    const std::string line = csv.substr(pos + 1, end == std::string::npos ? std::string::npos : end - pos - 1);
    pos = end;
    const std::string id = line.substr(0, line.find(','));
    if (id.empty() || id.find_first_not_of("0123456789abcdef") != std::string::npos) continue;
    const fs::path run = dir / "runs" / id;
    const Json result = parse_json(read_text(run / "result.json", size_t(16) << 20));
    const Json* label = json_find(result, "label");
    s.runs.push_back(study_run_from_file((run / "model.safetensors").string(), label && label->is_string() && !label->get<std::string>().empty()
                                                                   ? label->get<std::string>() : id));
  }
  if (s.runs.empty()) throw Error("the sweep folder " + printable(dir.string()) + " has no finished runs (runs.csv)");
  std::vector<fs::path> figs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir / "figures", ec))
    if (e.is_regular_file() && e.path().extension() == ".png") figs.push_back(e.path());
  auto rank = [](const fs::path& p) {
    const std::string n = p.filename().string();
    return std::make_pair(n == "loss.png" ? 0 : n.rfind("psnr_vs_", 0) == 0 ? 1 : 2, n);
  };
  std::sort(figs.begin(), figs.end(), [&](const fs::path& a, const fs::path& b) { return rank(a) < rank(b); });
  for (const fs::path& f : figs) {
    const std::vector<uint8_t> png = read_file(f.string(), kMaxImageFile, "a figure");
    if (image_format(png.data(), png.size()) != "PNG") throw Error(printable(f.string()) + " is not a PNG file");
    s.figures.emplace_back("sweep figure " + f.filename().string(), png);
  }
  if (fs::is_regular_file(dir / "notes.md")) notes = read_text(dir / "notes.md", size_t(1) << 20);
}

}  // namespace

int cmd_notebook(int argc, char** argv) {
  Args a("notebook", "Hand runs in as a Jupyter notebook: DIR/study.ipynb (figures embedded, Keras code, runnable PyTorch\n"
                     "cells) with the models, validation images and figures its cells read next to it.",
         {{"runs", "LIST", "a dae sweep folder, or model files (comma-separated)", ""},
          {"out", "DIR", "the folder to write (created if missing)", "study"},
          {"notes", "FILE", "observations in Markdown (default: the sweep folder's notes.md)", ""},
          {"dataset", "NAME|DIR|ZIP", "where the runs' images are, when not where they were trained", ""},
          threads_flag()});
  if (!a.parse(argc, argv)) return 0;
  if (!a.has("runs")) throw Error("--runs is required: a sweep folder or model files");
  const fs::path out = a.str("out");
  if (fs::exists(out) && !fs::is_directory(out)) throw Error("--out " + printable(out.string()) + " is not a folder");
  Study s;
  std::string notes;
  const std::vector<std::string> items = split_list(a.str("runs"), "--runs");
  if (items.size() == 1 && fs::is_directory(items[0])) {
    std::error_code same;
    if (fs::equivalent(items[0], out, same))  // its figures/ would mix with the sweep's
      throw Error("--out must be another folder than the sweep's (e.g. " + printable((out / "handin").string()) + ")");
    read_sweep(items[0], s, notes);
  } else {
    for (const std::string& m : items) s.runs.push_back(study_run_from_file(m, fs::path(m).stem().string()));
  }
  if (a.has("notes")) notes = read_text(a.str("notes"), size_t(1) << 20);
  s.observations = notes;
  if (a.has("dataset"))
    for (StudyRun& r : s.runs) r.cfg.dataset = a.str("dataset");
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) throw Error("cannot create the folder " + printable(out.string()));
  // The validation images of each run (datasets loaded once).
  std::map<std::string, Dataset> datasets;
  const StudyValSet val = study_val_sets([&datasets](const std::string& name) -> const Dataset& {
    if (!datasets.count(name)) datasets.emplace(name, load_dataset(name));
    return datasets.at(name);
  });
  for (const StudyRun& r : s.runs) check_input(r.model, val(r.cfg).h, val(r.cfg).w, printable(r.cfg.dataset));
  const std::string path = write_study(out.string(), s, val, int(a.setting_integer("threads")));
  std::printf("wrote %s: %zu run%s, with models/, data/ and figures/ next to it\n", printable(path).c_str(), s.runs.size(),
              s.runs.size() == 1 ? "" : "s");
  return 0;
}

}  // namespace dae::cli
