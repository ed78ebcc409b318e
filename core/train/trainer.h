// trainer.h — trains a model noisy → clean, one small piece of work at a time.
//
// The unit of work is a *shard*: kShard images of the current batch (forward + loss +
// backward) or kValShard validation images. Shard s adds its gradient into slot s % S of S
// gradient buffers (S = grad_slots(), a function of the model's size only); shards run in
// waves of S, so the shards of one slot always add up in the same order. A batch is done when
// all its shards are; the slots are then summed in slot order and Adam takes one step. Because
// neither the partition nor any summation order depends on how many threads ran the shards,
// or on how the work was sliced in time, a run is bit-identical for a given seed whether it
// ran in the CLI on 2 threads or in the browser a shard per frame — and gradient memory is
// S copies of the parameters whatever the batch size.
//
//   Trainer t(model, train, val, cfg);
//   while (!t.done()) t.step();            // CLI: one batch at a time (threads = cfg.threads)
//   while (budget_left) t.advance();       // UI: one shard at a time on the calling thread
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nn/adam.h"
#include "data/data.h"
#include "formats/json.h"
#include "nn/loss.h"
#include "nn/model.h"
#include "train/settings.h"
#include "train/threadpool.h"

namespace dae {

constexpr int kShard = 8;      // training images per unit of work (layers amortise per-shard work over them)
constexpr int kValShard = 16;  // validation images per unit of work
constexpr int kMaxGradSlots = 16;  // gradient buffers of a batch (at most this many shards run at once)
// Memory a training run may take (weights, Adam's moments, gradient slots, activations of every
// thread); a larger model × threads is refused up front with what it would need.
constexpr size_t kTrainMemoryBudget = size_t(1) << 30;

struct EpochStats {
  int epoch = 0;                 // 1-based
  double train_loss = 0;         // mean over the epoch's batches (as Keras reports it)
  double val_loss = 0, val_psnr = 0, val_ssim = 0;
  double seconds = 0;            // compute time spent on this epoch (training + validation)
};

// The validation set as the noisy input scores against the clean images — the baseline.
struct Baseline {
  double loss = 0, psnr = 0, ssim = 0;
};

// [{epoch, train_loss, val_loss, val_psnr, val_ssim, seconds}, …]
Json history_json(const std::vector<EpochStats>& history);
// Its inverse, strict (dae::Error naming the bad key). With allow_null, a null number reads as
// NaN (JSON has no NaN: a diverged run's losses are written as null).
std::vector<EpochStats> history_from_json(const Json& h, bool allow_null);

// Validation image i gets its noise from this key (a stream separate from the training images').
inline uint64_t val_noise_key(uint64_t seed, size_t i) { return noise_key(seed ^ 0x76616C6964ull, i); }

// A trained model scored on a validation set against the noisy-input baseline — the same
// numbers the trainer reports at the end of an epoch (same noise for the same seed).
struct EvalResult {
  size_t images = 0;
  double loss = 0, psnr = 0, ssim = 0;  // the model's reconstruction vs clean
  Baseline noisy;                       // the noisy input vs clean
};
EvalResult evaluate(const Model& model, const ImageSet& val, const Noise& noise, uint64_t seed, LossKind loss,
                    int threads);

// Sums of scores over one validation shard (summed over shards in order, then averaged).
struct ValSums {
  double loss = 0, psnr = 0, ssim = 0, noisy_loss = 0, noisy_psnr = 0, noisy_ssim = 0;
};
// The means over `images` validation images of `pixels` each, summing the shards in order.
EvalResult average(const std::vector<ValSums>& shards, size_t images, size_t pixels);

// Gradient slots for a model of `params` parameters: kMaxGradSlots, fewer when that many copies
// would take more than a quarter of kTrainMemoryBudget.
int grad_slots(size_t params);
// Estimated bytes a run of `model` takes on `threads` threads; throws dae::Error stating the
// estimate and the limit when it is over kTrainMemoryBudget.
size_t check_training_memory(const Model& model, int threads);

class Trainer {
 public:
  enum class Event { Shard, Batch, Epoch, Done };

  // Keeps references to `model`, `train` and `val`: they must outlive the trainer. The model's
  // input shape must match the images. Throws dae::Error on a bad config or empty sets.
  Trainer(Model& model, const ImageSet& train, const ImageSet& val, const TrainConfig& cfg);
  ~Trainer();

  Event advance();  // one unit of work on the calling thread
  // What the next advance() will do (its cost differs: a batch end adds the gradient sum and
  // the Adam step; a validation shard is 16 forward passes).
  enum class Unit { TrainShard, BatchEnd, ValShard };
  Unit next_unit() const;
  Event step();     // the rest of the current batch (or the whole validation pass), on cfg.threads
  // Runs to the end (or until *cancel becomes true, at a batch boundary). on_event is called
  // after every batch and epoch.
  void run(const std::function<void(Event)>& on_event = {}, const std::atomic<bool>* cancel = nullptr);

  // Makes step() and run() return at the next shard once *flag is true: the unfinished batch
  // is dropped (its gradients are never applied), so the weights stay those of the last step.
  void set_cancel(const std::atomic<bool>* flag) { cancel_ = flag; }
  // While *spare is k > 0, k of cfg.threads stay idle (ThreadPool::set_spare); results do not change.
  void set_spare(const std::atomic<int>* spare);
  bool done() const { return epoch_ >= cfg_.epochs; }
  bool validating() const { return phase_ == Phase::Val; }
  int epoch() const { return epoch_; }                  // completed epochs
  int step_in_epoch() const { return batch_; }          // completed batches in the current epoch
  int steps_per_epoch() const { return batches_per_epoch_; }
  long long total_steps() const { return adam_.t(); }
  double epoch_progress() const;                        // 0..1 within the current epoch (incl. validation)
  double last_batch_loss() const { return last_batch_loss_; }
  double running_train_loss() const;                    // mean batch loss so far this epoch
  double samples_per_s() const;                         // training throughput over the last few seconds (compute time)
  double compute_seconds() const;                       // compute time so far (training + validation)
  long long samples_trained() const { return samples_trained_; }  // training images processed so far
  const std::vector<EpochStats>& history() const { return history_; }
  const Baseline& baseline() const { return baseline_; }
  const TrainConfig& config() const { return cfg_; }
  Model& model() { return model_; }
  // A model file's metadata for this run (config, epochs done, history as JSON).
  std::map<std::string, std::string> metadata() const;


 private:
  enum class Phase { Train, Val };
  void begin_epoch();
  void begin_batch();
  void run_train_shard(int shard, int tid);
  void run_val_shard(int shard, int tid);
  Event finish_batch();
  Event finish_val();
  void compute_baseline();
  size_t shard_count() const;
  int remaining_units() const;

  Model& model_;
  const ImageSet& train_;
  const ImageSet& val_;
  TrainConfig cfg_;
  Adam adam_;
  std::unique_ptr<ThreadPool> pool_;
  std::vector<Context> ctx_;               // one per thread
  std::vector<std::vector<float>> xbuf_, tbuf_;  // per-thread input/target scratch

  Phase phase_ = Phase::Train;
  int epoch_ = 0, batch_ = 0, batches_per_epoch_ = 0;
  std::vector<uint32_t> order_;            // this epoch's shuffled training indices
  int batch_size_now_ = 0, shards_in_batch_ = 0, shard_next_ = 0;
  std::vector<std::vector<float>> slot_grad_;  // grad_slots() buffers, zero between batches
  std::vector<double> shard_loss_;
  std::vector<float> grad_;
  double epoch_loss_sum_ = 0;
  size_t epoch_samples_ = 0;
  double last_batch_loss_ = 0;

  int val_shards_ = 0, val_next_ = 0;
  std::vector<ValSums> val_sums_;  // per validation shard, summed in order at the end

  double epoch_seconds_ = 0;
  long long samples_trained_ = 0;
  const std::atomic<bool>* cancel_ = nullptr;
  double recent_samples_ = 0, recent_seconds_ = 0;
  std::vector<EpochStats> history_;
  Baseline baseline_;
};

}  // namespace dae
