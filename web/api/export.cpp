// export.cpp — the hand-in from the page: the runs with a trained model (the newest
// kNotebookRuns), their notes and the observations, written by the CLI's notebook writer
// (core/study/notebook.h: `dae notebook` writes the same) into the page's memory file system,
// then downloaded as one ZIP: dae-study/study.ipynb with models/, data/ and figures/ beside it,
// so that its PyTorch cells run as they are. And the panels' Save PNG buttons (the same download).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "formats/io.h"
#include "formats/zip.h"
#include "state/app.h"
#include "study/notebook.h"

namespace fs = std::filesystem;

namespace app {

namespace {

constexpr size_t kNotebookRuns = 8;
const char* kExportDir = "/tmp/dae-export";

// The study of the runs to hand in (their model files go through `dir`).
dae::Study study_of_runs(const App& a, const std::string& dir) {
  std::vector<int> ids;
  for (const dae::RunRecord& r : a.session.runs())
    if (r.weights && !r.history.empty()) ids.push_back(r.id);  // trained at least an epoch
  if (ids.empty()) throw dae::Error("no run has finished an epoch yet: train one, then export");
  if (ids.size() > kNotebookRuns) ids.erase(ids.begin(), ids.end() - kNotebookRuns);
  dae::Study s;
  for (int id : ids) {
    const std::vector<uint8_t> bytes = a.session.run_model_file(id);
    const std::string path = dir + "/run" + std::to_string(id) + ".safetensors";
    dae::write_file(path, bytes.data(), bytes.size());
    dae::StudyRun r = dae::study_run_from_file(path, "run #" + std::to_string(id));
    r.notes = a.session.run(id)->notes;
    s.runs.push_back(std::move(r));
  }
  s.observations = a.session.observations();
  return s;
}

// Every file under `root`, named "<top>/<path inside>", in name order.
std::vector<std::pair<std::string, std::vector<uint8_t>>> files_under(const std::string& root, const std::string& top) {
  std::vector<std::pair<std::string, std::vector<uint8_t>>> files;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file())
      files.emplace_back(top + "/" + fs::relative(e.path(), root).generic_string(),
                         dae::read_file(e.path().string(), size_t(1) << 30, "an exported file"));
  std::sort(files.begin(), files.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  return files;
}

}  // namespace

void export_notebook(App& a) {
  ExperimentsState& e = a.exp;
  e.export_message.clear();
  e.export_error.clear();
  std::error_code ec;
  fs::remove_all(kExportDir, ec);
  try {
    const std::string in = std::string(kExportDir) + "/in", out = std::string(kExportDir) + "/dae-study";
    fs::create_directories(in);
    fs::create_directories(out);
    const dae::Study s = study_of_runs(a, in);
    dae::write_study(out, s, dae::study_val_sets([&a](const std::string& name) -> const dae::Dataset& {
                       const dae::Dataset* d = a.session.dataset(name);
                       if (!d) throw dae::Error("the dataset '" + dae::printable(name, 60) + "' is not loaded: choose it in Data first");
                       return *d;
                     }), 1);
    const std::vector<uint8_t> zip = dae::write_zip(files_under(out, "dae-study"));
    js_download("dae-study.zip", "application/zip", zip.data(), zip.size());
    e.export_message = "Exported dae-study.zip (" + fmt_int((long long)zip.size()) + " bytes): study.ipynb with " +
                       std::to_string(s.runs.size()) + (s.runs.size() == 1 ? " run" : " runs") +
                       ", its figures, scores, code and your observations, and the models and images its PyTorch "
                       "cells read. Unzip it and open study.ipynb in Jupyter, VS Code or on GitHub.";
  } catch (const std::exception& ex) {
    e.export_error = "Export notebook: " + dae::message_of(ex);
  }
  fs::remove_all(kExportDir, ec);
}

namespace {

// The figure drawn and encoded on the helper; downloaded (or its error shown) back on this thread.
void save_figure(App& a, const std::string& id, const std::string& file, FigureJob job) {
  a.work->submit(kFigureWork, [&a, id, file, job = std::move(job)](dae::Context&) -> dae::Offload::Apply {
    std::vector<uint8_t> png;
    std::string error;
    const auto t0 = std::chrono::steady_clock::now();
    try {
      png = job(kFigureZoom);
    } catch (const std::exception& ex) {
      error = "Save PNG: " + dae::message_of(ex);
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return [&a, id, file, png = std::move(png), error, ms] {
      a.figure_saved = App::FigureSaved{id, error.empty() ? "saved " + file : error, !error.empty(), a.timing.now};
      if (!error.empty()) return;
      js_download(file, "image/png", png.data(), png.size());
      std::printf("figure: %s, %zu bytes, drawn in %.0f ms\n", file.c_str(), png.size(), ms);
    };
  });
}

}  // namespace

void save_png_button(App& a, const char* id, const std::string& what, const std::string& file,
                     const std::function<FigureJob()>& prepare) {
  App::FigureSaved& f = a.figure_saved;
  const bool mine = f.id == id, recent = mine && a.timing.now - f.when < 2.5;
  const bool busy = mine && a.work->pending(kFigureWork);
  ImGui::PushID(id);
  ImGui::BeginDisabled(busy);
  const bool click = ImGui::Button(busy                     ? "Saving…###save_png"
                                   : recent && !f.error ? "Saved###save_png"
                                                        : "Save PNG###save_png");  // a finger's size on a phone
  ImGui::EndDisabled();
  mark(std::string("save_png_") + id);
  item_role("button", -1, "Save PNG: " + what);
  if (ImGui::IsItemHovered())
    tooltip("Download %s as a PNG figure for a report or slides (%d×: twice the pixels)", what.c_str(), kFigureZoom);
  ImGui::PopID();
  if (recent && f.error) {
    ImGui::SameLine();
    ImGui::TextColored(kBad, "%s", f.text.c_str());
    shown(std::string("save_png_error_") + id, f.text, kBad);
  }
  if (!click || busy) return;
  f = App::FigureSaved{id, "", false, -1e9};  // "Saving…" until it is done
  try {
    save_figure(a, id, file, prepare());
  } catch (const std::exception& ex) {
    f = App::FigureSaved{id, "Save PNG: " + dae::message_of(ex), true, a.timing.now};
  }
}

}  // namespace app
