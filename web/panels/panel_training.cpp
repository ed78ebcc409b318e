// panel_training.cpp — the Training panel: settings (values out of range are clamped to the
// settings table's range and say so), threads, Train / Pause / Resume / Stop / From scratch,
// wall-clock progress, the run's scores (green only when both PSNR and SSIM improved; a
// collapse is flagged), and what to try next.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "state/app.h"
#include "imgui_stdlib.h"

namespace app {

namespace {

// The settings' two columns (one when the panel is narrow): where labels and fields start.
struct Columns {
  bool two = false;
  float lab = 0, col2 = 0, field = 0;
  Columns() {
    const float avail = ImGui::GetContentRegionAvail().x;
    two = avail >= 370;
    lab = ImGui::CalcTextSize("Threads").x + 14;
    col2 = two ? std::floor(avail * 0.5f) + 6 : 0;
    field = two ? col2 - lab - 18 : avail - lab;
  }
  void first(const char* text) const {
    label(text, 0);
    ImGui::SetCursorPosX(lab);
  }
  void next(const char* text) const {
    if (two) ImGui::SameLine();
    label(text, two ? col2 : 0);
    ImGui::SetCursorPosX((two ? col2 : 0) + lab);
  }
};

// The field of an integer setting (`key` in the settings table): a value out of the table's
// range is clamped, with a note beside it.
void integer_field(App& a, const char* key, int64_t* v, float width) {
  const dae::SettingInfo& st = dae::train_setting(key);
  ImGui::SetNextItemWidth(width);
  int64_t x = *v;
  const int64_t step = 1, fast = 10;
  next_item_role("textbox", std::to_string(x));
  if (ImGui::InputScalar((std::string("##") + key).c_str(), ImGuiDataType_S64, &x, &step, &fast)) {
    const int64_t c = int64_t(st.clamp(double(x)));
    if (c != x) {
      char b[200];
      std::snprintf(b, sizeof b, "%s %lld is out of range: set to %lld (%s)", st.label, (long long)x, (long long)c,
                    st.range().c_str());
      a.editor.notes.set(key, b, a.timing.now);
    }
    *v = c;
  }
}

// The learning rate: applied on Enter or when the field is left; above the range it is
// clamped, at or below zero (or not a number) the rate in use is kept — both say so.
void rate_field(App& a, float width) {
  dae::TrainConfig& c = a.editor.cfg;
  const dae::SettingInfo& st = dae::train_setting("lr");
  ImGui::SetNextItemWidth(width);
  double lr = c.lr;
  char shown_lr[32];
  std::snprintf(shown_lr, sizeof shown_lr, "%.2g", lr);
  next_item_role("textbox", shown_lr);
  if (ImGui::InputDouble("##lr", &lr, 0, 0, "%.2g", ImGuiInputTextFlags_EnterReturnsTrue) ||
      (ImGui::IsItemDeactivatedAfterEdit())) {
    const double cl = st.clamp(lr);
    if (cl != lr) {
      char b[200];
      std::snprintf(b, sizeof b, "%s %g is out of range: %s %g (a number %s)", st.label, lr,
                    std::isnan(cl) ? "kept" : "set to", std::isnan(cl) ? c.lr : cl, st.range().c_str());
      a.editor.notes.set("lr", b, a.timing.now);
    }
    if (!std::isnan(cl)) c.lr = cl;
  }
  mark("field_lr");
  if (ImGui::IsItemHovered()) tooltip("%s; Enter applies it", st.help);
}

// Epochs, batch, rate, loss, seed and fresh noise.
void settings_section(App& a, const Columns& col) {
  dae::TrainConfig& c = a.editor.cfg;
  col.first("Epochs");
  int64_t epochs = c.epochs;
  integer_field(a, "epochs", &epochs, col.field);
  c.epochs = int(epochs);
  mark("field_epochs");
  col.next("Batch");
  ImGui::SetNextItemWidth(col.two ? -1 : col.field);
  static const int batches[] = {8, 16, 32, 64, 128, 256, 512};
  next_item_role("combobox", std::to_string(c.batch));
  if (ImGui::BeginCombo("##batch", std::to_string(c.batch).c_str())) {
    for (int b : batches)
      if (choice(std::to_string(b).c_str(), b == c.batch)) c.batch = b;
    ImGui::EndCombo();
  }
  a.editor.notes.show("epochs", a.timing.now);

  col.first("Rate");
  rate_field(a, col.field);
  col.next("Loss");
  int loss = c.loss == dae::LossKind::BCE ? 0 : 1;
  if (ImGui::RadioButton("BCE", &loss, 0)) c.loss = dae::LossKind::BCE;
  item_role("radio", loss == 0);
  ImGui::SameLine();
  if (ImGui::RadioButton("MSE", &loss, 1)) c.loss = dae::LossKind::MSE;
  item_role("radio", loss == 1);
  a.editor.notes.show("lr", a.timing.now);

  col.first("Seed");
  int64_t seed = int64_t(c.seed);
  integer_field(a, "seed", &seed, col.field);
  c.seed = uint64_t(seed);
  if (col.two) ImGui::SameLine(col.col2);
  ImGui::Checkbox("new noise each epoch", &c.fresh_noise);
  a.editor.notes.show("seed", a.timing.now);
}

// Threads for the next run (fixed while one runs).
void threads_section(App& a, const Columns& col) {
  col.first("Threads");
  const int most = max_threads(a);
  ImGui::BeginDisabled(most == 1 || a.session.training() || a.session.paused());
  slider_int("##threads", &a.threads, 1, std::max(2, most), most == 1 ? "1" : "%d", col.field);
  a.threads = std::clamp(a.threads, 1, most);
  ImGui::EndDisabled();
  mark("field_threads");
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    if (!a.browser.threaded_build)
      tooltip("One thread: %s. Served with COOP/COEP headers (tools/serve.py) the page trains on every core.",
                        a.browser.single_reason.c_str());
    else
      tooltip("Worker threads for the next run (this device has %d cores); results do not depend on it.",
                        a.browser.hardware_threads);
  }
}

// Train, Pause/Resume, Stop, From scratch.
void buttons_section(App& a) {
  ImGui::Spacing();
  const bool busy = a.session.training() || a.session.paused();
  ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.20f, 0.45f, 0.30f, 1.f));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.26f, 0.56f, 0.37f, 1.f));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4(0.30f, 0.63f, 0.42f, 1.f));
  // One id for both labels: the keyboard focus stays on the button when it relabels.
  const bool train_clicked = ImGui::Button(busy ? "▶ Train new###train" : "▶ Train###train");
  ImGui::PopStyleColor(3);
  mark("train");
  // No tooltip after the click until the pointer leaves the button: resting where it clicked,
  // it covered the progress bar and ETA for the whole run.
  static bool train_tip_off = false;
  if (train_clicked) train_tip_off = true;
  if (!ImGui::IsItemHovered()) train_tip_off = false;
  if (ImGui::IsItemHovered() && !train_tip_off)
    tooltip("Start a new run with these settings (Ctrl+Enter).%s",
                      busy ? "\nThe run in progress stops and is kept, with its model, in Runs." : "");
  if (train_clicked) start_training(a);
  same_line_if_fits("Resume");  // a phone's fingers-sized buttons take two lines
  if (a.session.paused()) {
    if (ImGui::Button("Resume###pause")) a.session.resume();  // Pause's id: the focus stays
    mark("resume");
  } else {
    ImGui::BeginDisabled(!a.session.training());
    if (ImGui::Button("Pause###pause")) a.session.pause();
    mark("pause");
    ImGui::EndDisabled();
  }
  same_line_if_fits("Stop");
  ImGui::BeginDisabled(!busy);
  if (ImGui::Button("Stop")) a.session.stop();
  mark("stop");
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    tooltip("End the run here; it keeps the model it has trained so far (Esc or Ctrl+.)");
  same_line_if_fits("From scratch");
  if (ImGui::Button("From scratch")) start_from_scratch(a);
  mark("reset");
  if (ImGui::IsItemHovered())
    tooltip("An untrained model of this architecture. Every run keeps its own model in Runs:\nnothing is lost.");
}

// The progress bar: the run in progress; otherwise the model in memory — its run's record, or
// the model itself (untrained, an uploaded file, the bundled one), in the same words as the
// header, Results and Files.
void progress_section(const App& a, const dae::RunRecord* run) {
  const dae::Session::Status& st = a.status;
  const dae::ModelInfo& mi = st.model;
  char overlay[200];
  double progress = 0;
  if (st.training) {
    std::snprintf(overlay, sizeof overlay, "run #%d · epoch %d/%d · step %d/%d%s", st.run_id,
                  std::min(st.epoch + 1, st.epochs), st.epochs, st.step, st.steps, st.validating ? " · validating" : "");
    progress = st.progress;
  } else if (st.paused) {
    std::snprintf(overlay, sizeof overlay, "run #%d paused at epoch %d/%d", st.run_id, std::min(st.epoch + 1, st.epochs),
                  st.epochs);
    progress = st.progress;
  } else if (run) {
    std::snprintf(overlay, sizeof overlay, "run #%d %s · %zu/%d epochs", run->id, dae::run_state_name(run->state),
                  run->history.size(), run->config.epochs);
    progress = run->state == dae::RunState::Finished ? 1.0 : double(run->history.size()) / std::max(1, run->config.epochs);
  } else if (mi.source == dae::ModelSource::None) {
    std::snprintf(overlay, sizeof overlay, "no model yet");
  } else {
    std::snprintf(overlay, sizeof overlay, "%s", mi.describe().c_str());
  }
  // Cut to the bar with "…": wider than the bar, ImGui would start it left of the bar (its
  // beginning cut off: "ed seed model (bundled) · …"). The whole line is the tooltip.
  const std::string fitted = elide(overlay, ImGui::GetContentRegionAvail().x - 2 * ImGui::GetStyle().ItemInnerSpacing.x);
  ImGui::ProgressBar(float(std::clamp(progress, 0.0, 1.0)), ImVec2(-1, 0), fitted.c_str());
  mark("progress");
  shown("training_progress", overlay, ImGui::GetStyle().Colors[ImGuiCol_Text]);  // the sentence, whole
  if (fitted != overlay) {
    shown("training_progress_cut", fitted, ImGui::GetStyle().Colors[ImGuiCol_Text]);  // what the bar shows
    if (ImGui::IsItemHovered()) tooltip("%s", overlay);
  }
}

// Under the bar: speed and ETA while training, what the finished run took, or what to do.
void rate_section(const App& a, const dae::RunRecord* run) {
  const dae::Session::Status& st = a.status;
  const dae::ModelInfo& mi = st.model;
  if (st.training) {
    const std::string rate = fmt_int((long long)std::llround(st.samples_per_s)) + " images/s · ETA " +
                             (std::isfinite(st.eta_s) ? fmt_time(st.eta_s) : "…") + " · " + fmt_time(st.elapsed_s) +
                             " elapsed";
    ImGui::TextUnformatted(rate.c_str());
    shown("training_rate", rate, ImGui::GetStyle().Colors[ImGuiCol_Text]);
    if (ImGui::IsItemHovered())
      tooltip("Wall-clock time, as you wait for it. Of the %s elapsed, %s were spent computing.",
                        fmt_time(st.elapsed_s).c_str(), fmt_time(st.compute_s).c_str());
  } else if (st.paused) {
    ImGui::TextColored(kWarn, "paused · Resume (P) continues where it stopped");
  } else if (run) {
    const double rate = run->wall_seconds > 0 ? run->images_trained() / run->wall_seconds : 0;
    // A run stopped before its first step trained no images: no rate to speak of.
    const std::string speed = run->images_trained() > 0 ? fmt_int((long long)std::llround(rate)) + " images/s"
                                                        : "stopped before its first step";
    const std::string took = "took " + fmt_time(run->wall_seconds) + " (" + speed + ")" +
                             (run->seconds > 0 ? " · " + fmt_time(run->seconds) + " computing" : "");
    const ImVec4 col = run->state == dae::RunState::Failed ? kBad : kMuted;
    ImGui::TextColored(col, "%s", took.c_str());
    shown("training_rate", took, col);
  } else if (mi.source == dae::ModelSource::Untrained) {
    wrapped(kMuted, "The model in memory is untrained: Draw and Results show what it does before any training. "
                    "Press Train.");
  } else if (mi.source != dae::ModelSource::None) {
    wrapped(kMuted, "The model in memory was loaded from a file. Train a new run to compare with it.");
  } else {
    ImGui::TextColored(kMuted, "Press Train: the page stays responsive while it trains.");
  }
}

// Scores against the noisy input: the run's, or the model file's (when it recorded them).
// Green only when both PSNR and SSIM improved and the outputs did not collapse.
void scores_section(const App& a, const dae::RunRecord* run) {
  const dae::ModelInfo& mi = a.status.model;
  const double vp = run ? run->final_val_psnr() : mi.val_psnr, vs = run ? run->final_val_ssim() : mi.val_ssim;
  const double np = run ? run->baseline.psnr : mi.noisy_psnr, ns = run ? run->baseline.ssim : mi.noisy_ssim;
  const bool collapsed = run ? run->collapsed : mi.collapsed;
  if (std::isfinite(vp) && vp > 0 && std::isfinite(np)) {
    const bool improved = vp > np && vs > ns && !collapsed;
    const ImVec4 col = improved ? kGood : kBad;
    ImGui::Text("val PSNR %.2f dB", vp);
    ImGui::SameLine(0, 4);
    ImGui::TextColored(col, "(%+.2f)", vp - np);
    char ssim[48], delta[24];
    std::snprintf(ssim, sizeof ssim, "· SSIM %.3f", vs);
    std::snprintf(delta, sizeof delta, "(%+.3f)", vs - ns);
    // The SSIM part (and "vs noisy") go to the next line when the panel is narrow.
    same_line_if_fits(ImGui::CalcTextSize(ssim).x + ImGui::CalcTextSize(delta).x + 4);
    ImGui::TextUnformatted(ssim);
    ImGui::SameLine(0, 4);
    ImGui::TextColored(col, "%s", delta);
    same_line_if_fits(ImGui::CalcTextSize("vs noisy").x);
    ImGui::TextColored(kMuted, "vs noisy");
    mark("scores");
    char scores[160];
    std::snprintf(scores, sizeof scores, "val PSNR %.2f dB (%+.2f) · SSIM %.3f (%+.3f) vs noisy", vp, vp - np, vs, vs - ns);
    shown("training_scores", scores, col);
    if (collapsed) {
      // What to do depends on why: a high rate blows the weights to a constant; a short run has
      // not yet learnt more than the average digit (which beats the noise on PSNR).
      const bool high_lr = run && run->config.lr > 0.003;
      std::string t = "Collapsed: the outputs hardly depend on the input (every digit becomes the same blob)";
      if (vp > np) t += "; PSNR rose only because that blob is closer to a digit than the noise is";
      t += high_lr || !run ? ". Lower the learning rate and train again."
                           : ". Train longer (more epochs or more images) and look again.";
      wrapped(kBad, t);
      shown("training_verdict", t, kBad);
    } else if (!improved) {
      const char* t = "Not an improvement on both PSNR and SSIM yet.";
      wrapped(kWarn, t);
      shown("training_verdict", t, kWarn);
    }
  } else if (run && std::isfinite(np) && np > 0) {
    ImGui::TextColored(kMuted, "noisy input: PSNR %.2f dB, SSIM %.3f (validation set)", np, ns);
  }
}

// After a finished run of another architecture: the preset measured to do better in less
// time (docs/experiments.md, "A better default"); then errors, and which model Draw, Results
// and Inspect use while a run trains another.
void advice_section(App& a, const dae::RunRecord* run) {
  const dae::Session::Status& st = a.status;
  const dae::ModelInfo& mi = st.model;
  const bool active = st.training || st.paused;
  if (!active && run && run->state == dae::RunState::Finished && run->arch_name != "best" && a.editor.preset != "best") {
    // The button first: the sentence may run below the panel's edge, the button should not.
    if (small_button("Use best")) select_preset(a, "best", true);
    mark("use_best");
    if (ImGui::IsItemHovered()) tooltip("Selects the preset in Model and its settings in Training; press Train.");
    ImGui::SameLine();
    const std::string t = std::string("Try this next: preset best — ") + dae::Model::preset("best")->about + ".";
    wrapped(kMuted, t);
    shown("training_next", t, kMuted);
  }

  if (!a.editor.train_waiting.empty()) {
    const std::string t = "Train waits for the " + dataset_label(a, a.editor.train_waiting) + ", still arriving" +
                          (a.browser.busy.empty() ? "" : " (" + a.browser.busy + ")") + ": the run starts when they are in.";
    wrapped(kWarn, t);
    shown("training_waiting", t, kWarn);
  }
  const std::string err = !a.editor.train_error.empty() ? a.editor.train_error : st.error;
  if (!err.empty()) {
    wrapped(kBad, err);
    shown("training_error", err, kBad);
  }
  // A run in progress while another model is in use (a run selected in Runs).
  if (active && mi.source != dae::ModelSource::None && !(mi.source == dae::ModelSource::Run && mi.run_id == st.run_id)) {
    const std::string t = "Draw, Results and Inspect use: " + mi.describe();
    wrapped(kMuted, t);
    shown("training_model", t, kMuted);
  }
}

}  // namespace

void draw_training(App& a) {
  const Columns col;
  settings_section(a, col);
  threads_section(a, col);
  buttons_section(a);
  const dae::RunRecord* run = described_run(a);
  progress_section(a, run);
  rate_section(a, run);
  scores_section(a, run);
  advice_section(a, run);
}

}  // namespace app
