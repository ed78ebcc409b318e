// training.cpp — the Training panel (configuration, Train / Pause / Resume / Reset, progress,
// frame budget) and the Loss plot (drawn with ImDrawList).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app.h"

namespace app {

namespace {

constexpr ImGuiWindowFlags kPanelFlags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                         ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                         ImGuiWindowFlags_NoBringToFrontOnFocus;

void label(const char* text, float x) {
  ImGui::AlignTextToFramePadding();
  if (x > 0) ImGui::SetCursorPosX(x);
  ImGui::TextUnformatted(text);
  ImGui::SameLine();
}

}  // namespace

void panel_training(ImVec2 pos, ImVec2 size) {
  ImGui::SetNextWindowPos(pos);
  ImGui::SetNextWindowSize(size);
  ImGui::Begin("Training", nullptr, kPanelFlags);
  dae::TrainConfig& c = g->cfg;
  const bool busy = g->s.training() || g->s.paused();
  const float col2 = std::floor(ImGui::GetContentRegionAvail().x * 0.5f) + 10;
  const float lab1 = 82, lab2 = col2 + 52;
  const float w1 = col2 - lab1 - 22;

  label("Epochs", 0);
  ImGui::SetCursorPosX(lab1);
  ImGui::SetNextItemWidth(w1);
  if (ImGui::InputInt("##epochs", &c.epochs, 1, 5)) c.epochs = std::clamp(c.epochs, 1, 10000);
  ImGui::SameLine();
  label("Batch", col2);
  ImGui::SetCursorPosX(lab2);
  ImGui::SetNextItemWidth(-1);
  static const int batches[] = {16, 32, 64, 128, 256, 512};
  if (ImGui::BeginCombo("##batch", std::to_string(c.batch).c_str())) {
    for (int b : batches)
      if (ImGui::Selectable(std::to_string(b).c_str(), b == c.batch)) c.batch = b;
    ImGui::EndCombo();
  }

  label("Rate", 0);
  ImGui::SetCursorPosX(lab1);
  ImGui::SetNextItemWidth(w1);
  double lr = c.lr;
  if (ImGui::InputDouble("##lr", &lr, 0, 0, "%.2g")) c.lr = std::clamp(lr, 1e-7, 10.0);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Adam learning rate (Keras default 1e-3)");
  ImGui::SameLine();
  label("Loss", col2);
  ImGui::SetCursorPosX(lab2);
  int loss = c.loss == dae::LossKind::BCE ? 0 : 1;
  if (ImGui::RadioButton("BCE", &loss, 0)) c.loss = dae::LossKind::BCE;
  ImGui::SameLine();
  if (ImGui::RadioButton("MSE", &loss, 1)) c.loss = dae::LossKind::MSE;

  label("Seed", 0);
  ImGui::SetCursorPosX(lab1);
  ImGui::SetNextItemWidth(w1);
  int seed = int(c.seed);
  if (ImGui::InputInt("##seed", &seed, 1, 10)) c.seed = uint64_t(std::max(0, seed));
  ImGui::SameLine();
  ImGui::SetCursorPosX(col2);
  ImGui::Checkbox("new noise each epoch", &c.fresh_noise);

  // Buttons.
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.20f, 0.45f, 0.30f, 1.f));
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.26f, 0.56f, 0.37f, 1.f));
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4(0.30f, 0.63f, 0.42f, 1.f));
  const bool train_clicked = ImGui::Button(busy ? "▶ Train new" : "▶ Train", ImVec2(110, 0));
  ImGui::PopStyleColor(3);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Start a new run with these settings (Ctrl+Enter).%s",
                      busy ? "\nThe run in progress is recorded as stopped." : "");
  mark("train");
  if (train_clicked) start_training();
  ImGui::SameLine();
  if (g->s.paused()) {
    if (ImGui::Button("Resume", ImVec2(90, 0))) g->s.resume();
    mark("resume");
  } else {
    ImGui::BeginDisabled(!g->s.training());
    if (ImGui::Button("Pause", ImVec2(90, 0))) g->s.pause();
    mark("pause");
    ImGui::EndDisabled();
  }
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("P");
  ImGui::SameLine();
  ImGui::BeginDisabled(!g->s.has_model());
  if (ImGui::Button("Reset", ImVec2(80, 0))) reset_training();
  mark("reset");
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("Stop the run and go back to an untrained model");

  // Progress.
  const dae::Json& st = g->status;
  const int epoch = int(num(st, "epoch")), epochs = int(num(st, "epochs", c.epochs));
  const int step = int(num(st, "step")), steps = int(num(st, "steps"));
  const double progress = num(st, "progress");
  char overlay[160];
  if (g->s.has_model() && epochs > 0) {
    const bool done = !busy && epoch >= epochs;
    if (done)
      std::snprintf(overlay, sizeof overlay, "done: %d epoch%s", epochs, epochs == 1 ? "" : "s");
    else
      std::snprintf(overlay, sizeof overlay, "epoch %d/%d · step %d/%d%s", std::min(epoch + 1, epochs), epochs, step,
                    steps, g->s.paused() ? " · paused" : "");
  } else {
    std::snprintf(overlay, sizeof overlay, "not started");
  }
  ImGui::ProgressBar(float(std::clamp(progress, 0.0, 1.0)), ImVec2(-1, 0), overlay);

  const double sps = num(st, "samples_per_s");
  const double eta = num(st, "eta_s", -1);
  if (g->s.training())
    ImGui::Text("%s samples/s  ·  ETA %s", fmt_int((long long)std::llround(sps)).c_str(), fmt_time(eta).c_str());
  else if (g->s.paused())
    ImGui::TextColored(kWarn, "paused  ·  Resume (P) continues where it stopped");
  else if (!g->s.runs().empty() && g->s.runs().back().state != "running") {
    const dae::RunRecord& r = g->s.runs().back();
    const double rate = r.seconds > 0 ? double(r.train_size) * double(r.history.size()) / r.seconds : 0;
    ImGui::TextColored(r.state == "failed" ? kBad : kMuted, "run #%d %s · %s compute%s%s", r.id, r.state.c_str(),
                       fmt_time(r.seconds).c_str(), rate > 0 ? " · " : "",
                       rate > 0 ? (fmt_int((long long)std::llround(rate)) + " images/s").c_str() : "");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("training images per second of compute, validation included");
  } else
    ImGui::TextColored(kMuted, "Press Train: the page stays responsive while it trains.");

  // Scores.
  const double vl = num(st, "val_loss", NAN), vp = num(st, "val_psnr", NAN), vs = num(st, "val_ssim", NAN);
  const double np = num(st, "noisy_psnr", NAN), ns = num(st, "noisy_ssim", NAN);
  if (std::isfinite(vp) && vp > 0) {
    ImGui::Text("val loss %.4f  ·  PSNR %.2f dB", vl, vp);
    if (std::isfinite(np) && np > 0) {
      ImGui::SameLine(0, 4);
      ImGui::TextColored(vp >= np ? kGood : kBad, "(%+.2f vs noisy %.2f)", vp - np, np);
    }
    if (std::isfinite(vs)) {
      ImGui::Text("SSIM %.3f", vs);
      if (std::isfinite(ns)) {
        ImGui::SameLine(0, 4);
        ImGui::TextColored(kMuted, "(noisy %.3f)", ns);
      }
    }
  } else if (std::isfinite(np) && np > 0) {
    ImGui::TextColored(kMuted, "noisy input: PSNR %.2f dB, SSIM %.3f (validation set)", np, ns);
  }

  // Time budget.
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Budget");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(130);
  ImGui::SliderFloat("##budget", &g->budget_ms, 2.f, 40.f, "%.0f ms / frame", ImGuiSliderFlags_AlwaysClamp);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Training work per animation frame. Larger trains faster; smaller keeps the page smoother.");
  ImGui::SameLine();
  ImGui::TextColored(kMuted, "p95: work %.0f, frame %.0f ms", g->stats.work_p95(), g->stats.interval_p95());
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("95th percentiles over the last 240 frames:\n"
                      "training work per frame %.1f ms, time between frames %.1f ms (%.0f fps).\n"
                      "While training untouched, the UI is redrawn ~10×/s; frames in between only train.",
                      g->stats.work_p95(), g->stats.interval_p95(), g->stats.fps());

  if (!g->train_error.empty() || !g->s.last_error().empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(kBad, "%s", !g->train_error.empty() ? g->train_error.c_str() : g->s.last_error().c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::End();
}

// ---- Loss plot ------------------------------------------------------------------------------------
namespace {

struct Series {
  std::vector<ImVec2> pts;  // (epoch, loss)
  ImU32 color;
  float thickness;
  bool markers;
  std::string label;
  int run = 0;
};

ImU32 run_color(int id) {
  static const ImVec4 palette[] = {{0.55f, 0.85f, 0.45f, 1}, {0.85f, 0.45f, 0.85f, 1}, {0.40f, 0.85f, 0.85f, 1},
                                   {0.95f, 0.85f, 0.35f, 1}, {0.95f, 0.50f, 0.55f, 1}, {0.70f, 0.70f, 0.95f, 1}};
  return ImGui::GetColorU32(palette[size_t(id) % IM_ARRAYSIZE(palette)]);
}

double nice_step(double range, int target) {
  const double raw = range / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

std::string fmt_loss(double v) {
  char b[32];
  if (v != 0 && (std::fabs(v) < 1e-3 || std::fabs(v) >= 1e4))
    std::snprintf(b, sizeof b, "%.1e", v);
  else if (std::fabs(v) < 0.1)
    std::snprintf(b, sizeof b, "%.4f", v);
  else
    std::snprintf(b, sizeof b, "%.3f", v);
  return b;
}

// Per-step losses (smoothed by the core for display) on the epoch axis, at most ~`width` points.
std::vector<ImVec2> step_series(const dae::RunRecord& r, float width) {
  std::vector<ImVec2> out;
  const std::vector<float> sm = r.smoothed_step_loss(0.9);
  const size_t n = sm.size();
  if (!n || r.steps_per_epoch <= 0) return out;
  const double per_epoch = r.steps_per_epoch;
  const size_t stride = std::max<size_t>(1, size_t(n / std::max(1.f, width)));
  for (size_t i = 0; i < n; ++i)
    if (std::isfinite(sm[i]) && (i % stride == 0 || i + 1 == n)) out.emplace_back(float((i + 1) / per_epoch), sm[i]);
  return out;
}

}  // namespace

void panel_loss(ImVec2 pos, ImVec2 size) {
  ImGui::SetNextWindowPos(pos);
  ImGui::SetNextWindowSize(size);
  ImGui::Begin("Loss", nullptr, kPanelFlags);
  ImGui::Checkbox("log scale", &g->log_scale);
  mark("log_scale");
  ImGui::SameLine();
  ImGui::Checkbox("per-step loss", &g->show_steps);
  ImGui::SameLine();
  ImGui::TextColored(kMuted, "· overlay runs in Experiments");

  const auto& runs = g->s.runs();
  const dae::RunRecord* cur = runs.empty() ? nullptr : &runs.back();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 p1(p0.x + avail.x, p0.y + avail.y);
  ImGui::InvisibleButton("plot", ImVec2(std::max(avail.x, 10.f), std::max(avail.y, 10.f)));
  mark("loss_plot");
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p0, p1, ImGui::GetColorU32(ImGuiCol_ChildBg), 3);

  // Collect series.
  std::vector<Series> series;
  std::vector<std::pair<std::string, ImU32>> legend;
  double x_max = 1;
  double baseline = 0;
  auto add_run = [&](const dae::RunRecord& r, bool is_current) {
    Series tr, va;
    for (const auto& e : r.history) {
      tr.pts.emplace_back(float(e.epoch), float(e.train_loss));
      va.pts.emplace_back(float(e.epoch), float(e.val_loss));
    }
    char name[64];
    std::snprintf(name, sizeof name, "#%d", r.id);
    if (is_current) {
      x_max = std::max(x_max, double(r.config.epochs));
      if (g->show_steps) {
        Series st{step_series(r, avail.x), ImGui::GetColorU32(kStepColor), 1.5f, false, "", r.id};
        if (!st.pts.empty()) {
          series.push_back(std::move(st));
          legend.emplace_back("train (per step, smoothed)", ImGui::GetColorU32(kStepColor));
        }
      }
      tr.color = ImGui::GetColorU32(kTrainColor);
      va.color = ImGui::GetColorU32(kValColor);
      tr.label = std::string(name) + " train";
      va.label = std::string(name) + " val";
      legend.emplace_back(std::string(name) + " train (epoch)", tr.color);
      legend.emplace_back(std::string(name) + " val", va.color);
      baseline = r.baseline.loss;
    } else {
      x_max = std::max(x_max, double(r.history.size()));
      tr.color = (run_color(r.id) & 0x00FFFFFF) | 0x90000000;
      va.color = run_color(r.id);
      tr.label = std::string(name) + " train";
      va.label = std::string(name) + " val";
      legend.emplace_back(std::string(name) + " val / train", va.color);
    }
    tr.thickness = is_current ? 2.0f : 1.2f;
    va.thickness = 2.0f;
    tr.markers = va.markers = true;
    tr.run = va.run = r.id;
    series.push_back(std::move(tr));
    series.push_back(std::move(va));
  };
  for (const auto& r : runs)
    if (g->overlay.count(r.id) && &r != cur) add_run(r, false);
  if (cur) add_run(*cur, true);

  double y_min = INFINITY, y_max = -INFINITY;
  for (const auto& s : series)
    for (const auto& p : s.pts)
      if (std::isfinite(p.y) && (!g->log_scale || p.y > 0)) {
        y_min = std::min(y_min, double(p.y));
        y_max = std::max(y_max, double(p.y));
      }
  if (baseline > 0 && std::isfinite(baseline) && std::isfinite(y_min)) {
    y_min = std::min(y_min, baseline);
    y_max = std::max(y_max, baseline);
  }
  const float left = 58, bottom = 24, top = 8, right = 12;
  const ImVec2 a(p0.x + left, p0.y + top), b(p1.x - right, p1.y - bottom);
  if (!std::isfinite(y_min) || b.x - a.x < 40 || b.y - a.y < 40) {
    const char* msg = cur ? "waiting for the first training steps…" : "Train a model to see its loss curves here.";
    const ImVec2 ts = ImGui::CalcTextSize(msg);
    dl->AddText(ImVec2((p0.x + p1.x - ts.x) * 0.5f, (p0.y + p1.y - ts.y) * 0.5f), ImGui::GetColorU32(kMuted), msg);
    ImGui::End();
    return;
  }
  auto ty = [&](double v) { return g->log_scale ? std::log10(std::max(v, 1e-12)) : v; };
  double lo = ty(y_min), hi = ty(y_max);
  if (hi - lo < 1e-9) {
    lo -= g->log_scale ? 0.1 : std::max(1e-3, std::fabs(lo) * 0.1);
    hi += g->log_scale ? 0.1 : std::max(1e-3, std::fabs(hi) * 0.1);
  }
  const double pad = (hi - lo) * 0.06;
  lo -= pad;
  hi += pad;
  if (!g->log_scale && lo < 0 && y_min >= 0) lo = 0;
  auto sx = [&](double x) { return float(a.x + (b.x - a.x) * (x / x_max)); };
  auto sy = [&](double v) { return float(b.y - (b.y - a.y) * ((ty(v) - lo) / (hi - lo))); };

  // Grid and axes.
  const ImU32 grid = ImGui::GetColorU32(ImVec4(1, 1, 1, 0.07f)), axis = ImGui::GetColorU32(kMuted);
  dl->PushClipRect(p0, p1, true);
  const double vlo = std::pow(10.0, lo), vhi = std::pow(10.0, hi);
  if (g->log_scale && hi - lo < 0.6) {
    // Less than a factor 4 on a log axis: evenly spaced round values read better.
    const double st = nice_step(vhi - vlo, 4);
    for (double v = std::ceil(vlo / st) * st; v <= vhi; v += st) {
      const float y = sy(v);
      dl->AddLine(ImVec2(a.x, y), ImVec2(b.x, y), grid);
      const std::string s = fmt_loss(v);
      dl->AddText(ImVec2(a.x - 6 - ImGui::CalcTextSize(s.c_str()).x, y - 8), axis, s.c_str());
    }
  } else if (g->log_scale) {
    const int d0 = int(std::floor(lo)), d1 = int(std::ceil(hi));
    const bool minor = d1 - d0 <= 3;
    for (int d = d0; d <= d1; ++d)
      for (int m : {1, 2, 5}) {
        if (m != 1 && !minor) continue;
        const double v = m * std::pow(10.0, d), t = std::log10(v);
        if (t < lo || t > hi) continue;
        const float y = sy(v);
        dl->AddLine(ImVec2(a.x, y), ImVec2(b.x, y), grid);
        const std::string s = fmt_loss(v);
        dl->AddText(ImVec2(a.x - 6 - ImGui::CalcTextSize(s.c_str()).x, y - 8), axis, s.c_str());
      }
  } else {
    const double st = nice_step(hi - lo, 5);
    for (double v = std::ceil(lo / st) * st; v <= hi + 1e-12; v += st) {
      const float y = sy(v);
      dl->AddLine(ImVec2(a.x, y), ImVec2(b.x, y), grid);
      const std::string s = fmt_loss(std::fabs(v) < st * 1e-6 ? 0 : v);
      dl->AddText(ImVec2(a.x - 6 - ImGui::CalcTextSize(s.c_str()).x, y - 8), axis, s.c_str());
    }
  }
  {
    const double st = std::max(1.0, nice_step(x_max, 8));
    for (double x = 0; x <= x_max + 1e-9; x += st) {
      const float px = sx(x);
      dl->AddLine(ImVec2(px, a.y), ImVec2(px, b.y), grid);
      char s[16];
      std::snprintf(s, sizeof s, "%g", x);
      dl->AddText(ImVec2(px - ImGui::CalcTextSize(s).x * 0.5f, b.y + 4), axis, s);
    }
  }
  dl->AddRect(a, b, ImGui::GetColorU32(ImGuiCol_Border));

  // Noisy-input baseline.
  if (baseline > 0 && std::isfinite(baseline)) {
    const float y = sy(baseline);
    for (float x = a.x; x < b.x; x += 10) dl->AddLine(ImVec2(x, y), ImVec2(std::min(x + 5, b.x), y), axis, 1.0f);
    dl->AddText(ImVec2(a.x + 6, y - 17), axis, "noisy input");
  }

  // Curves.
  for (const auto& s : series) {
    std::vector<ImVec2> px;
    px.reserve(s.pts.size() + 1);
    for (const auto& p : s.pts)
      if (std::isfinite(p.y) && (!g->log_scale || p.y > 0)) px.emplace_back(sx(p.x), sy(p.y));
    if (px.size() >= 2) dl->AddPolyline(px.data(), int(px.size()), s.color, 0, s.thickness);
    if (s.markers)
      for (const auto& q : px) dl->AddCircleFilled(q, 3.5f, s.color);
  }

  // Legend (top right).
  {
    float y = a.y + 6;
    float w = 0;
    for (const auto& l : legend) w = std::max(w, ImGui::CalcTextSize(l.first.c_str()).x);
    const float x = b.x - w - 26;
    dl->AddRectFilled(ImVec2(x - 6, y - 3), ImVec2(b.x - 4, y + legend.size() * 17 + 2), ImGui::GetColorU32(ImVec4(0.08f, 0.09f, 0.11f, 0.85f)), 3);
    for (const auto& l : legend) {
      dl->AddRectFilled(ImVec2(x, y + 5), ImVec2(x + 12, y + 10), l.second);
      dl->AddText(ImVec2(x + 18, y), ImGui::GetColorU32(ImGuiCol_Text), l.first.c_str());
      y += 17;
    }
  }
  dl->PopClipRect();

  // Hover readout.
  const ImVec2 m = ImGui::GetIO().MousePos;
  if (hovered && m.x >= a.x && m.x <= b.x) {
    const double xe = (m.x - a.x) / (b.x - a.x) * x_max;
    dl->AddLine(ImVec2(m.x, a.y), ImVec2(m.x, b.y), ImGui::GetColorU32(ImVec4(1, 1, 1, 0.25f)));
    ImGui::BeginTooltip();
    ImGui::Text("epoch %.2f", xe);
    if (cur && g->show_steps && !cur->step_loss.empty() && cur->steps_per_epoch > 0) {
      const long step = std::clamp<long>(long(std::llround(xe * cur->steps_per_epoch)) - 1, 0,
                                         long(cur->step_loss.size()) - 1);
      const auto sm = cur->smoothed_step_loss(0.9);
      const double sv = size_t(step) < sm.size() ? sm[size_t(step)] : NAN;
      ImGui::TextColored(kStepColor, "step %ld: loss %s (smoothed %s)", step + 1, fmt_loss(cur->step_loss[size_t(step)]).c_str(),
                         fmt_loss(sv).c_str());
    }
    for (const auto& r : runs) {
      if (&r != cur && !g->overlay.count(r.id)) continue;
      if (r.history.empty()) continue;
      const int e = std::clamp(int(std::lround(xe)), 1, int(r.history.size()));
      const auto& h = r.history[size_t(e - 1)];
      ImGui::TextColored(&r == cur ? kValColor : ImGui::ColorConvertU32ToFloat4(run_color(r.id)),
                         "#%d epoch %d: train %s · val %s · PSNR %.2f dB", r.id, e, fmt_loss(h.train_loss).c_str(),
                         fmt_loss(h.val_loss).c_str(), h.val_psnr);
    }
    ImGui::EndTooltip();
  }
  ImGui::End();
}

}  // namespace app
