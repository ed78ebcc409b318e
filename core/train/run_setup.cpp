#include "train/run_setup.h"

#include "train/trainer.h"

namespace dae {

PreparedRun prepare_run(const TrainConfig& cfg, const Dataset& ds, const std::function<bool(const std::string&)>& given) {
  PreparedRun r;
  r.cfg = cfg;
  r.cfg.validate();
  r.cfg.dataset = canonical_dataset_name(cfg.dataset);
  fit_split_sizes(ds, r.cfg.train, r.cfg.val, given("train"), given("val"));
  r.train = std::make_unique<ImageSet>();
  r.val = std::make_unique<ImageSet>();
  make_split(ds, r.cfg.train, r.cfg.val, *r.train, *r.val);
  r.cfg.train = r.train->size();
  r.cfg.val = r.val->size();
  r.model = std::make_unique<Model>(Model::build(r.cfg.arch, 1, r.train->h, r.train->w));
  r.model->init(r.cfg.seed);
  check_training_memory(*r.model, r.cfg.threads);
  r.cfg.arch = r.model->spec();
  return r;
}

}  // namespace dae
