// panel_data.cpp — the Data panel: the dataset (MNIST, the Devanagari digits, imports), the
// training/validation sizes, the noise, and a preview like the worksheet's Figure 7.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "state/app.h"

namespace app {

namespace {

constexpr const char* kDhcdCitation =
    "Devanagari Handwritten Character Dataset (DHCD), UCI Machine Learning Repository #389, CC BY 4.0.\n"
    "S. Acharya, A. K. Pant, P. K. Gyawali: Deep learning based large scale handwritten Devanagari\n"
    "character recognition. SKIMA 2015. Only the ten digit classes are used.";

void update_preview(App& a) {
  DataState& d = a.data;
  const dae::Dataset* ds = a.session.dataset(a.editor.cfg.dataset);
  if (!d.preview_memo.update(key(ds ? ds->name : "", ds ? ds->train.size() : 0, a.editor.cfg.noise, d.preview_draw, a.editor.cfg.seed)))
    return;
  d.preview.clear();
  d.preview_figure = {};
  if (!ds || ds->train.size() == 0) return;
  // The figure's tiles (its Save PNG writes the same; so does `dae figure data`).
  d.preview_figure = dae::data_preview(ds->train, a.editor.cfg.noise, a.editor.cfg.seed, d.preview_draw, ds->name);
  std::vector<float> tiles;
  for (const auto& row : d.preview_figure.rows)
    for (const auto& t : row.tiles) tiles.insert(tiles.end(), t.px.begin(), t.px.end());
  const int cols = int(d.preview_figure.rows[0].tiles.size());
  d.preview.set_tiles(tiles.data(), 4 * cols, ds->w(), ds->h(), cols);
}

const char* noise_kind_name(dae::Noise::Kind k) {
  return k == dae::Noise::Gaussian ? "Gaussian" : k == dae::Noise::SaltPepper ? "salt & pepper" : "none";
}

// The Devanagari digits in the dataset list while not loaded: listed by datasets.json (a click
// loads them), or not in this build.
void dhcd_entries(App& a) {
  Browser& b = a.browser;
  if (b.dhcd_listed && !a.session.dataset("dhcd")) {
    char label[120];
    if (b.dhcd_loading)
      std::snprintf(label, sizeof label, "Devanagari digits (loading…)");
    else
      std::snprintf(label, sizeof label, "Devanagari digits%s  (32×32, %.1f MB)",
                    b.dhcd_kind == "subset" ? ", bundled subset" : "", b.dhcd_bytes / 1048576.0);
    if (choice(label)) {
      b.pending_dataset = "dhcd";
      js_load_pack(a, "dhcd");
    }
    mark("dataset_dhcd");
  }
  if (!b.dhcd_listed && !a.session.dataset("dhcd")) {
    ImGui::BeginDisabled();
    choice("Devanagari digits: not in this build, use Import");
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) tooltip("%s", kDhcdCitation);
  }
}

// The dataset list (`cur`: the dataset selected as the frame began).
void dataset_combo(App& a, const dae::Dataset* cur) {
  const dae::TrainConfig& c = a.editor.cfg;
  ImGui::SetNextItemWidth(-1);
  std::string preview = dataset_label(a, c.dataset);
  if (cur) preview += "  (" + std::to_string(cur->h()) + "×" + std::to_string(cur->w()) + ")";
  next_item_role("combobox", preview, "Dataset");
  if (ImGui::BeginCombo("##dataset", preview.c_str())) {
    for (const std::string& name : a.session.dataset_names()) {
      const dae::Dataset* d = a.session.dataset(name);
      const std::string label = dataset_label(a, name) + "  (" + std::to_string(d->h()) + "×" + std::to_string(d->w()) + ")";
      if (choice(label.c_str(), name == c.dataset)) select_dataset(a, name);
      mark("dataset_" + name);
    }
    dhcd_entries(a);
    ImGui::EndCombo();
  }
  mark("dataset");
}

// Import buttons, and what importing is doing or why it failed.
void dataset_import(const App& a) {
  if (ImGui::Button("Import .zip…")) js_pick_file("zip");
  mark("import_zip");
  same_line_if_fits("Import folder…");
  if (ImGui::Button("Import folder…")) js_pick_file("folder");
  mark("import_folder");
  same_line_if_fits(help_marker_width());
  help_marker(
      "Import PNG digits: a .zip or a folder with one sub-folder per class, e.g.\n"
      "  digits/0/*.png … digits/9/*.png, or train/<k>/ and test/<k>/ sub-folders,\n"
      "  or the original DHCD layout (Train/digit_<k>/, Test/digit_<k>/).\n"
      "Images must all have the same size (28×28 or 32×32 work best). Importing the full DHCD\n"
      "folder or zip replaces the bundled Devanagari subset.");
  const Browser& b = a.browser;
  if (!b.busy.empty()) ImGui::TextColored(kWarn, "%s", b.busy.c_str());
  if (!b.data_error.empty()) {
    wrapped(kBad, b.data_error);
    shown("data_error", b.data_error, kBad);
  }
}

// The dataset `cur` described, and how many of its images train and validate.
void dataset_sizes(App& a, const dae::Dataset* cur) {
  dae::TrainConfig& c = a.editor.cfg;
  if (!cur) {
    if (a.browser.busy.empty()) ImGui::TextColored(kMuted, "No dataset loaded yet.");
    return;
  }
  wrapped(kMuted, dae::describe_dataset(*cur));  // which DHCD: the bundled subset or the full set
  if (cur->name == "dhcd") {
    wrapped(kMuted, "Acharya, Pant & Gyawali, SKIMA 2015 · UCI ML Repository #389 · CC BY 4.0");
    mark("dhcd_attribution");
  }
  const auto avail = a.session.available(c.dataset);
  int tr = int(c.train), va = int(c.val);
  const float lw = ImGui::CalcTextSize("Validation ").x + 8;
  label("Train", 0);
  ImGui::SetCursorPosX(lw);
  if (slider_int("##train", &tr, 1, std::max<int>(1, int(avail.first)), "%d images")) c.train = size_t(std::max(1, tr));
  label("Validation", 0);
  ImGui::SetCursorPosX(lw);
  if (slider_int("##val", &va, 1, std::max<int>(1, int(avail.second)), "%d images")) c.val = size_t(std::max(1, va));
}

// The noise's kind (a new kind starts at its usual amount) and amount.
void noise_choice(App& a) {
  dae::TrainConfig& c = a.editor.cfg;
  int kind = int(c.noise.kind);
  bool changed = false;
  ImGui::BeginGroup();
  changed |= ImGui::RadioButton("Gaussian", &kind, int(dae::Noise::Gaussian));
  item_role("radio", kind == int(dae::Noise::Gaussian));
  mark("noise_gaussian");
  same_line_if_fits("Salt & pepper");
  changed |= ImGui::RadioButton("Salt & pepper", &kind, int(dae::Noise::SaltPepper));
  item_role("radio", kind == int(dae::Noise::SaltPepper));
  mark("noise_sp");
  same_line_if_fits("None");
  changed |= ImGui::RadioButton("None", &kind, int(dae::Noise::None));
  item_role("radio", kind == int(dae::Noise::None));
  mark("noise_none");
  ImGui::EndGroup();
  mark("noise_kind");
  if (changed) {
    const dae::Noise::Kind k = dae::Noise::Kind(kind);
    if (k != c.noise.kind) {
      c.noise.kind = k;
      if (k == dae::Noise::Gaussian) c.noise.amount = 0.5f;
      if (k == dae::Noise::SaltPepper) c.noise.amount = 0.1f;
    }
  }
  if (c.noise.kind != dae::Noise::None) {
    const bool gauss = c.noise.kind == dae::Noise::Gaussian;
    slider_float("##amount", &c.noise.amount, 0.0f, gauss ? 1.5f : 0.8f, gauss ? "factor %.2f" : "%.2f of pixels");
    mark("noise_amount");
  }
  wrapped(kMuted, "noise " + c.noise.str() + ": used by the next run and the Draw panel");
}

// The preview's rows (original, weak, strong, current noise), labelled, and Other images.
void preview_grid(App& a) {
  const DataState& d = a.data;
  if (d.preview.empty()) return;
  const float label_w = ImGui::CalcTextSize("current").x + 10;
  const float avail = ImGui::GetContentRegionAvail().x - label_w;
  const float gap = 3;
  const float cell = std::max(8.f, std::floor(std::min(48.f, (avail - gap * 7) / 8)));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::SetCursorScreenPos(ImVec2(p0.x + label_w, p0.y));
  gfx::grid(d.preview, cell, gap);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float ch = cell * float(d.preview.tile_h()) / float(d.preview.tile_w());
  const dae::Noise& noise = a.editor.cfg.noise;
  const bool sp = noise.kind == dae::Noise::SaltPepper;
  const char* labels[4] = {"original", sp ? "0.05" : "0.1", sp ? "0.2" : "0.5", "current"};
  for (int r = 0; r < 4; ++r) {
    const float y = p0.y + float(r) * (ch + gap) + (ch - ImGui::GetFontSize()) * 0.5f;
    dl->AddText(ImVec2(p0.x, y), ImGui::GetColorU32(r == 3 ? kAccent : kMuted), labels[r]);
  }
  if (ImGui::Button("Other images")) ++a.data.preview_draw;
  ImGui::SameLine();
  save_png_button(a, "data", "the data preview", "dae-data.png",
                  [&d]() -> FigureJob { return [f = d.preview_figure](int zoom) { return dae::tiles_png(f, zoom); }; });
  same_line_if_fits(200);
  ImGui::TextColored(kMuted, "rows 2–3: %s noise",
                     noise_kind_name(noise.kind == dae::Noise::None ? dae::Noise::Gaussian : noise.kind));
}

}  // namespace

void draw_data(App& a) {
  section("Dataset");
  const dae::Dataset* cur = a.session.dataset(a.editor.cfg.dataset);
  dataset_combo(a, cur);
  dataset_import(a);
  dataset_sizes(a, cur);

  section("Noise");
  noise_choice(a);

  section("Preview", "Like the worksheet's Figure 7: original digits, weak and strong noise, and the noise chosen above.");
  update_preview(a);
  preview_grid(a);
}

}  // namespace app
