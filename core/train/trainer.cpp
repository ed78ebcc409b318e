#include "train/trainer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>

#include "formats/io.h"
#include "train/metrics.h"

namespace dae {
namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}
// Scores validation images [s·kValShard, …): the model's reconstructions (when a model is
// given) and the noisy input (when asked). Shared by the trainer's validation, its baseline,
// and evaluate(), so all three report the same numbers.
ValSums score_val_shard(const Model* model, const ImageSet& val, const Noise& noise, uint64_t seed, LossKind loss,
                        int s, bool with_noisy, Context& ctx) {
  const size_t P = val.pixels_per_image();
  const size_t b = size_t(s) * kValShard, e = std::min(val.size(), b + kValShard);
  const int n = int(e - b);
  std::vector<float> x(n * P), t(n * P), y;
  for (int j = 0; j < n; ++j) {
    to_float(val.image(b + j), &t[j * P], P);
    apply_noise(&t[j * P], &x[j * P], P, noise, val_noise_key(seed, b + j));
  }
  ValSums r;
  if (model) {
    y.resize(n * P);
    r.loss = model->eval_shard(x.data(), t.data(), n, loss, y.data(), ctx);
  }
  for (int j = 0; j < n; ++j) {
    const float *xo = &x[j * P], *to = &t[j * P];
    if (model) {
      r.psnr += psnr(&y[j * P], to, P);
      r.ssim += ssim(&y[j * P], to, val.h, val.w);
    }
    if (with_noisy) {
      r.noisy_loss += loss == LossKind::BCE ? bce_probs(xo, to, P, 0.f, nullptr) : mse(xo, to, P, 0.f, nullptr);
      r.noisy_psnr += psnr(xo, to, P);
      r.noisy_ssim += ssim(xo, to, val.h, val.w);
    }
  }
  return r;
}

}  // namespace

void Trainer::set_spare(const std::atomic<int>* spare) { pool_->set_spare(spare); }

int grad_slots(size_t params) {
  const size_t per_copy = std::max<size_t>(1, params) * sizeof(float);
  return int(std::clamp<size_t>(kTrainMemoryBudget / 4 / per_copy, 1, kMaxGradSlots));
}

size_t check_training_memory(const Model& model, int threads) {
  const double P = double(model.num_params());
  // Weights, the summed gradient, Adam's two moments, the gradient slots.
  const double params_bytes = P * 4 * (4 + grad_slots(model.num_params()));
  // Per thread: every activation of a shard, the two gradient buffers and the im2col scratch.
  const double per_thread = model.shard_memory(std::max(kShard, kValShard));
  const double need = params_bytes + per_thread * std::max(1, threads);
  if (need > double(kTrainMemoryBudget))
    throw Error("this model needs about " + human_size(need) + " to train (" + thousands(model.num_params()) +
                " parameters, " + std::to_string(threads) + " thread" + (threads > 1 ? "s" : "") +
                "); the limit is " + human_size(double(kTrainMemoryBudget)) +
                " — use fewer filters or layers, or fewer threads");
  return size_t(need);
}

Trainer::Trainer(Model& model, const ImageSet& train, const ImageSet& val, const TrainConfig& cfg)
    : model_(model), train_(train), val_(val), cfg_(cfg) {
  cfg_.validate();
  if (train.size() == 0) throw Error("no training images");
  if (val.size() == 0) throw Error("no validation images");
  const Shape in = model.input_shape();
  check_input(model, train.h, train.w, "the training data");
  check_input(model, val.h, val.w, "the validation data");
  cfg_.train = train.size();  // record the actual sizes ("0 = all" resolved)
  cfg_.val = val.size();
  check_training_memory(model, cfg_.threads);
  adam_ = Adam(AdamConfig{cfg_.lr}, model.num_params());
  pool_ = std::make_unique<ThreadPool>(cfg_.threads);
  slot_grad_.assign(size_t(grad_slots(model.num_params())), std::vector<float>(model.num_params(), 0.f));
  ctx_.resize(pool_->size());
  const size_t P = in.per_image();
  xbuf_.assign(pool_->size(), std::vector<float>(P * std::max(kShard, kValShard)));
  tbuf_ = xbuf_;
  batches_per_epoch_ = int((train.size() + cfg_.batch - 1) / cfg_.batch);
  grad_.resize(model.num_params());
  val_shards_ = int((val.size() + kValShard - 1) / kValShard);
  val_sums_.resize(val_shards_);
  compute_baseline();
  begin_epoch();
}

Trainer::~Trainer() = default;

void Trainer::compute_baseline() {
  std::vector<ValSums> sums(val_shards_);
  pool_->parallel_for(val_shards_, [&](int s, int tid) {
    sums[s] = score_val_shard(nullptr, val_, cfg_.noise, cfg_.seed, cfg_.loss, s, true, ctx_[tid]);
  });
  baseline_ = average(sums, val_.size(), val_.pixels_per_image()).noisy;
}

void Trainer::begin_epoch() {
  phase_ = Phase::Train;
  batch_ = 0;
  epoch_loss_sum_ = 0;
  epoch_samples_ = 0;
  epoch_seconds_ = 0;
  order_.resize(train_.size());
  std::iota(order_.begin(), order_.end(), 0u);
  Rng rng(mix_keys(cfg_.seed, 0x73687566ull + uint64_t(epoch_)));  // "shuf" + epoch
  rng.shuffle(order_.begin(), order_.end());
  begin_batch();
}

void Trainer::begin_batch() {
  const size_t start = size_t(batch_) * cfg_.batch;
  batch_size_now_ = int(std::min<size_t>(cfg_.batch, train_.size() - start));
  shards_in_batch_ = (batch_size_now_ + kShard - 1) / kShard;
  shard_next_ = 0;
  shard_loss_.assign(shards_in_batch_, 0.0);
}

void Trainer::run_train_shard(int s, int tid) {
  const size_t P = train_.pixels_per_image();
  const size_t first = size_t(batch_) * cfg_.batch + size_t(s) * kShard;
  const int n = int(std::min<size_t>(kShard, size_t(batch_size_now_) - size_t(s) * kShard));
  float* x = xbuf_[tid].data();
  float* t = tbuf_[tid].data();
  for (int j = 0; j < n; ++j) {
    const uint32_t idx = order_[first + j];
    to_float(train_.image(idx), t + j * P, P);
    apply_noise(t + j * P, x + j * P, P, cfg_.noise, noise_key(cfg_.seed, idx, cfg_.fresh_noise ? epoch_ + 1 : 0));
  }
  auto& g = slot_grad_[size_t(s) % slot_grad_.size()];  // shards of a slot run one after another
  const float scale = float(1.0 / (double(batch_size_now_) * P));
  shard_loss_[s] = model_.train_shard(x, t, n, cfg_.loss, scale, g.data(), ctx_[tid]);
}

Trainer::Event Trainer::finish_batch() {
  const size_t N = grad_.size();
  // Sum the slots in slot order and clear them for the next batch (each element independently:
  // threads may split the range).
  const int used = std::min<int>(shards_in_batch_, int(slot_grad_.size()));
  const int parts = pool_->size();
  pool_->parallel_for(parts, [&](int part, int) {
    const size_t b = N * part / parts, e = N * (part + 1) / parts;
    std::copy(slot_grad_[0].begin() + b, slot_grad_[0].begin() + e, grad_.begin() + b);
    std::fill(slot_grad_[0].begin() + b, slot_grad_[0].begin() + e, 0.f);
    for (int s = 1; s < used; ++s) {
      float* g = slot_grad_[size_t(s)].data();
      for (size_t i = b; i < e; ++i) grad_[i] += g[i];
      std::fill(g + b, g + e, 0.f);
    }
  });
  double loss = 0;
  for (int s = 0; s < shards_in_batch_; ++s) loss += shard_loss_[s];
  const size_t P = train_.pixels_per_image();
  loss /= double(batch_size_now_) * P;
  bool finite = std::isfinite(loss);
  for (size_t i = 0; i < N && finite; ++i) finite = std::isfinite(grad_[i]);
  if (!finite)
    throw Error("training diverged (loss " + short_number(loss) + " at epoch " + std::to_string(epoch_ + 1) + ", step " +
                std::to_string(batch_ + 1) + "); the weights were kept from the previous step — lower the learning rate");
  adam_.step(model_.weights().data(), grad_.data(), N);
  if (recent_seconds_ > 4.0) {  // samples_per_s(): a moving window of the last few seconds
    recent_samples_ *= 0.5;
    recent_seconds_ *= 0.5;
  }
  last_batch_loss_ = loss;
  samples_trained_ += batch_size_now_;
  epoch_loss_sum_ += loss * batch_size_now_;
  epoch_samples_ += batch_size_now_;
  ++batch_;
  if (batch_ == batches_per_epoch_) {
    phase_ = Phase::Val;
    val_next_ = 0;
  } else {
    begin_batch();
  }
  return Event::Batch;
}

void Trainer::run_val_shard(int s, int tid) {
  val_sums_[s] = score_val_shard(&model_, val_, cfg_.noise, cfg_.seed, cfg_.loss, s, false, ctx_[tid]);
}

Trainer::Event Trainer::finish_val() {
  const EvalResult r = average(val_sums_, val_.size(), val_.pixels_per_image());
  EpochStats st;
  st.epoch = epoch_ + 1;
  st.train_loss = epoch_samples_ ? epoch_loss_sum_ / double(epoch_samples_) : 0;
  st.val_loss = r.loss;
  st.val_psnr = r.psnr;
  st.val_ssim = r.ssim;
  st.seconds = epoch_seconds_;
  history_.push_back(st);
  epoch_seconds_ = 0;  // counted in the history now
  ++epoch_;
  if (!done()) begin_epoch();
  return Event::Epoch;
}

Trainer::Event Trainer::advance() {
  if (done()) return Event::Done;
  const auto t0 = Clock::now();
  if (phase_ == Phase::Train) {
    const int n = std::min(kShard, batch_size_now_ - shard_next_ * kShard);
    run_train_shard(shard_next_++, 0);
    const double dt = seconds_since(t0);
    recent_samples_ += n;
    recent_seconds_ += dt;
    epoch_seconds_ += dt;
    return shard_next_ == shards_in_batch_ ? finish_batch() : Event::Shard;
  }
  run_val_shard(val_next_++, 0);
  epoch_seconds_ += seconds_since(t0);
  return val_next_ == val_shards_ ? finish_val() : Event::Shard;
}

Trainer::Unit Trainer::next_unit() const {
  if (phase_ == Phase::Val) return Unit::ValShard;
  return shard_next_ + 1 == shards_in_batch_ ? Unit::BatchEnd : Unit::TrainShard;
}

Trainer::Event Trainer::step() {
  if (done()) return Event::Done;
  const auto t0 = Clock::now();
  if (phase_ == Phase::Train) {
    const int first = shard_next_;
    const int samples = batch_size_now_ - first * kShard;
    // In waves that never hold two shards of one slot; a wave may start mid-way (after
    // advance()), so it ends at the next multiple of the slot count.
    const int S = int(slot_grad_.size());
    while (shard_next_ < shards_in_batch_) {
      if (cancel_ && cancel_->load()) return Event::Shard;  // the batch is dropped
      const int from = shard_next_, to = std::min(shards_in_batch_, (from / S + 1) * S);
      pool_->parallel_for(to - from, [&](int i, int tid) { run_train_shard(from + i, tid); });
      shard_next_ = to;
    }
    const double dt = seconds_since(t0);
    recent_samples_ += samples;
    recent_seconds_ += dt;
    epoch_seconds_ += dt;
    return finish_batch();
  }
  const int first = val_next_;
  pool_->parallel_for(val_shards_ - first, [&](int i, int tid) { run_val_shard(first + i, tid); });
  val_next_ = val_shards_;
  epoch_seconds_ += seconds_since(t0);
  return finish_val();
}

void Trainer::run(const std::function<void(Event)>& on_event, const std::atomic<bool>* cancel) {
  while (!done()) {
    if ((cancel && cancel->load()) || (cancel_ && cancel_->load())) return;
    const Event ev = step();
    if (on_event && !(cancel_ && cancel_->load())) on_event(ev);
  }
}

double Trainer::compute_seconds() const {
  double s = epoch_seconds_;
  for (const auto& e : history_) s += e.seconds;
  return s;
}

double Trainer::epoch_progress() const {
  if (done()) return 1.0;
  // Work units: a training image costs about 3 forward passes, a validation image 1.
  const double train_work = 3.0 * double(train_.size()), val_work = double(val_.size());
  double did;
  if (phase_ == Phase::Train)
    did = 3.0 * (double(batch_) * cfg_.batch + double(std::min(shard_next_ * kShard, batch_size_now_)));
  else
    did = train_work + double(std::min(val_.size(), size_t(val_next_) * kValShard));
  return std::min(1.0, did / (train_work + val_work));
}

double Trainer::running_train_loss() const {
  return epoch_samples_ ? epoch_loss_sum_ / double(epoch_samples_) : last_batch_loss_;
}

double Trainer::samples_per_s() const { return recent_seconds_ > 0 ? recent_samples_ / recent_seconds_ : 0; }

Json history_json(const std::vector<EpochStats>& history) {
  Json h = Json::array();
  for (const auto& e : history)
    h.push_back(Json::object({{"epoch", e.epoch}, {"train_loss", e.train_loss}, {"val_loss", e.val_loss},
                              {"val_psnr", e.val_psnr}, {"val_ssim", e.val_ssim}, {"seconds", e.seconds}}));
  return h;
}

std::vector<EpochStats> history_from_json(const Json& h, bool allow_null) {
  if (!h.is_array()) throw Error("history must be an array");
  auto num = [&](const Json& e, const char* key) {
    const Json& v = json_at(e, key, "history");
    return allow_null && v.is_null() ? NAN : json_number(v, key);
  };
  std::vector<EpochStats> out;
  for (const Json& e : h) {
    EpochStats s;
    s.epoch = int(json_int(json_at(e, "epoch", "history"), "epoch", 1, 10000));
    s.train_loss = num(e, "train_loss");
    s.val_loss = num(e, "val_loss");
    s.val_psnr = num(e, "val_psnr");
    s.val_ssim = num(e, "val_ssim");
    s.seconds = num(e, "seconds");
    out.push_back(s);
  }
  return out;
}

std::map<std::string, std::string> Trainer::metadata() const {
  return {{"config", dump_json(cfg_.to_json())},
          {"epochs_done", std::to_string(epoch_)},
          {"history", dump_json(history_json(history_))},
          {"dataset", cfg_.dataset},
          {"noise", cfg_.noise.str()},
          {"baseline", dump_json(Json::object({{"val_loss", baseline_.loss}, {"val_psnr", baseline_.psnr},
                                     {"val_ssim", baseline_.ssim}}))}};
}

EvalResult evaluate(const Model& model, const ImageSet& val, const Noise& noise, uint64_t seed, LossKind loss,
                    int threads) {
  if (val.size() == 0) throw Error("no images to evaluate");
  check_input(model, val.h, val.w, "the data");
  ThreadPool pool(threads);
  const int shards = int((val.size() + kValShard - 1) / kValShard);
  std::vector<Context> ctx(pool.size());
  std::vector<ValSums> sums(shards);
  pool.parallel_for(shards, [&](int s, int tid) {
    sums[s] = score_val_shard(&model, val, noise, seed, loss, s, true, ctx[tid]);
  });
  return average(sums, val.size(), val.pixels_per_image());
}

EvalResult average(const std::vector<ValSums>& shards, size_t images, size_t pixels) {
  const double n = double(images), P = double(pixels);
  EvalResult r;
  r.images = images;
  for (const auto& v : shards) {  // in shard order: the same rounding however the shards ran
    r.loss += v.loss;
    r.psnr += v.psnr;
    r.ssim += v.ssim;
    r.noisy.loss += v.noisy_loss;
    r.noisy.psnr += v.noisy_psnr;
    r.noisy.ssim += v.noisy_ssim;
  }
  r.loss /= n * P;
  r.psnr /= n;
  r.ssim /= n;
  r.noisy.loss /= n * P;
  r.noisy.psnr /= n;
  r.noisy.ssim /= n;
  return r;
}

}  // namespace dae
