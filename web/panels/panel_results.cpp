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
  if (r.rows.empty() || !a.s.has_model()) return;
  const int h = a.s.model()->input_shape().h, w = a.s.model()->input_shape().w;
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
      r.refresh.due(a.s, a.t.now,
                    key(a.results.draw, a.st.model.source == dae::ModelSource::None ? 0 : 1, a.st.model.run_id,
                        a.st.model.file, a.s.config().dataset, a.s.config().noise, a.s.dataset_names().size()));
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
    r.order = a.s.result_order(10, r.draw);
    r.pending.clear();
    r.submitted = 0;
    r.pass_open = r.snap != nullptr && !r.order.empty();  // no images of the model's size: nothing to do
  }
  if (!r.pass_open || r.submitted >= r.order.size() || a.work->pending(kResultsWork)) return;
  const size_t n = a.work->threaded() || !a.s.training() ? r.order.size() - r.submitted : 1;
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
  s += "model: " + a.st.model.describe() + "\n";
  return s;
}

}  // namespace

void draw_results(App& a) {
  const auto& rs = a.results.rows;
  if (!a.s.has_model() || rs.empty()) {
    ImGui::Spacing();
    const std::string t = a.s.has_model() && a.results.pass_open ? "Denoising the validation digits…"
                          : a.s.has_model() ? "No validation images of the model's size are loaded (it takes " +
                                                std::to_string(a.s.model()->input_shape().h) + "×" +
                                                std::to_string(a.s.model()->input_shape().w) + " images)."
                                          : "Train a model (or upload one) to see noisy / denoised / clean digits here.";
    wrapped(kMuted, t);
    shown("results_model", t, kMuted);
    return;
  }
  wrapped(kMuted, a.st.model.describe());
  shown("results_model", a.st.model.describe(), kMuted);
  const bool reshuffle = ImGui::Button("Reshuffle");
  mark("reshuffle");
  if (reshuffle) ++a.results.draw;
  if (ImGui::IsItemHovered()) tooltip("Ten other validation images (R)");
  ImGui::SameLine();
  copy_button("results", results_text(a), a.t.now);
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
  const bool collapsed = a.results.collapsed && a.st.model.validated();
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

  const float label_w = ImGui::CalcTextSize("denoised").x + 10;
  const float avail = ImGui::GetContentRegionAvail().x - label_w;
  const float gap = 4;
  const float cell = std::max(12.f, std::floor(std::min(52.f, (avail - gap * (float(rs.size()) - 1)) / float(rs.size()))));
  const float line = ImGui::GetTextLineHeight();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 o = ImGui::GetCursorScreenPos();
  float y = o.y + 2;
  auto row_label = [&](const char* text, float yy, float h, const ImVec4& col) {
    dl->AddText(ImVec2(o.x, yy + (h - line) * 0.5f), ImGui::GetColorU32(col), text);
  };
  const bool wide = cell >= 40;
  auto number_row = [&](const char* text, float yy, auto value, auto color) {
    row_label(text, yy, line, kMuted);
    if (cell < 26) return;  // too narrow for numbers: the hover shows them
    for (size_t i = 0; i < rs.size(); ++i) {
      char b[16];
      value(rs[i], b);
      if (std::strcmp(b, "-0.00") == 0) std::strcpy(b, "0.00");  // a tiny negative SSIM
      char* digits = b + (b[0] == '-');
      if (!wide && digits[0] == '0' && digits[1] == '.') std::memmove(digits, digits + 1, std::strlen(digits));  // ".42"
      const float w = ImGui::CalcTextSize(b).x;
      dl->AddText(ImVec2(o.x + label_w + float(i) * (cell + gap) + (cell - w) * 0.5f, yy), color(rs[i]), b);
    }
  };
  const ImU32 muted = ImGui::GetColorU32(kMuted), good = ImGui::GetColorU32(kGood), bad = ImGui::GetColorU32(kBad);
  const ImVec2 grid_origin(o.x + label_w, y);
  gfx::draw(dl, a.results.noisy, ImVec2(o.x + label_w, y), ImVec2(cell, cell), gap);
  row_label("noisy", y, cell, kMuted);
  y += cell + 2;
  number_row("PSNR", y, [&](const dae::Triple& t, char* b) { std::snprintf(b, 16, "%.1f", t.psnr_noisy); },
             [&](const dae::Triple&) { return muted; });
  y += line;
  number_row("SSIM", y, [&](const dae::Triple& t, char* b) { std::snprintf(b, 16, "%.2f", t.ssim_noisy); },
             [&](const dae::Triple&) { return muted; });
  y += line + 6;
  gfx::draw(dl, a.results.denoised, ImVec2(o.x + label_w, y), ImVec2(cell, cell), gap);
  row_label("denoised", y, cell, ImGui::GetStyle().Colors[ImGuiCol_Text]);
  y += cell + 2;
  auto both = [&](const dae::Triple& t) {
    return t.psnr_denoised > t.psnr_noisy && t.ssim_denoised > t.ssim_noisy && !collapsed ? good : bad;
  };
  number_row("PSNR", y, [&](const dae::Triple& t, char* b) { std::snprintf(b, 16, "%.1f", t.psnr_denoised); }, both);
  y += line;
  number_row("SSIM", y, [&](const dae::Triple& t, char* b) { std::snprintf(b, 16, "%.2f", t.ssim_denoised); }, both);
  y += line + 6;
  gfx::draw(dl, a.results.clean, ImVec2(o.x + label_w, y), ImVec2(cell, cell), gap);
  row_label("clean", y, cell, kMuted);
  y += cell;
  ImGui::Dummy(ImVec2(label_w + float(rs.size()) * (cell + gap) - gap, y - o.y));  // no gap after the last column

  // Hover (or a tap): the numbers of one column.
  const ImVec2 m = ImGui::GetIO().MousePos;
  if (ImGui::IsWindowHovered() && m.x >= grid_origin.x && m.y >= grid_origin.y && m.y < y) {
    const int col = int((m.x - grid_origin.x) / (cell + gap));
    if (col >= 0 && col < int(rs.size())) {
      const auto& t = rs[size_t(col)];
      ImGui::BeginTooltip();
      ImGui::Text("validation image %zu", t.index);
      ImGui::Text("noisy:    PSNR %.2f dB, SSIM %.3f", t.psnr_noisy, t.ssim_noisy);
      ImGui::Text("denoised: PSNR %.2f dB, SSIM %.3f", t.psnr_denoised, t.ssim_denoised);
      ImGui::EndTooltip();
    }
  }

  ImGui::Spacing();
  const dae::ModelInfo& mi = a.st.model;
  const std::string whole =
      std::isfinite(mi.val_psnr)
          ? "Whole validation set (" + std::string(mi.source == dae::ModelSource::Run ? "its run" : "its file") +
                "): PSNR " + fmt_num(mi.noisy_psnr, 2) + " → " + fmt_num(mi.val_psnr, 2) + " dB, SSIM " +
                fmt_num(mi.noisy_ssim, 3) + " → " + fmt_num(mi.val_ssim, 3) + "."
          : mi.epochs_trained > 0 ? "The file does not record scores on the whole validation set."
                                  : "Scores on the whole validation set come with the model's first epoch.";
  wrapped(kMuted, whole);
  shown("results_whole", whole, kMuted);
  wrapped(kMuted, "Noise " + a.s.config().noise.str() + " (the model's); validation digits are never trained on.");
}

}  // namespace app
