// setup.cpp — the Setup panel (Data, Model, Model files tabs) and the configuration actions.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app.h"
#include "imgui_stdlib.h"

namespace app {

// ---- actions -----------------------------------------------------------------------------------
void refresh_arch() {
  const int side = dataset_side(g->cfg.dataset);
  const std::string spec = dae::rows_to_spec(g->rows);
  const std::string key = spec + "@" + std::to_string(side) + "@" + g->preset;
  if (key == g->check_key) return;
  g->check_key = key;
  // A preset by its name, so the summary is titled with it.
  g->check = g->s.check_arch(g->preset.empty() ? spec : g->preset, side);
  g->arch_model.reset();
  if (g->check.ok) {
    try {
      g->arch_model = std::make_unique<dae::Model>(dae::Model::build(g->preset.empty() ? spec : g->preset, 1, side, side));
    } catch (const std::exception&) {
    }
  }
  g->spec_text = g->check.ok ? g->check.spec : spec;
  g->spec_error.clear();
}

void select_preset(const std::string& name) {
  const int side = dataset_side(g->cfg.dataset);
  const std::string spec = dae::Model::preset_spec(name, side, side);
  if (spec.empty()) return;
  try {
    g->rows = dae::spec_to_rows(spec);
    g->preset = name;
  } catch (const std::exception& e) {
    g->spec_error = e.what();
  }
  refresh_arch();
}

void set_rows(const std::vector<dae::LayerRow>& rows) {
  g->rows = rows;
  g->preset.clear();
  const int side = dataset_side(g->cfg.dataset);
  const std::string spec = dae::rows_to_spec(rows);
  for (const std::string& p : dae::Model::preset_names()) {
    const std::string ps = dae::Model::preset_spec(p, side, side);
    if (ps == spec || g->s.check_arch(ps, side).spec == g->s.check_arch(spec, side).spec) {
      g->preset = p;
      break;
    }
  }
  refresh_arch();
}

std::string arch_for_config() { return g->preset.empty() ? dae::rows_to_spec(g->rows) : g->preset; }

void select_dataset(const std::string& name) {
  if (!g->s.dataset(name)) return;
  g->cfg.dataset = name;
  g->data_error.clear();
  const auto avail = g->s.available(name);
  if (avail.first > 0) g->cfg.train = std::min<size_t>(g->cfg.train ? g->cfg.train : avail.first, avail.first);
  if (avail.second > 0) g->cfg.val = std::min<size_t>(g->cfg.val ? g->cfg.val : avail.second, avail.second);
  if (!g->preset.empty()) select_preset(g->preset);
  g->check_key.clear();
  refresh_arch();
  g->preview_key.clear();
}

void apply_loaded_config() {
  const dae::TrainConfig& c = g->s.config();
  g->cfg = c;
  g->cfg.threads = 1;
  const int side = dataset_side(c.dataset);
  std::string spec = g->s.model() ? g->s.model()->spec() : c.arch;
  std::string canon = g->s.check_arch(spec, side).spec;
  g->preset.clear();
  for (const std::string& p : dae::Model::preset_names()) {
    if (p == spec || g->s.check_arch(dae::Model::preset_spec(p, side, side), side).spec == canon) {
      g->preset = p;
      break;
    }
  }
  try {
    g->rows = dae::spec_to_rows(g->preset.empty() ? (canon.empty() ? spec : canon)
                                                  : dae::Model::preset_spec(g->preset, side, side));
  } catch (const std::exception& e) {
    g->spec_error = e.what();
  }
  g->check_key.clear();
  refresh_arch();
  g->preview_key.clear();
}

bool start_training(std::string* error) {
  g->cfg.arch = arch_for_config();
  g->cfg.threads = 1;
  try {
    g->s.start(g->cfg);
    g->train_error.clear();
    g->results_force = true;
    g->draw_dirty = true;
    g->inspect_dirty = true;
    return true;
  } catch (const std::exception& e) {
    g->train_error = e.what();
    if (error) *error = e.what();
    return false;
  }
}

void toggle_pause() {
  if (g->s.training())
    g->s.pause();
  else if (g->s.paused())
    g->s.resume();
}

void reset_training() {
  g->s.reset();
  g->train_error.clear();
  g->results_force = true;
  g->draw_dirty = true;
  g->inspect_dirty = true;
}

// ---- Data tab --------------------------------------------------------------------------------------
namespace {

void update_preview(float cell_hint) {
  (void)cell_hint;
  const dae::Dataset* ds = g->s.dataset(g->cfg.dataset);
  if (!ds || ds->train.size() == 0) {
    g->preview.clear();
    return;
  }
  const int cols = 8;
  char key[256];
  std::snprintf(key, sizeof key, "%s|%s|%llu|%llu", ds->name.c_str(), g->cfg.noise.str().c_str(),
                (unsigned long long)g->preview_draw, (unsigned long long)g->cfg.seed);
  if (g->preview_key == key) return;
  g->preview_key = key;
  const int h = ds->h(), w = ds->w();
  const size_t n = size_t(h) * w;
  std::vector<size_t> idx;
  dae::Rng rng(0x70726576ull + g->preview_draw);
  for (int i = 0; i < cols; ++i)
    idx.push_back(size_t(rng.below(ds->train.size())));
  dae::Noise lo = g->cfg.noise, hi = g->cfg.noise;
  if (lo.kind == dae::Noise::None) lo.kind = hi.kind = dae::Noise::Gaussian;
  lo.amount = 0.1f;
  hi.amount = 0.5f;
  std::vector<float> tiles(size_t(4) * cols * n);
  std::vector<float> clean(n);
  for (int c = 0; c < cols; ++c) {
    dae::to_float(ds->train.image(idx[size_t(c)]), clean.data(), n);
    const uint64_t k = dae::noise_key(g->cfg.seed, idx[size_t(c)]);
    std::copy(clean.begin(), clean.end(), tiles.begin() + long((0 * cols + c) * n));
    auto a = dae::Session::with_noise(clean, lo, k);
    auto b = dae::Session::with_noise(clean, hi, k);
    auto d = dae::Session::with_noise(clean, g->cfg.noise, k);
    std::copy(a.begin(), a.end(), tiles.begin() + long((1 * cols + c) * n));
    std::copy(b.begin(), b.end(), tiles.begin() + long((2 * cols + c) * n));
    std::copy(d.begin(), d.end(), tiles.begin() + long((3 * cols + c) * n));
  }
  g->preview.set_tiles(tiles.data(), 4 * cols, w, h, cols);
}

const char* noise_kind_name(dae::Noise::Kind k) {
  return k == dae::Noise::Gaussian ? "gaussian" : k == dae::Noise::SaltPepper ? "salt & pepper" : "none";
}

}  // namespace

void tab_data() {
  dae::TrainConfig& c = g->cfg;
  section("Dataset");
  ImGui::SetNextItemWidth(-1);
  const dae::Dataset* cur = g->s.dataset(c.dataset);
  std::string preview = dataset_label(c.dataset);
  if (cur) preview += "  (" + std::to_string(cur->h()) + "×" + std::to_string(cur->w()) + ")";
  if (ImGui::BeginCombo("##dataset", preview.c_str())) {
    for (const std::string& name : g->s.dataset_names()) {
      const dae::Dataset* d = g->s.dataset(name);
      std::string label = dataset_label(name) + "  (" + std::to_string(d->h()) + "×" + std::to_string(d->w()) + ")";
      if (ImGui::Selectable(label.c_str(), name == c.dataset)) select_dataset(name);
    }
    if (g->dhcd_available && !g->s.dataset("dhcd")) {
      char label[96];
      if (g->dhcd_loading)
        std::snprintf(label, sizeof label, "Devanagari digits (loading…)");
      else
        std::snprintf(label, sizeof label, "Devanagari digits  (32×32, download %.1f MB)", g->dhcd_bytes / 1048576.0);
      if (ImGui::Selectable(label)) {
        g->pending_dataset = "dhcd";
        js_load_pack("dhcd");
      }
    }
    if (!g->dhcd_available && !g->s.dataset("dhcd")) {
      // This build has no bundled DHCD (its folder was missing at build time): say where to get it.
      ImGui::BeginDisabled();
      ImGui::Selectable("Devanagari digits: not bundled, use Import");
      ImGui::EndDisabled();
      if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip(
            "Get the Devanagari Handwritten Character Dataset (DHCD, UCI Machine Learning Repository\n"
            "#389, CC BY 4.0; Acharya, Pant & Gyawali 2015) and import its folder or .zip with\n"
            "Import: the Train/digit_0 … digit_9 and Test/digit_k folders are used.");
    }
    ImGui::EndCombo();
  }
  if (ImGui::Button("Import .zip…")) js_pick_file("zip");
  mark("import_zip");
  ImGui::SameLine();
  if (ImGui::Button("Import folder…")) js_pick_file("folder");
  mark("import_folder");
  ImGui::SameLine();
  help_marker(
      "Import PNG digits: a .zip or a folder with one sub-folder per class, e.g.\n"
      "  digits/0/*.png … digits/9/*.png, or train/<k>/ and test/<k>/ sub-folders,\n"
      "  or the original DHCD layout (Train/digit_<k>/, Test/digit_<k>/).\n"
      "Images must all have the same size (28×28 or 32×32 work best).\n"
      "Devanagari digits: DHCD, UCI Machine Learning Repository #389 (CC BY 4.0).");
  if (!g->busy.empty()) ImGui::TextColored(kWarn, "%s", g->busy.c_str());
  if (!g->data_error.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(kBad, "%s", g->data_error.c_str());
    ImGui::PopTextWrapPos();
  }
  if (cur) {
    ImGui::TextColored(kMuted, "%s training images%s", fmt_int((long long)cur->train.size()).c_str(),
                       cur->test.size() ? (", " + fmt_int((long long)cur->test.size()) + " test images").c_str()
                                        : ", no separate test split");
    const auto avail = g->s.available(c.dataset);
    int tr = int(c.train), va = int(c.val);
    const float lw = ImGui::CalcTextSize("Validation ").x + 8;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Train");
    ImGui::SameLine(lw);
    ImGui::SetNextItemWidth(-1);
    if (ImGui::SliderInt("##train", &tr, 1, std::max<int>(1, int(avail.first)), "%d images",
                         ImGuiSliderFlags_AlwaysClamp))
      c.train = size_t(std::max(1, tr));
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Validation");
    ImGui::SameLine(lw);
    ImGui::SetNextItemWidth(-1);
    if (ImGui::SliderInt("##val", &va, 1, std::max<int>(1, int(avail.second)), "%d images",
                         ImGuiSliderFlags_AlwaysClamp))
      c.val = size_t(std::max(1, va));
  } else if (g->busy.empty()) {
    ImGui::TextColored(kMuted, "No dataset loaded yet.");
  }

  section("Noise");
  int kind = int(c.noise.kind);
  bool changed = false;
  changed |= ImGui::RadioButton("Gaussian", &kind, int(dae::Noise::Gaussian));
  ImGui::SameLine();
  changed |= ImGui::RadioButton("Salt & pepper", &kind, int(dae::Noise::SaltPepper));
  ImGui::SameLine();
  changed |= ImGui::RadioButton("None", &kind, int(dae::Noise::None));
  if (changed) {
    const dae::Noise::Kind k = dae::Noise::Kind(kind);
    if (k != c.noise.kind) {
      c.noise.kind = k;
      if (k == dae::Noise::Gaussian) c.noise.amount = 0.5f;
      if (k == dae::Noise::SaltPepper) c.noise.amount = 0.1f;
    }
  }
  if (c.noise.kind != dae::Noise::None) {
    ImGui::SetNextItemWidth(-1);
    const bool gauss = c.noise.kind == dae::Noise::Gaussian;
    ImGui::SliderFloat("##amount", &c.noise.amount, 0.0f, gauss ? 1.5f : 0.8f,
                       gauss ? "factor %.2f  (x + f·N(0,1))" : "%.2f of the pixels", ImGuiSliderFlags_AlwaysClamp);
  }
  ImGui::PushTextWrapPos(0);
  ImGui::TextColored(kMuted, "noise %s: used by the next run and the Draw panel", c.noise.str().c_str());
  ImGui::PopTextWrapPos();

  section("Preview", "Like the worksheet's Figure 7: original digits, noise 0.1, noise 0.5, and the noise chosen above.");
  update_preview(0);
  if (!g->preview.empty()) {
    const float label_w = ImGui::CalcTextSize("current").x + 10;
    const float avail = ImGui::GetContentRegionAvail().x - label_w;
    const float gap = 3;
    const float cell = std::floor(std::min(48.f, (avail - gap * 7) / 8));
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::SetCursorScreenPos(ImVec2(p0.x + label_w, p0.y));
    gfx::grid(g->preview, cell, gap);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float ch = cell * g->preview.tile_h() / float(g->preview.tile_w());
    char lo[32], hi[32];
    std::snprintf(lo, sizeof lo, "%s", "0.1");
    std::snprintf(hi, sizeof hi, "%s", "0.5");
    const char* labels[4] = {"original", lo, hi, "current"};
    for (int r = 0; r < 4; ++r) {
      const float y = p0.y + r * (ch + gap) + (ch - ImGui::GetFontSize()) * 0.5f;
      dl->AddText(ImVec2(p0.x, y), ImGui::GetColorU32(r == 3 ? kAccent : kMuted), labels[r]);
    }
    if (ImGui::Button("Other images")) ++g->preview_draw;
    ImGui::SameLine();
    ImGui::TextColored(kMuted, "rows 2–3: %s noise at 0.1 and 0.5",
                       noise_kind_name(c.noise.kind == dae::Noise::None ? dae::Noise::Gaussian : c.noise.kind));
  }
}

// ---- Model tab ---------------------------------------------------------------------------------------
namespace {

const char* kKinds[] = {"conv", "convt", "dense", "pool", "up", "flatten", "reshape", "relu", "sigmoid"};
const char* kActs[] = {"relu", "sigmoid", "linear"};

bool has_units(const std::string& k) { return k == "conv" || k == "convt" || k == "dense"; }
bool has_kernel(const std::string& k) { return k == "conv" || k == "convt"; }

}  // namespace

void tab_model() {
  refresh_arch();
  section("Presets");
  for (const std::string& p : dae::Model::preset_names()) {
    const bool active = g->preset == p;
    if (active) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.27f, 0.45f, 0.72f, 1.f));
    if (ImGui::Button(p.c_str())) select_preset(p);
    mark("preset_" + p);
    if (active) ImGui::PopStyleColor();
    ImGui::SameLine();
  }
  ImGui::TextColored(kMuted, "%s", g->preset.empty() ? "custom" : "");

  section("Layers",
      "conv F kK: Conv2D with F filters K×K ('same' unless 'valid'); convt: Conv2DTranspose (stride 2);\n"
      "dense N; pool: MaxPooling 2×2; up: UpSampling ×2; flatten; reshape C×H×W; relu / sigmoid.\n"
      "'enc|' marks the first decoder layer. The output must have the input's shape.\n"
      "Use the arrows to reorder, ✕ to remove; Tab / arrows + Space work too.");
  std::vector<dae::LayerRow> rows = g->rows;
  bool changed = false;
  int move_from = -1, move_to = -1, remove = -1;
  const float table_h = std::min(ImGui::GetContentRegionAvail().y * 0.45f,
                                 (ImGui::GetFrameHeight() + 4) * float(rows.size() + 1) + 8);
  if (ImGui::BeginTable("layers", 6,
                        ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg |
                            ImGuiTableFlags_BordersInnerH,
                        ImVec2(0, std::max(table_h, 120.f)))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, 14);
    ImGui::TableSetupColumn("layer", ImGuiTableColumnFlags_WidthFixed, 70);
    ImGui::TableSetupColumn("size", ImGuiTableColumnFlags_WidthFixed, 74);
    ImGui::TableSetupColumn("activation", ImGuiTableColumnFlags_WidthFixed, 82);
    ImGui::TableSetupColumn("enc|", ImGuiTableColumnFlags_WidthFixed, 28);
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    for (size_t i = 0; i < rows.size(); ++i) {
      dae::LayerRow& r = rows[i];
      ImGui::PushID(int(i));
      ImGui::TableNextRow();
      if (r.bar_before)
        ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, ImGui::GetColorU32(ImVec4(0.55f, 0.40f, 0.20f, 0.25f)));
      ImGui::TableNextColumn();
      ImGui::AlignTextToFramePadding();
      ImGui::TextColored(kMuted, "%zu", i + 1);
      ImGui::TableNextColumn();
      ImGui::SetNextItemWidth(-1);
      if (ImGui::BeginCombo("##kind", r.kind.c_str())) {
        for (const char* k : kKinds)
          if (ImGui::Selectable(k, r.kind == k)) {
            r.kind = k;
            changed = true;
          }
        ImGui::EndCombo();
      }
      ImGui::TableNextColumn();
      if (has_units(r.kind)) {
        ImGui::SetNextItemWidth(has_kernel(r.kind) ? 38 : -1);
        int u = r.units;
        if (ImGui::InputInt("##units", &u, 0, 0)) {
          r.units = std::clamp(u, 1, 4096);
          changed = true;
        }
        if (ImGui::IsItemHovered()) ImGui::SetTooltip(r.kind == "dense" ? "units" : "filters");
        if (has_kernel(r.kind)) {
          ImGui::SameLine(0, 4);
          ImGui::SetNextItemWidth(-1);
          int k = r.kernel;
          if (ImGui::InputInt("##kernel", &k, 0, 0)) {
            r.kernel = std::clamp(k, 1, 15);
            changed = true;
          }
          if (ImGui::IsItemHovered()) ImGui::SetTooltip("kernel size (K×K)");
        }
      } else if (r.kind == "reshape") {
        int chw[3] = {r.c, r.h, r.w};
        ImGui::SetNextItemWidth(-1);
        if (ImGui::InputInt3("##chw", chw)) {
          r.c = std::max(1, chw[0]);
          r.h = std::max(1, chw[1]);
          r.w = std::max(1, chw[2]);
          changed = true;
        }
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("channels × height × width");
      }
      ImGui::TableNextColumn();
      if (has_units(r.kind)) {
        ImGui::SetNextItemWidth(-1);
        if (ImGui::BeginCombo("##act", r.act.c_str())) {
          for (const char* a : kActs)
            if (ImGui::Selectable(a, r.act == a)) {
              r.act = a;
              changed = true;
            }
          if (r.kind == "conv") {
            ImGui::Separator();
            if (ImGui::Checkbox("'valid' padding", &r.valid)) changed = true;
          }
          ImGui::EndCombo();
        }
      }
      ImGui::TableNextColumn();
      if (i > 0) {
        bool bar = r.bar_before;
        if (ImGui::Checkbox("##bar", &bar)) {
          for (auto& o : rows) o.bar_before = false;
          r.bar_before = bar;
          changed = true;
        }
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("the decoder starts here");
      }
      ImGui::TableNextColumn();
      if (ImGui::ArrowButton("##up", ImGuiDir_Up) && i > 0) {
        move_from = int(i);
        move_to = int(i) - 1;
      }
      ImGui::SameLine(0, 2);
      if (ImGui::ArrowButton("##down", ImGuiDir_Down) && i + 1 < rows.size()) {
        move_from = int(i);
        move_to = int(i) + 1;
      }
      ImGui::SameLine(0, 2);
      if (ImGui::Button("✕")) remove = int(i);
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  if (move_from >= 0) {
    std::swap(rows[size_t(move_from)], rows[size_t(move_to)]);
    changed = true;
  }
  if (remove >= 0) {
    rows.erase(rows.begin() + remove);
    changed = true;
  }
  static int add_kind = 0;
  ImGui::SetNextItemWidth(90);
  ImGui::Combo("##addkind", &add_kind, kKinds, IM_ARRAYSIZE(kKinds));
  ImGui::SameLine();
  if (ImGui::Button("+ Add layer")) {
    dae::LayerRow r;
    r.kind = kKinds[add_kind];
    const size_t at = rows.empty() ? 0 : rows.size() - 1;  // before the output layer
    rows.insert(rows.begin() + long(at), r);
    changed = true;
  }
  if (changed) set_rows(rows);

  ImGui::SetNextItemWidth(-1);
  const bool spec_entered = ImGui::InputText("##spec", &g->spec_text, ImGuiInputTextFlags_EnterReturnsTrue);
  mark("spec");
  if (spec_entered) {
    try {
      set_rows(dae::spec_to_rows(g->spec_text));
    } catch (const std::exception& e) {
      g->spec_error = e.what();
    }
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("The architecture as a spec (the CLI's --arch); edit and press Enter");

  section("Summary");
  if (!g->spec_error.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(kBad, "spec: %s", g->spec_error.c_str());
    ImGui::PopTextWrapPos();
  }
  const dae::ArchCheck& ch = g->check;
  const int side = dataset_side(g->cfg.dataset);
  if (!ch.ok) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(kBad, "%s", ch.error.c_str());
    ImGui::PopTextWrapPos();
  } else {
    ImGui::TextColored(kGood, "%s parameters", fmt_int((long long)ch.params).c_str());
    ImGui::SameLine();
    ImGui::TextColored(kMuted, "· %.0f MFLOP/image", ch.mflops_per_sample);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("training FLOPs per %d×%d image (forward + backward)", side, side);
    const char* label = "Keras summary…";
    const float bw = ImGui::CalcTextSize(label).x + ImGui::GetStyle().FramePadding.x * 2;
    ImGui::SameLine();
    if (ImGui::GetContentRegionAvail().x < bw) ImGui::NewLine();
    else ImGui::SetCursorPosX(ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x - bw);
    const bool open = ImGui::SmallButton(label);
    mark("keras_summary");
    if (open) ImGui::OpenPopup("Keras summary");
    // The layer table (compact), then the full Keras-style text in a popup.
    if (g->arch_model &&
        ImGui::BeginTable("summary", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersOuter |
                                            ImGuiTableFlags_SizingStretchProp, ImVec2(0, 0))) {
      ImGui::TableSetupScrollFreeze(0, 1);
      ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, 18);
      ImGui::TableSetupColumn("layer", ImGuiTableColumnFlags_WidthStretch, 1.3f);
      ImGui::TableSetupColumn("output", ImGuiTableColumnFlags_WidthStretch, 1.0f);
      ImGui::TableSetupColumn("params", ImGuiTableColumnFlags_WidthFixed, 56);
      ImGui::TableHeadersRow();
      const auto& layers = g->arch_model->layers();
      const int enc = g->arch_model->encoder_layers();
      for (size_t i = 0; i < layers.size(); ++i) {
        ImGui::TableNextRow();
        if (int(i) == enc)
          ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, ImGui::GetColorU32(ImVec4(0.55f, 0.40f, 0.20f, 0.25f)));
        ImGui::TableNextColumn();
        ImGui::TextColored(kMuted, "%zu", i);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(layers[i].layer->type().c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", layers[i].layer->torch().c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(layers[i].out.keras_str().c_str());
        ImGui::TableNextColumn();
        if (layers[i].num_params)
          ImGui::TextUnformatted(fmt_int((long long)layers[i].num_params).c_str());
        else
          ImGui::TextDisabled("0");
      }
      ImGui::EndTable();
    }
    const ImVec2 d = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(d.x * 0.5f, d.y * 0.5f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(std::min(d.x - 40, 680.f), std::min(d.y - 80, 560.f)), ImGuiCond_Appearing);
    if (ImGui::BeginPopupModal("Keras summary", nullptr, ImGuiWindowFlags_NoSavedSettings)) {
      ImGui::PushFont(g->fonts.mono);
      ImGui::BeginChild("text", ImVec2(0, -ImGui::GetFrameHeightWithSpacing() - 4), true,
                        ImGuiWindowFlags_HorizontalScrollbar);
      ImGui::TextUnformatted(ch.summary.c_str());
      ImGui::EndChild();
      ImGui::PopFont();
      if (ImGui::Button("Close", ImVec2(100, 0)) || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)))
        ImGui::CloseCurrentPopup();
      ImGui::SameLine();
      ImGui::TextColored(kMuted, "the same table as `dae summary --arch …`");
      ImGui::EndPopup();
    }
  }
}

// ---- Model files tab ---------------------------------------------------------------------------------
void tab_files() {
  section("Current model");
  if (const dae::Model* m = g->s.model()) {
    const dae::Shape in = m->input_shape();
    ImGui::Text("%s  ·  %s parameters  ·  input %d×%d", m->name().c_str(), fmt_int((long long)m->num_params()).c_str(),
                in.h, in.w);
    const dae::Json* h = dae::json_find(g->status, "history");
    ImGui::TextColored(kMuted, "trained %d epoch%s on %s", h ? int(h->size()) : 0, h && h->size() == 1 ? "" : "s",
                       dataset_label(str(g->status, "dataset")).c_str());
  } else {
    ImGui::TextColored(kMuted, "No model yet: train one or upload a .safetensors file.");
  }
  ImGui::BeginDisabled(!g->s.has_model());
  const bool download = ImGui::Button("Download .safetensors");
  mark("download_model");
  if (download) {
    try {
      const std::vector<uint8_t> bytes = g->s.model_file();
      std::string name = "dae-" + (g->s.model() ? g->s.model()->name() : std::string("model")) + "-" +
                         str(g->status, "dataset") + ".safetensors";
      js_download(name, "application/octet-stream", bytes.data(), bytes.size());
      g->io_message = "downloaded " + name + " (" + fmt_int((long long)bytes.size()) + " bytes)";
      g->io_error.clear();
    } catch (const std::exception& e) {
      g->io_error = e.what();
    }
  }
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Upload .safetensors…")) js_pick_file("model");
  mark("upload_model");
  if (!g->io_message.empty()) ImGui::TextColored(kGood, "%s", g->io_message.c_str());
  if (!g->io_error.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(kBad, "%s", g->io_error.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::PushTextWrapPos(0);
  ImGui::TextColored(kMuted,
                     "The files are the command line's format: `dae denoise --model FILE` uses a model trained "
                     "here, and a model trained with `dae train --out FILE` can be uploaded here.");
  ImGui::PopTextWrapPos();

  section("Autosave", "The model, the experiment log, notes and observations are kept in this browser's IndexedDB "
                      "and restored when the page is opened again.");
  if (ImGui::Checkbox("Save automatically", &g->autosave) && g->autosave) g->first_unsaved_time = g->now;
  ImGui::SameLine();
  if (ImGui::Button("Save now")) save_now();
  ImGui::SameLine();
  if (ImGui::Button("Forget saved")) forget_saved();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Delete the saved model, runs and notes from this browser");
  if (g->saved_time >= 0)
    ImGui::TextColored(kMuted, "last saved %s ago", fmt_time(g->now - g->saved_time).c_str());
  else
    ImGui::TextColored(kMuted, "nothing saved in this session yet");

  section("Experiment log");
  const bool export_csv = ImGui::Button("Export runs as CSV");
  mark("export_csv_files");
  if (export_csv) {
    const std::string csv = g->s.runs_csv();
    js_download("dae-runs.csv", "text/csv", csv.data(), csv.size());
  }
  ImGui::SameLine();
  ImGui::TextColored(kMuted, "%zu run%s recorded", g->s.runs().size(), g->s.runs().size() == 1 ? "" : "s");
}

// ---- the panel -------------------------------------------------------------------------------------------
void panel_setup(ImVec2 pos, ImVec2 size) {
  ImGui::SetNextWindowPos(pos);
  ImGui::SetNextWindowSize(size);
  ImGui::Begin("Setup", nullptr,
               ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
  if (ImGui::BeginTabBar("setup_tabs")) {
    const int force = g->force_left;
    g->force_left = -1;
    auto flags = [&](LeftTab t) { return force == int(t) ? ImGuiTabItemFlags_SetSelected : 0; };
    const bool data = ImGui::BeginTabItem("Data", nullptr, flags(LeftTab::Data));
    mark("tab_data");
    if (data) {
      g->left_tab = LeftTab::Data;
      ImGui::BeginChild("data_scroll");
      tab_data();
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
    const bool model = ImGui::BeginTabItem("Model", nullptr, flags(LeftTab::Model));
    mark("tab_model");
    if (model) {
      g->left_tab = LeftTab::Model;
      tab_model();
      ImGui::EndTabItem();
    }
    const bool files = ImGui::BeginTabItem("Model files", nullptr, flags(LeftTab::Files));
    mark("tab_files");
    if (files) {
      g->left_tab = LeftTab::Files;
      ImGui::BeginChild("files_scroll");
      tab_files();
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  ImGui::End();
}

}  // namespace app
