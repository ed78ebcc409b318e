// panel_experiments.cpp — the Runs panel (the worksheet's "record your observations"): every
// run with its settings and scores (lr, batch, loss and seed shown), sortable; a run's model is
// one click away ("Use model"); curves overlaid in the Loss panel; notes per run; the free-text
// observations; CSV export and copy; deleting a run asks first when its model exists only here.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "app.h"
#include "imgui_stdlib.h"

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

}  // namespace

void draw_experiments(App& a) {
  ExperimentsState& e = a.exp;
  const auto& runs = a.s.runs();
  const bool export_csv = ImGui::Button("Export CSV");
  mark("export_csv");
  if (export_csv) {
    const std::string csv = a.s.runs_csv();
    js_download("dae-runs.csv", "text/csv", csv.data(), csv.size());
  }
  ImGui::SameLine();
  copy_button("runs", a.s.runs_csv(), a.t.now);
  ImGui::SameLine();
  if (ImGui::Button("Overlay all"))
    for (const auto& r : runs) a.plot.overlay.insert(r.id);
  ImGui::SameLine();
  if (ImGui::Button("None")) a.plot.overlay.clear();
  ImGui::SameLine();
  help_marker("Every run is recorded with its model. Click a row to select it (its notes below); Use model "
              "loads its model into Draw, Results and Inspect; tick 'plot' to overlay its curves in the Loss "
              "panel; click a header to sort; right-click a header to show or hide columns.");

  const float table_h = std::max(140.f, ImGui::GetContentRegionAvail().y - 200);
  const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_ScrollX | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_Hideable | ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingFixedFit;
  int clicked_run = -1;
  if (ImGui::BeginTable("runs", ColCount, flags, ImVec2(0, table_h))) {
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

    std::vector<size_t> order(runs.size());
    std::iota(order.begin(), order.end(), size_t(0));
    if (ImGuiTableSortSpecs* ss = ImGui::TableGetSortSpecs()) {
      if (ss->SpecsCount > 0) {
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
      }
    }
    const bool current_is_run = a.st.model.source == dae::ModelSource::Run;
    for (size_t i : order) {
      const dae::RunRecord& r = runs[i];
      ImGui::PushID(r.id);
      ImGui::TableNextRow();
      if (current_is_run && a.st.model.run_id == r.id)
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
      if (ImGui::Selectable(id, e.selected == r.id, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowOverlap))
        clicked_run = r.id;
      mark_row_item();
      mark("run_" + std::to_string(r.id));
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
      const ImVec4 score = r.improved() ? kGood : r.history.empty() ? kMuted : kBad;
      if (ImGui::TableSetColumnIndex(ColPsnr)) {
        const double p = r.final_val_psnr();
        if (std::isfinite(p)) {
          ImGui::TextColored(score, "%.2f", p);
          if (ImGui::IsItemHovered())
            ImGui::SetTooltip("%+.2f dB over the noisy input (%.2f dB)%s", p - r.baseline.psnr, r.baseline.psnr,
                              r.collapsed ? "\ncollapsed: the outputs hardly depend on the input" : "");
        } else {
          ImGui::TextDisabled("–");
        }
      }
      if (ImGui::TableSetColumnIndex(ColSsim)) {
        if (std::isfinite(r.final_val_ssim())) ImGui::TextColored(score, "%.3f", r.final_val_ssim());
        else ImGui::TextDisabled("–");
      }
      if (ImGui::TableSetColumnIndex(ColTime)) ImGui::TextUnformatted(fmt_time(r.wall_seconds).c_str());
      if (ImGui::TableSetColumnIndex(ColState)) {
        const ImVec4 col = r.state == dae::RunState::Finished ? kGood
                           : r.state == dae::RunState::Failed ? kBad
                           : r.state == dae::RunState::Running ? kAccent
                                                               : kMuted;
        ImGui::TextColored(col, "%s%s", dae::run_state_name(r.state), r.collapsed ? " (collapsed)" : "");
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
  if (clicked_run >= 0) e.selected = clicked_run;
  if (runs.empty()) ImGui::TextColored(kMuted, "No runs yet: every training run is recorded here, with its model.");

  // The selected run: use its model, download it, delete it, its notes.
  const dae::RunRecord* sel = e.selected >= 0 ? a.s.run(e.selected) : nullptr;
  if (sel) {
    ImGui::Text("Run #%d", sel->id);
    ImGui::SameLine();
    const bool is_current = a.st.model.source == dae::ModelSource::Run && a.st.model.run_id == sel->id;
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
    if (e.notes_run != sel->id) {
      e.notes_run = sel->id;
      e.notes_edit = sel->notes;
    }
    ImGui::TextColored(kMuted, "notes (%s, %s, %s)", sel->arch_name.c_str(), sel->config.noise.str().c_str(),
                       sel->config.dataset.c_str());
    if (ImGui::InputTextMultiline("##notes", &e.notes_edit, ImVec2(-1, 44))) a.s.set_notes(sel->id, e.notes_edit);
    mark("run_notes");
  } else {
    wrapped(kMuted, "Select a run (click its row) to use its model or write notes about it.");
  }
  ImGui::TextUnformatted("Observations");
  ImGui::SameLine();
  help_marker("The worksheet's 'record your observations': what changed when you changed the noise, the model, "
              "the epochs… Saved with the runs.");
  ImGui::SameLine();
  copy_button("observations", a.s.observations(), a.t.now);
  if (!e.observations_loaded || (!ImGui::IsAnyItemActive() && e.observations_edit != a.s.observations())) {
    e.observations_edit = a.s.observations();
    e.observations_loaded = true;
  }
  if (ImGui::InputTextMultiline("##observations", &e.observations_edit, ImVec2(-1, std::max(60.f, ImGui::GetContentRegionAvail().y))))
    a.s.set_observations(e.observations_edit);
  mark("observations");
}

}  // namespace app
