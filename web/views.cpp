// views.cpp — the Draw panel and the Results / Experiments / Inspect tabs, with the per-frame
// updates of the images they show.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numeric>

#include "app.h"
#include "imgui_stdlib.h"

namespace app {

namespace {

constexpr ImGuiWindowFlags kPanelFlags = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                         ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                         ImGuiWindowFlags_NoBringToFrontOnFocus;

// While training, derived images are refreshed at most this often (seconds).
constexpr double kRefreshWhileTraining = 0.5;

bool due(uint64_t seen_rev, double last_time) {
  if (seen_rev == g->s.revision()) return false;
  return !g->s.training() || g->now - last_time >= kRefreshWhileTraining;
}

int draw_side_now() {
  if (const dae::Model* m = g->s.model()) return m->input_shape().h;
  return dataset_side(g->cfg.dataset);
}

// Paints (or erases) a round brush along the segment a→b, in image pixels.
void paint(ImVec2 a, ImVec2 b, bool erase) {
  const int n = g->draw_side;
  const float r = g->brush;
  const float x0 = std::min(a.x, b.x) - r - 1, x1 = std::max(a.x, b.x) + r + 1;
  const float y0 = std::min(a.y, b.y) - r - 1, y1 = std::max(a.y, b.y) + r + 1;
  const float dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
  for (int y = std::max(0, int(std::floor(y0))); y <= std::min(n - 1, int(std::ceil(y1))); ++y)
    for (int x = std::max(0, int(std::floor(x0))); x <= std::min(n - 1, int(std::ceil(x1))); ++x) {
      const float px = x + 0.5f, py = y + 0.5f;
      float t = len2 > 0 ? ((px - a.x) * dx + (py - a.y) * dy) / len2 : 0.f;
      t = std::clamp(t, 0.f, 1.f);
      const float ex = a.x + t * dx - px, ey = a.y + t * dy - py;
      const float cover = std::clamp(r + 0.5f - std::sqrt(ex * ex + ey * ey), 0.f, 1.f);
      if (cover <= 0) continue;
      float& v = g->drawn[size_t(y) * n + x];
      v = erase ? std::min(v, 1.f - cover) : std::max(v, cover);
    }
  g->draw_dirty = true;
}

}  // namespace

void clear_drawing() {
  g->draw_side = draw_side_now();
  g->drawn.assign(size_t(g->draw_side) * g->draw_side, 0.f);
  g->draw_dirty = true;
  g->inspect_dirty = true;
}

// ---- updates --------------------------------------------------------------------------------------
void update_results() {
  if (!g->s.has_model()) {
    if (!g->results.empty()) g->results.clear();
    g->res_noisy.clear();
    g->res_denoised.clear();
    g->res_clean.clear();
    return;
  }
  if (!g->results_force && !due(g->results_rev, g->results_time)) return;
  g->results_force = false;
  g->results_rev = g->s.revision();
  g->results_time = g->now;
  try {
    g->results = g->s.results(10, g->results_draw);
  } catch (const std::exception& e) {
    g->results.clear();
    std::printf("results: %s\n", e.what());
  }
  if (g->results.empty()) {
    g->res_noisy.clear();
    g->res_denoised.clear();
    g->res_clean.clear();
    return;
  }
  const int side = g->s.model()->input_shape().h, sw = g->s.model()->input_shape().w;
  const size_t P = size_t(side) * sw;
  std::vector<float> a, b, c;
  for (const auto& t : g->results) {
    a.insert(a.end(), t.noisy.begin(), t.noisy.end());
    b.insert(b.end(), t.denoised.begin(), t.denoised.end());
    c.insert(c.end(), t.clean.begin(), t.clean.end());
  }
  const int n = int(g->results.size());
  if (a.size() == P * size_t(n)) {
    g->res_noisy.set_tiles(a.data(), n, sw, side, n);
    g->res_denoised.set_tiles(b.data(), n, sw, side, n);
    g->res_clean.set_tiles(c.data(), n, sw, side, n);
  }
}

void update_drawing() {
  const int side = draw_side_now();
  if (side != g->draw_side || g->drawn.size() != size_t(side) * side) clear_drawing();
  const bool model_changed = due(g->draw_rev, g->draw_time);
  if (!g->draw_dirty && !model_changed) return;
  g->img_drawn.set(g->drawn, side, side);
  g->draw_rev = g->s.revision();
  g->draw_time = g->now;
  g->draw_dirty = false;
  g->inspect_dirty = true;
  g->draw_has_output = false;
  if (!g->s.has_model()) {
    // Without a model the noisy version is still shown.
    g->draw_triple.noisy = dae::Session::with_noise(g->drawn, g->cfg.noise, g->draw_noise_key);
    g->img_draw_noisy.set(g->draw_triple.noisy, side, side);
    return;
  }
  try {
    // The Data panel's noise (it may differ from the noise the model was trained with).
    dae::Triple t = g->cfg.noise.str() == g->s.config().noise.str()
                        ? g->s.denoise_drawing(g->drawn, g->draw_noise_key)
                        : g->s.denoise_drawing(g->drawn, g->draw_noise_key, g->cfg.noise);
    g->draw_triple = std::move(t);
    g->img_draw_noisy.set(g->draw_triple.noisy, side, side);
    g->img_draw_denoised.set(g->draw_triple.denoised, side, side);
    g->draw_has_output = true;
  } catch (const std::exception& e) {
    std::printf("draw: %s\n", e.what());
  }
}

namespace {

bool drawing_has_ink() {
  return std::any_of(g->drawn.begin(), g->drawn.end(), [](float v) { return v > 0.05f; });
}

// The image the Inspect tab's feature maps are computed for: the drawing, or (when the canvas is
// empty) the first Results image.
const std::vector<float>* inspect_source(const char** what) {
  if (drawing_has_ink()) {
    *what = "the drawn digit";
    return &g->drawn;
  }
  if (!g->results.empty()) {
    *what = "the first Results image (noisy), as the canvas is empty";
    return &g->results[0].noisy;
  }
  *what = "nothing";
  return nullptr;
}

}  // namespace

void update_inspect() {
  if (g->right_tab != RightTab::Inspect) return;  // only computed while visible
  if (!g->inspect_dirty && !due(g->inspect_rev, g->inspect_time)) return;
  g->inspect_dirty = false;
  g->inspect_rev = g->s.revision();
  g->inspect_time = g->now;
  if (!g->s.has_model()) {
    g->filters.clear();
    g->fmaps.clear();
    return;
  }
  int n = 0, k = 0;
  const std::vector<float> f = g->s.first_layer_filters(n, k);
  g->filters_n = n;
  g->filters_k = k;
  if (n > 0)
    g->filters.set_tiles(f.data(), n, k, k, std::min(n, 16));
  else
    g->filters.clear();
  const char* what = nullptr;
  const std::vector<float>* src = inspect_source(&what);
  const int layers = int(g->s.model()->layers().size());
  g->fmap_layer = std::clamp(g->fmap_layer, -1, layers - 1);
  if (!src || src->size() != g->s.model()->input_shape().per_image()) {
    g->fmaps.clear();
    return;
  }
  try {
    int c = 0, h = 0, w = 0;
    const std::vector<float> maps = g->s.feature_maps(*src, g->fmap_layer, c, h, w);
    g->fmap_c = c;
    g->fmap_h = h;
    g->fmap_w = w;
    if (h * w > 1)
      g->fmaps.set_tiles(maps.data(), c, w, h, std::min(c, 8));
    else  // a dense layer: one row of units
      g->fmaps.set_tiles(maps.data(), 1, c, 1, 1);
  } catch (const std::exception& e) {
    g->fmaps.clear();
    std::printf("feature maps: %s\n", e.what());
  }
}

// ---- Draw panel ------------------------------------------------------------------------------------
void panel_draw(ImVec2 pos, ImVec2 size) {
  ImGui::SetNextWindowPos(pos);
  ImGui::SetNextWindowSize(size);
  ImGui::Begin("Draw", nullptr, kPanelFlags);
  const int side = g->draw_side;
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Brush");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110);
  ImGui::SliderFloat("##brush", &g->brush, 0.5f, 3.5f, "%.1f px", ImGuiSliderFlags_AlwaysClamp);
  ImGui::SameLine();
  if (ImGui::Button("Clear")) clear_drawing();
  mark("clear_drawing");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("C");
  ImGui::SameLine();
  ImGui::BeginDisabled(g->results.empty());
  if (ImGui::Button("Use a digit")) {
    static size_t next = 0;
    const auto& t = g->results[next++ % g->results.size()];
    if (t.clean.size() == g->drawn.size()) {
      g->drawn = t.clean;
      g->draw_dirty = true;
    }
  }
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("Copy a validation digit onto the canvas");
  ImGui::SameLine();
  if (ImGui::Button("New noise")) {
    ++g->draw_noise_key;
    g->draw_dirty = true;
  }

  // Three images side by side: the canvas is the largest.
  const float avail = ImGui::GetContentRegionAvail().x;
  const float gap = 12;
  const float label_h = ImGui::GetTextLineHeightWithSpacing();
  const float max_h = ImGui::GetContentRegionAvail().y - label_h * 3 - 6;
  float canvas = std::floor(std::min(avail * 0.44f, max_h) / side) * side;
  if (canvas < side * 3) canvas = side * 3;
  const float small = std::floor(std::min((avail - canvas - 2 * gap) * 0.5f, canvas) / side * 4) / 4 * side;

  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  auto caption = [&](float x, const char* text, const ImVec4& col) {
    dl->AddText(ImVec2(x, origin.y), ImGui::GetColorU32(col), text);
  };
  char cap[64];
  std::snprintf(cap, sizeof cap, "draw here (%d×%d)", side, side);
  caption(origin.x, cap, ImGui::GetStyle().Colors[ImGuiCol_Text]);
  caption(origin.x + canvas + gap, "noisy", kMuted);
  caption(origin.x + canvas + gap + small + gap, "denoised", kMuted);
  const float y = origin.y + label_h;

  // Canvas: an invisible button catching the mouse; left paints, right erases.
  ImGui::SetCursorScreenPos(ImVec2(origin.x, y));
  ImGui::InvisibleButton("canvas", ImVec2(canvas, canvas), ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const bool active = ImGui::IsItemActive();
  const ImVec2 cmin = ImGui::GetItemRectMin(), cmax = ImGui::GetItemRectMax();
  g->canvas_min = cmin;
  g->canvas_max = cmax;
  if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  if (active) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const ImVec2 p((m.x - cmin.x) / canvas * side, (m.y - cmin.y) / canvas * side);
    const bool erase = ImGui::IsMouseDown(ImGuiMouseButton_Right);
    if (!g->drawing) g->last_brush = p;
    paint(g->last_brush, p, erase);
    g->last_brush = p;
    g->drawing = true;
  } else {
    g->drawing = false;
  }
  dl->AddRectFilled(cmin, cmax, IM_COL32(0, 0, 0, 255));
  gfx::draw(dl, g->img_drawn, cmin, ImVec2(canvas, canvas), 0);
  dl->AddRect(ImVec2(cmin.x - 1, cmin.y - 1), ImVec2(cmax.x + 1, cmax.y + 1), ImGui::GetColorU32(kAccent), 0, 0, 1.5f);

  const float x2 = origin.x + canvas + gap, x3 = x2 + small + gap;
  ImGui::SetCursorScreenPos(ImVec2(x2, y));
  gfx::image(g->img_draw_noisy, ImVec2(small, small));
  ImGui::SetCursorScreenPos(ImVec2(x3, y));
  if (g->draw_has_output) {
    gfx::image(g->img_draw_denoised, ImVec2(small, small));
  } else {
    ImGui::Dummy(ImVec2(small, small));
    dl->AddRect(ImVec2(x3 - 1, y - 1), ImVec2(x3 + small + 1, y + small + 1), ImGui::GetColorU32(ImGuiCol_Border));
    dl->AddText(ImVec2(x3 + 8, y + small * 0.5f - 8), ImGui::GetColorU32(kMuted), "no model yet");
  }
  // Scores under the small images.
  const float ty = y + small + 6;
  if (g->draw_has_output && std::any_of(g->drawn.begin(), g->drawn.end(), [](float v) { return v > 0; })) {
    const dae::Triple& t = g->draw_triple;
    char s1[64], s2[64];
    std::snprintf(s1, sizeof s1, "%.1f dB · %.2f", t.psnr_noisy, t.ssim_noisy);
    std::snprintf(s2, sizeof s2, "%.1f dB · %.2f", t.psnr_denoised, t.ssim_denoised);
    dl->AddText(ImVec2(x2, ty), ImGui::GetColorU32(kMuted), s1);
    dl->AddText(ImVec2(x3, ty), ImGui::GetColorU32(t.psnr_denoised >= t.psnr_noisy ? kGood : kBad), s2);
    dl->AddText(ImVec2(x2, ty + label_h), ImGui::GetColorU32(kMuted), "PSNR · SSIM vs the drawing");
  }
  ImGui::SetCursorScreenPos(ImVec2(origin.x, y + canvas + 6));
  ImGui::TextColored(kMuted, "noise %s%s · right button erases", g->cfg.noise.str().c_str(),
                     g->s.has_model() && g->cfg.noise.str() != g->s.config().noise.str() ? " (Data panel)" : "");
  ImGui::End();
}

// ---- Results -------------------------------------------------------------------------------------------
void tab_results() {
  if (!g->s.has_model() || g->results.empty()) {
    ImGui::Spacing();
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(kMuted, "Train a model (or upload one) to see noisy / denoised / clean digits here.");
    ImGui::PopTextWrapPos();
    return;
  }
  const bool reshuffle = ImGui::Button("Reshuffle");
  mark("reshuffle");
  if (reshuffle) {
    ++g->results_draw;
    g->results_force = true;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Ten other validation images (R)");
  ImGui::SameLine();
  const auto& rs = g->results;
  double pn = 0, pd = 0, sn = 0, sd = 0;
  for (const auto& t : rs) {
    pn += t.psnr_noisy;
    pd += t.psnr_denoised;
    sn += t.ssim_noisy;
    sd += t.ssim_denoised;
  }
  const double n = double(rs.size());
  pn /= n, pd /= n, sn /= n, sd /= n;
  ImGui::Text("mean of these %d:", int(rs.size()));
  ImGui::SameLine();
  ImGui::TextColored(pd >= pn ? kGood : kBad, "PSNR %.2f → %.2f dB (%+.2f)", pn, pd, pd - pn);
  ImGui::SetCursorPosX(ImGui::GetCursorPosX() + ImGui::CalcTextSize("Reshuffle").x + ImGui::GetStyle().FramePadding.x * 2 +
                       ImGui::GetStyle().ItemSpacing.x);
  ImGui::TextColored(sd >= sn ? kGood : kBad, "SSIM %.3f → %.3f (%+.3f)", sn, sd, sd - sn);
  ImGui::SameLine();
  ImGui::TextColored(kMuted, "· noisy → denoised");

  const float label_w = ImGui::CalcTextSize("denoised").x + 10;
  const float avail = ImGui::GetContentRegionAvail().x - label_w;
  const float gap = 4;
  const float cell = std::floor(std::min(52.f, (avail - gap * (float(rs.size()) - 1)) / float(rs.size())));
  const float line = ImGui::GetTextLineHeight();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 o = ImGui::GetCursorScreenPos();
  float y = o.y + 2;
  auto row_label = [&](const char* text, float yy, float h, const ImVec4& col) {
    dl->AddText(ImVec2(o.x, yy + (h - line) * 0.5f), ImGui::GetColorU32(col), text);
  };
  auto number_row = [&](const char* text, float yy, auto value, auto color) {
    row_label(text, yy, line, kMuted);
    for (size_t i = 0; i < rs.size(); ++i) {
      char b[16];
      value(rs[i], b);
      const float w = ImGui::CalcTextSize(b).x;
      dl->AddText(ImVec2(o.x + label_w + i * (cell + gap) + (cell - w) * 0.5f, yy), color(rs[i]), b);
    }
  };
  const ImU32 muted = ImGui::GetColorU32(kMuted), good = ImGui::GetColorU32(kGood), bad = ImGui::GetColorU32(kBad);
  const bool wide = cell >= 40;
  auto fmt_psnr = [&](double v, char* b) { std::snprintf(b, 16, "%.1f", v); };
  auto fmt_ssim = [&](double v, char* b) {
    std::snprintf(b, 16, "%.2f", std::fabs(v) < 0.005 ? 0.0 : v);
    if (!wide && b[0] == '0') std::memmove(b, b + 1, std::strlen(b));
  };
  const ImVec2 grid_origin(o.x + label_w, y);
  gfx::draw(dl, g->res_noisy, ImVec2(o.x + label_w, y), ImVec2(cell, cell), gap);
  row_label("noisy", y, cell, kMuted);
  y += cell + 2;
  number_row("PSNR", y, [&](const dae::Triple& t, char* b) { fmt_psnr(t.psnr_noisy, b); }, [&](const dae::Triple&) { return muted; });
  y += line;
  number_row("SSIM", y, [&](const dae::Triple& t, char* b) { fmt_ssim(t.ssim_noisy, b); }, [&](const dae::Triple&) { return muted; });
  y += line + 6;
  gfx::draw(dl, g->res_denoised, ImVec2(o.x + label_w, y), ImVec2(cell, cell), gap);
  row_label("denoised", y, cell, ImGui::GetStyle().Colors[ImGuiCol_Text]);
  const float den_y = y;
  y += cell + 2;
  number_row("PSNR", y, [&](const dae::Triple& t, char* b) { fmt_psnr(t.psnr_denoised, b); },
             [&](const dae::Triple& t) { return t.psnr_denoised >= t.psnr_noisy ? good : bad; });
  y += line;
  number_row("SSIM", y, [&](const dae::Triple& t, char* b) { fmt_ssim(t.ssim_denoised, b); },
             [&](const dae::Triple& t) { return t.ssim_denoised >= t.ssim_noisy ? good : bad; });
  y += line + 6;
  gfx::draw(dl, g->res_clean, ImVec2(o.x + label_w, y), ImVec2(cell, cell), gap);
  row_label("clean", y, cell, kMuted);
  y += cell;
  ImGui::Dummy(ImVec2(label_w + rs.size() * (cell + gap), y - o.y));

  // Hover: the numbers of one column.
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
  (void)den_y;

  ImGui::Spacing();
  const dae::Json& st = g->status;
  const double vp = num(st, "val_psnr", NAN), np = num(st, "noisy_psnr", NAN);
  const double vs = num(st, "val_ssim", NAN), ns = num(st, "noisy_ssim", NAN);
  ImGui::PushTextWrapPos(0);
  if (std::isfinite(vp) && vp > 0)
    ImGui::TextColored(kMuted, "All %d validation images: PSNR %.2f → %.2f dB,\nSSIM %.3f → %.3f.",
                       int(num(st, "val_size")), np, vp, ns, vs);
  else
    ImGui::TextColored(kMuted, "Scores on the whole validation set come after the first epoch.");
  ImGui::TextColored(kMuted, "Noise %s (the run's); validation digits are never trained on.",
                     g->s.config().noise.str().c_str());
  ImGui::PopTextWrapPos();
}

// ---- Experiments ---------------------------------------------------------------------------------------
namespace {

enum Col { ColShow, ColId, ColModel, ColNoise, ColEpochs, ColVal, ColPsnr, ColSsim, ColTrain, ColTime, ColData,
           ColState, ColBatch, ColLr, ColLoss, ColSizes, ColSeed, ColCount };

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
    case ColTime: return r.seconds;
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
    case ColState: return r.state;
    case ColLoss: return dae::loss_name(r.config.loss);
    default: return "";
  }
}

}  // namespace

void tab_experiments() {
  const auto& runs = g->s.runs();
  const bool export_csv = ImGui::Button("Export CSV");
  mark("export_csv");
  if (export_csv) {
    const std::string csv = g->s.runs_csv();
    js_download("dae-runs.csv", "text/csv", csv.data(), csv.size());
  }
  ImGui::SameLine();
  if (ImGui::Button("Overlay all")) {
    for (const auto& r : runs) g->overlay.insert(r.id);
  }
  ImGui::SameLine();
  if (ImGui::Button("None")) g->overlay.clear();
  ImGui::SameLine();
  ImGui::BeginDisabled(g->selected_run < 0);
  if (ImGui::Button("Delete run")) {
    try {
      g->s.delete_run(g->selected_run);
      g->overlay.erase(g->selected_run);
      g->selected_run = -1;
    } catch (const std::exception& e) {
      g->train_error = e.what();
    }
  }
  ImGui::EndDisabled();
  ImGui::SameLine();
  help_marker("Every run is recorded. Click a row to edit its notes; tick 'plot' to overlay its curves in the "
              "Loss panel; click a header to sort; right-click a header for more columns (batch, lr, loss, sizes, seed).");

  const float table_h = std::max(120.f, ImGui::GetContentRegionAvail().y - 190);
  const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_ScrollX | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_Hideable | ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingFixedFit;
  if (ImGui::BeginTable("runs", ColCount, flags, ImVec2(0, table_h))) {
    ImGui::TableSetupScrollFreeze(2, 1);
    ImGui::TableSetupColumn("plot", ImGuiTableColumnFlags_NoSort | ImGuiTableColumnFlags_NoHide, 0, ColShow);
    ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_PreferSortDescending |
                                     ImGuiTableColumnFlags_NoHide, 0, ColId);
    ImGui::TableSetupColumn("model", 0, 0, ColModel);
    ImGui::TableSetupColumn("noise", 0, 0, ColNoise);
    ImGui::TableSetupColumn("ep", 0, 0, ColEpochs);
    ImGui::TableSetupColumn("val loss", 0, 0, ColVal);
    ImGui::TableSetupColumn("PSNR", ImGuiTableColumnFlags_PreferSortDescending, 0, ColPsnr);
    ImGui::TableSetupColumn("SSIM", ImGuiTableColumnFlags_PreferSortDescending, 0, ColSsim);
    ImGui::TableSetupColumn("train loss", 0, 0, ColTrain);
    ImGui::TableSetupColumn("time", 0, 0, ColTime);
    ImGui::TableSetupColumn("data", 0, 0, ColData);
    ImGui::TableSetupColumn("state", 0, 0, ColState);
    ImGui::TableSetupColumn("batch", ImGuiTableColumnFlags_DefaultHide, 0, ColBatch);
    ImGui::TableSetupColumn("lr", ImGuiTableColumnFlags_DefaultHide, 0, ColLr);
    ImGui::TableSetupColumn("loss", ImGuiTableColumnFlags_DefaultHide, 0, ColLoss);
    ImGui::TableSetupColumn("train/val", ImGuiTableColumnFlags_DefaultHide, 0, ColSizes);
    ImGui::TableSetupColumn("seed", ImGuiTableColumnFlags_DefaultHide, 0, ColSeed);
    ImGui::TableHeadersRow();

    std::vector<size_t> order(runs.size());
    std::iota(order.begin(), order.end(), size_t(0));
    if (ImGuiTableSortSpecs* ss = ImGui::TableGetSortSpecs()) {
      if (ss->SpecsCount > 0) {
        const ImGuiTableColumnSortSpecs& sp = ss->Specs[0];
        const int col = int(sp.ColumnUserID);
        const bool desc = sp.SortDirection == ImGuiSortDirection_Descending;
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
          const auto& ra = runs[a];
          const auto& rb = runs[b];
          const std::string ta = sort_text(ra, col), tb = sort_text(rb, col);
          if (ta != tb) return desc ? ta > tb : ta < tb;
          double va = sort_value(ra, col), vb = sort_value(rb, col);
          // Missing numbers (no epoch finished) always last.
          if (std::isnan(va) != std::isnan(vb)) return std::isnan(vb);
          return desc ? va > vb : va < vb;
        });
      }
    }
    for (size_t i : order) {
      const dae::RunRecord& r = runs[i];
      ImGui::PushID(r.id);
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(ColShow);
      bool on = g->overlay.count(r.id) > 0;
      if (ImGui::Checkbox("##plot", &on)) {
        if (on)
          g->overlay.insert(r.id);
        else
          g->overlay.erase(r.id);
      }
      ImGui::TableSetColumnIndex(ColId);
      char id[16];
      std::snprintf(id, sizeof id, "%d", r.id);
      if (ImGui::Selectable(id, g->selected_run == r.id, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap))
        g->selected_run = r.id;
      if (ImGui::TableSetColumnIndex(ColData)) ImGui::TextUnformatted(r.config.dataset.c_str());
      if (ImGui::TableSetColumnIndex(ColModel)) ImGui::TextUnformatted(r.arch_name.c_str());
      if (ImGui::TableSetColumnIndex(ColNoise)) ImGui::TextUnformatted(short_noise(r.config.noise).c_str());
      if (ImGui::TableSetColumnIndex(ColEpochs)) ImGui::Text("%zu/%d", r.history.size(), r.config.epochs);
      auto cell_num = [](double v, const char* f) {
        if (std::isfinite(v)) ImGui::Text(f, v);
        else ImGui::TextDisabled("–");
      };
      if (ImGui::TableSetColumnIndex(ColTrain)) cell_num(r.final_train_loss(), "%.4f");
      if (ImGui::TableSetColumnIndex(ColVal)) cell_num(r.final_val_loss(), "%.4f");
      if (ImGui::TableSetColumnIndex(ColPsnr)) {
        const double p = r.final_val_psnr();
        if (std::isfinite(p)) {
          ImGui::Text("%.2f", p);
          if (ImGui::IsItemHovered())
            ImGui::SetTooltip("%+.2f dB over the noisy input (%.2f dB)", p - r.baseline.psnr, r.baseline.psnr);
        } else {
          ImGui::TextDisabled("–");
        }
      }
      if (ImGui::TableSetColumnIndex(ColSsim)) cell_num(r.final_val_ssim(), "%.3f");
      if (ImGui::TableSetColumnIndex(ColTime)) ImGui::TextUnformatted(fmt_time(r.seconds).c_str());
      if (ImGui::TableSetColumnIndex(ColState)) {
        const ImVec4 col = r.state == "finished" ? kGood : r.state == "failed" ? kBad : r.state == "running" ? kAccent : kMuted;
        ImGui::TextColored(col, "%s", r.state.c_str());
        if (!r.error.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", r.error.c_str());
      }
      if (ImGui::TableSetColumnIndex(ColBatch)) ImGui::Text("%d", r.config.batch);
      if (ImGui::TableSetColumnIndex(ColLr)) ImGui::Text("%g", r.config.lr);
      if (ImGui::TableSetColumnIndex(ColLoss)) ImGui::TextUnformatted(dae::loss_name(r.config.loss));
      if (ImGui::TableSetColumnIndex(ColSizes)) ImGui::Text("%zu/%zu", r.train_size, r.val_size);
      if (ImGui::TableSetColumnIndex(ColSeed)) ImGui::Text("%llu", (unsigned long long)r.config.seed);
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  if (runs.empty()) ImGui::TextColored(kMuted, "No runs yet: every training run is recorded here.");

  // Notes of the selected run, then the free-text observations.
  dae::RunRecord* sel = g->selected_run >= 0 ? g->s.run(g->selected_run) : nullptr;
  if (sel) {
    ImGui::Text("Notes for run #%d", sel->id);
    ImGui::SameLine();
    ImGui::TextColored(kMuted, "(%s, %s, %s)", sel->arch_name.c_str(), sel->config.noise.str().c_str(),
                       sel->config.dataset.c_str());
    if (ImGui::InputTextMultiline("##notes", &sel->notes, ImVec2(-1, 48))) ++g->ui_edits;
  } else {
    ImGui::TextColored(kMuted, "Select a run (click its row) to write notes about it.");
  }
  ImGui::TextUnformatted("Observations");
  ImGui::SameLine();
  help_marker("The worksheet's 'record your observations': what changed when you changed the noise, the model, "
              "the epochs… Saved with the runs and exported in nothing but this field (copy it out).");
  if (ImGui::InputTextMultiline("##observations", &g->s.observations(), ImVec2(-1, -1))) ++g->ui_edits;
}

// ---- Inspect -----------------------------------------------------------------------------------------
void tab_inspect() {
  if (!g->s.has_model()) {
    ImGui::Spacing();
    ImGui::TextColored(kMuted, "Train or upload a model to inspect its filters and feature maps.");
    return;
  }
  static const char* cmaps[] = {"gray", "heat", "blue–white–red"};
  ImGui::TextUnformatted("First-layer filters");
  ImGui::SameLine();
  if (g->filters_n > 0) ImGui::TextColored(kMuted, "%d × %d×%d", g->filters_n, g->filters_k, g->filters_k);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(130);
  ImGui::Combo("##fcmap", &g->filter_cmap, cmaps, 3);
  if (g->filters.empty()) {
    ImGui::TextColored(kMuted, "The first layer is not a convolution.");
  } else {
    const float avail = ImGui::GetContentRegionAvail().x;
    const float gap = 3;
    const int cols = g->filters.cols();
    const float cell = std::floor(std::min(30.f, (avail - gap * (cols - 1)) / cols));
    gfx::grid(g->filters, cell, gap, gfx::Colormap(g->filter_cmap));
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Each filter's weights scaled to its largest |w|: grey/white = 0");
  }
  ImGui::Spacing();
  ImGui::Separator();

  const dae::Model* m = g->s.model();
  const auto& layers = m->layers();
  auto layer_name = [&](int i) {
    if (i < 0) return std::string("input");
    const auto& l = layers[size_t(i)];
    return std::to_string(i) + " " + l.layer->type() + " " + l.out.keras_str();
  };
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Feature maps after");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(200);
  if (ImGui::BeginCombo("##layer", layer_name(g->fmap_layer).c_str())) {
    for (int i = -1; i < int(layers.size()); ++i)
      if (ImGui::Selectable(layer_name(i).c_str(), i == g->fmap_layer)) {
        g->fmap_layer = i;
        g->inspect_dirty = true;
      }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  ImGui::Combo("##mcmap", &g->fmap_cmap, cmaps, 3);
  const char* what = nullptr;
  inspect_source(&what);
  ImGui::TextColored(kMuted, "for %s%s", what, g->fmap_c ? "" : "");
  if (g->fmaps.empty()) {
    ImGui::TextColored(kMuted, "Draw a digit in the Draw panel.");
    return;
  }
  ImGui::BeginChild("fmaps", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
  const float avail = ImGui::GetContentRegionAvail().x;
  const float gap = 3;
  const int cols = g->fmaps.cols();
  float cell;
  if (g->fmaps.count() == 1 && g->fmaps.tile_h() == 1) {
    cell = std::max(4.f, std::floor(avail));  // dense units as one strip
    gfx::grid(g->fmaps, cell, 0, gfx::Colormap(g->fmap_cmap));
  } else {
    cell = std::floor(std::min(64.f, (avail - gap * (cols - 1)) / cols));
    gfx::grid(g->fmaps, std::max(cell, 8.f), gap, gfx::Colormap(g->fmap_cmap));
  }
  ImGui::TextColored(kMuted, "%d channel%s of %d×%d, each scaled to its own min..max", g->fmap_c,
                     g->fmap_c == 1 ? "" : "s", g->fmap_h, g->fmap_w);
  ImGui::EndChild();
}

// ---- the tabbed panel ----------------------------------------------------------------------------------
void panel_views(ImVec2 pos, ImVec2 size) {
  ImGui::SetNextWindowPos(pos);
  ImGui::SetNextWindowSize(size);
  ImGui::Begin("Views", nullptr, kPanelFlags | ImGuiWindowFlags_NoTitleBar);
  if (ImGui::BeginTabBar("view_tabs")) {
    const int force = g->force_right;
    g->force_right = -1;
    auto flags = [&](RightTab t) { return force == int(t) ? ImGuiTabItemFlags_SetSelected : 0; };
    const bool results = ImGui::BeginTabItem("Results", nullptr, flags(RightTab::Results));
    mark("tab_results");
    if (results) {
      g->right_tab = RightTab::Results;
      tab_results();
      ImGui::EndTabItem();
    }
    char exp[48];
    std::snprintf(exp, sizeof exp, "Experiments (%zu)###experiments", g->s.runs().size());
    const bool experiments = ImGui::BeginTabItem(exp, nullptr, flags(RightTab::Experiments));
    mark("tab_experiments");
    if (experiments) {
      g->right_tab = RightTab::Experiments;
      tab_experiments();
      ImGui::EndTabItem();
    }
    const bool inspect = ImGui::BeginTabItem("Inspect", nullptr, flags(RightTab::Inspect));
    mark("tab_inspect");
    if (inspect) {
      if (g->right_tab != RightTab::Inspect) g->inspect_dirty = true;
      g->right_tab = RightTab::Inspect;
      tab_inspect();
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  ImGui::End();
}

}  // namespace app
