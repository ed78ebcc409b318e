// run_setup.h — one place that turns a run's settings into a run ready to train: the CLI's
// `dae train`, `dae sweep` (its plan's runs) and the page's Session all build runs here.
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "data/data.h"
#include "nn/model.h"
#include "train/settings.h"

namespace dae {

struct PreparedRun {
  // As trained: the dataset's canonical name, the split sizes fitted and "0 = all" resolved, the
  // architecture's canonical spec.
  TrainConfig cfg;
  std::unique_ptr<ImageSet> train, val;  // the split (noise is applied as the trainer reads them)
  std::unique_ptr<Model> model;          // built for the images, initialised from cfg.seed
};

// The run of `cfg` on `ds`. Split sizes the user did not choose (`given("train")`,
// `given("val")` false) are cut to what the dataset holds (fit_split_sizes). Throws dae::Error:
// settings out of range, an architecture that does not fit the images, more images than the
// dataset has, a model too large to train on cfg.threads threads.
PreparedRun prepare_run(const TrainConfig& cfg, const Dataset& ds, const std::function<bool(const std::string&)>& given);

}  // namespace dae
