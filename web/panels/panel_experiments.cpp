// panel_experiments.cpp — the Runs panel (the worksheet's "record your observations"): every
// run with its settings and scores (lr, batch, loss and seed shown), sortable; a run's model is
// one click away ("Use model"); curves overlaid in the Loss panel; notes per run; the free-text
// observations; CSV export and copy; deleting a run asks first when its model exists only here;
// sweeps along one axis (queue one run per value, see them fill in, final PSNR against the value).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "state/app.h"
#include "imgui_stdlib.h"
#include "study/sweep.h"

namespace app {

namespace {

enum Col { ColShow, ColId, ColModel, ColNoise, ColEpochs, ColPsnr, ColSsim, ColVal, ColLr, ColBatch, ColLoss,
           ColSeed, ColTime, ColData, ColState, ColTrain, ColSizes, ColCount };

std::string short_noise(const dae::Noise& n) {
  char b[32];
  if (n.kind == dae::Noise::None) return "none";
  std::snprintf(b, sizeof b, "%s %g", n.kind == dae::Noise::Gaussian ? "gauss" : "s&p", double(n.amount));
  return b;
}

double sort_value(const dae::RunRecord& r, int col) {
  switch (col) {
    case ColId: return r.id;
    case ColEpochs: return double(r.history.size());
    case ColTrain: return r.final_train_loss();
    case ColVal: return r.final_val_loss();
    case ColPsnr: return r.final_val_psnr();
    case ColSsim: return r.final_val_ssim();
    case ColTime: return r.wall_seconds;
    case ColBatch: return r.config.batch;
    case ColLr: return r.config.lr;
    case ColSizes: return double(r.train_size);
    case ColSeed: return double(r.config.seed);
    default: return 0;
  }
}

std::string sort_text(const dae::RunRecord& r, int col) {
  switch (col) {
    case ColData: return r.config.dataset;
    case ColModel: return r.arch_name;
    case ColNoise: return r.config.noise.str();
    case ColState: return dae::run_state_name(r.state);
    case ColLoss: return dae::loss_name(r.config.loss);
    default: return "";
  }
}

// A finished sweep point: its run's final validation PSNR.
struct SweepResult {
  double psnr;
  const dae::RunRecord* run;
  const dae::SweepPoint* pt;
};

// Finished runs only: a stopped one's PSNR is not the value's result (it trains again).
std::vector<SweepResult> sweep_results(const App& a, const dae::Sweep& sw) {
  std::vector<SweepResult> pts;
  for (const auto& p : sw.points) {
    const dae::RunRecord* r = p.run_id ? a.session.run(p.run_id) : nullptr;
    if (r && a.session.sweep_point_done(p) && std::isfinite(r->final_val_psnr())) pts.push_back({r->final_val_psnr(), r, &p});
  }
  return pts;
}

// The sweep chart's frame (screen pixels) and its scales: x the values, y the final PSNR.
struct SweepChart {
  const dae::Sweep& sw;
  bool by_index;  // names: placed in their order
  ImDrawList* dl;
  ImVec2 o;
  float w, lh, left, right, top, bottom, pad;
  ImU32 axis_col;
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;

  // x: the values (log for lr, batch, width), or their order for names.
  double xv(const dae::SweepPoint& p, size_t i) const {
    if (by_index) return double(i);
    return sw.log_x ? std::log10(std::max(p.x, 1e-12)) : p.x;
  }
  float sx(double x) const { return left + pad + float((x - x0) / (x1 - x0)) * (right - left - 2 * pad); }
  float sy(double y) const { return bottom - float((y - y0) / (y1 - y0)) * (bottom - top); }
};

// The chart's space (an item, not a button: a finger dragged over the chart scrolls the panel)
// and its two axes.
SweepChart chart_frame(const dae::Sweep& sw, float height) {
  const SweepAxis* axis = sweep_axis(sw.axis);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const float w = std::max(120.f, ImGui::GetContentRegionAvail().x);
  ImGui::Dummy(ImVec2(w, height));
  mark("sweep_chart");
  const float lh = ImGui::GetTextLineHeight();
  const float left = o.x + ImGui::CalcTextSize("00.0").x + 8, right = o.x + w - 12;
  const float top = o.y + lh + 4, bottom = o.y + height - lh - 6;
  const ImU32 axis_col = ImGui::GetColorU32(kMuted);
  dl->AddLine(ImVec2(left, bottom), ImVec2(right, bottom), axis_col);
  dl->AddLine(ImVec2(left, top), ImVec2(left, bottom), axis_col);
  return {sw, axis && axis->by_index, dl, o, w, lh, left, right, top, bottom, 0.06f * (right - left), axis_col};
}

// The x scale, from every value, and a tick at each, labelled (a label that would overlap the
// previous one is left out).
void chart_x_axis(SweepChart& c) {
  const auto& points = c.sw.points;
  for (size_t i = 0; i < points.size(); ++i) {
    c.x0 = std::min(c.x0, c.xv(points[i], i));
    c.x1 = std::max(c.x1, c.xv(points[i], i));
  }
  if (!(c.x1 > c.x0)) { c.x0 -= 1; c.x1 += 1; }
  float last_end = -1e9f;
  for (size_t i = 0; i < points.size(); ++i) {
    const float x = c.sx(c.xv(points[i], i));
    c.dl->AddLine(ImVec2(x, c.bottom), ImVec2(x, c.bottom + 4), c.axis_col);
    const char* t = points[i].value.c_str();
    const float tw = ImGui::CalcTextSize(t).x;
    const float tx = std::clamp(x - tw / 2, c.o.x, c.o.x + c.w - tw);
    if (tx > last_end + 4) {
      c.dl->AddText(ImVec2(tx, c.bottom + 5), c.axis_col, t);
      last_end = tx + tw;
    }
  }
}

// The y scale, from the PSNRs with a margin, its lowest and highest labelled.
void chart_y_axis(SweepChart& c, const std::vector<SweepResult>& pts) {
  for (const SweepResult& p : pts) {
    c.y0 = std::min(c.y0, p.psnr);
    c.y1 = std::max(c.y1, p.psnr);
  }
  const double ypad = std::max(0.25, 0.12 * (c.y1 - c.y0));
  c.y0 -= ypad;
  c.y1 += ypad;
  for (double y : {c.y0 + ypad, c.y1 - ypad}) {
    char b[16];
    std::snprintf(b, sizeof b, "%.1f", y);
    c.dl->AddText(ImVec2(c.o.x, c.sy(y) - c.lh / 2), c.axis_col, b);
    c.dl->AddLine(ImVec2(c.left - 3, c.sy(y)), ImVec2(c.left, c.sy(y)), c.axis_col);
  }
  c.dl->AddText(ImVec2(c.o.x, c.o.y), c.axis_col, "val PSNR (dB)");
}

// The points joined left to right, each with its PSNR; hover one for its run, click to select it.
void chart_points(App& a, const SweepChart& c, const std::vector<SweepResult>& pts) {
  const dae::Sweep& sw = c.sw;
  std::vector<std::pair<float, const SweepResult*>> order;
  for (const SweepResult& p : pts) {
    const size_t i = size_t(p.pt - sw.points.data());
    order.push_back({c.sx(c.xv(*p.pt, i)), &p});
  }
  std::sort(order.begin(), order.end(), [](const auto& l, const auto& r) { return l.first < r.first; });
  const ImU32 line = ImGui::GetColorU32(kValColor);
  for (size_t i = 1; i < order.size(); ++i)
    c.dl->AddLine(ImVec2(order[i - 1].first, c.sy(order[i - 1].second->psnr)), ImVec2(order[i].first, c.sy(order[i].second->psnr)),
                  line, 2.f);
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const bool hovered = ImGui::IsItemHovered();
  for (const auto& [x, p] : order) {
    const ImVec2 at(x, c.sy(p->psnr));
    const bool near = hovered && std::abs(mouse.x - at.x) < 8 && std::abs(mouse.y - at.y) < 8;
    c.dl->AddCircleFilled(at, near ? 6.f : 4.f, ImGui::GetColorU32(a.exp.selected == p->run->id ? kAccent : kValColor));
    mark_at("sweep_point_" + std::to_string(p->pt - sw.points.data()), ImVec2(at.x - 4, at.y - 4), ImVec2(at.x + 4, at.y + 4));
    char b[16];
    std::snprintf(b, sizeof b, "%.2f", p->psnr);
    const float tw = ImGui::CalcTextSize(b).x;
    c.dl->AddText(ImVec2(std::clamp(at.x - tw / 2, c.o.x, c.o.x + c.w - tw), at.y - c.lh - 4), ImGui::GetColorU32(ImGuiCol_Text), b);
    if (near) {
      tooltip("%s %s: run #%d, val PSNR %.2f dB (noisy %.2f), SSIM %.3f%s%s\nClick: select the run (its notes)",
                        sw.axis.c_str(), p->pt->value.c_str(), p->run->id, p->psnr, p->run->baseline.psnr,
                        p->run->final_val_ssim(), p->run->notes.empty() ? "" : "\n", p->run->notes.c_str());
      if (ImGui::IsMouseClicked(0)) a.exp.selected = p->run->id;
    }
  }
}

// Final validation PSNR against the swept value: one point per finished run, in the order of
// the values; hover a point for its run, click it to select the run (its notes).
void sweep_chart(App& a, const dae::Sweep& sw, float height) {
  const std::vector<SweepResult> pts = sweep_results(a, sw);
  SweepChart c = chart_frame(sw, height);
  chart_x_axis(c);
  if (pts.empty()) {
    const char* t = "final PSNR of each run appears here as it finishes";
    c.dl->AddText(ImVec2(c.left + 8, c.top + 4), c.axis_col, t);
    return;
  }
  chart_y_axis(c, pts);
  chart_points(a, c, pts);
}

// Save PNG: the chart as `dae figure`'s plots are drawn (study/figures.h), once a run is done.
void sweep_save(App& a, const dae::Sweep& sw) {
  const std::vector<SweepResult> pts = sweep_results(a, sw);
  if (pts.empty()) return;
  same_line_if_fits("Save PNG");
  save_png_button(a, "sweep", "the sweep chart", "dae-sweep.png", [&sw, &pts]() -> FigureJob {
    std::vector<dae::SweepValue> values;
    for (const auto& p : sw.points) values.push_back({p.value, p.x, NAN, NAN});
    for (const SweepResult& r : pts) {
      dae::SweepValue& v = values[size_t(r.pt - sw.points.data())];
      v.psnr = r.psnr;
      if (sw.axis == "noise level") v.noisy = r.run->baseline.psnr;  // as dae sweep: only when the noise varies
    }
    const SweepAxis* axis = sweep_axis(sw.axis);
    return [spec = dae::sweep_plot(sw.axis, values, sw.log_x, axis && axis->by_index)](int zoom) {
      return dae::plot_png(spec, zoom);
    };
  });
}

// The axis to vary (`axis`: the one chosen as the frame began).
void sweep_axis_combo(App& a, const SweepAxis& axis) {
  ExperimentsState& e = a.exp;
  const auto& axes = sweep_axes();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Vary");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("learning rate").x + ImGui::GetFrameHeight() + 16);
  next_item_role("combobox", axis.name, "Vary");
  if (ImGui::BeginCombo("##sweep_axis", axis.name)) {
    for (size_t i = 0; i < axes.size(); ++i) {
      if (choice(axes[i].name, int(i) == e.sweep_axis)) {
        e.sweep_axis = int(i);
        e.sweep_values = axes[i].defaults;
        e.sweep_error.clear();
      }
      std::string id = std::string("sweep_axis_") + axes[i].name;
      std::replace(id.begin(), id.end(), ' ', '_');
      mark(id);
    }
    ImGui::EndCombo();
  }
  mark("sweep_axis");
  if (ImGui::IsItemHovered()) tooltip("%s", axis.help);
}

// Its values, Queue N runs, and why a sweep could not start.
void sweep_queue(App& a, const SweepAxis& axis) {
  ExperimentsState& e = a.exp;
  if (e.sweep_values.empty() && !ImGui::IsAnyItemActive()) e.sweep_values = axis.defaults;
  same_line_if_fits(160.f);
  ImGui::SetNextItemWidth(std::max(120.f, ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("Queue 00 runs").x - 24));
  ImGui::InputText("##sweep_values", &e.sweep_values);
  mark("sweep_values");
  if (ImGui::IsItemHovered()) tooltip("Values separated by commas: %s", axis.help);
  size_t n = 0;
  try {
    n = dae::split_list(e.sweep_values, axis.name).size();
  } catch (const std::exception&) {
  }
  char label[48];
  std::snprintf(label, sizeof label, "Queue %zu run%s", n, n == 1 ? "" : "s");
  same_line_if_fits(label);
  ImGui::BeginDisabled(n == 0);
  if (ImGui::Button(label)) {
    try {
      const int id = a.session.start_sweep(axis.name, axis.log_x, sweep_points(a, axis, e.sweep_values));
      e.sweep_shown = id;
      e.sweep_error.clear();
      a.editor.train_error.clear();
      a.hint_dismissed = true;
    } catch (const std::exception& ex) {
      e.sweep_error = ex.what();
    }
  }
  ImGui::EndDisabled();
  mark("sweep_start");
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    tooltip("One run per value, one after another, each with the Data, Model and Training settings\n"
                      "and this value. A run in progress stops first and is kept.");
  if (!e.sweep_error.empty()) {
    wrapped(kBad, e.sweep_error);
    shown("sweep_error", e.sweep_error, kBad);
  }
}

// Which sweep to show, when there are several.
void sweep_picker(App& a, const dae::Sweep& sw) {
  const auto& sweeps = a.session.sweeps();
  if (sweeps.size() <= 1) return;
  char cur[64];
  std::snprintf(cur, sizeof cur, "Sweep #%d", sw.id);
  ImGui::SetNextItemWidth(ImGui::CalcTextSize("Sweep #000").x + ImGui::GetFrameHeight() + 12);
  next_item_role("combobox", cur, "Sweep");
  if (ImGui::BeginCombo("##sweep_pick", cur)) {
    for (auto it = sweeps.rbegin(); it != sweeps.rend(); ++it) {
      char b[96];
      std::snprintf(b, sizeof b, "Sweep #%d · %s (%zu)", it->id, it->axis.c_str(), it->points.size());
      if (choice(b, it->id == sw.id)) a.exp.sweep_shown = it->id;
    }
    ImGui::EndCombo();
  }
  mark("sweep_pick");
  ImGui::SameLine();
}

// How far the sweep is; Continue and Drop the rest when it waits.
void sweep_progress(App& a, const dae::Sweep& sw) {
  const size_t total = sw.points.size();
  size_t done = 0;
  std::string training_value;
  for (const auto& p : sw.points) {
    const dae::RunRecord* r = p.run_id ? a.session.run(p.run_id) : nullptr;
    if (a.session.sweep_point_done(p)) ++done;
    else if (r && !r->finished()) training_value = p.value;
  }
  std::string status = "Sweep #" + std::to_string(sw.id) + " along " + sw.axis + ": " + std::to_string(done) + " of " +
                       std::to_string(total) + " runs done";
  if (a.session.going_sweep() == sw.id && !training_value.empty()) status += " · training " + training_value;
  else if (sw.waiting) status += " · " + std::to_string(a.session.sweep_left(sw)) + " waiting";
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(status.c_str());
  shown("sweep_status", status, ImGui::GetStyle().Colors[ImGuiCol_Text]);
  if (sw.waiting) {
    same_line_if_fits("Continue");
    if (ImGui::Button("Continue")) a.session.continue_sweep(sw.id);
    mark("sweep_continue");
    same_line_if_fits("Drop the rest");
    if (ImGui::Button("Drop the rest")) drop_sweep_rest(a, sw.id);
    mark("sweep_drop");
    if (ImGui::IsItemHovered()) tooltip("Forget the values not trained yet (the runs done stay; Undo brings them back).");
  }
}

// What the chart shows, in words (for the e2e tests and a screen reader's sake).
void sweep_words(const App& a, const dae::Sweep& sw) {
  std::string words = sw.axis + ":";
  for (const auto& p : sw.points) {
    const dae::RunRecord* r = p.run_id ? a.session.run(p.run_id) : nullptr;
    char b[64];
    if (r && r->finished() && std::isfinite(r->final_val_psnr()))
      std::snprintf(b, sizeof b, " %s → %.2f dB", p.value.c_str(), r->final_val_psnr());
    else
      std::snprintf(b, sizeof b, " %s → …", p.value.c_str());
    words += b;
    if (&p != &sw.points.back()) words += ",";
  }
  shown("sweep_chart", words, kMuted);
}

// Queue a sweep along one axis, see where it is, and its chart.
void draw_sweep(App& a) {
  ExperimentsState& e = a.exp;
  const auto& axes = sweep_axes();
  e.sweep_axis = std::clamp(e.sweep_axis, 0, int(axes.size()) - 1);
  const SweepAxis& axis = axes[size_t(e.sweep_axis)];
  sweep_axis_combo(a, axis);
  sweep_queue(a, axis);

  // The sweep shown: the one picked, else the latest.
  const auto& sweeps = a.session.sweeps();
  const dae::Sweep* sw = e.sweep_shown ? a.session.sweep(e.sweep_shown) : nullptr;
  if (!sw && !sweeps.empty()) sw = &sweeps.back();
  if (!sw) {
    wrapped(kMuted, "A sweep trains one run per value and plots each run's final validation PSNR against the value: "
                    "the worksheet's experiments on noise, depth, width and training settings, one click each.");
    return;
  }
  sweep_picker(a, *sw);
  sweep_progress(a, *sw);
  sweep_save(a, *sw);
  sweep_words(a, *sw);
  sweep_chart(a, *sw, std::clamp(ImGui::GetContentRegionAvail().y * 0.35f, 110.f, 170.f));
}

// Export, copy, overlay all or none, the sweep section's toggle, and the help.
void runs_toolbar(App& a) {
  ExperimentsState& e = a.exp;
  const bool export_csv = ImGui::Button("Export CSV");
  mark("export_csv");
  if (export_csv) {
    const std::string csv = a.session.runs_csv();
    js_download("dae-runs.csv", "text/csv", csv.data(), csv.size());
  }
  same_line_if_fits("Copied");
  copy_button("runs", a.session.runs_csv(), a.timing.now);
  same_line_if_fits("Overlay all");
  if (ImGui::Button("Overlay all"))
    for (const auto& r : a.session.runs()) a.plot.overlay.insert(r.id);
  mark("overlay_all");
  same_line_if_fits("None");
  if (ImGui::Button("None")) a.plot.overlay.clear();
  mark("overlay_none");
  same_line_if_fits("Sweep…");
  // Pushed and popped on the state the button was drawn with (a click turns it over in between).
  const bool open = e.sweep_open;
  if (open) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.27f, 0.45f, 0.72f, 1.f));
  if (ImGui::Button("Sweep…")) {
    e.sweep_open = !e.sweep_open;
    e.sweep_closed = !e.sweep_open;
  }
  if (open) ImGui::PopStyleColor();
  mark("sweep_toggle");
  if (ImGui::IsItemHovered()) tooltip("Train a series of runs along one setting and chart their PSNR");
  same_line_if_fits("Export notebook");
  if (ImGui::Button("Export notebook")) export_notebook(a);
  mark("export_notebook");
  if (ImGui::IsItemHovered())
    tooltip("The hand-in: a Jupyter notebook of the runs with their models, figures, scores, code and your "
            "observations, as dae-study.zip (dae notebook writes the same)");
  same_line_if_fits(help_marker_width());
  help_marker("Every run is recorded with its model. Click a row to select it (its notes below); Use model "
              "loads its model into Draw, Results and Inspect; tick 'plot' to overlay its curves in the Loss "
              "panel; click a header to sort; right-click a header to show or hide columns.");
}

// The sweep section: open while a sweep trains, and when one waits (after a reload) unless the
// user closed it.
void sweep_section(App& a) {
  ExperimentsState& e = a.exp;
  const bool waiting = std::any_of(a.session.sweeps().begin(), a.session.sweeps().end(), [](const dae::Sweep& w) { return w.waiting; });
  if (!(e.sweep_open || a.session.going_sweep() || (waiting && !e.sweep_closed))) return;
  e.sweep_open = true;
  ImGui::Separator();
  draw_sweep(a);
  ImGui::Separator();
}

// The runs table's columns (some hidden at first), and which are on show.
void runs_columns() {
  ImGui::TableSetupScrollFreeze(2, 1);
  ImGui::TableSetupColumn("plot", ImGuiTableColumnFlags_NoSort | ImGuiTableColumnFlags_NoHide, 0, ColShow);
  ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_PreferSortDescending |
                                   ImGuiTableColumnFlags_NoHide, 0, ColId);
  ImGui::TableSetupColumn("model", 0, 0, ColModel);
  ImGui::TableSetupColumn("noise", 0, 0, ColNoise);
  ImGui::TableSetupColumn("ep", 0, 0, ColEpochs);
  ImGui::TableSetupColumn("PSNR", ImGuiTableColumnFlags_PreferSortDescending, 0, ColPsnr);
  ImGui::TableSetupColumn("SSIM", ImGuiTableColumnFlags_PreferSortDescending, 0, ColSsim);
  ImGui::TableSetupColumn("val loss", 0, 0, ColVal);
  ImGui::TableSetupColumn("lr", 0, 0, ColLr);
  ImGui::TableSetupColumn("batch", 0, 0, ColBatch);
  ImGui::TableSetupColumn("loss", 0, 0, ColLoss);
  ImGui::TableSetupColumn("seed", 0, 0, ColSeed);
  ImGui::TableSetupColumn("time", 0, 0, ColTime);
  ImGui::TableSetupColumn("data", 0, 0, ColData);
  ImGui::TableSetupColumn("state", 0, 0, ColState);
  ImGui::TableSetupColumn("train loss", ImGuiTableColumnFlags_DefaultHide, 0, ColTrain);
  ImGui::TableSetupColumn("train/val", ImGuiTableColumnFlags_DefaultHide, 0, ColSizes);
  ImGui::TableHeadersRow();
  // The columns on show (not hidden with the header's right-click menu): window.dae.texts().
  std::string cols;
  for (int i = 0; i < ImGui::TableGetColumnCount(); ++i)
    if (ImGui::TableGetColumnFlags(i) & ImGuiTableColumnFlags_IsEnabled)
      cols += (cols.empty() ? "" : ", ") + std::string(ImGui::TableGetColumnName(i));
  shown("runs_columns", cols, kMuted);
}

// The runs' indices in the order of the header clicked (missing numbers last).
std::vector<size_t> sorted_runs(const std::vector<dae::RunRecord>& runs) {
  std::vector<size_t> order(runs.size());
  std::iota(order.begin(), order.end(), size_t(0));
  ImGuiTableSortSpecs* ss = ImGui::TableGetSortSpecs();
  if (!ss || ss->SpecsCount <= 0) return order;
  const ImGuiTableColumnSortSpecs& sp = ss->Specs[0];
  const int col = int(sp.ColumnUserID);
  const bool desc = sp.SortDirection == ImGuiSortDirection_Descending;
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    const auto& ra = runs[x];
    const auto& rb = runs[y];
    const std::string ta = sort_text(ra, col), tb = sort_text(rb, col);
    if (ta != tb) return desc ? ta > tb : ta < tb;
    const double va = sort_value(ra, col), vb = sort_value(rb, col);
    if (std::isnan(va) != std::isnan(vb)) return std::isnan(vb);  // missing numbers last
    return desc ? va > vb : va < vb;
  });
  return order;
}

void number_cell(double v, const char* f) {
  if (std::isfinite(v)) ImGui::Text(f, v);
  else ImGui::TextDisabled("–");
}

// A run's losses and scores (green where the run improved on its noisy input).
void run_score_cells(const dae::RunRecord& r) {
  if (ImGui::TableSetColumnIndex(ColTrain)) number_cell(r.final_train_loss(), "%.4f");
  if (ImGui::TableSetColumnIndex(ColVal)) number_cell(r.final_val_loss(), "%.4f");
  const ImVec4 score = r.improved() ? kGood : r.history.empty() ? kMuted : kBad;
  if (ImGui::TableSetColumnIndex(ColPsnr)) {
    const double p = r.final_val_psnr();
    if (std::isfinite(p)) {
      ImGui::TextColored(score, "%.2f", p);
      if (ImGui::IsItemHovered())
        tooltip("%+.2f dB over the noisy input (%.2f dB)%s", p - r.baseline.psnr, r.baseline.psnr,
                          r.collapsed ? "\ncollapsed: the outputs hardly depend on the input" : "");
    } else {
      ImGui::TextDisabled("–");
    }
  }
  if (ImGui::TableSetColumnIndex(ColSsim)) {
    if (std::isfinite(r.final_val_ssim())) ImGui::TextColored(score, "%.3f", r.final_val_ssim());
    else ImGui::TextDisabled("–");
  }
}

// A run's time, state and settings.
void run_setting_cells(const dae::RunRecord& r) {
  if (ImGui::TableSetColumnIndex(ColTime)) ImGui::TextUnformatted(fmt_time(r.wall_seconds).c_str());
  if (ImGui::TableSetColumnIndex(ColState)) {
    // Green only for a finished run that learnt something: a collapsed one is a warning.
    const ImVec4 col = r.state == dae::RunState::Finished ? (r.collapsed ? kWarn : kGood)
                       : r.state == dae::RunState::Failed ? kBad
                       : r.state == dae::RunState::Running ? kAccent
                                                           : kMuted;
    ImGui::TextColored(col, "%s%s", dae::run_state_name(r.state), r.collapsed ? " (collapsed)" : "");
    if (!r.error.empty() && ImGui::IsItemHovered()) tooltip("%s", r.error.c_str());
  }
  if (ImGui::TableSetColumnIndex(ColBatch)) ImGui::Text("%d", r.config.batch);
  if (ImGui::TableSetColumnIndex(ColLr)) ImGui::Text("%g", r.config.lr);
  if (ImGui::TableSetColumnIndex(ColLoss)) ImGui::TextUnformatted(dae::loss_name(r.config.loss));
  if (ImGui::TableSetColumnIndex(ColSizes)) ImGui::Text("%zu/%zu", r.train_size, r.val_size);
  if (ImGui::TableSetColumnIndex(ColSeed)) ImGui::Text("%llu", (unsigned long long)r.config.seed);
}

// One run's row (the model in use highlighted). True when it was clicked.
bool run_row(App& a, const dae::RunRecord& r) {
  ImGui::PushID(r.id);
  ImGui::TableNextRow();
  if (a.status.model.source == dae::ModelSource::Run && a.status.model.run_id == r.id)
    ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, ImGui::GetColorU32(ImVec4(0.25f, 0.40f, 0.65f, 0.30f)));
  ImGui::TableSetColumnIndex(ColShow);
  bool on = a.plot.overlay.count(r.id) > 0;
  if (ImGui::Checkbox("##plot", &on)) {
    if (on) a.plot.overlay.insert(r.id);
    else a.plot.overlay.erase(r.id);
  }
  ImGui::TableSetColumnIndex(ColId);
  char id[16];
  std::snprintf(id, sizeof id, "%d", r.id);
  // The "#" cell is where tests click the row, as a person would (the row's middle may be a
  // column border, which resizes the column instead).
  const ImVec2 cell0 = ImGui::GetCursorScreenPos();
  const float cell_w = ImGui::GetContentRegionAvail().x;
  const bool clicked =
      choice(id, a.exp.selected == r.id, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowOverlap);
  mark_row_item();
  mark_at("run_" + std::to_string(r.id), ImVec2(cell0.x, ImGui::GetItemRectMin().y),
          ImVec2(cell0.x + cell_w, ImGui::GetItemRectMax().y));
  if (ImGui::TableSetColumnIndex(ColData)) ImGui::TextUnformatted(r.config.dataset.c_str());
  if (ImGui::TableSetColumnIndex(ColModel)) ImGui::TextUnformatted(r.arch_name.c_str());
  if (ImGui::TableSetColumnIndex(ColNoise)) ImGui::TextUnformatted(short_noise(r.config.noise).c_str());
  if (ImGui::TableSetColumnIndex(ColEpochs)) ImGui::Text("%zu/%d", r.history.size(), r.config.epochs);
  run_score_cells(r);
  run_setting_cells(r);
  ImGui::PopID();
  return clicked;
}

// The runs, sortable. Returns the id of the run clicked (-1: none).
int runs_table(App& a) {
  const auto& runs = a.session.runs();
  const float table_h = std::max(140.f, ImGui::GetContentRegionAvail().y - 200);
  const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_ScrollX | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_Hideable | ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("runs", ColCount, flags, ImVec2(0, table_h))) return -1;
  runs_columns();
  int clicked_run = -1;
  for (size_t i : sorted_runs(runs))
    if (run_row(a, runs[i])) clicked_run = runs[i].id;
  ImGui::EndTable();
  return clicked_run;
}

}  // namespace

// The newest step that can be undone and its Undo button (Ctrl+Z does the same): a deleted run,
// a sweep's dropped rest, an edit of the observations, a forgotten saved session.
void draw_undo_bar(App& a) {
  if (a.undo.empty()) return;
  const std::string text = a.undo.back().what;
  ImGui::AlignTextToFramePadding();
  ImGui::TextColored(kWarn, "%s", text.c_str());
  shown("undo_what", text, kWarn);
  same_line_if_fits("Undo");
  if (ImGui::Button("Undo")) undo_last(a);
  mark("undo");
  if (ImGui::IsItemHovered())
    tooltip("Undo: %s (Ctrl+Z). Steps are kept until the page closes: %zu now.", text.c_str(), a.undo.size());
}

namespace {

// The selected run: use its model, download it, delete it, its notes.
void selected_run(App& a) {
  ExperimentsState& e = a.exp;
  const dae::RunRecord* sel = e.selected >= 0 ? a.session.run(e.selected) : nullptr;
  if (!sel) {
    wrapped(kMuted, "Select a run (click its row) to use its model or write notes about it.");
    return;
  }
  ImGui::Text("Run #%d", sel->id);
  ImGui::SameLine();
  const bool is_current = a.status.model.source == dae::ModelSource::Run && a.status.model.run_id == sel->id;
  ImGui::BeginDisabled(!sel->weights || is_current);
  if (ImGui::Button(is_current ? "Its model is in use" : "Use model")) select_run(a, sel->id);
  ImGui::EndDisabled();
  mark("use_run_model");
  ImGui::SameLine();
  ImGui::BeginDisabled(!sel->weights);
  if (ImGui::Button("Download model")) download_run_model(a, sel->id);
  ImGui::EndDisabled();
  mark("download_run_model");
  ImGui::SameLine();
  const bool active = sel->state == dae::RunState::Running || sel->state == dae::RunState::Paused;
  ImGui::BeginDisabled(active);
  if (ImGui::Button("Delete run")) request_delete_run(a, sel->id);
  ImGui::EndDisabled();
  mark("delete_run");
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    tooltip("Deletes the run, its model and notes (Undo brings them back until the page closes)");
  if (e.notes_run != sel->id) {
    e.notes_run = sel->id;
    e.notes_edit = sel->notes;
  }
  ImGui::TextColored(kMuted, "notes (%s, %s, %s)", sel->arch_name.c_str(), sel->config.noise.str().c_str(),
                     sel->config.dataset.c_str());
  if (ImGui::InputTextMultiline("##notes", &e.notes_edit, ImVec2(-1, 44))) a.session.set_notes(sel->id, e.notes_edit);
  mark("run_notes");
}

// The free-text observations, kept in step with the session's unless being typed.
void observations(App& a) {
  ExperimentsState& e = a.exp;
  ImGui::TextUnformatted("Observations");
  same_line_if_fits(help_marker_width());
  help_marker("The worksheet's 'record your observations': what changed when you changed the noise, the model, "
              "the epochs… Saved with the runs.");
  same_line_if_fits("Copied");
  copy_button("observations", a.session.observations(), a.timing.now);
  if (!e.observations_loaded || (!ImGui::IsAnyItemActive() && e.observations_edit != a.session.observations())) {
    e.observations_edit = a.session.observations();
    e.observations_loaded = true;
  }
  if (ImGui::InputTextMultiline("##observations", &e.observations_edit, ImVec2(-1, std::max(60.f, ImGui::GetContentRegionAvail().y))))
    a.session.set_observations(e.observations_edit);
  mark("observations");
  // An edit (clearing them too) can be undone once the field is left.
  if (ImGui::IsItemActivated()) e.observations_before = a.session.observations();
  if (ImGui::IsItemDeactivatedAfterEdit() && e.observations_before != a.session.observations())
    push_undo(a, "Observations changed.", [before = e.observations_before](App& b) {
      b.session.set_observations(before);
      b.exp.observations_loaded = false;
    });
}

}  // namespace

void draw_experiments(App& a) {
  ExperimentsState& e = a.exp;
  runs_toolbar(a);
  if (!e.export_message.empty()) {
    wrapped(kGood, e.export_message);
    shown("export_message", e.export_message, kGood);
  }
  if (!e.export_error.empty()) {
    wrapped(kBad, e.export_error);
    shown("export_error", e.export_error, kBad);
  }
  sweep_section(a);
  const int clicked_run = runs_table(a);
  if (clicked_run >= 0) e.selected = clicked_run;
  if (a.session.runs().empty()) ImGui::TextColored(kMuted, "No runs yet: every training run is recorded here, with its model.");
  draw_undo_bar(a);
  selected_run(a);
  observations(a);
}

}  // namespace app
