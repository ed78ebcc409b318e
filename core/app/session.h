// session.h — everything the browser app does, as plain C++ the native tests can check.
//
// The web front end (web/) only draws panels and forwards clicks: datasets, the model in
// memory, training, results, drawing, inspection, model files and the experiment log all live
// here. One Session per app; its methods are called from one thread (the page's main thread).
//
//   Session s;
//   s.add_dataset(load_pack("mnist.daepack"));
//   s.set_threads(2);                       // background training on 2 threads (where threads exist)
//   s.start(cfg);                           // throws dae::Error on a bad config; state kept
//   every frame: s.work(budget_ms);         // background: takes the trainer's progress;
//                                           // otherwise trains for about budget_ms right here
//   const Session::Status st = s.status();  // what the page shows this frame
//
// Training runs either on a background thread (Session::background(): native builds and the
// threaded page) — the caller only ever takes published snapshots, so drawing and the Draw
// pad never wait for a batch — or time-sliced by work() on the calling thread (the page
// without cross-origin isolation). Both drive the same Trainer, so the numbers are identical.
//
// Every run keeps its model: its weights when it finished, was stopped or failed, and the live
// weights while it trains. The "current model" (what Results, Draw, Inspect and Download use)
// is one of: a run's model, an uploaded file, a bundled pretrained model, or an untrained one;
// Status::model says which.
#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "data/data.h"
#include "formats/json.h"
#include "nn/model.h"
#include "train/metrics.h"
#include "train/trainer.h"

namespace dae {

enum class RunState { Running, Paused, Finished, Stopped, Failed };
const char* run_state_name(RunState s);                // "running", "paused", …
RunState parse_run_state(const std::string& name);     // throws dae::Error

// One training run as recorded in the experiment log (the worksheet's "record your observations").
struct RunRecord {
  int id = 0;
  TrainConfig config;          // config.arch is the canonical spec
  std::string arch_name;       // preset name or "custom"
  size_t params = 0;
  int input_h = 28, input_w = 28;
  size_t train_size = 0, val_size = 0;
  std::vector<EpochStats> history;
  std::vector<float> step_loss;  // per-batch training loss (raw), for the loss plot
  int steps_per_epoch = 0;       // ⌈train_size / batch⌉: places step_loss on the epoch axis
  Baseline baseline;           // noisy input vs clean on the validation set
  double seconds = 0;          // compute time (training + validation work)
  double wall_seconds = 0;     // wall-clock time the run was active (pauses excluded)
  RunState state = RunState::Running;
  std::string error;           // why it failed (diverged, …)
  std::string notes;           // free text typed by the user
  // The run's model: its weights at the end (or when it was stopped or failed; the latest
  // snapshot while it trains). Null only when the run was restored from a save that did not
  // keep its weights (over the storage budget).
  std::shared_ptr<const std::vector<float>> weights;
  bool downloaded = false;     // the user saved its model file (it then exists outside the page)
  bool collapsed = false;      // the model's outputs barely depend on the input (see Session::Status)

  // Exponential moving average of step_loss with bias correction (TensorBoard-style smoothing).
  std::vector<float> smoothed_step_loss(double beta = 0.9) const;
  double final_val_loss() const { return history.empty() ? NAN : history.back().val_loss; }
  double final_val_psnr() const { return history.empty() ? NAN : history.back().val_psnr; }
  double final_val_ssim() const { return history.empty() ? NAN : history.back().val_ssim; }
  double final_train_loss() const { return history.empty() ? NAN : history.back().train_loss; }
  // Steps trained of the epoch after the last finished one (a run stopped, or still in it).
  int steps_into_epoch() const;
  // Training images the run has seen, the unfinished epoch's included (its rate's numerator).
  double images_trained() const;
  // Both PSNR and SSIM above the noisy input's: the only result shown as an improvement.
  bool improved() const;
  bool finished() const { return state == RunState::Finished || state == RunState::Stopped || state == RunState::Failed; }
  Json to_json() const;                      // without the weights (they are files of their own)
  static RunRecord from_json(const Json& j);  // throws dae::Error on malformed records
};

// Where the model in memory came from.
enum class ModelSource { None, Untrained, Run, Uploaded, Bundled };
const char* model_source_name(ModelSource s);  // "none", "untrained", "run", "uploaded", "bundled"

struct ModelInfo {
  ModelSource source = ModelSource::None;
  int run_id = 0;            // ModelSource::Run
  std::string file;          // Uploaded / Bundled: the file's name
  std::string arch, arch_name;
  size_t params = 0;
  int input_h = 0, input_w = 0;
  int epochs_trained = 0;
  int steps_into_epoch = 0, steps_per_epoch = 0;  // of the epoch after them (a stopped or young run)
  std::string dataset;       // what it was trained on ("" if unknown)
  Noise noise;               // the noise it was trained with
  double val_psnr = NAN, val_ssim = NAN, noisy_psnr = NAN, noisy_ssim = NAN;  // its last epoch, if known
  bool collapsed = false;
  // One line for people: "run #3 · seed · 10 epochs on mnist (gaussian:0.5)",
  // "run #4 · seed · partly trained (30 of 63 steps of epoch 1) on mnist (gaussian:0.5)",
  // "uploaded file m.safetensors · seed · 10 epochs on mnist", "untrained seed model".
  std::string describe() const;
  // Whether its scores come from a validation pass (a finished epoch, or a file that recorded
  // them): verdicts such as "collapsed" wait for it.
  bool validated() const { return epochs_trained > 0 || source == ModelSource::Uploaded || source == ModelSource::Bundled; }
};

// Triple (a noisy / denoised / clean image with its scores) is in train/metrics.h.

// What Session and ModelSnapshot compute, for any model (the CLI's figures use them too):
// validation image `index` with `noise` (its key from `seed`) through `m`; an image with noise
// of `key` through `m`; the first layer's weights as images (0.5 ± w / (2·max|w|) each; n = 0
// when the first layer with weights is neither a Conv2D nor a Dense layer on the image); the
// activations after `layer` (-1: the input) for one image.
Triple result_triple(const Model& m, const ImageSet* val, size_t index, const Noise& noise, uint64_t seed, Context& ctx);
Triple drawing_triple(const Model& m, const std::vector<float>& image, uint64_t key, const Noise& noise, Context& ctx);
std::vector<float> first_layer_filters(const Model& m, int& n, int& h, int& w);
std::vector<float> feature_maps(const Model& m, const std::vector<float>& image, int layer, int& channels, int& h,
                                int& w, Context& ctx);

// The current model and what its results are computed from, fixed once made, so that another
// thread can run it while the session goes on training, loading or switching models (the page's
// model work runs on one: core/app/offload.h). Session::snapshot() makes one per model revision.
struct ModelSnapshot {
  std::shared_ptr<const Model> model;   // never null
  std::shared_ptr<const ImageSet> val;  // validation images of the model's size (null: none)
  Noise noise;                          // the noise the results use (the model's own)
  uint64_t seed = 0;                    // … drawn per image from this seed
  uint64_t revision = 0;                // Session::model_revision() when it was made
  // As Session::result_row, denoise_drawing and feature_maps (the same numbers), on `ctx`.
  Triple result_row(size_t index, Context& ctx) const;
  Triple denoise_drawing(const std::vector<float>& image, uint64_t noise_key, const Noise& noise, Context& ctx) const;
  std::vector<float> feature_maps(const std::vector<float>& image, int layer, int& channels, int& h, int& w,
                                  Context& ctx) const;
};

// True when a model's outputs for different inputs are nearly the same image (a collapsed
// model: everything becomes one blob), judged on a set of results against their clean images.
bool outputs_collapsed(const std::vector<Triple>& results);

// What the Model panel shows for an architecture being edited.
struct ArchCheck {
  bool ok = false;
  std::string error;    // one line when !ok
  std::string spec;     // canonical
  std::string summary;  // Keras table when ok
  size_t params = 0;
  double mflops_per_sample = 0;  // training FLOPs per image (≈ 3 × 2 × forward MACs)
};

// A sweep along one axis (issue 10): runs that differ in one setting, trained one after another,
// and compared by their final validation PSNR.
struct SweepPoint {
  std::string value;   // as shown: "0.3", "deep", "×2"
  double x = 0;        // where the chart puts it: the value, or its index for names
  TrainConfig config;
  int run_id = 0;      // its run; 0 while not started
};

struct Sweep {
  int id = 0;
  std::string axis;       // what varies, as shown: "noise level", "learning rate", …
  bool log_x = false;     // learning rate, batch, width: a log axis
  std::vector<SweepPoint> points;
  bool waiting = false;   // runs left that wait for continue_sweep (after Stop, Train, a reload)
  Json to_json() const;
  static Sweep from_json(const Json& j);  // throws dae::Error on malformed input
};

class Session {
 public:
  static constexpr int kMaxThreads = 16;
  // Run models kept in the browser's storage at most (a run's model is 300 KB for `seed`).
  static constexpr size_t kSavedModelsBudget = size_t(48) << 20;

  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // ---- datasets ------------------------------------------------------------------------------
  // Adds (or replaces, by name) a dataset; the first one becomes the current one.
  void add_dataset(Dataset ds);
  // Imports a folder, .zip or .daepack (data.h) and adds it under its file name; returns the
  // name. Throws dae::Error; nothing changes on failure. The datasets and models held stay
  // within kMemoryBudget, checked from the sizes a file declares before its pixels are read.
  std::string import_dataset(const std::string& path);
  // The page's heap is at most 2 GB; what is held (datasets, run models, the model in memory)
  // stays within this, so that a run (its noisy copies and buffers) and the page keep the rest.
  static constexpr size_t kMemoryBudget = size_t(1280) << 20;
  size_t memory_in_use() const;  // bytes of datasets' pixels and of every model's weights
  void set_memory_budget(size_t bytes) { memory_budget_ = bytes; }  // kMemoryBudget unless a test says
  std::vector<std::string> dataset_names() const;
  const Dataset* dataset(const std::string& name) const;
  // Images available for a config's dataset: (train part, validation part) maxima.
  std::pair<size_t, size_t> available(const std::string& name) const;

  // ---- architecture --------------------------------------------------------------------------
  ArchCheck check_arch(const std::string& spec, int h, int w) const;
  ArchCheck check_arch(const std::string& spec, int size) const { return check_arch(spec, size, size); }

  // ---- threads -------------------------------------------------------------------------------
  // Threads of the next run (1..kMaxThreads; results do not depend on it). Throws when out of
  // range. background(): whether runs train on a thread of their own (needs thread support:
  // native builds, the threaded page); otherwise work() trains on the calling thread.
  void set_threads(int n);
  int threads() const { return threads_; }
  void set_background(bool on);
  bool background() const { return background_; }
  static bool threads_supported();
  // Leaves k of the run's threads idle from its next parallel step on (0: all work), for now
  // and later runs, without changing any result: the page leaves one core to its main thread
  // while the user draws or types. spare_threads() is the value set.
  void set_spare_threads(int k);
  int spare_threads() const { return spare_threads_; }

  // ---- training --------------------------------------------------------------------------------
  // Builds the split, a fresh model (Glorot init from cfg.seed) and starts a new run. Throws
  // dae::Error (unknown dataset, bad arch, sizes, memory) leaving everything as it was. A run
  // in progress is stopped first and kept, with its model, as "stopped".
  void start(const TrainConfig& cfg);
  void pause();
  void resume();
  // Stops the run in progress (kept as "stopped" with its model, which stays the current one).
  void stop();
  // The current model becomes an untrained one of the given architecture (the config's by
  // default) — "start from scratch". A run in progress is stopped and kept first. Nothing is
  // lost: every run keeps its model.
  void start_from_scratch();
  // Background: takes the trainer's published progress (cheap; never waits for a batch).
  // Otherwise trains for at most about budget_ms: whole units of work while the time spent
  // plus the expected length of the next one stays within the budget (at least one unit).
  // Returns the ms spent on this thread. On divergence the run is marked failed (weights of
  // the last good step are kept) and training stops; the message is in status().error.
  double work(double budget_ms);
  bool training() const;     // a run is in progress and not paused
  bool paused() const;
  const TrainConfig& config() const { return cfg_; }  // of the current model / run
  double expected_unit_ms() const;  // time-sliced mode: expected ms of the next unit (0 before any)

  // ---- sweeps ----------------------------------------------------------------------------------
  // Checks every point's config (a bad one throws dae::Error naming its value, nothing
  // started), records the sweep and starts its first run; each next run starts when the one
  // before ends (finished or failed). Stop, Train, From scratch or loading a model stop the
  // sweep there: its runs left wait for continue_sweep(). Returns the sweep's id.
  int start_sweep(const std::string& axis, bool log_x, std::vector<SweepPoint> points);
  void continue_sweep(int id);   // starts the next run of a waiting sweep (the others wait)
  void drop_sweep_rest(int id);  // forgets the points not done (their runs, if any, stay in runs())
  // Puts back a sweep as it was before drop_sweep_rest (Undo): the same id, its points; those
  // not done wait for continue_sweep. Unknown ids are added back in id order.
  void restore_sweep(const Sweep& sw);
  // A point is done when its run finished (or failed: it would fail again). A point whose run
  // was stopped or deleted, or never made, is trained (again) by the sweep — as `dae sweep`
  // retrains a half-finished run.
  bool sweep_point_done(const SweepPoint& p) const;
  size_t sweep_left(const Sweep& sw) const;  // its points not done
  const std::vector<Sweep>& sweeps() const { return sweeps_; }
  const Sweep* sweep(int id) const;
  int going_sweep() const { return going_sweep_; }  // the sweep being trained, 0 if none

  // ---- the model in memory -------------------------------------------------------------------
  bool has_model() const { return bool(model_); }
  const Model* model() const { return model_.get(); }
  const ModelInfo& model_info() const { return info_; }
  // Makes a run's model the current one (its weights, its dataset's validation images and
  // noise). Throws if the run has no model kept.
  void select_run(int id);
  // Bumps whenever the current model's weights change (views recompute their images).
  uint64_t model_revision() const { return model_rev_; }

  // What the page shows this frame: data, the model in memory, the run in progress (or the
  // latest), wall-clock progress. Cheap to call every frame.
  struct Status {
    std::string dataset;          // the current config's dataset
    ModelInfo model;              // the model in memory
    bool has_run = false;         // any run recorded
    int run_id = 0;               // the run in progress, or the latest
    RunState state = RunState::Finished;
    bool training = false, paused = false, validating = false;
    int epoch = 0, epochs = 0, step = 0, steps = 0;  // completed epochs, batches in this epoch
    double progress = 0;          // 0..1 of the whole run
    double train_loss = NAN;      // running mean this epoch
    double val_loss = NAN, val_psnr = NAN, val_ssim = NAN;      // last finished epoch
    double noisy_loss = NAN, noisy_psnr = NAN, noisy_ssim = NAN;  // the validation set's noisy input
    size_t train_size = 0, val_size = 0;
    double samples_per_s = 0;     // wall clock, over the last few seconds
    double eta_s = NAN;           // wall clock until the end (NaN until it can be estimated)
    double elapsed_s = 0;         // wall clock the run has been active (pauses excluded)
    double compute_s = 0;         // of that, time spent computing
    std::vector<EpochStats> history;
    std::string error;
    int threads = 1;              // of the run in progress (or the next run)
    bool background = false;
  };
  Status status() const;

  // ---- results, drawing, inspection ----------------------------------------------------------
  // `count` validation images (a fresh random choice per `draw`; draw 0 = the first ones)
  // through the current model, with the noise it was trained with. Empty without a model or
  // without validation data of the model's size.
  std::vector<Triple> results(int count, uint64_t draw) const;
  // The same, a row at a time (the page spreads a refresh over frames while training):
  // results(count, draw) == [result_row(i) for i in result_order(count, draw)].
  std::vector<size_t> result_order(int count, uint64_t draw) const;
  Triple result_row(size_t index) const;  // one validation image; throws if there is none
  // A drawn image with noise (a fixed key, so a stroke only changes the pixels it touches),
  // then denoised. image: h·w floats of the model's size. Throws without a model.
  Triple denoise_drawing(const std::vector<float>& image, uint64_t noise_key, const Noise& noise) const;
  Triple denoise_drawing(const std::vector<float>& image, uint64_t noise_key) const;  // the model's own noise
  // The above for another thread: null without a model. Made again when the model, its weights,
  // its validation images or its noise changed; otherwise the same one is returned.
  std::shared_ptr<const ModelSnapshot> snapshot() const;
  // Model forward only (window.dae.denoise). Throws on a size mismatch or without a model.
  std::vector<float> denoise(const std::vector<float>& image) const;
  static std::vector<float> with_noise(const std::vector<float>& clean, const Noise& noise, uint64_t key);
  // First layer's weights as images, each normalised to [0,1] for display: a Conv2D's filters
  // (n of k×k), or a Dense layer's units as images of the input's size (n of h×w). Empty
  // otherwise.
  std::vector<float> first_layer_filters(int& n, int& h, int& w) const;
  // The activation after layer `layer` (−1 = input) for one image: channels planes of h×w,
  // each normalised to [0,1] for display (a flat vector is one plane of 1×units).
  std::vector<float> feature_maps(const std::vector<float>& image, int layer, int& channels, int& h, int& w) const;

  // ---- model files ---------------------------------------------------------------------------
  // The current model as a .safetensors file (the CLI's format), its metadata describing it
  // (config, history, source; an uploaded file's history and baseline are passed on), and a
  // file name that says which model it is (an uploaded file keeps its own name).
  std::vector<uint8_t> model_file() const;
  std::string model_file_name() const;
  std::vector<uint8_t> run_model_file(int id) const;  // a run's model (throws if none kept)
  // Marks a run's model as saved outside the page (the user downloaded its file).
  void mark_downloaded(int run_id);
  // A file becomes the current model (any architecture; its input size selects the data).
  // A run in progress is stopped and kept first. Throws dae::Error with nothing changed on a
  // bad file: the message starts "This is not a dae model file, or it is damaged: …".
  void load_model_file(const uint8_t* bytes, size_t n, const std::string& name = "model.safetensors",
                       ModelSource source = ModelSource::Uploaded);

  // ---- experiments -------------------------------------------------------------------------------
  const std::vector<RunRecord>& runs() const { return runs_; }
  const RunRecord* run(int id) const;
  void set_notes(int id, const std::string& notes);
  // Deletes a run and its model and returns them (the page keeps them for Undo; it asks first
  // when the model exists nowhere else: !run.downloaded). The run in progress cannot be deleted;
  // deleting the run whose model is current replaces that model by an untrained one (the screen
  // never shows a deleted model). Nothing (and no change) for an unknown id.
  std::optional<RunRecord> delete_run(int id);
  // Puts a deleted run back where it was, with its model and notes (and makes its model current
  // again with `make_current`). Throws dae::Error, changing nothing, if a run has its id.
  void undelete_run(RunRecord run, bool make_current);
  std::string runs_csv() const;  // one row per run: config, final losses, PSNR, SSIM, times, notes
  const std::string& observations() const { return observations_; }
  void set_observations(const std::string& text);

  // ---- persistence (IndexedDB autosave in the browser) ---------------------------------------
  // Runs (without weights), observations, the last config and which model is current, as JSON.
  std::string save_state() const;
  // The runs whose models fit kSavedModelsBudget, newest first (their run_model_file()s are
  // saved next to the state); `skipped` gets the others.
  std::vector<int> runs_to_save(std::vector<int>* skipped = nullptr) const;
  // Restores a saved state; throws dae::Error and keeps the session as it was on bad input.
  // A run in progress keeps going (restored runs come first).
  void load_state(const std::string& json);
  // The weights of a restored run, from its saved model file. Throws on a bad or foreign file.
  void restore_run_model(int id, const uint8_t* bytes, size_t n);
  uint64_t revision() const { return revision_; }  // bumps on every change worth saving

 private:
  class Runner;
  void stop_active(RunState as);
  void start_run(const TrainConfig& cfg);
  void pause_sweep();     // the going sweep waits (the user started or stopped something)
  void advance_sweep();   // no run in progress: the going sweep's next run, if any
  Sweep* find_sweep(int id);  // sweep(id), to change
  void take_progress();
  void set_current_from_run(const RunRecord& r);
  void set_current(std::unique_ptr<Model> m, const ModelInfo& info, const TrainConfig& cfg);
  void make_val_set();
  RunRecord* find_run(int id);
  const RunRecord* active_run() const;
  // What a model taken from run `r` has been trained for (ModelInfo's training fields).
  static void set_training(ModelInfo& m, const RunRecord& r);
  static Model build_run_model(const RunRecord& r);  // untrained, of the run's architecture and size

  std::vector<std::unique_ptr<Dataset>> datasets_;
  TrainConfig cfg_;                   // of the current model (its data, noise, seed)
  std::unique_ptr<Model> model_;      // the current model (this thread's copy)
  ModelInfo info_;
  std::map<std::string, std::string> file_meta_;  // an uploaded / bundled model's history and baseline
  std::shared_ptr<const ImageSet> val_;  // validation images of the current model's data (shared
                                         // with snapshots, replaced whole)
  std::unique_ptr<Runner> runner_;    // the run in progress
  int active_ = -1;                   // index into runs_ of the run in progress
  bool follow_active_ = false;        // the current model is the active run's (live weights)
  std::vector<RunRecord> runs_;
  int next_run_id_ = 1;
  std::vector<Sweep> sweeps_;
  int going_sweep_ = 0;
  std::string observations_;
  std::string error_;
  int threads_ = 1;
  int spare_threads_ = 0;
  bool background_ = false;
  uint64_t revision_ = 0, model_rev_ = 0;
  size_t memory_budget_ = kMemoryBudget;
  mutable Context ctx_;
  mutable std::shared_ptr<const ModelSnapshot> snapshot_;  // the last snapshot() made
  // Wall-clock training rate of the active run: (wall seconds, training images) points of the
  // last kRateWindowSeconds, from the first trained image on (long enough to smooth a shared
  // machine's ups and downs, short enough to follow a real change of speed). Validation time is
  // left out (`wall` is the wall time spent training): the rate does not sag at epoch ends.
  static constexpr double kRateWindowSeconds = 4.0;
  // The wall time of validating an image, in training images, for the ETA before the first
  // epoch has ended: its forward pass is a third of a training step's arithmetic, but scored in
  // shards it took about half a step's time in the page (2-core EPYC, 2026-12-07).
  static constexpr double kValImageCost = 0.5;
  struct RatePoint {
    double wall, samples;
  };
  std::vector<RatePoint> rate_window_;
  double rate_first_s_ = 0;          // wall time of the run's first point in rate_window_
  double val_began_s_ = -1, val_total_s_ = 0;  // the validation in progress; all so far
  std::vector<double> epoch_end_s_;  // wall time at which each epoch of the active run ended
};


}  // namespace dae
