// panel_files.cpp — the Files panel: the model in memory (what it is, download it, upload one),
// the autosave (what is kept in this browser, the storage budget, forgetting it — after asking),
// and the experiment log as CSV.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "state/app.h"

namespace app {

namespace {

// Runs whose models exist only in this page (not downloaded).
std::vector<int> unsaved_runs(const App& a) {
  std::vector<int> ids;
  for (const auto& r : a.session.runs())
    if (r.weights && !r.downloaded && (!r.history.empty() || !r.step_loss.empty())) ids.push_back(r.id);  // trained at least a step
  return ids;
}

// What the model in memory is, with its scores when known.
void model_description(const App& a) {
  const dae::ModelInfo& mi = a.status.model;
  if (mi.source == dae::ModelSource::None) {
    ImGui::TextColored(kMuted, "No model yet: train one or upload a .safetensors file.");
  } else {
    wrapped(ImGui::GetStyle().Colors[ImGuiCol_Text], mi.describe());
    shown("files_model", mi.describe(), ImGui::GetStyle().Colors[ImGuiCol_Text]);
    ImGui::TextColored(kMuted, "%s parameters · input %d×%d", fmt_int((long long)mi.params).c_str(), mi.input_h, mi.input_w);
    if (std::isfinite(mi.val_psnr)) {
      char sc[160];
      if (std::isfinite(mi.noisy_psnr))
        std::snprintf(sc, sizeof sc, "val PSNR %.2f dB (noisy %.2f), SSIM %.3f (noisy %.3f)", mi.val_psnr, mi.noisy_psnr,
                      mi.val_ssim, mi.noisy_ssim);
      else  // a file from elsewhere may not record the noisy input's scores: never "noisy nan"
        std::snprintf(sc, sizeof sc, "val PSNR %.2f dB, SSIM %.3f (the file does not say the noisy input's)",
                      mi.val_psnr, mi.val_ssim);
      ImGui::TextColored(kMuted, "%s", sc);
      shown("files_scores", sc, kMuted);
    }
  }
  mark("model_description");
}

// Download and Upload, what the last of them did, and the files' format.
void model_files(App& a) {
  const FilesState& f = a.files;
  ImGui::BeginDisabled(!a.session.has_model());
  const bool download = ImGui::Button("Download .safetensors");
  mark("download_model");
  ImGui::EndDisabled();
  if (download) download_current_model(a);
  if (a.session.has_model() && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    tooltip("Saves %s as %s", a.status.model.describe().c_str(), a.session.model_file_name().c_str());
  same_line_if_fits("Upload .safetensors…");
  if (ImGui::Button("Upload .safetensors…")) js_pick_file("model");
  mark("upload_model");
  if (!f.message.empty()) {
    wrapped(kGood, f.message);
    shown("files_message", f.message, kGood);
  }
  if (!f.error.empty()) {
    wrapped(kBad, f.error);
    shown("files_error", f.error, kBad);
  }
  wrapped(kMuted,
          "The files are the command line's format: `dae denoise --model FILE` uses a model trained here, and a model "
          "trained with `dae train --out FILE` can be uploaded here. Uploading keeps every run and its model.");
}

// Forget saved…: asks first, offering to download the run models that exist nowhere else.
void ask_forget_saved(App& a) {
  const std::vector<int> ids = unsaved_runs(a);
  std::string text = "This deletes the runs, models, notes and observations saved in this browser. What is on the "
                     "screen stays until you close the page; autosave turns off.";
  if (!ids.empty()) {
    text += "\n\n" + std::to_string(ids.size()) + " run model" + (ids.size() == 1 ? "" : "s") +
            " exist nowhere else (never downloaded): ";
    for (size_t i = 0; i < ids.size() && i < 8; ++i) text += (i ? ", #" : "#") + std::to_string(ids[i]);
    if (ids.size() > 8) text += ", …";
    text += ". Download them first, or they are lost when the page closes.";
  }
  std::vector<Confirm::Button> buttons;
  if (!ids.empty())
    buttons.push_back({"Download all", [&a, ids] {
                         for (int id : ids) download_run_model(a, id);
                         return false;
                       }});
  buttons.push_back({"Forget saved", [&a] { forget_saved(a); return true; }, true});
  buttons.push_back({"Cancel", nullptr});
  a.confirm.ask("Forget what this browser saved?", text, buttons);
}

// Save automatically, Save now, Forget saved….
void autosave_controls(App& a) {
  FilesState& f = a.files;
  if (a.browser.other_tab) {
    const std::string note = std::string("Another tab has this session and saves it; this tab saves nothing.") +
                             (unsaved_changes(a) ? " What changed here is lost when the page closes (the browser asks "
                                                   "first): download the models you want, or Take over."
                                                 : "");
    wrapped(kWarn, note);
    shown("files_other_tab", note, kWarn);
    if (ImGui::Button("Take over here…")) take_over_or_ask(a);
    mark("take_over");
  }
  bool autosave = f.autosave && !a.browser.other_tab;  // a tab without the session saves nothing
  if (ImGui::Checkbox("Save automatically", &autosave)) {
    if (autosave) save_or_ask(a, true);
    else f.autosave = false;
  }
  mark("autosave");
  same_line_if_fits("Save now");
  if (ImGui::Button("Save now")) save_or_ask(a, false);
  mark("save_now");
  same_line_if_fits("Forget saved…");
  ImGui::BeginDisabled(a.browser.other_tab);  // the saved session is another tab's
  if (ImGui::Button("Forget saved…")) ask_forget_saved(a);
  mark("forget_saved");
  ImGui::EndDisabled();
}

// When it last saved, what is not saved, and the storage notes.
void autosave_status(const App& a) {
  const FilesState& f = a.files;
  if (f.saved_time >= 0) ImGui::TextColored(kMuted, "last saved %s ago", fmt_time(a.timing.now - f.saved_time).c_str());
  else ImGui::TextColored(kMuted, "nothing saved in this session yet");
  if (unsaved_changes(a) && !a.browser.other_tab) {
    const std::string note = "Autosave is off: what changed since the last save is in this tab only, and lost when "
                             "the page closes (the browser asks first). Save now keeps it.";
    wrapped(kWarn, note);
    shown("files_unsaved", note, kWarn);
  }
  if (!f.storage_note.empty()) wrapped(kWarn, f.storage_note);
  if (!f.restore_note.empty()) wrapped(kMuted, f.restore_note);
  wrapped(kMuted, "Run models are kept in this browser up to " +
                      fmt_int(long(dae::Session::kSavedModelsBudget >> 20)) + " MB (newest first).");
}

// Export runs as CSV, and how many there are.
void experiment_log(const App& a) {
  const bool export_csv = ImGui::Button("Export runs as CSV");
  mark("export_csv_files");
  if (export_csv) {
    const std::string csv = a.session.runs_csv();
    js_download("dae-runs.csv", "text/csv", csv.data(), csv.size());
  }
  ImGui::SameLine();
  ImGui::TextColored(kMuted, "%zu run%s recorded", a.session.runs().size(), a.session.runs().size() == 1 ? "" : "s");
}

}  // namespace

void draw_files(App& a) {
  section("The model in memory");
  model_description(a);
  model_files(a);

  section("Autosave", "The runs with their models, notes, observations and settings are kept in this browser's "
                      "IndexedDB and restored when the page is opened again.");
  autosave_controls(a);
  autosave_status(a);
  draw_undo_bar(a);

  section("Experiment log");
  experiment_log(a);
}

}  // namespace app
