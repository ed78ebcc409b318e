// runs_table.h — the table of runs as CSV, one set of columns for the page's runs
// (Session::runs_csv: Runs ▸ Export CSV, Copy) and a sweep's finished runs (`dae sweep`'s
// runs.csv). One column table, each column a name and how its cell is written; what a writer
// does not know of a run is an empty cell (a sweep has no notes, the page no sweep label).
//
// Columns: run, dataset, arch, arch_name, label, params, input (H×W as "28x28"), noise, loss,
// epochs, batch, lr, train, val (images), fresh_noise, seed, threads, state, epochs_done,
// final_train_loss, final_val_loss, final_val_psnr, final_val_ssim (the last epoch's),
// noisy_val_loss, noisy_val_psnr, noisy_val_ssim (the noisy input's), improved, collapsed,
// compute_seconds, wall_seconds, notes.
#pragma once
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "train/trainer.h"

namespace dae {

struct RunRow {
  std::string run;            // the page's run number ("3") or a sweep's run id (12 hex digits)
  std::string label;          // a sweep's settings that vary ("lr=0.01 seed=0")
  TrainConfig config;         // as trained
  std::string arch_name;      // preset name or "custom"
  size_t params = 0;
  int input_h = 0, input_w = 0;
  size_t train = 0, val = 0;  // images trained and validated on
  int threads = 0;            // 0: not known (a sweep's results do not depend on it)
  std::string state;          // "finished", "stopped", …
  size_t epochs_done = 0;
  double train_loss = NAN, val_loss = NAN, val_psnr = NAN, val_ssim = NAN;  // the last epoch's
  Baseline noisy;             // the noisy input on the validation set
  std::optional<bool> improved, collapsed;
  double compute_seconds = NAN, wall_seconds = NAN;
  std::string notes;

  // epochs_done and the last epoch's numbers (NaN, an empty cell, without one).
  void set_history(const std::vector<EpochStats>& history);
};

// The header and one line per row.
std::string runs_csv(const std::vector<RunRow>& rows);

}  // namespace dae
