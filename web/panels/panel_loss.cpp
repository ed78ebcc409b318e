// panel_loss.cpp — the Loss panel: per-epoch train and validation loss of the run in progress
// (or the latest), its smoothed per-step loss, runs overlaid from Runs, the noisy input's loss
// as a baseline. Readable by construction: every run has its own colour, validation is a solid
// line and training a dashed one, the legend sits beside the plot (never on the data), the
// last epoch's markers are not cut by the edge, and each axis uses one number format. The
// ticks and the overlaid runs' colours are the CLI figures' (base/chart.h).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "base/chart.h"
#include "nn/loss.h"
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

// Overlaid runs take the shared palette's colours but blue and orange (0 and 1: the current
// run's train and val are kTrainColor and kValColor), the gray (the noisy input's in figures)
// and any under 3:1 against the plot's background. On ChildBg (25, 27, 32) that leaves six:
// green 5.1:1, red 3.4, purple 4.1, pink 6.3, olive 8.6 and cyan 7.6 (brown, 2.9, is left out).
ImU32 run_color(int id) {
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_ChildBg];
  auto byte = [](float v) { return uint8_t(std::lround(std::clamp(v, 0.f, 1.f) * 255)); };
  const dae::Rgb back{byte(bg.x), byte(bg.y), byte(bg.z)};
  std::vector<dae::Rgb> colors;
  for (size_t i = 2; i < dae::palette().size(); ++i)
    if (int(i) != dae::kGrayHue && dae::contrast_ratio(dae::palette()[i], back) >= 3) colors.push_back(dae::palette()[i]);
  const dae::Rgb c = colors[size_t(id) % colors.size()];
  return ImGui::GetColorU32(IM_COL32(c.r, c.g, c.b, 255));
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


// What the sections of the Loss panel share.
struct LossPlot {
  App& a;
  const dae::RunRecord* cur;  // the run plotted; none after From scratch or with a file's model
  ImDrawList* dl = nullptr;
  ImVec2 p0, p1, avail;       // the canvas
  bool hovered = false;
  std::vector<Series> series;
  std::vector<LegendEntry> legend;
  double x_max = 1, baseline = 0;             // the last epoch shown; the noisy input's loss
  double y_min = INFINITY, y_max = -INFINITY;  // the losses shown
  float line = 0;             // a legend row's height
  bool legend_right = false;  // the legend beside the plot, else in rows above it
  ImVec2 a0, b0;              // the axes' corners
  double lo = 0, hi = 1;      // the y range shown (log10 values on the log scale)
  static constexpr float kInset = 8;  // markers at the first and last epoch stay whole

  LossPlot(App& app, const dae::RunRecord* run) : a(app), cur(run) {}
  bool log() const { return a.plot.log_scale; }
  double ty(double v) const { return log() ? std::log10(std::max(v, 1e-12)) : v; }
  float sx(double x) const { return float(a0.x + kInset + (b0.x - a0.x - 2 * kInset) * (x / x_max)); }
  float sy_axis(double t) const { return float(b0.y - (b0.y - a0.y) * ((t - lo) / (hi - lo))); }  // t: ty(loss)
  float sy(double v) const { return sy_axis(ty(v)); }
};

void loss_toolbar(PlotState& ps) {
  ImGui::Checkbox("log scale", &ps.log_scale);
  mark("log_scale");
  same_line_if_fits("per-step loss");
  ImGui::Checkbox("per-step loss", &ps.show_steps);
  same_line_if_fits(ImGui::CalcTextSize("· overlay runs in Runs").x);
  ImGui::AlignTextToFramePadding();
  ImGui::TextColored(kMuted, "· overlay runs in Runs");
}

// The rest of the panel: one item (the mark loss_plot) with the plot's background.
void loss_canvas(LossPlot& v) {
  v.p0 = ImGui::GetCursorScreenPos();
  v.avail = ImGui::GetContentRegionAvail();
  v.p1 = ImVec2(v.p0.x + std::max(v.avail.x, 10.f), v.p0.y + std::max(v.avail.y, 10.f));
  ImGui::InvisibleButton("plot", ImVec2(std::max(v.avail.x, 10.f), std::max(v.avail.y, 10.f)));
  mark("loss_plot");
  v.hovered = ImGui::IsItemHovered();
  v.dl = ImGui::GetWindowDrawList();
  v.dl->AddRectFilled(v.p0, v.p1, ImGui::GetColorU32(ImGuiCol_ChildBg), 3);
}

// A run's train and val curves and legend entries (the current run's in its own colours, with
// its per-step loss and its noisy input's loss).
void add_run(LossPlot& v, const dae::RunRecord& r, bool is_current) {
  Series tr{{}, 0, 1.5f, true, true, ""}, va{{}, 0, 2.2f, false, true, ""};
  if (is_current) tr.name = "train", va.name = "val";
  for (const auto& e : r.history) {
    tr.pts.emplace_back(float(e.epoch), float(e.train_loss));
    va.pts.emplace_back(float(e.epoch), float(e.val_loss));
  }
  const std::string name = "#" + std::to_string(r.id);
  if (is_current) {
    v.x_max = std::max(v.x_max, double(r.config.epochs));
    tr.color = ImGui::GetColorU32(kTrainColor);
    va.color = ImGui::GetColorU32(kValColor);
    if (v.a.plot.show_steps) {
      Series st{step_series(r, v.avail.x), ImGui::GetColorU32(kStepColor), 1.3f, false, false, ""};
      if (!st.pts.empty()) {
        v.series.push_back(std::move(st));
        v.legend.push_back({name + " train, per step", ImGui::GetColorU32(kStepColor), false});
      }
    }
    v.baseline = r.baseline.loss;
  } else {
    v.x_max = std::max(v.x_max, double(std::max<size_t>(r.history.size(), 1)));
    tr.color = va.color = run_color(r.id);
  }
  v.legend.push_back({name + " val", va.color, false});
  v.legend.push_back({name + " train", tr.color, true});
  v.series.push_back(std::move(tr));
  v.series.push_back(std::move(va));
}

// The losses shown (positive ones on the log scale), the noisy input's included.
void loss_data_range(LossPlot& v) {
  for (const auto& s : v.series)
    for (const auto& p : s.pts)
      if (std::isfinite(p.y) && (!v.log() || p.y > 0)) {
        v.y_min = std::min(v.y_min, double(p.y));
        v.y_max = std::max(v.y_max, double(p.y));
      }
  if (v.baseline > 0 && std::isfinite(v.baseline) && std::isfinite(v.y_min)) {
    v.y_min = std::min(v.y_min, v.baseline);
    v.y_max = std::max(v.y_max, v.baseline);
  }
}

// The legend in words, with each line's style (window.dae.texts().loss_legend).
void loss_legend_words(const LossPlot& v) {
  std::string words;
  for (const auto& l : v.legend) {
    char col[16];
    std::snprintf(col, sizeof col, "#%02x%02x%02x", unsigned(l.color & 0xFF), unsigned((l.color >> 8) & 0xFF),
                  unsigned((l.color >> 16) & 0xFF));
    words += (words.empty() ? "" : ", ") + l.text + ": " + (l.dashed ? "dashed " : "solid ") + col;
  }
  shown("loss_legend", words, kMuted);
}

// The axes' corners: the legend beside the plot when there is room, else in rows above it.
void loss_layout(LossPlot& v) {
  float legend_w = 0;
  for (const auto& l : v.legend) legend_w = std::max(legend_w, ImGui::CalcTextSize(l.text.c_str()).x + 28);
  v.legend_right = v.avail.x - legend_w > 260;
  v.line = ImGui::GetTextLineHeight() + 2;
  int legend_rows = 0;
  if (!v.legend_right && !v.legend.empty()) {
    float x = 0;
    legend_rows = 1;
    for (const auto& l : v.legend) {
      const float w = ImGui::CalcTextSize(l.text.c_str()).x + 34;
      if (x + w > v.avail.x - 8 && x > 0) { ++legend_rows; x = 0; }
      x += w;
    }
  }
  const float left = 58, bottom = 24, top = 10 + legend_rows * v.line, right = v.legend_right ? legend_w + 16 : 14;
  v.a0 = ImVec2(v.p0.x + left, v.p0.y + top);
  v.b0 = ImVec2(v.p1.x - right, v.p1.y - bottom);
}

// Where the curves will be, when there are none or no room: the first-run hint, or what is
// missing. False when there is a plot to draw.
bool loss_placeholder(LossPlot& v) {
  if (std::isfinite(v.y_min) && v.b0.x - v.a0.x >= 40 && v.b0.y - v.a0.y >= 40) return false;
  const auto& runs = v.a.session.runs();
  const ImVec2 p0 = v.p0, p1 = v.p1;
  if (!v.cur && !v.a.hint_dismissed && runs.empty()) {
    // The first-run hint, where the curves will be.
    const char* lines[] = {"Three steps:", "1. Train: press ▶ Train (the defaults are the worksheet's).",
                           "2. Watch the loss fall here.", "3. Draw a digit in the Draw panel: it is denoised live."};
    float y = std::max(p0.y + 8, (p0.y + p1.y) * 0.5f - 2 * v.line);
    for (int i = 0; i < 4; ++i) {
      const float x = p0.x + std::max(8.f, (p1.x - p0.x - ImGui::CalcTextSize(lines[1]).x) * 0.5f);
      ImGui::PushClipRect(p0, p1, true);
      v.dl->AddText(ImVec2(x, y), ImGui::GetColorU32(i ? ImGuiCol_Text : ImGuiCol_TextDisabled), lines[i]);
      ImGui::PopClipRect();
      y += v.line + 2;
    }
    mark("first_run_hint");
    return true;
  }
  const char* msg = v.cur         ? "waiting for the first epoch…"
                    : runs.empty() ? "Train a model to see its loss curves here."
                                   : "The model in memory is not a run (from scratch or from a file): "
                                     "train it, or overlay runs in Runs.";
  ImGui::PushClipRect(p0, p1, true);
  const float wrap = std::max(40.f, p1.x - p0.x - 16);
  const ImVec2 ts = ImGui::CalcTextSize(msg, nullptr, false, wrap);
  v.dl->AddText(nullptr, 0, ImVec2((p0.x + p1.x - ts.x) * 0.5f, (p0.y + p1.y - ts.y) * 0.5f), ImGui::GetColorU32(kMuted),
                msg, nullptr, wrap);
  ImGui::PopClipRect();
  shown("loss_empty", msg, kMuted);
  return true;
}

// The y range shown: the losses padded by 6%, from 0 on a linear axis of losses ≥ 0.
void loss_y_range(LossPlot& v) {
  double lo = v.ty(v.y_min), hi = v.ty(v.y_max);
  if (hi - lo < 1e-9) {
    lo -= v.log() ? 0.1 : std::max(1e-3, std::fabs(lo) * 0.1);
    hi += v.log() ? 0.1 : std::max(1e-3, std::fabs(hi) * 0.1);
  }
  const double pad = (hi - lo) * 0.06;
  lo -= pad;
  hi += pad;
  if (!v.log() && lo < 0 && v.y_min >= 0) lo = 0;
  v.lo = lo;
  v.hi = hi;
}

// Grid lines and tick labels of both axes (one format per axis), the axes' frame; the labels
// for window.dae.texts() (loss_y_ticks, loss_x_ticks).
void loss_axes(const LossPlot& v) {
  const ImU32 grid = ImGui::GetColorU32(ImVec4(1, 1, 1, 0.07f)), axis = ImGui::GetColorU32(kMuted);
  const ImVec2 a0 = v.a0, b0 = v.b0;
  const std::vector<double> yt = dae::nice_ticks(v.lo, v.hi, v.log()), xt = dae::whole_ticks(0, v.x_max);
  const std::vector<std::string> y_labels = dae::tick_labels(yt, v.log()), x_labels = dae::tick_labels(xt);
  std::string y_ticks, x_ticks;
  for (size_t i = 0; i < yt.size(); ++i) {
    const std::string& s = y_labels[i];
    y_ticks += (y_ticks.empty() ? "" : " ") + s;
    const float y = v.sy_axis(yt[i]);
    v.dl->AddLine(ImVec2(a0.x, y), ImVec2(b0.x, y), grid);
    v.dl->AddText(ImVec2(a0.x - 6 - ImGui::CalcTextSize(s.c_str()).x, y - 8), axis, s.c_str());
  }
  for (size_t i = 0; i < xt.size(); ++i) {
    const std::string& s = x_labels[i];
    x_ticks += (x_ticks.empty() ? "" : " ") + s;
    const float px = v.sx(xt[i]);
    v.dl->AddLine(ImVec2(px, a0.y), ImVec2(px, b0.y), grid);
    v.dl->AddText(ImVec2(px - ImGui::CalcTextSize(s.c_str()).x * 0.5f, b0.y + 4), axis, s.c_str());
  }
  // The axis' name left of its origin, under the y labels (at the right end it covered the
  // last epoch's number).
  const char* xl = "epoch";
  v.dl->AddText(ImVec2(a0.x - 6 - ImGui::CalcTextSize(xl).x, b0.y + 4), axis, xl);
  v.dl->AddRect(a0, b0, ImGui::GetColorU32(ImGuiCol_Border));
  shown("loss_y_ticks", y_ticks, kMuted);
  shown("loss_x_ticks", x_ticks, kMuted);
  mark_at("loss_axes", a0, b0);
}

// The noisy input's loss, labelled at its right end (away from where training starts).
void loss_baseline(const LossPlot& v) {
  if (!(v.baseline > 0 && std::isfinite(v.baseline))) return;
  const ImU32 axis = ImGui::GetColorU32(kMuted);
  const float y = v.sy(v.baseline);
  for (float x = v.a0.x; x < v.b0.x; x += 10) v.dl->AddLine(ImVec2(x, y), ImVec2(std::min(x + 5, v.b0.x), y), axis, 1.0f);
  const char* t = "noisy input";
  v.dl->AddText(ImVec2(v.b0.x - ImGui::CalcTextSize(t).x - 4, y - 17), axis, t);
}

// Curves, clipped to the axes plus a marker's radius; the current run's first and last
// markers marked (loss_val_first, loss_train_last, …).
void loss_curves(const LossPlot& v) {
  ImDrawList* dl = v.dl;
  dl->PushClipRect(ImVec2(v.a0.x - 5, v.a0.y - 5), ImVec2(v.b0.x + 5, v.b0.y + 5), true);
  for (const auto& s : v.series) {
    std::vector<ImVec2> px;
    px.reserve(s.pts.size() + 1);
    for (const auto& p : s.pts)
      if (std::isfinite(p.y) && (!v.log() || p.y > 0)) px.emplace_back(v.sx(p.x), v.sy(p.y));
    polyline(dl, px, s.color, s.thickness, s.dashed);
    const float r = 3.5f;
    if (s.markers)
      for (const auto& q : px) {
        if (s.dashed) dl->AddCircle(q, r, s.color, 0, 1.5f);  // open markers for training
        else dl->AddCircleFilled(q, r, s.color);
      }
    if (s.markers && !s.name.empty() && !px.empty()) {
      const float e = r + 1;  // the outline's half width
      mark_at("loss_" + s.name + "_first", ImVec2(px.front().x - e, px.front().y - e), ImVec2(px.front().x + e, px.front().y + e));
      mark_at("loss_" + s.name + "_last", ImVec2(px.back().x - e, px.back().y - e), ImVec2(px.back().x + e, px.back().y + e));
    }
  }
  dl->PopClipRect();
}

// The legend, off the axes (its bounding box is the mark loss_legend).
void loss_legend(const LossPlot& v) {
  ImVec2 lo_box(1e9f, 1e9f), hi_box(-1e9f, -1e9f);
  const float line = v.line;
  auto entry = [&](const LegendEntry& l, ImVec2 at, float text_dx) {
    legend_swatch(v.dl, ImVec2(at.x, at.y + line * 0.5f), l.color, l.dashed);
    v.dl->AddText(ImVec2(at.x + text_dx, at.y), ImGui::GetColorU32(ImGuiCol_Text), l.text.c_str());
    lo_box = ImVec2(std::min(lo_box.x, at.x), std::min(lo_box.y, at.y));
    hi_box = ImVec2(std::max(hi_box.x, at.x + text_dx + ImGui::CalcTextSize(l.text.c_str()).x), std::max(hi_box.y, at.y + line));
  };
  if (v.legend_right) {
    float y = v.a0.y;
    for (const auto& l : v.legend) {
      entry(l, ImVec2(v.b0.x + 12, y), 22);
      y += line;
    }
  } else {
    float x = v.p0.x + 8, y = v.p0.y + 4;
    for (const auto& l : v.legend) {
      const float w = ImGui::CalcTextSize(l.text.c_str()).x + 34;
      if (x + w > v.p1.x - 8 && x > v.p0.x + 8) { x = v.p0.x + 8; y += line; }
      entry(l, ImVec2(x, y), 20);
      x += w;
    }
  }
  if (!v.legend.empty()) mark_at("loss_legend", lo_box, hi_box);
}

// Hover readout: the epoch under the mouse, the current run's step there, each run's numbers.
void loss_hover(const LossPlot& v) {
  const ImVec2 m = ImGui::GetIO().MousePos;
  if (!v.hovered || m.x < v.a0.x || m.x > v.b0.x) return;
  const dae::RunRecord* cur = v.cur;
  const double xe = std::clamp((m.x - v.a0.x - LossPlot::kInset) / (v.b0.x - v.a0.x - 2 * LossPlot::kInset), 0.f, 1.f) * v.x_max;
  v.dl->AddLine(ImVec2(m.x, v.a0.y), ImVec2(m.x, v.b0.y), ImGui::GetColorU32(ImVec4(1, 1, 1, 0.25f)));
  ImGui::BeginTooltip();
  ImGui::Text("epoch %.2f", xe);
  if (cur && v.a.plot.show_steps && !cur->step_loss.empty() && cur->steps_per_epoch > 0) {
    const long step = std::clamp<long>(long(std::llround(xe * cur->steps_per_epoch)) - 1, 0,
                                       long(cur->step_loss.size()) - 1);
    const auto sm = cur->smoothed_step_loss(0.9);
    ImGui::TextColored(kStepColor, "step %ld: loss %.4f (smoothed %.4f)", step + 1,
                       double(cur->step_loss[size_t(step)]), double(sm[size_t(step)]));
  }
  for (const auto& r : v.a.session.runs()) {
    if (&r != cur && !v.a.plot.overlay.count(r.id)) continue;
    if (r.history.empty()) continue;
    const int e = std::clamp(int(std::lround(xe)), 1, int(r.history.size()));
    const auto& h = r.history[size_t(e - 1)];
    ImGui::TextColored(&r == cur ? kValColor : ImGui::ColorConvertU32ToFloat4(run_color(r.id)),
                       "#%d epoch %d: train %.4f · val %.4f · PSNR %.2f dB", r.id, e, h.train_loss, h.val_loss,
                       h.val_psnr);
  }
  ImGui::EndTooltip();
}

// The plotted run's curve as sentences, one per epoch (the last 50): the plot's text alternative.
void loss_alt(const LossPlot& v) {
  if (!v.cur) return;
  const auto& h = v.cur->history;
  for (size_t i = h.size() > 50 ? h.size() - 50 : 0; i < h.size(); ++i) {
    char b[200];
    std::snprintf(b, sizeof b, "Run #%d, epoch %d: training loss %.4f, validation loss %.4f, validation PSNR %.2f dB.",
                  v.cur->id, h[i].epoch, h[i].train_loss, h[i].val_loss, h[i].val_psnr);
    say("loss_alt_" + std::to_string(i), b);
  }
}

// Save PNG: the runs on show (the plotted one first, then the overlaid ones) as the CLI's
// `dae figure loss` draws them (study/figures.h), on the panel's log or linear axis.
void loss_save(App& a, const dae::RunRecord* cur) {
  std::vector<const dae::RunRecord*> runs;
  if (cur && !cur->history.empty()) runs.push_back(cur);
  for (const auto& r : a.session.runs())
    if (a.plot.overlay.count(r.id) && &r != cur && !r.history.empty()) runs.push_back(&r);
  if (runs.empty()) return;
  same_line_if_fits("Save PNG");
  save_png_button(a, "loss", "the loss plot", "dae-loss.png", [&a, &runs]() -> FigureJob {
    std::vector<dae::LossCurve> curves;
    for (const dae::RunRecord* r : runs) {
      dae::LossCurve c{"#" + std::to_string(r->id), {}, {}, {}};
      for (const auto& e : r->history) c.epochs.push_back(e.epoch), c.train.push_back(e.train_loss), c.val.push_back(e.val_loss);
      curves.push_back(std::move(c));
    }
    // The first run's noisy input, as the panel draws it.
    const dae::PlotSpec spec = dae::loss_plot(curves, runs[0]->baseline.loss, dae::loss_name(runs[0]->config.loss),
                                              a.plot.log_scale);
    return [spec](int zoom) { return dae::plot_png(spec, zoom); };
  });
}

}  // namespace

void draw_loss(App& a) {
  loss_toolbar(a.plot);
  loss_save(a, described_run(a));
  LossPlot v(a, described_run(a));
  loss_canvas(v);
  for (const auto& r : a.session.runs())
    if (a.plot.overlay.count(r.id) && &r != v.cur) add_run(v, r, false);
  if (v.cur) add_run(v, *v.cur, true);
  loss_data_range(v);
  loss_legend_words(v);
  loss_layout(v);
  loss_alt(v);
  if (loss_placeholder(v)) return;
  loss_y_range(v);
  v.dl->PushClipRect(v.p0, v.p1, true);
  loss_axes(v);
  loss_baseline(v);
  loss_curves(v);
  loss_legend(v);
  v.dl->PopClipRect();
  loss_hover(v);
}

}  // namespace app
