// panel_loss.cpp — the Loss panel: per-epoch train and validation loss of the run in progress
// (or the latest), its smoothed per-step loss, runs overlaid from Runs, the noisy input's loss
// as a baseline. Readable by construction: every run has its own colour, validation is a solid
// line and training a dashed one, the legend sits beside the plot (never on the data), the
// last epoch's markers are not cut by the edge, and each axis uses one number format.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "state/app.h"

namespace app {

namespace {

struct Series {
  std::vector<ImVec2> pts;  // (epoch, loss)
  ImU32 color;
  float thickness;
  bool dashed, markers;
  std::string name;  // the current run's "train" / "val": their end markers are marked for tests
};

struct LegendEntry {
  std::string text;
  ImU32 color;
  bool dashed;
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

// Decimals that show every tick of spacing `step` exactly, the same for the whole axis.
int decimals_for(double step) { return std::clamp(int(std::ceil(-std::log10(step) - 1e-9)), 0, 6); }

std::string fmt_tick(double v, int decimals) {
  char b[32];
  std::snprintf(b, sizeof b, "%.*f", decimals, std::fabs(v) < 1e-12 ? 0.0 : v);
  return b;
}

void polyline(ImDrawList* dl, const std::vector<ImVec2>& px, ImU32 col, float th, bool dashed) {
  if (px.size() < 2) return;
  if (!dashed) {
    dl->AddPolyline(px.data(), int(px.size()), col, 0, th);
    return;
  }
  // Dashes of 6 px with 4 px gaps along the whole path.
  float phase = 0;
  for (size_t i = 1; i < px.size(); ++i) {
    const ImVec2 a = px[i - 1], b = px[i];
    const float len = std::hypot(b.x - a.x, b.y - a.y);
    float t = 0;
    while (t < len) {
      const float seg = phase < 6 ? 6 - phase : 10 - phase;
      const float t1 = std::min(len, t + seg);
      if (phase < 6)
        dl->AddLine(ImVec2(a.x + (b.x - a.x) * t / len, a.y + (b.y - a.y) * t / len),
                    ImVec2(a.x + (b.x - a.x) * t1 / len, a.y + (b.y - a.y) * t1 / len), col, th);
      phase = std::fmod(phase + (t1 - t), 10.f);
      t = t1;
    }
  }
}

void legend_swatch(ImDrawList* dl, ImVec2 p, ImU32 col, bool dashed) {
  if (dashed) {
    dl->AddLine(ImVec2(p.x, p.y), ImVec2(p.x + 6, p.y), col, 2);
    dl->AddLine(ImVec2(p.x + 10, p.y), ImVec2(p.x + 16, p.y), col, 2);
  } else {
    dl->AddLine(p, ImVec2(p.x + 16, p.y), col, 2.5f);
  }
}

// Per-step losses (smoothed) on the epoch axis, at most ~`width` points.
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

void draw_loss(App& a) {
  PlotState& ps = a.plot;
  ImGui::Checkbox("log scale", &ps.log_scale);
  mark("log_scale");
  ImGui::SameLine();
  ImGui::Checkbox("per-step loss", &ps.show_steps);
  ImGui::SameLine();
  ImGui::TextColored(kMuted, "· overlay runs in Runs");

  const auto& runs = a.s.runs();
  // The run plotted: none after From scratch or with a file's model, whose curves the last
  // run's would misdescribe (overlays stay).
  const dae::RunRecord* cur = described_run(a);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 p1(p0.x + std::max(avail.x, 10.f), p0.y + std::max(avail.y, 10.f));
  ImGui::InvisibleButton("plot", ImVec2(std::max(avail.x, 10.f), std::max(avail.y, 10.f)));
  mark("loss_plot");
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p0, p1, ImGui::GetColorU32(ImGuiCol_ChildBg), 3);

  std::vector<Series> series;
  std::vector<LegendEntry> legend;
  double x_max = 1, baseline = 0;
  auto add_run = [&](const dae::RunRecord& r, bool is_current) {
    Series tr{{}, 0, 1.5f, true, true, ""}, va{{}, 0, 2.2f, false, true, ""};
    if (is_current) tr.name = "train", va.name = "val";
    for (const auto& e : r.history) {
      tr.pts.emplace_back(float(e.epoch), float(e.train_loss));
      va.pts.emplace_back(float(e.epoch), float(e.val_loss));
    }
    const std::string name = "#" + std::to_string(r.id);
    if (is_current) {
      x_max = std::max(x_max, double(r.config.epochs));
      tr.color = ImGui::GetColorU32(kTrainColor);
      va.color = ImGui::GetColorU32(kValColor);
      if (ps.show_steps) {
        Series st{step_series(r, avail.x), ImGui::GetColorU32(kStepColor), 1.3f, false, false, ""};
        if (!st.pts.empty()) {
          series.push_back(std::move(st));
          legend.push_back({name + " train, per step", ImGui::GetColorU32(kStepColor), false});
        }
      }
      baseline = r.baseline.loss;
    } else {
      x_max = std::max(x_max, double(std::max<size_t>(r.history.size(), 1)));
      tr.color = va.color = run_color(r.id);
    }
    legend.push_back({name + " val", va.color, false});
    legend.push_back({name + " train", tr.color, true});
    series.push_back(std::move(tr));
    series.push_back(std::move(va));
  };
  for (const auto& r : runs)
    if (ps.overlay.count(r.id) && &r != cur) add_run(r, false);
  if (cur) add_run(*cur, true);

  double y_min = INFINITY, y_max = -INFINITY;
  for (const auto& s : series)
    for (const auto& p : s.pts)
      if (std::isfinite(p.y) && (!ps.log_scale || p.y > 0)) {
        y_min = std::min(y_min, double(p.y));
        y_max = std::max(y_max, double(p.y));
      }
  if (baseline > 0 && std::isfinite(baseline) && std::isfinite(y_min)) {
    y_min = std::min(y_min, baseline);
    y_max = std::max(y_max, baseline);
  }

  {  // The legend in words, with each line's style (window.dae.texts().loss_legend).
    std::string words;
    for (const auto& l : legend) {
      char col[16];
      std::snprintf(col, sizeof col, "#%02x%02x%02x", unsigned(l.color & 0xFF), unsigned((l.color >> 8) & 0xFF),
                    unsigned((l.color >> 16) & 0xFF));
      words += (words.empty() ? "" : ", ") + l.text + ": " + (l.dashed ? "dashed " : "solid ") + col;
    }
    shown("loss_legend", words, kMuted);
  }
  // The legend beside the plot when there is room, else in a row above it.
  float legend_w = 0;
  for (const auto& l : legend) legend_w = std::max(legend_w, ImGui::CalcTextSize(l.text.c_str()).x + 28);
  const bool legend_right = avail.x - legend_w > 260;
  const float line = ImGui::GetTextLineHeight() + 2;
  int legend_rows = 0;
  if (!legend_right && !legend.empty()) {
    float x = 0;
    legend_rows = 1;
    for (const auto& l : legend) {
      const float w = ImGui::CalcTextSize(l.text.c_str()).x + 34;
      if (x + w > avail.x - 8 && x > 0) { ++legend_rows; x = 0; }
      x += w;
    }
  }
  const float left = 58, bottom = 24, top = 10 + legend_rows * line, right = legend_right ? legend_w + 16 : 14;
  const ImVec2 a0(p0.x + left, p0.y + top), b0(p1.x - right, p1.y - bottom);
  if (!std::isfinite(y_min) || b0.x - a0.x < 40 || b0.y - a0.y < 40) {
    if (!cur && !a.hint_dismissed && runs.empty()) {
      // The first-run hint, where the curves will be.
      const char* lines[] = {"Three steps:", "1. Train: press ▶ Train (the defaults are the worksheet's).",
                             "2. Watch the loss fall here.", "3. Draw a digit in the Draw panel: it is denoised live."};
      float y = std::max(p0.y + 8, (p0.y + p1.y) * 0.5f - 2 * line);
      for (int i = 0; i < 4; ++i) {
        const float x = p0.x + std::max(8.f, (p1.x - p0.x - ImGui::CalcTextSize(lines[1]).x) * 0.5f);
        ImGui::PushClipRect(p0, p1, true);
        dl->AddText(ImVec2(x, y), ImGui::GetColorU32(i ? ImGuiCol_Text : ImGuiCol_TextDisabled), lines[i]);
        ImGui::PopClipRect();
        y += line + 2;
      }
      mark("first_run_hint");
      return;
    }
    const char* msg = cur             ? "waiting for the first epoch…"
                      : runs.empty() ? "Train a model to see its loss curves here."
                                     : "The model in memory is not a run (from scratch or from a file): "
                                       "train it, or overlay runs in Runs.";
    ImGui::PushClipRect(p0, p1, true);
    const float wrap = std::max(40.f, p1.x - p0.x - 16);
    const ImVec2 ts = ImGui::CalcTextSize(msg, nullptr, false, wrap);
    dl->AddText(nullptr, 0, ImVec2((p0.x + p1.x - ts.x) * 0.5f, (p0.y + p1.y - ts.y) * 0.5f), ImGui::GetColorU32(kMuted),
                msg, nullptr, wrap);
    ImGui::PopClipRect();
    shown("loss_empty", msg, kMuted);
    return;
  }
  auto ty = [&](double v) { return ps.log_scale ? std::log10(std::max(v, 1e-12)) : v; };
  double lo = ty(y_min), hi = ty(y_max);
  if (hi - lo < 1e-9) {
    lo -= ps.log_scale ? 0.1 : std::max(1e-3, std::fabs(lo) * 0.1);
    hi += ps.log_scale ? 0.1 : std::max(1e-3, std::fabs(hi) * 0.1);
  }
  const double pad = (hi - lo) * 0.06;
  lo -= pad;
  hi += pad;
  if (!ps.log_scale && lo < 0 && y_min >= 0) lo = 0;
  // Markers at the first and last epoch stay whole: the curves start and end inside the axes.
  const float inset = 8;
  auto sx = [&](double x) { return float(a0.x + inset + (b0.x - a0.x - 2 * inset) * (x / x_max)); };
  auto sy = [&](double v) { return float(b0.y - (b0.y - a0.y) * ((ty(v) - lo) / (hi - lo))); };

  const ImU32 grid = ImGui::GetColorU32(ImVec4(1, 1, 1, 0.07f)), axis = ImGui::GetColorU32(kMuted);
  dl->PushClipRect(p0, p1, true);
  std::string y_ticks, x_ticks;  // the labels, for window.dae.texts() (one format per axis)
  auto tick = [&](double v, const std::string& s) {
    y_ticks += (y_ticks.empty() ? "" : " ") + s;
    const float y = sy(v);
    dl->AddLine(ImVec2(a0.x, y), ImVec2(b0.x, y), grid);
    dl->AddText(ImVec2(a0.x - 6 - ImGui::CalcTextSize(s.c_str()).x, y - 8), axis, s.c_str());
  };
  const double vlo = ps.log_scale ? std::pow(10.0, lo) : lo, vhi = ps.log_scale ? std::pow(10.0, hi) : hi;
  if (!ps.log_scale || hi - lo < 0.6) {
    // Evenly spaced round values (also on a log axis spanning less than a factor 4).
    const double step = nice_step(vhi - vlo, ps.log_scale ? 4 : 5);
    const int dec = decimals_for(step);
    for (double v = std::ceil(vlo / step) * step; v <= vhi + step * 1e-9; v += step)
      if (v > 0 || !ps.log_scale) tick(v, fmt_tick(v, dec));
  } else {
    // Powers of ten, with 2 and 5 between them over a few decades, or every whole multiple
    // (0.2 0.3 0.4 …) when those would be fewer than three labels; one format for all labels.
    const int d0 = int(std::floor(lo)), d1 = int(std::ceil(hi));
    const int dec = std::max(0, -d0);
    auto ticks_with = [&](std::initializer_list<int> ms, bool draw) {
      int n = 0;
      for (int dd = d0; dd <= d1; ++dd)
        for (int m : ms) {
          const double v = m * std::pow(10.0, dd), t = std::log10(v);
          if (t < lo || t > hi) continue;
          ++n;
          if (draw) tick(v, fmt_tick(v, dec));
        }
      return n;
    };
    if (d1 - d0 > 3) ticks_with({1}, true);
    else if (ticks_with({1, 2, 5}, false) >= 3) ticks_with({1, 2, 5}, true);
    else ticks_with({1, 2, 3, 4, 5, 6, 7, 8, 9}, true);
  }
  {
    const double st = std::max(1.0, nice_step(x_max, 8));
    for (double x = 0; x <= x_max + 1e-9; x += st) {
      const float px = sx(x);
      dl->AddLine(ImVec2(px, a0.y), ImVec2(px, b0.y), grid);
      char s[16];
      std::snprintf(s, sizeof s, "%g", x);
      x_ticks += (x_ticks.empty() ? "" : " ") + std::string(s);
      dl->AddText(ImVec2(px - ImGui::CalcTextSize(s).x * 0.5f, b0.y + 4), axis, s);
    }
    // The axis' name left of its origin, under the y labels (at the right end it covered the
    // last epoch's number).
    const char* xl = "epoch";
    dl->AddText(ImVec2(a0.x - 6 - ImGui::CalcTextSize(xl).x, b0.y + 4), axis, xl);
  }
  dl->AddRect(a0, b0, ImGui::GetColorU32(ImGuiCol_Border));
  shown("loss_y_ticks", y_ticks, kMuted);
  shown("loss_x_ticks", x_ticks, kMuted);
  mark_at("loss_axes", a0, b0);

  // The noisy input's loss, labelled at its right end (away from where training starts).
  if (baseline > 0 && std::isfinite(baseline)) {
    const float y = sy(baseline);
    for (float x = a0.x; x < b0.x; x += 10) dl->AddLine(ImVec2(x, y), ImVec2(std::min(x + 5, b0.x), y), axis, 1.0f);
    const char* t = "noisy input";
    dl->AddText(ImVec2(b0.x - ImGui::CalcTextSize(t).x - 4, y - 17), axis, t);
  }

  // Curves, clipped to the axes plus a marker's radius.
  dl->PushClipRect(ImVec2(a0.x - 5, a0.y - 5), ImVec2(b0.x + 5, b0.y + 5), true);
  for (const auto& s : series) {
    std::vector<ImVec2> px;
    px.reserve(s.pts.size() + 1);
    for (const auto& p : s.pts)
      if (std::isfinite(p.y) && (!ps.log_scale || p.y > 0)) px.emplace_back(sx(p.x), sy(p.y));
    polyline(dl, px, s.color, s.thickness, s.dashed);
    const float r = 3.5f;
    if (s.markers)
      for (const auto& q : px) {
        if (s.dashed) dl->AddCircle(q, r, s.color, 0, 1.5f);  // open markers for training
        else dl->AddCircleFilled(q, r, s.color);
      }
    if (s.markers && !s.name.empty() && !px.empty()) {  // loss_val_first, loss_train_last, …
      const float e = r + 1;  // the outline's half width
      mark_at("loss_" + s.name + "_first", ImVec2(px.front().x - e, px.front().y - e), ImVec2(px.front().x + e, px.front().y + e));
      mark_at("loss_" + s.name + "_last", ImVec2(px.back().x - e, px.back().y - e), ImVec2(px.back().x + e, px.back().y + e));
    }
  }
  dl->PopClipRect();

  // Legend, off the axes (its bounding box is the mark loss_legend).
  ImVec2 lo_box(1e9f, 1e9f), hi_box(-1e9f, -1e9f);
  auto entry = [&](const LegendEntry& l, ImVec2 at, float text_dx) {
    legend_swatch(dl, ImVec2(at.x, at.y + line * 0.5f), l.color, l.dashed);
    dl->AddText(ImVec2(at.x + text_dx, at.y), ImGui::GetColorU32(ImGuiCol_Text), l.text.c_str());
    lo_box = ImVec2(std::min(lo_box.x, at.x), std::min(lo_box.y, at.y));
    hi_box = ImVec2(std::max(hi_box.x, at.x + text_dx + ImGui::CalcTextSize(l.text.c_str()).x), std::max(hi_box.y, at.y + line));
  };
  if (legend_right) {
    float y = a0.y;
    for (const auto& l : legend) {
      entry(l, ImVec2(b0.x + 12, y), 22);
      y += line;
    }
  } else {
    float x = p0.x + 8, y = p0.y + 4;
    for (const auto& l : legend) {
      const float w = ImGui::CalcTextSize(l.text.c_str()).x + 34;
      if (x + w > p1.x - 8 && x > p0.x + 8) { x = p0.x + 8; y += line; }
      entry(l, ImVec2(x, y), 20);
      x += w;
    }
  }
  if (!legend.empty()) mark_at("loss_legend", lo_box, hi_box);
  dl->PopClipRect();

  // Hover readout.
  const ImVec2 m = ImGui::GetIO().MousePos;
  if (hovered && m.x >= a0.x && m.x <= b0.x) {
    const double xe = std::clamp((m.x - a0.x - inset) / (b0.x - a0.x - 2 * inset), 0.f, 1.f) * x_max;
    dl->AddLine(ImVec2(m.x, a0.y), ImVec2(m.x, b0.y), ImGui::GetColorU32(ImVec4(1, 1, 1, 0.25f)));
    ImGui::BeginTooltip();
    ImGui::Text("epoch %.2f", xe);
    if (cur && ps.show_steps && !cur->step_loss.empty() && cur->steps_per_epoch > 0) {
      const long step = std::clamp<long>(long(std::llround(xe * cur->steps_per_epoch)) - 1, 0,
                                         long(cur->step_loss.size()) - 1);
      const auto sm = cur->smoothed_step_loss(0.9);
      ImGui::TextColored(kStepColor, "step %ld: loss %.4f (smoothed %.4f)", step + 1,
                         double(cur->step_loss[size_t(step)]), double(sm[size_t(step)]));
    }
    for (const auto& r : runs) {
      if (&r != cur && !ps.overlay.count(r.id)) continue;
      if (r.history.empty()) continue;
      const int e = std::clamp(int(std::lround(xe)), 1, int(r.history.size()));
      const auto& h = r.history[size_t(e - 1)];
      ImGui::TextColored(&r == cur ? kValColor : ImGui::ColorConvertU32ToFloat4(run_color(r.id)),
                         "#%d epoch %d: train %.4f · val %.4f · PSNR %.2f dB", r.id, e, h.train_loss, h.val_loss,
                         h.val_psnr);
    }
    ImGui::EndTooltip();
  }
}

}  // namespace app
