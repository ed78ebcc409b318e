// runs_table.cpp — see runs_table.h.
#include "train/runs_table.h"

#include "formats/csv.h"

namespace dae {

void RunRow::set_history(const std::vector<EpochStats>& history) {
  epochs_done = history.size();
  if (history.empty()) return;
  const EpochStats& e = history.back();
  train_loss = e.train_loss;
  val_loss = e.val_loss;
  val_psnr = e.val_psnr;
  val_ssim = e.val_ssim;
}

namespace {

struct Column {
  const char* name;
  std::string (*cell)(const RunRow&);
};

std::string yes_no(const std::optional<bool>& b) { return !b ? "" : *b ? "yes" : "no"; }
std::string score(double v) { return csv_number(v, "%.9g"); }  // a loss, PSNR or SSIM
std::string seconds(double v) { return csv_number(v, "%.2f"); }

const Column kColumns[] = {
    {"run", [](const RunRow& r) { return csv_field(r.run); }},
    {"dataset", [](const RunRow& r) { return csv_field(r.config.dataset); }},
    {"arch", [](const RunRow& r) { return csv_field(r.config.arch); }},
    {"arch_name", [](const RunRow& r) { return csv_field(r.arch_name); }},
    {"label", [](const RunRow& r) { return csv_field(r.label); }},
    {"params", [](const RunRow& r) { return std::to_string(r.params); }},
    {"input", [](const RunRow& r) { return std::to_string(r.input_h) + "x" + std::to_string(r.input_w); }},
    {"noise", [](const RunRow& r) { return csv_field(r.config.noise.str()); }},
    {"loss", [](const RunRow& r) { return std::string(loss_name(r.config.loss)); }},
    {"epochs", [](const RunRow& r) { return std::to_string(r.config.epochs); }},
    {"batch", [](const RunRow& r) { return std::to_string(r.config.batch); }},
    {"lr", [](const RunRow& r) { return csv_number(r.config.lr, "%.6g"); }},
    {"train", [](const RunRow& r) { return std::to_string(r.train); }},
    {"val", [](const RunRow& r) { return std::to_string(r.val); }},
    {"fresh_noise", [](const RunRow& r) { return std::string(r.config.fresh_noise ? "true" : "false"); }},
    {"seed", [](const RunRow& r) { return std::to_string(r.config.seed); }},
    {"threads", [](const RunRow& r) { return r.threads ? std::to_string(r.threads) : std::string(); }},
    {"state", [](const RunRow& r) { return csv_field(r.state); }},
    {"epochs_done", [](const RunRow& r) { return std::to_string(r.epochs_done); }},
    {"final_train_loss", [](const RunRow& r) { return score(r.train_loss); }},
    {"final_val_loss", [](const RunRow& r) { return score(r.val_loss); }},
    {"final_val_psnr", [](const RunRow& r) { return score(r.val_psnr); }},
    {"final_val_ssim", [](const RunRow& r) { return score(r.val_ssim); }},
    {"noisy_val_loss", [](const RunRow& r) { return score(r.noisy.loss); }},
    {"noisy_val_psnr", [](const RunRow& r) { return score(r.noisy.psnr); }},
    {"noisy_val_ssim", [](const RunRow& r) { return score(r.noisy.ssim); }},
    {"improved", [](const RunRow& r) { return yes_no(r.improved); }},
    {"collapsed", [](const RunRow& r) { return yes_no(r.collapsed); }},
    {"compute_seconds", [](const RunRow& r) { return seconds(r.compute_seconds); }},
    {"wall_seconds", [](const RunRow& r) { return seconds(r.wall_seconds); }},
    {"notes", [](const RunRow& r) { return csv_field(r.notes); }},
};

}  // namespace

std::string runs_csv(const std::vector<RunRow>& rows) {
  std::string s;
  for (const Column& c : kColumns) s += (s.empty() ? "" : ",") + std::string(c.name);
  s += "\n";
  for (const RunRow& r : rows) {
    bool first = true;
    for (const Column& c : kColumns) {
      s += (first ? "" : ",") + c.cell(r);
      first = false;
    }
    s += "\n";
  }
  return s;
}

}  // namespace dae
