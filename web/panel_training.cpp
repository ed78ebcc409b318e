// panel_training.cpp — the Training panel: settings (values out of range are clamped and say
// so), threads, Train / Pause / Resume / Stop / Start from scratch, wall-clock progress, the
// run's scores (green only when both PSNR and SSIM improved; a collapse is flagged), and the
// first-run hint.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app.h"
#include "imgui_stdlib.h"

namespace app {

namespace {

// An integer field whose out-of-range values are clamped with a note beside it.
void int_field(App& a, const char* field, const char* id, int* v, int lo, int hi, int step, float width,
               const char* why) {
  ImGui::SetNextItemWidth(width);
  int x = *v;
  if (ImGui::InputInt(id, &x, step, step * 10)) {
    const int c = std::clamp(x, lo, hi);
    if (c != x) {
      char b[160];
      std::snprintf(b, sizeof b, "%s %d is out of range: set to %d (%s)", field, x, c, why);
      a.ed.notes.set(field, b, a.t.now);
    }
    *v = c;
  }
}

}  // namespace

void draw_training(App& a) {
  dae::TrainConfig& c = a.ed.cfg;
  const dae::Session::Status& st = a.st;

  // Settings in two columns when there is room, else one.
  const float avail = ImGui::GetContentRegionAvail().x;
  const bool two = avail >= 370;
  const float lab = ImGui::CalcTextSize("Threads").x + 14;
  const float col2 = two ? std::floor(avail * 0.5f) + 6 : 0;
  const float field = two ? col2 - lab - 18 : avail - lab;
  auto next_col = [&](const char* text) {
    if (two) ImGui::SameLine();
    label(text, two ? col2 : 0);
    ImGui::SetCursorPosX((two ? col2 : 0) + lab);
  };
  auto first_col = [&](const char* text) {
    label(text, 0);
    ImGui::SetCursorPosX(lab);
  };

  first_col("Epochs");
  int_field(a, "epochs", "##epochs", &c.epochs, 1, 10000, 1, field, "1 to 10,000");
  mark("field_epochs");
  next_col("Batch");
  ImGui::SetNextItemWidth(two ? -1 : field);
  static const int batches[] = {8, 16, 32, 64, 128, 256, 512};
  if (ImGui::BeginCombo("##batch", std::to_string(c.batch).c_str())) {
    for (int b : batches)
      if (ImGui::Selectable(std::to_string(b).c_str(), b == c.batch)) c.batch = b;
    ImGui::EndCombo();
  }
  a.ed.notes.show("epochs", a.t.now);

  first_col("Rate");
  ImGui::SetNextItemWidth(field);
  double lr = c.lr;
  if (ImGui::InputDouble("##lr", &lr, 0, 0, "%.2g", ImGuiInputTextFlags_EnterReturnsTrue) ||
      (ImGui::IsItemDeactivatedAfterEdit())) {
    const double cl = std::clamp(std::isfinite(lr) ? lr : 1e-3, 1e-7, 10.0);
    if (cl != lr) {
      char b[160];
      std::snprintf(b, sizeof b, "learning rate %g is out of range: set to %g (Adam needs 1e-7 to 10)", lr, cl);
      a.ed.notes.set("lr", b, a.t.now);
    }
    c.lr = cl;
  }
  mark("field_lr");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Adam learning rate (Keras default 1e-3); Enter applies it");
  next_col("Loss");
  int loss = c.loss == dae::LossKind::BCE ? 0 : 1;
  if (ImGui::RadioButton("BCE", &loss, 0)) c.loss = dae::LossKind::BCE;
  ImGui::SameLine();
  if (ImGui::RadioButton("MSE", &loss, 1)) c.loss = dae::LossKind::MSE;
  a.ed.notes.show("lr", a.t.now);

  first_col("Seed");
  int seed = int(std::min<uint64_t>(c.seed, 1000000000));
  int_field(a, "seed", "##seed", &seed, 0, 1000000000, 1, field, "0 to 1,000,000,000");
  c.seed = uint64_t(seed);
  if (two) ImGui::SameLine(col2);
  ImGui::Checkbox("new noise each epoch", &c.fresh_noise);
  a.ed.notes.show("seed", a.t.now);

  // Threads (between runs).
  first_col("Threads");
  const int most = max_threads(a);
  ImGui::BeginDisabled(most == 1 || a.s.training() || a.s.paused());
  slider_int("##threads", &a.threads, 1, std::max(2, most), most == 1 ? "1" : "%d", field);
  a.threads = std::clamp(a.threads, 1, most);
  ImGui::EndDisabled();
  mark("field_threads");
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    if (!a.browser.threaded_build)
      ImGui::SetTooltip("One thread: %s. Served with COOP/COEP headers (tools/serve.py) the page trains on every core.",
                        a.browser.single_reason.c_str());
    else
      ImGui::SetTooltip("Worker threads for the next run (this device has %d cores); results do not depend on it.",
                        a.browser.hardware_threads);
  }

  // Buttons.
  ImGui::Spacing();
  const bool busy = a.s.training() || a.s.paused();
  ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.20f, 0.45f, 0.30f, 1.f));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.26f, 0.56f, 0.37f, 1.f));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4(0.30f, 0.63f, 0.42f, 1.f));
  const bool train_clicked = ImGui::Button(busy ? "▶ Train new" : "▶ Train");
  ImGui::PopStyleColor(3);
  mark("train");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Start a new run with these settings (Ctrl+Enter).%s",
                      busy ? "\nThe run in progress stops and is kept, with its model, in Runs." : "");
  if (train_clicked) start_training(a);
  ImGui::SameLine();
  if (a.s.paused()) {
    if (ImGui::Button("Resume")) a.s.resume();
    mark("resume");
  } else {
    ImGui::BeginDisabled(!a.s.training());
    if (ImGui::Button("Pause")) a.s.pause();
    mark("pause");
    ImGui::EndDisabled();
  }
  ImGui::SameLine();
  ImGui::BeginDisabled(!busy);
  if (ImGui::Button("Stop")) a.s.stop();
  mark("stop");
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("End the run here; it keeps the model it has trained so far");
  ImGui::SameLine();
  if (ImGui::Button("From scratch")) start_from_scratch(a);
  mark("reset");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("An untrained model of this architecture. Every run keeps its own model in Runs:\nnothing is lost.");

  // Progress of the run in progress (or the latest).
  const bool have = st.has_run;
  char overlay[160];
  if (have && st.training)
    std::snprintf(overlay, sizeof overlay, "run #%d · epoch %d/%d · step %d/%d%s", st.run_id, std::min(st.epoch + 1, st.epochs),
                  st.epochs, st.step, st.steps, st.validating ? " · validating" : "");
  else if (have && st.paused)
    std::snprintf(overlay, sizeof overlay, "run #%d paused at epoch %d/%d", st.run_id, std::min(st.epoch + 1, st.epochs), st.epochs);
  else if (have)
    std::snprintf(overlay, sizeof overlay, "run #%d %s · %d/%d epochs", st.run_id, dae::run_state_name(st.state), st.epoch,
                  st.epochs);
  else
    std::snprintf(overlay, sizeof overlay, "no run yet");
  ImGui::ProgressBar(float(std::clamp(st.progress, 0.0, 1.0)), ImVec2(-1, 0), overlay);
  mark("progress");
  if (st.training) {
    ImGui::Text("%s images/s · ETA %s · %s elapsed", fmt_int((long long)std::llround(st.samples_per_s)).c_str(),
                std::isfinite(st.eta_s) ? fmt_time(st.eta_s).c_str() : "…", fmt_time(st.elapsed_s).c_str());
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("Wall-clock time, as you wait for it. Of the %s elapsed, %s were spent computing.",
                        fmt_time(st.elapsed_s).c_str(), fmt_time(st.compute_s).c_str());
  } else if (st.paused) {
    ImGui::TextColored(kWarn, "paused · Resume (P) continues where it stopped");
  } else if (have) {
    const dae::RunRecord* r = a.s.run(st.run_id);
    const double rate = r && r->wall_seconds > 0 ? double(r->train_size) * double(r->history.size()) / r->wall_seconds : 0;
    ImGui::TextColored(st.state == dae::RunState::Failed ? kBad : kMuted, "took %s (%s images/s)%s",
                       fmt_time(st.elapsed_s).c_str(), fmt_int((long long)std::llround(rate)).c_str(),
                       st.compute_s > 0 ? (" · " + fmt_time(st.compute_s) + " computing").c_str() : "");
  } else {
    ImGui::TextColored(kMuted, "Press Train: the page stays responsive while it trains.");
  }

  // Scores of that run, against the noisy input.
  if (std::isfinite(st.val_psnr) && st.val_psnr > 0) {
    const dae::RunRecord* r = a.s.run(st.run_id);
    const bool collapsed = r && r->collapsed;
    const bool better_psnr = st.val_psnr > st.noisy_psnr, better_ssim = st.val_ssim > st.noisy_ssim;
    ImGui::Text("val PSNR %.2f dB", st.val_psnr);
    ImGui::SameLine(0, 4);
    ImGui::TextColored(better_psnr && !collapsed ? kGood : kBad, "(%+.2f)", st.val_psnr - st.noisy_psnr);
    ImGui::SameLine();
    ImGui::Text("· SSIM %.3f", st.val_ssim);
    ImGui::SameLine(0, 4);
    ImGui::TextColored(better_ssim && !collapsed ? kGood : kBad, "(%+.3f)", st.val_ssim - st.noisy_ssim);
    ImGui::SameLine();
    ImGui::TextColored(kMuted, "vs noisy");
    mark("scores");
    if (collapsed)
      wrapped(kBad, "Collapsed: the outputs hardly depend on the input (every digit becomes the same blob). "
                    "Lower the learning rate and train again.");
    else if (!(better_psnr && better_ssim))
      wrapped(kWarn, "Not an improvement on both PSNR and SSIM yet.");
  } else if (std::isfinite(st.noisy_psnr) && st.noisy_psnr > 0) {
    ImGui::TextColored(kMuted, "noisy input: PSNR %.2f dB, SSIM %.3f (validation set)", st.noisy_psnr, st.noisy_ssim);
  }

  const std::string err = !a.ed.train_error.empty() ? a.ed.train_error : st.error;
  if (!err.empty()) wrapped(kBad, err);
  // The model in memory, in one line (the same words as the header and Files).
  if (st.model.source != dae::ModelSource::None && !(st.model.source == dae::ModelSource::Run && st.model.run_id == st.run_id))
    wrapped(kMuted, "Draw, Results and Inspect use: " + st.model.describe());
}

}  // namespace app
