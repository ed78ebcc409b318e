// notebook.h — "Hand it in": a study written as a Jupyter notebook (nbformat 4) that reads like
// the worksheet handed in: the title, the dataset and its citation, the noise and the Data
// preview (original / 0.1 / 0.5), each architecture's summary and Keras code, then per run its
// settings, loss curves, noisy / denoised / clean rows, PSNR and SSIM against the noisy input and
// a PyTorch cell that loads the run's model file and prints its validation PSNR; then the runs
// table, a sweep's charts and the observations. Every figure is a code cell's image/png output
// (base64), so the notebook shows everything without being run; run, its PyTorch cells
// reproduce dae's validation PSNR from the files written next to it.
//
// Plain inputs (run records as the CLI reads them from model files or a sweep folder, and as
// the page keeps them); figures are study/plot's (the worksheet's grid, line plots).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "data/data.h"
#include "nn/model.h"
#include "train/settings.h"
#include "train/trainer.h"

namespace dae {

struct StudyRun {
  std::string label;                 // how tables and headings name it: "seed", "lr=0.003", a file name
  Model model;                       // its trained weights
  TrainConfig cfg;                   // its settings as trained (sizes fitted, canonical arch)
  std::vector<EpochStats> history;   // per epoch (may be empty: no loss figure then)
  std::map<std::string, std::string> metadata;  // kept in the copy of its model file (Trainer::metadata)
  std::string notes;                 // Markdown, may be empty
};

struct Study {
  std::vector<StudyRun> runs;  // at least one
  // A sweep's charts (its figures/*.png, or the same figures rendered by the page): caption and
  // PNG bytes, shown in this order after the runs table.
  std::vector<std::pair<std::string, std::vector<uint8_t>>> figures;
  std::string observations;  // Markdown, may be empty
};

// The validation images of a run (its dataset and split; the caller owns the datasets).
using StudyValSet = std::function<const ImageSet&(const TrainConfig&)>;

// A run from a model file saved by dae train, dae sweep or the page: its weights, settings (the
// metadata's "config") and history. Throws dae::Error naming the file.
StudyRun study_run_from_file(const std::string& path, const std::string& label);

// The validation images of each run's dataset and split, made once per dataset and size from
// the datasets `dataset(name)` gives (the CLI loads them, the page has them).
StudyValSet study_val_sets(std::function<const Dataset&(const std::string&)> dataset);

// Writes <dir>/study.ipynb and what its code cells read, next to it: models/run<k>.safetensors,
// data/<n>/val_noisy.f32 + val_clean.f32 (as `dae export` writes them; one folder per distinct
// dataset, noise, validation size and seed) and figures/*.png. `dir` must exist. Returns the
// notebook's path. Throws dae::Error (an unwritable file, a model that does not fit its images).
std::string write_study(const std::string& dir, const Study& study, const StudyValSet& val, int threads);

// Standard base64 (RFC 4648, with padding): how notebooks embed images.
std::string base64(const std::vector<uint8_t>& bytes);

}  // namespace dae
