// session.h — everything the browser app does, as plain C++ the native tests can check.
//
// The web front end (web/) only draws panels and forwards clicks: datasets, the current
// model, time-sliced training, results, drawing, inspection, model files and the experiment
// log all live here. One Session per app.
//
//   Session s;
//   s.add_dataset(load_pack("mnist.daepack"));
//   s.start(cfg);                          // throws dae::Error on a bad config; state kept
//   every frame: s.work(budget_ms);        // trains for at most ~budget_ms
//   s.status() → Json for window.dae.status()
#pragma once
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "data.h"
#include "json.h"
#include "model.h"
#include "trainer.h"

namespace dae {

// One training run as recorded in the experiment log (the worksheet's "record your observations").
struct RunRecord {
  int id = 0;
  TrainConfig config;          // config.arch is the canonical spec
  std::string arch_name;       // preset name or "custom"
  size_t params = 0;
  int input = 28;              // image side
  size_t train_size = 0, val_size = 0;
  std::vector<EpochStats> history;
  std::vector<float> step_loss;  // per-batch training loss (raw), for the loss plot
  int steps_per_epoch = 0;       // ⌈train_size / batch⌉: places step_loss on the epoch axis
  Baseline baseline;           // noisy input vs clean on the validation set
  double seconds = 0;          // compute time
  std::string state = "running";  // running | paused | finished | stopped | failed
  std::string error;           // why it failed (diverged, …)
  std::string notes;           // free text typed by the user
  // Exponential moving average of step_loss with bias correction (TensorBoard-style smoothing).
  std::vector<float> smoothed_step_loss(double beta = 0.9) const;
  double final_val_loss() const { return history.empty() ? NAN : history.back().val_loss; }
  double final_val_psnr() const { return history.empty() ? NAN : history.back().val_psnr; }
  double final_val_ssim() const { return history.empty() ? NAN : history.back().val_ssim; }
  double final_train_loss() const { return history.empty() ? NAN : history.back().train_loss; }
  Json to_json() const;
  static RunRecord from_json(const Json& j);  // throws dae::Error on malformed records
};

// A noisy / denoised / clean triple with its scores (Results panel, Draw panel).
struct Triple {
  std::vector<float> noisy, denoised, clean;  // h·w floats in [0,1]
  double psnr_noisy = 0, psnr_denoised = 0, ssim_noisy = 0, ssim_denoised = 0;
  size_t index = 0;                            // validation image index (results)
};

// What the Model panel shows for an architecture being edited.
struct ArchCheck {
  bool ok = false;
  std::string error;    // one line when !ok
  std::string spec;     // canonical
  std::string summary;  // Keras table when ok
  size_t params = 0;
  double mflops_per_sample = 0;  // training FLOPs per image (≈ 3 × 2 × forward MACs)
};

// One editable row of the Model panel's layer list (model.h: SpecLayer, parse_spec, format_spec).
using LayerRow = SpecLayer;
inline std::vector<LayerRow> spec_to_rows(const std::string& spec) { return parse_spec(spec); }  // throws on a bad spec
inline std::string rows_to_spec(const std::vector<LayerRow>& rows) { return format_spec(rows); }

class Session {
 public:
  Session();
  ~Session();

  // ---- datasets ------------------------------------------------------------------------------
  // Adds (or replaces, by name) a dataset; the first one becomes the current one.
  void add_dataset(Dataset ds);
  // Imports a folder or .zip (see data.h layouts) and adds it under its file name; returns the
  // name. Throws dae::Error; nothing changes on failure.
  std::string import_dataset(const std::string& path);
  std::vector<std::string> dataset_names() const;
  const Dataset* dataset(const std::string& name) const;
  // Images available for a config's dataset: (train part, validation part) maxima.
  std::pair<size_t, size_t> available(const std::string& name) const;

  // ---- architecture --------------------------------------------------------------------------
  ArchCheck check_arch(const std::string& spec, int size) const;

  // ---- training --------------------------------------------------------------------------------
  // Builds the split, a fresh model (Glorot init from cfg.seed) and a trainer, and starts
  // training. Throws dae::Error (unknown dataset, bad arch, sizes) leaving everything as it was.
  // A run in progress is recorded as "stopped" first.
  void start(const TrainConfig& cfg);
  void pause();
  void resume();
  // Stops the current run (recorded as "stopped") and discards the model: back to a fresh,
  // untrained model of the current config (or no model if none was ever built).
  void reset();
  // Trains for at most about budget_ms: runs units of work while the time spent plus the
  // expected length of the next unit (a running mean of measured times, per kind of unit)
  // stays within the budget; always at least one unit when training. Returns the ms spent. On divergence the run is marked failed (weights of the
  // last good step are kept) and training stops; the message is in last_error().
  double work(double budget_ms);
  bool training() const { return trainer_ && !paused_ && !trainer_->done(); }
  bool paused() const { return trainer_ && paused_; }
  bool has_model() const { return bool(model_); }
  const Model* model() const { return model_.get(); }
  const Trainer* trainer() const { return trainer_.get(); }
  const TrainConfig& config() const { return cfg_; }  // of the current model / run
  const std::string& last_error() const { return error_; }
  double eta_seconds() const;  // for the whole run, from measured throughput

  // Status for the automation contract (window.dae.status()): dataset, arch, params,
  // train_size, val_size, epoch, epochs, step, steps, training, paused, train_loss, val_loss,
  // val_psnr, val_ssim, noisy_psnr, noisy_ssim, noisy_loss, samples_per_s, progress, eta_s,
  // error, history [{epoch, train_loss, val_loss, val_psnr, val_ssim, seconds}].
  Json status() const;

  // ---- results, drawing, inspection --------------------------------------------------------------
  // `count` validation images (a fresh random choice per `draw`; draw 0 = the first ones)
  // through the current model. Empty if there is no model.
  std::vector<Triple> results(int count, uint64_t draw) const;
  // Mean scores of the last results() call's images are easy to compute from the Triples;
  // the full-validation-set numbers are in status().
  // The current noise applied to an image (for the Draw panel: a fixed key so a stroke only
  // changes the pixels it touches), then denoised. image: h·w floats of the model's size.
  Triple denoise_drawing(const std::vector<float>& image, uint64_t noise_key) const;
  // The same with another noise than the run's (e.g. a model trained at 0.5 shown 0.8).
  Triple denoise_drawing(const std::vector<float>& image, uint64_t noise_key, const Noise& noise) const;
  // Expected ms of the next unit of work (0 before any was measured).
  double expected_unit_ms() const;
  // Model forward only (window.dae.denoise). Throws on a size mismatch or without a model.
  std::vector<float> denoise(const std::vector<float>& image) const;
  // noise applied to clean image (Data panel preview, Figure 7 rows).
  static std::vector<float> with_noise(const std::vector<float>& clean, const Noise& noise, uint64_t key);

  // First convolution's filters, each k×k, normalised to [0,1] for display; empty if the first
  // layer is not a Conv2D. n_filters = number of filters, k = side.
  std::vector<float> first_layer_filters(int& n_filters, int& k) const;
  // The activation after layer `layer` (−1 = input) for one image: channels planes of h×w,
  // each normalised to [0,1] for display.
  std::vector<float> feature_maps(const std::vector<float>& image, int layer, int& channels, int& h, int& w) const;

  // ---- model files ---------------------------------------------------------------------------
  std::vector<uint8_t> model_file() const;  // safetensors bytes (the CLI's format)
  // Replaces the current model with a file's (any architecture; its input size selects the
  // dataset size). Stops training. Throws dae::Error with nothing changed on a bad file.
  void load_model_file(const uint8_t* bytes, size_t n);

  // ---- experiments -------------------------------------------------------------------------------
  const std::vector<RunRecord>& runs() const { return runs_; }
  RunRecord* run(int id);
  void delete_run(int id);
  std::string runs_csv() const;  // one row per run: config, final losses, PSNR, SSIM, time, notes
  std::string& observations() { return observations_; }  // the free-text field

  // ---- persistence (IndexedDB autosave in the browser) ---------------------------------------
  // Runs, observations and the last config as JSON (the model goes separately: model_file()).
  std::string save_state() const;
  void load_state(const std::string& json);  // throws dae::Error; keeps state on failure
  uint64_t revision() const { return revision_; }  // bumps on every change worth saving

 private:
  void finish_run(const std::string& state);
  void record_progress();
  const ImageSet& val_set() const;

  std::vector<std::unique_ptr<Dataset>> datasets_;
  TrainConfig cfg_;
  std::unique_ptr<Model> model_;
  std::unique_ptr<ImageSet> train_, val_;
  std::unique_ptr<Trainer> trainer_;
  bool paused_ = false;
  int current_run_ = -1;  // index into runs_ of the run the trainer belongs to
  std::vector<RunRecord> runs_;
  int next_run_id_ = 1;
  std::string observations_;
  std::string error_;
  uint64_t revision_ = 0;
  mutable Context ctx_;
  double unit_ms_[3] = {0, 0, 0};  // running means per Trainer::Unit
};

}  // namespace dae
