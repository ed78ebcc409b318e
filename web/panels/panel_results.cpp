// panel_results.cpp — the Results panel: rows of noisy / denoised / clean validation digits
// with PSNR and SSIM (the worksheet's figure), of the model in memory, with its noise. A result
// is green only where both scores improved; a collapsed model is flagged. The numbers can be
// copied.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "state/app.h"

namespace app {

namespace {

void show_rows(App& a) {
  ResultsState& r = a.results;
  r.collapsed = dae::outputs_collapsed(r.rows);
  if (r.rows.empty() || !a.session.has_model()) return;
  const int h = a.session.model()->input_shape().h, w = a.session.model()->input_shape().w;
  std::vector<float> n, d, c;
  for (const auto& t : r.rows) {
    n.insert(n.end(), t.noisy.begin(), t.noisy.end());
    d.insert(d.end(), t.denoised.begin(), t.denoised.end());
    c.insert(c.end(), t.clean.begin(), t.clean.end());
  }
  const int k = int(r.rows.size());
  r.noisy.set_tiles(n.data(), k, w, h, k);
  r.denoised.set_tiles(d.data(), k, w, h, k);
  r.clean.set_tiles(c.data(), k, w, h, k);
}

// Some rows of a pass, from the helper (or why they failed).
struct Rows {
  std::vector<dae::Triple> rows;
  std::string error;
};

// The helper's rows for pass `pass`: kept if that pass is still the one in progress; shown
// when it is complete.
void take_rows(App& a, uint64_t pass, Rows got) {
  ResultsState& r = a.results;
  if (pass != r.pass || !r.pass_open) return;
  if (!got.error.empty()) {
    std::printf("results: %s\n", got.error.c_str());
    r.pending.clear();
    r.pass_open = false;
    return;
  }
  for (auto& t : got.rows) r.pending.push_back(std::move(t));
  if (r.pending.size() < r.order.size()) return;
  r.pass_open = false;
  r.snap = nullptr;
  r.rows = std::move(r.pending);
  r.pending.clear();
  show_rows(a);
}

}  // namespace

// A refresh is a pass over the chosen images, from one snapshot of the model, computed by the
// helper (App::work) while the previous rows stay on screen. Without threads the helper is this
// thread: while a run trains there, the pass goes a row per frame (ten images through the model
// at once would take ~15–30 ms, a visible stutter). Rows of other images or another model are
// never shown: a change of the images or of the model's identity clears them at once, and rows
// of an older pass are dropped.
void update_results(App& a) {
  ResultsState& r = a.results;
  const Refresh::Due due =
      r.refresh.due(a.session, a.timing.now,
                    key(a.results.draw, a.status.model.source == dae::ModelSource::None ? 0 : 1, a.status.model.run_id,
                        a.status.model.file, a.session.config().dataset, a.session.config().noise, a.session.dataset_names().size()));
  if (due.input) {
    r.rows.clear();
    r.noisy.clear();
    r.denoised.clear();
    r.clean.clear();
    r.collapsed = false;
  }
  if (due) {
    ++r.pass;
    r.snap = due.snap;
    r.order = a.session.result_order(10, r.draw);
    r.pending.clear();
    r.submitted = 0;
    r.pass_open = r.snap != nullptr && !r.order.empty();  // no images of the model's size: nothing to do
  }
  if (!r.pass_open || r.submitted >= r.order.size() || a.work->pending(kResultsWork)) return;
  const size_t n = a.work->threaded() || !a.session.training() ? r.order.size() - r.submitted : 1;
  std::vector<size_t> images(r.order.begin() + long(r.submitted), r.order.begin() + long(r.submitted + n));
  r.submitted += n;
  offload(
      *a.work, kResultsWork, r.snap,
      [images](const dae::ModelSnapshot& snap, dae::Context& ctx) {
        Rows got;
        try {
          for (size_t i : images) got.rows.push_back(snap.result_row(i, ctx));
        } catch (const std::exception& e) {
          got.error = e.what();
        }
        return got;
      },
      [&a, pass = r.pass](Rows got) { take_rows(a, pass, std::move(got)); });
}

namespace {

std::string results_text(const App& a) {
  std::string s = "image\tPSNR noisy\tPSNR denoised\tSSIM noisy\tSSIM denoised\n";
  char b[160];
  for (const auto& t : a.results.rows) {
    std::snprintf(b, sizeof b, "%zu\t%.3f\t%.3f\t%.4f\t%.4f\n", t.index, t.psnr_noisy, t.psnr_denoised, t.ssim_noisy,
                  t.ssim_denoised);
    s += b;
  }
  s += "model: " + a.status.model.describe() + "\n";
  return s;
}

// Before there are rows: why.
void results_waiting(const App& a) {
  ImGui::Spacing();
  const bool arriving = a.session.has_model() && dataset_arriving(a, a.session.model_info().dataset);
  const std::string t = a.session.has_model() && a.results.pass_open ? "Denoising the validation digits…"
                        : a.session.has_model() && arriving ? "The validation digits come with the dataset, still arriving" +
                                              (a.browser.busy.empty() ? std::string(".") : " (" + a.browser.busy + ").")
                        : a.session.has_model() ? "No validation images of the model's size are loaded (it takes " +
                                              std::to_string(a.session.model()->input_shape().h) + "×" +
                                              std::to_string(a.session.model()->input_shape().w) + " images)."
                                        : "Train a model (or upload one) to see noisy / denoised / clean digits here.";
  wrapped(kMuted, t);
  shown("results_model", t, kMuted);
}

// The model, Reshuffle and Copy.
void results_toolbar(App& a) {
  wrapped(kMuted, a.status.model.describe());
  shown("results_model", a.status.model.describe(), kMuted);
  const bool reshuffle = ImGui::Button("Reshuffle");
  mark("reshuffle");
  if (reshuffle) ++a.results.draw;
  if (ImGui::IsItemHovered()) tooltip("Ten other validation images (R)");
  ImGui::SameLine();
  copy_button("results", results_text(a), a.timing.now);
  ImGui::SameLine();
  const int h = a.session.model()->input_shape().h, w = a.session.model()->input_shape().w;
  const std::string note = a.status.model.describe() + " · noise " + a.session.config().noise.str();
  save_png_button(a, "results", "the noisy, denoised and clean rows", "dae-results.png",
                  [&a, h, w, &note]() -> FigureJob {
                    return [f = dae::results_figure(a.results.rows, h, w, note)](int zoom) { return dae::tiles_png(f, zoom); };
                  });
}

// The means of the rows, noisy → denoised: green only where both scores improved and the model
// did not collapse (then said under them). Returns whether it did.
bool results_means(const App& a) {
  const auto& rs = a.results.rows;
  double pn = 0, pd = 0, sn = 0, sd = 0;
  for (const auto& t : rs) {
    pn += t.psnr_noisy;
    pd += t.psnr_denoised;
    sn += t.ssim_noisy;
    sd += t.ssim_denoised;
  }
  const double n = double(rs.size());
  pn /= n, pd /= n, sn /= n, sd /= n;
  // No verdict before the model's first validation: a run's first steps look "collapsed" (every
  // output the same blob) only because the model is young.
  const bool collapsed = a.results.collapsed && a.status.model.validated();
  const bool better = pd > pn && sd > sn && !collapsed;
  char means[120];
  std::snprintf(means, sizeof means, "PSNR %.2f → %.2f dB · SSIM %.3f → %.3f", pn, pd, sn, sd);
  same_line_if_fits(ImGui::CalcTextSize(means).x);  // narrow screens: a line of its own
  const ImVec4 mc = better ? kGood : kBad;
  if (ImGui::CalcTextSize(means).x <= ImGui::GetContentRegionAvail().x) {
    ImGui::TextColored(mc, "%s", means);
  } else {  // a phone: PSNR and SSIM on lines of their own
    const char* ssim = std::strstr(means, " · SSIM");
    ImGui::BeginGroup();
    ImGui::TextColored(mc, "%.*s", int(ssim - means), means);
    ImGui::TextColored(mc, "%s", ssim + std::strlen(" · "));
    ImGui::EndGroup();
  }
  mark("results_means");
  shown("results_means", means, better ? kGood : kBad);
  if (ImGui::IsItemHovered()) tooltip("Means of these %d images, noisy → denoised", int(rs.size()));
  if (collapsed) {
    const char* t = "Collapsed: the denoised images are nearly all the same — the model ignores its input.";
    wrapped(kBad, t);
    shown("results_collapsed", t, kBad);
  }
  return collapsed;
}

// The grid: a column per image, rows of images and of their scores (screen pixels).
struct Grid {
  const std::vector<dae::Triple>& rs;
  bool collapsed;
  float label_w;  // the row labels' column
  float gap;
  float cell;     // an image's side
  float line;     // a row of scores
  ImVec2 o;       // top left
};

void row_label(const Grid& g, const char* text, float y, float h, const ImVec4& col) {
  ImGui::GetWindowDrawList()->AddText(ImVec2(g.o.x, y + (h - g.line) * 0.5f), ImGui::GetColorU32(col), text);
}

// A row of one score with `decimals`: muted under the noisy images; under the denoised ones
// green where both scores improved. Too narrow for numbers: the hover shows them.
void number_row(const Grid& g, const char* text, float y, double dae::Triple::*score, int decimals, bool denoised) {
  row_label(g, text, y, g.line, kMuted);
  if (g.cell < 26) return;
  const bool wide = g.cell >= 40;
  for (size_t i = 0; i < g.rs.size(); ++i) {
    const dae::Triple& t = g.rs[i];
    char b[16];
    std::snprintf(b, sizeof b, "%.*f", decimals, t.*score);
    if (std::strcmp(b, "-0.00") == 0) std::strcpy(b, "0.00");  // a tiny negative SSIM
    char* digits = b + (b[0] == '-');
    if (!wide && digits[0] == '0' && digits[1] == '.') std::memmove(digits, digits + 1, std::strlen(digits));  // ".42"
    const float w = ImGui::CalcTextSize(b).x;
    const bool both = t.psnr_denoised > t.psnr_noisy && t.ssim_denoised > t.ssim_noisy && !g.collapsed;
    const ImU32 color = ImGui::GetColorU32(!denoised ? kMuted : both ? kGood : kBad);
    ImGui::GetWindowDrawList()->AddText(ImVec2(g.o.x + g.label_w + float(i) * (g.cell + g.gap) + (g.cell - w) * 0.5f, y),
                                        color, b);
  }
}

// Noisy, denoised (each with its PSNR and SSIM) and clean. Returns the grid's bottom.
float grid_rows(const App& a, const Grid& g) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  float y = g.o.y + 2;
  gfx::draw(dl, a.results.noisy, ImVec2(g.o.x + g.label_w, y), ImVec2(g.cell, g.cell), g.gap);
  row_label(g, "noisy", y, g.cell, kMuted);
  y += g.cell + 2;
  number_row(g, "PSNR", y, &dae::Triple::psnr_noisy, 1, false);
  y += g.line;
  number_row(g, "SSIM", y, &dae::Triple::ssim_noisy, 2, false);
  y += g.line + 6;
  gfx::draw(dl, a.results.denoised, ImVec2(g.o.x + g.label_w, y), ImVec2(g.cell, g.cell), g.gap);
  row_label(g, "denoised", y, g.cell, ImGui::GetStyle().Colors[ImGuiCol_Text]);
  y += g.cell + 2;
  number_row(g, "PSNR", y, &dae::Triple::psnr_denoised, 1, true);
  y += g.line;
  number_row(g, "SSIM", y, &dae::Triple::ssim_denoised, 2, true);
  y += g.line + 6;
  gfx::draw(dl, a.results.clean, ImVec2(g.o.x + g.label_w, y), ImVec2(g.cell, g.cell), g.gap);
  row_label(g, "clean", y, g.cell, kMuted);
  return y + g.cell;
}

// Hover (or a tap): the numbers of one column.
void grid_hover(const Grid& g, float bottom) {
  const ImVec2 m = ImGui::GetIO().MousePos;
  const ImVec2 top_left(g.o.x + g.label_w, g.o.y + 2);
  if (!(ImGui::IsWindowHovered() && m.x >= top_left.x && m.y >= top_left.y && m.y < bottom)) return;
  const int col = int((m.x - top_left.x) / (g.cell + g.gap));
  if (col < 0 || col >= int(g.rs.size())) return;
  const auto& t = g.rs[size_t(col)];
  ImGui::BeginTooltip();
  ImGui::Text("validation image %zu", t.index);
  ImGui::Text("noisy:    PSNR %.2f dB, SSIM %.3f", t.psnr_noisy, t.ssim_noisy);
  ImGui::Text("denoised: PSNR %.2f dB, SSIM %.3f", t.psnr_denoised, t.ssim_denoised);
  ImGui::EndTooltip();
}

void results_grid(const App& a, bool collapsed) {
  const auto& rs = a.results.rows;
  const float label_w = ImGui::CalcTextSize("denoised").x + 10;
  const float avail = ImGui::GetContentRegionAvail().x - label_w;
  const float gap = 4;
  const float cell = std::max(12.f, std::floor(std::min(52.f, (avail - gap * (float(rs.size()) - 1)) / float(rs.size()))));
  const Grid g{rs, collapsed, label_w, gap, cell, ImGui::GetTextLineHeight(), ImGui::GetCursorScreenPos()};
  const float bottom = grid_rows(a, g);
  ImGui::Dummy(ImVec2(label_w + float(rs.size()) * (cell + gap) - gap, bottom - g.o.y));  // no gap after the last column
  grid_hover(g, bottom);
}

// The model's scores on the whole validation set, and the noise.
void results_whole(const App& a) {
  const dae::ModelInfo& mi = a.status.model;
  const std::string whole =
      std::isfinite(mi.val_psnr)
          ? "Whole validation set (" + std::string(mi.source == dae::ModelSource::Run ? "its run" : "its file") +
                "): PSNR " + fmt_num(mi.noisy_psnr, 2) + " → " + fmt_num(mi.val_psnr, 2) + " dB, SSIM " +
                fmt_num(mi.noisy_ssim, 3) + " → " + fmt_num(mi.val_ssim, 3) + "."
          : mi.epochs_trained > 0 ? "The file does not record scores on the whole validation set."
                                  : "Scores on the whole validation set come with the model's first epoch.";
  wrapped(kMuted, whole);
  shown("results_whole", whole, kMuted);
  wrapped(kMuted, "Noise " + a.session.config().noise.str() + " (the model's); validation digits are never trained on.");
}

// The rows' text alternative, image by image (screen readers).
void results_alt(const App& a) {
  for (size_t i = 0; i < a.results.rows.size(); ++i) {
    const dae::Triple& t = a.results.rows[i];
    char b[200];
    std::snprintf(b, sizeof b, "Validation image %zu: noisy PSNR %.1f dB, SSIM %.2f; denoised PSNR %.1f dB, SSIM %.2f.",
                  t.index, t.psnr_noisy, t.ssim_noisy, t.psnr_denoised, t.ssim_denoised);
    say("results_alt_" + std::to_string(i), b);
  }
}

}  // namespace

void draw_results(App& a) {
  if (!a.session.has_model() || a.results.rows.empty()) {
    results_waiting(a);
    return;
  }
  results_toolbar(a);
  const bool collapsed = results_means(a);
  results_grid(a, collapsed);
  results_alt(a);
  ImGui::Spacing();
  results_whole(a);
}

}  // namespace app
