// panel_model.cpp — the Model panel: presets, the editable layer list, the spec text, and the
// Keras-style summary (selectable and copyable).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "state/app.h"
#include "train/code_export.h"
#include "imgui_stdlib.h"

namespace app {

namespace {

using Def = dae::LayerDef;

// A fresh row of a kind, as the spec would read its bare word ("conv" gets 32 filters, relu).
dae::LayerSpec new_row(dae::LayerKind k) {
  dae::LayerSpec r;
  r.kind = k;
  r.has_act = dae::layer_def(k).has(Def::kTakesAct);
  return r;
}

std::string act_name(const dae::LayerSpec& r) { return r.has_act ? dae::layer_def(r.act).token : "linear"; }

// The help of the Layers section, from the layer table.
std::string layers_help() {
  std::string h;
  for (const Def& d : dae::layer_table()) h += std::string(d.grammar) + ": " + d.help + "\n";
  return h +
         "'enc|' marks the first decoder layer. The output must have the input's shape.\n"
         "Use the arrows to reorder, ✕ to remove; Tab / arrows + Space work too.";
}

// LeakyReLU's slope, for a bare lrelu row or a ':lrelu' activation; true when edited.
bool alpha_input(dae::LayerSpec& r) {
  float a = r.alpha;
  if (!ImGui::InputFloat("##alpha", &a, 0, 0, "%.3g")) return false;
  r.alpha = std::clamp(a, 0.f, 1.f);
  return true;
}

// The preset buttons (the one in use coloured), wrapped to the panel's width.
void preset_buttons(App& a) {
  bool first = true;
  for (const std::string& p : dae::Model::preset_names()) {
    const bool active = a.editor.preset == p;
    if (active) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.27f, 0.45f, 0.72f, 1.f));
    if (!first) same_line_if_fits(p.c_str());  // (a new line after SameLine would widen the panel's content)
    first = false;
    if (ImGui::Button(p.c_str())) select_preset(a, p, true);
    mark("preset_" + p);
    if (ImGui::IsItemHovered()) {
      const dae::Preset* d = dae::Model::preset(p);
      tooltip("%s%s", d->about, d->training.epochs ? "\n(Sets Training's epochs, batch and learning rate.)" : "");
    }
    if (active) ImGui::PopStyleColor();
  }
  if (a.editor.preset.empty()) {
    same_line_if_fits("custom");
    ImGui::TextColored(kMuted, "custom");
  }
}

// The layer list as edited this frame: a copy of the editor's rows, and what was done to it.
struct RowEdit {
  std::vector<dae::LayerSpec> rows;
  bool changed = false;
  int move_from = -1, move_to = -1, remove = -1;
};

// The row's kind (`def`: the kind it was drawn with): another kind makes a fresh row, which keeps
// the decoder mark. True when changed.
bool kind_cell(dae::LayerSpec& r, const Def& def, size_t i) {
  bool changed = false;
  ImGui::SetNextItemWidth(-1);
  next_item_role("combobox", def.token, "Layer " + std::to_string(i + 1) + " kind");
  if (ImGui::BeginCombo("##kind", def.token)) {
    for (const Def& d : dae::layer_table()) {
      if (choice(d.token, d.kind == r.kind) && d.kind != r.kind) {
        const bool bar = r.bar_before;
        r = new_row(d.kind);
        r.bar_before = bar;
        changed = true;
      }
      if (ImGui::IsItemHovered()) tooltip("%s: %s", d.grammar, d.help);
    }
    ImGui::EndCombo();
  }
  if (ImGui::IsItemHovered()) tooltip("%s", def.help);
  return changed;
}

// The row's size: units (and a kernel), a slope, or a shape, as its kind takes. True when changed.
bool size_cell(dae::LayerSpec& r, const Def& def) {
  bool changed = false;
  if (def.has(Def::kUnits)) {
    ImGui::SetNextItemWidth(def.has(Def::kKernel) ? 52 : -1);
    int u = r.units;
    if (ImGui::InputInt("##units", &u, 0, 0)) {
      r.units = std::clamp(u, 1, dae::kMaxUnits);
      changed = true;
    }
    if (ImGui::IsItemHovered()) tooltip("%s", def.units_name);
    if (def.has(Def::kKernel)) {
      ImGui::SameLine(0, 4);
      ImGui::SetNextItemWidth(-1);
      int k = r.kernel;
      if (ImGui::InputInt("##kernel", &k, 0, 0)) {
        r.kernel = std::clamp(k, 1, dae::kMaxKernel);
        changed = true;
      }
      if (ImGui::IsItemHovered()) tooltip("kernel size (K×K)");
    }
  } else if (def.has(Def::kAlpha)) {
    ImGui::SetNextItemWidth(-1);
    if (alpha_input(r)) changed = true;
    if (ImGui::IsItemHovered()) tooltip("slope for x < 0 (0..1)");
  } else if (def.has(Def::kShape)) {
    int chw[3] = {r.c, r.h, r.w};
    ImGui::SetNextItemWidth(-1);
    if (ImGui::InputInt3("##chw", chw)) {
      r.c = std::max(1, chw[0]);
      r.h = std::max(1, chw[1]);
      r.w = std::max(1, chw[2]);
      changed = true;
    }
    if (ImGui::IsItemHovered()) tooltip("channels × height × width");
  }
  return changed;
}

// Inside the activation's list, under the activations: LeakyReLU's slope, and a convolution's
// padding. True when changed.
bool act_options(dae::LayerSpec& r, const Def& def) {
  bool changed = false;
  if (r.has_act && dae::layer_def(r.act).has(Def::kAlpha)) {
    ImGui::Separator();
    ImGui::TextUnformatted("slope");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(70);
    if (alpha_input(r)) changed = true;
  }
  if (def.has(Def::kPadding)) {
    ImGui::Separator();
    bool valid = r.pad == dae::Padding::Valid;
    if (ImGui::Checkbox("'valid' padding", &valid)) {
      r.pad = valid ? dae::Padding::Valid : dae::Padding::Same;
      changed = true;
    }
  }
  return changed;
}

// The row's activation, for kinds that take one. True when changed.
bool act_cell(dae::LayerSpec& r, const Def& def, size_t i) {
  if (!def.has(Def::kTakesAct)) return false;
  bool changed = false;
  ImGui::SetNextItemWidth(-1);
  next_item_role("combobox", act_name(r), "Layer " + std::to_string(i + 1) + " activation");
  if (ImGui::BeginCombo("##act", act_name(r).c_str())) {
    if (choice("linear", !r.has_act)) {
      r.has_act = false;
      changed = true;
    }
    for (const Def& d : dae::layer_table()) {
      if (!d.has(Def::kIsActivation)) continue;
      if (choice(d.token, r.has_act && r.act == d.kind)) {
        r.has_act = true;
        r.act = d.kind;
        changed = true;
      }
      if (ImGui::IsItemHovered()) tooltip("%s", d.help);
    }
    if (act_options(r, def)) changed = true;
    ImGui::EndCombo();
  }
  return changed;
}

// Where the decoder starts (one row at most; not the first).
void decoder_cell(RowEdit& e, size_t i) {
  if (i == 0) return;
  dae::LayerSpec& r = e.rows[i];
  bool bar = r.bar_before;
  if (ImGui::Checkbox("##bar", &bar)) {
    for (auto& o : e.rows) o.bar_before = false;
    r.bar_before = bar;
    e.changed = true;
  }
  if (ImGui::IsItemHovered()) tooltip("the decoder starts here");
}

// Up, down, remove.
void move_cell(RowEdit& e, size_t i) {
  if (ImGui::ArrowButton("##up", ImGuiDir_Up) && i > 0) {
    e.move_from = int(i);
    e.move_to = int(i) - 1;
  }
  ImGui::SameLine(0, 2);
  if (ImGui::ArrowButton("##down", ImGuiDir_Down) && i + 1 < e.rows.size()) {
    e.move_from = int(i);
    e.move_to = int(i) + 1;
  }
  ImGui::SameLine(0, 2);
  if (ImGui::Button("✕")) e.remove = int(i);
}

void layer_row(RowEdit& e, size_t i) {
  dae::LayerSpec& r = e.rows[i];
  ImGui::PushID(int(i));
  ImGui::TableNextRow();
  if (r.bar_before)
    ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, ImGui::GetColorU32(ImVec4(0.55f, 0.40f, 0.20f, 0.25f)));
  ImGui::TableNextColumn();
  ImGui::AlignTextToFramePadding();
  ImGui::TextColored(kMuted, "%zu", i + 1);
  ImGui::TableNextColumn();
  const Def& def = dae::layer_def(r.kind);  // the cells of a row whose kind changes follow next frame
  if (kind_cell(r, def, i)) e.changed = true;
  ImGui::TableNextColumn();
  if (size_cell(r, def)) e.changed = true;
  ImGui::TableNextColumn();
  if (act_cell(r, def, i)) e.changed = true;
  ImGui::TableNextColumn();
  decoder_cell(e, i);
  ImGui::TableNextColumn();
  move_cell(e, i);
  ImGui::PopID();
}

// The layer table: a row per layer; it scrolls, down to 120 px high.
void layers_table(RowEdit& e) {
  const float row_h = ImGui::GetFrameHeight() + 2 * ImGui::GetStyle().CellPadding.y + 1;
  const float all_rows = row_h * float(e.rows.size() + 1) + 8;
  // On a touch screen every row is shown (the panel scrolls under the finger; a table scrolling
  // inside it would catch the swipes); else the table scrolls, from 45 % of the panel's height.
  const float table_h = touch_screen() ? all_rows : std::min(std::max(ImGui::GetContentRegionAvail().y * 0.45f, 140.f), all_rows);
  if (!ImGui::BeginTable("layers", 6,
                         ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollX | ImGuiTableFlags_ScrollY |
                             ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH,
                         ImVec2(0, std::max(table_h, 120.f))))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, 16);
  // A combo's width: its longest choice, then its arrow (a square, finger-sized on touch screens).
  const auto combo_w = [](const char* longest) {
    return std::max(72.f, ImGui::CalcTextSize(longest).x + ImGui::GetFrameHeight() + 2 * ImGui::GetStyle().FramePadding.x);
  };
  ImGui::TableSetupColumn("layer", ImGuiTableColumnFlags_WidthFixed, combo_w("conv2dT"));
  ImGui::TableSetupColumn("size", ImGuiTableColumnFlags_WidthFixed, 112);
  ImGui::TableSetupColumn("activation", ImGuiTableColumnFlags_WidthFixed, std::max(84.f, combo_w("sigmoid")));
  ImGui::TableSetupColumn("enc|", ImGuiTableColumnFlags_WidthFixed, std::max(30.f, ImGui::GetFrameHeight()));
  // Up, down, remove: fixed, so that a narrow screen scrolls the table instead of squeezing them.
  ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed,
                          2 * ImGui::GetFrameHeight() + ImGui::CalcTextSize("✕").x +
                              ImGui::GetStyle().FramePadding.x * 2 + 8);
  ImGui::TableHeadersRow();
  for (size_t i = 0; i < e.rows.size(); ++i) layer_row(e, i);
  ImGui::EndTable();
}

// A kind to add, and + Add layer (before the output layer).
void add_layer(RowEdit& e) {
  static dae::LayerKind add_kind = dae::LayerKind::Conv2D;
  ImGui::SetNextItemWidth(90);
  next_item_role("combobox", dae::layer_def(add_kind).token, "Kind of layer to add");
  if (ImGui::BeginCombo("##addkind", dae::layer_def(add_kind).token)) {
    for (const Def& d : dae::layer_table())
      if (choice(d.token, d.kind == add_kind)) add_kind = d.kind;
    ImGui::EndCombo();
  }
  same_line_if_fits("+ Add layer");
  if (ImGui::Button("+ Add layer")) {
    dae::LayerSpec r = new_row(add_kind);
    const size_t at = e.rows.empty() ? 0 : e.rows.size() - 1;  // before the output layer
    e.rows.insert(e.rows.begin() + long(at), r);
    e.changed = true;
  }
}

// The editable layer list; the editor takes the rows when something changed.
void layer_editor(App& a) {
  RowEdit e{a.editor.rows};
  layers_table(e);
  if (e.move_from >= 0) {
    std::swap(e.rows[size_t(e.move_from)], e.rows[size_t(e.move_to)]);
    e.changed = true;
  }
  if (e.remove >= 0) {
    e.rows.erase(e.rows.begin() + e.remove);
    e.changed = true;
  }
  add_layer(e);
  if (e.changed) set_rows(a, e.rows);
}

// The layer list as a spec, editable (Enter takes it).
void spec_field(App& a) {
  Editor& ed = a.editor;
  ImGui::SetNextItemWidth(-1);
  const bool spec_entered = ImGui::InputText("##spec", &ed.spec_text, ImGuiInputTextFlags_EnterReturnsTrue);
  mark("spec");
  if (spec_entered) {
    try {
      set_rows(a, dae::parse_spec(ed.spec_text));
    } catch (const std::exception& e) {
      ed.spec_error = e.what();
    }
  }
  if (ImGui::IsItemHovered()) tooltip("The architecture as a spec (the CLI's --arch); edit and press Enter");
}

// What is wrong with the spec or the layers, else the parameters, the FLOPs and the Keras
// summary's button. False when the layers do not make a model.
bool summary_line(const App& a) {
  const Editor& ed = a.editor;
  if (!ed.spec_error.empty()) wrapped(kBad, "spec: " + ed.spec_error);
  const dae::ArchCheck& ch = ed.check;
  const int h = dataset_side(a, a.editor.cfg.dataset), w = dataset_side(a, a.editor.cfg.dataset, true);
  if (!ch.ok) {
    wrapped(kBad, ch.error);
    return false;
  }
  ImGui::TextColored(kGood, "%s parameters", fmt_int((long long)ch.params).c_str());
  ImGui::SameLine();
  ImGui::TextColored(kMuted, "· %.0f MFLOP/image", ch.mflops_per_sample);
  if (ImGui::IsItemHovered()) tooltip("training FLOPs per %d×%d image (forward + backward)", h, w);
  const char* label_text = "Keras summary…";
  const float bw = ImGui::CalcTextSize(label_text).x + ImGui::GetStyle().FramePadding.x * 2;
  ImGui::SameLine();
  if (ImGui::GetContentRegionAvail().x < bw) ImGui::NewLine();
  else ImGui::SetCursorPosX(ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x - bw);
  const bool open = small_button(label_text);
  mark("keras_summary");
  if (open) ImGui::OpenPopup("Keras summary");
  return true;
}

// The layer table (compact): kind, output shape, parameters; the decoder's first row coloured.
void summary_table(const Editor& ed) {
  if (!ed.arch_model ||
      !ImGui::BeginTable("summary", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersOuter |
                                           ImGuiTableFlags_SizingStretchProp,
                         ImVec2(0, std::max(120.f, ImGui::GetContentRegionAvail().y))))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, 18);
  ImGui::TableSetupColumn("layer", ImGuiTableColumnFlags_WidthStretch, 1.3f);
  ImGui::TableSetupColumn("output", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("params", ImGuiTableColumnFlags_WidthFixed, 58);
  ImGui::TableHeadersRow();
  const auto& layers = ed.arch_model->layers();
  const int enc = ed.arch_model->encoder_layers();
  for (size_t i = 0; i < layers.size(); ++i) {
    ImGui::TableNextRow();
    if (int(i) == enc)
      ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, ImGui::GetColorU32(ImVec4(0.55f, 0.40f, 0.20f, 0.25f)));
    ImGui::TableNextColumn();
    ImGui::TextColored(kMuted, "%zu", i);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(layers[i].layer->type().c_str());
    if (ImGui::IsItemHovered()) tooltip("%s", layers[i].layer->torch().c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(layers[i].out.keras_str().c_str());
    ImGui::TableNextColumn();
    if (layers[i].num_params) ImGui::TextUnformatted(fmt_int((long long)layers[i].num_params).c_str());
    else ImGui::TextDisabled("0");
  }
  ImGui::EndTable();
}

// The full Keras-style text, selectable and copyable, in a popup.
void keras_popup(const App& a) {
  const std::string& summary = a.editor.check.summary;
  const ImVec2 d = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowPos(ImVec2(d.x * 0.5f, d.y * 0.5f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(std::min(d.x - 16, 700.f), std::min(d.y - 40, 560.f)), ImGuiCond_Appearing);
  if (!ImGui::BeginPopupModal("Keras summary", nullptr, ImGuiWindowFlags_NoSavedSettings)) return;
  ImGui::PushFont(a.fonts.mono);
  selectable_text("##keras_text", summary, ImVec2(-1, -ImGui::GetFrameHeightWithSpacing() - 4));
  ImGui::PopFont();
  if (ImGui::Button("Close") || ImGui::IsKeyPressed(ImGuiKey_Escape)) ImGui::CloseCurrentPopup();
  mark("keras_close");
  same_line_if_fits("Copied");
  copy_button("keras_summary", summary, a.timing.now);
  ImGui::SameLine();
  ImGui::TextColored(kMuted, "the same table as `dae summary`");
  ImGui::EndPopup();
}

// The model in memory as code (core/train/code_export.h, as `dae code` prints it), with Copy.
void code_section(App& a) {
  Editor& ed = a.editor;
  const dae::Model* m = a.session.model();
  if (!m) {
    ImGui::TextColored(kMuted, "No model in memory yet: train one or upload a file.");
    return;
  }
  ImGui::RadioButton("Keras", &ed.code_framework, 0);
  item_role("radio", ed.code_framework == 0, "Keras");
  mark("code_keras");
  same_line_if_fits("PyTorch");
  ImGui::RadioButton("PyTorch", &ed.code_framework, 1);
  item_role("radio", ed.code_framework == 1, "PyTorch");
  mark("code_pytorch");
  ImGui::SameLine();
  if (ed.code_memo.update(std::to_string(a.session.model_revision()) + "/" + std::to_string(ed.code_framework))) {
    ed.code = ed.code_framework == 0 ? dae::keras_code(*m, a.session.config())
                                     : dae::torch_code(*m, a.session.config(), a.session.model_file_name()).all();
  }
  copy_button("code", ed.code, a.timing.now);
  wrapped(kMuted, "Of " + a.status.model.describe() + ". Both read the run's images as `dae export` writes them (the "
                  "command is at the top); the PyTorch code loads the model's downloaded .safetensors file (Files).");
  ImGui::PushFont(a.fonts.mono);
  selectable_text("##code_text", ed.code, ImVec2(-1, 320));
  ImGui::PopFont();
}

}  // namespace

void draw_model(App& a) {
  refresh_arch(a);
  section("Presets");
  preset_buttons(a);

  static const std::string help = layers_help();
  section("Layers", help.c_str());
  layer_editor(a);
  spec_field(a);

  section("Summary");
  if (summary_line(a)) {
    summary_table(a.editor);
    keras_popup(a);
  }

  section("Code", "The model in memory written as Keras code in the worksheet's style, or as PyTorch code that "
                  "loads its .safetensors file and prints its validation PSNR. The command line writes the same: "
                  "dae code --model FILE --framework keras|pytorch.");
  code_section(a);
}

}  // namespace app
