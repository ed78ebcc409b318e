#include "trainer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "metrics.h"

namespace dae {
namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}
std::string fmt_num(double v) {
  if (!std::isfinite(v)) return "nan";
  char b[32];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
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

void TrainConfig::validate() const {
  auto bad = [](const std::string& m) { throw Error(m); };
  if (epochs < 1 || epochs > 10000) bad("epochs must be 1..10000, got " + std::to_string(epochs));
  if (batch < 1 || batch > 8192) bad("batch must be 1..8192, got " + std::to_string(batch));
  if (!(lr > 0) || !(lr <= 10)) bad("learning rate must be in (0, 10], got " + fmt_num(lr));
  if (threads < 1 || threads > 256) bad("threads must be 1..256, got " + std::to_string(threads));
  if (train > 10000000 || val > 10000000) bad("train/val sizes are absurd");
  if (noise.kind == Noise::Gaussian && !(noise.amount >= 0 && noise.amount <= 10)) bad("gaussian noise factor must be 0..10");
  if (noise.kind == Noise::SaltPepper && !(noise.amount >= 0 && noise.amount <= 1)) bad("salt-and-pepper amount must be 0..1");
}

Json TrainConfig::to_json() const {
  Json j = Json::object();
  j["dataset"] = dataset;
  j["arch"] = arch;
  j["noise"] = noise.str();
  j["loss"] = loss_name(loss);
  j["epochs"] = epochs;
  j["batch"] = batch;
  j["lr"] = lr;
  j["train"] = train;
  j["val"] = val;
  j["seed"] = seed;
  j["fresh_noise"] = fresh_noise;
  return j;
}

TrainConfig TrainConfig::from_json(const Json& j) { return from_json(j, TrainConfig()); }

TrainConfig TrainConfig::from_json(const Json& j, const TrainConfig& defaults) {
  if (!j.is_object()) throw Error("training config must be an object");
  TrainConfig c = defaults;
  auto integer = [&](const char* key, long long lo, long long hi) -> long long {
    const Json& v = j.at(key);
    if (!v.is_number()) throw Error(std::string(key) + " must be a number");
    const double d = v.as_double();
    if (!(d >= double(lo) && d <= double(hi)) || d != std::floor(d))
      throw Error(std::string(key) + " must be an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
    return (long long)d;
  };
  auto text = [&](const char* key) -> std::string {
    const Json& v = j.at(key);
    if (!v.is_string()) throw Error(std::string(key) + " must be a string");
    return v.as_string();
  };
  for (const auto& [key, value] : j.as_object()) {
    (void)value;
    if (key == "dataset") c.dataset = text("dataset");
    else if (key == "arch") c.arch = text("arch");
    else if (key == "noise") c.noise = Noise::parse(text("noise"));
    else if (key == "loss") c.loss = parse_loss(text("loss"));
    else if (key == "epochs") c.epochs = int(integer("epochs", 1, 10000));
    else if (key == "batch") c.batch = int(integer("batch", 1, 8192));
    else if (key == "lr") {
      if (!value.is_number()) throw Error("lr must be a number");
      c.lr = value.as_double();
    } else if (key == "train") c.train = size_t(integer("train", 0, 10000000));
    else if (key == "val") c.val = size_t(integer("val", 0, 10000000));
    else if (key == "seed") c.seed = uint64_t(integer("seed", 0, 9007199254740991LL));
    else if (key == "threads") c.threads = int(integer("threads", 1, 256));
    else if (key == "fresh_noise") {
      if (!value.is_bool()) throw Error("fresh_noise must be true or false");
      c.fresh_noise = value.as_bool();
    } else {
      throw Error("unknown training setting '" + key + "'");
    }
  }
  c.validate();
  return c;
}

Trainer::Trainer(Model& model, const ImageSet& train, const ImageSet& val, const TrainConfig& cfg)
    : model_(model), train_(train), val_(val), cfg_(cfg) {
  cfg_.validate();
  if (train.size() == 0) throw Error("no training images");
  if (val.size() == 0) throw Error("no validation images");
  const Shape in = model.input_shape();
  if (in.c != 1 || in.h != train.h || in.w != train.w || val.h != train.h || val.w != train.w)
    throw Error("the model expects " + std::to_string(in.h) + "×" + std::to_string(in.w) + " images, the data has " +
                std::to_string(train.h) + "×" + std::to_string(train.w));
  cfg_.train = train.size();  // record the actual sizes ("0 = all" resolved)
  cfg_.val = val.size();
  adam_ = Adam(AdamConfig{cfg_.lr}, model.num_params());
  pool_ = std::make_unique<ThreadPool>(cfg_.threads);
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
  if (int(shard_grad_.size()) < shards_in_batch_) shard_grad_.resize(shards_in_batch_);
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
  auto& g = shard_grad_[s];
  g.assign(model_.num_params(), 0.f);
  const float scale = float(1.0 / (double(batch_size_now_) * P));
  shard_loss_[s] = model_.train_shard(x, t, n, cfg_.loss, scale, g.data(), ctx_[tid]);
}

Trainer::Event Trainer::finish_batch() {
  const size_t N = grad_.size();
  // Sum the shard gradients in shard order (each element independently: threads may split the range).
  const int parts = pool_->size();
  pool_->parallel_for(parts, [&](int part, int) {
    const size_t b = N * part / parts, e = N * (part + 1) / parts;
    std::copy(shard_grad_[0].begin() + b, shard_grad_[0].begin() + e, grad_.begin() + b);
    for (int s = 1; s < shards_in_batch_; ++s) {
      const float* g = shard_grad_[s].data();
      for (size_t i = b; i < e; ++i) grad_[i] += g[i];
    }
  });
  double loss = 0;
  for (int s = 0; s < shards_in_batch_; ++s) loss += shard_loss_[s];
  const size_t P = train_.pixels_per_image();
  loss /= double(batch_size_now_) * P;
  bool finite = std::isfinite(loss);
  for (size_t i = 0; i < N && finite; ++i) finite = std::isfinite(grad_[i]);
  if (!finite)
    throw Error("training diverged (loss " + fmt_num(loss) + " at epoch " + std::to_string(epoch_ + 1) + ", step " +
                std::to_string(batch_ + 1) + "); the weights were kept from the previous step — lower the learning rate");
  adam_.step(model_.weights().data(), grad_.data(), N);
  if (recent_seconds_ > 4.0) {  // samples_per_s(): a moving window of the last few seconds
    recent_samples_ *= 0.5;
    recent_seconds_ *= 0.5;
  }
  last_batch_loss_ = loss;
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
    const int first = shard_next_, n = shards_in_batch_ - shard_next_;
    const int samples = batch_size_now_ - first * kShard;
    pool_->parallel_for(n, [&](int i, int tid) { run_train_shard(first + i, tid); });
    shard_next_ = shards_in_batch_;
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
    if (cancel && cancel->load()) return;
    const Event ev = step();
    if (on_event) on_event(ev);
  }
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

std::map<std::string, std::string> Trainer::metadata() const {
  return {{"config", cfg_.to_json().dump()},
          {"epochs_done", std::to_string(epoch_)},
          {"history", history_json(history_).dump()},
          {"dataset", cfg_.dataset},
          {"noise", cfg_.noise.str()},
          {"baseline", Json::object({{"val_loss", baseline_.loss}, {"val_psnr", baseline_.psnr},
                                     {"val_ssim", baseline_.ssim}}).dump()}};
}

EvalResult evaluate(const Model& model, const ImageSet& val, const Noise& noise, uint64_t seed, LossKind loss,
                    int threads) {
  if (val.size() == 0) throw Error("no images to evaluate");
  const Shape in = model.input_shape();
  if (in.c != 1 || in.h != val.h || in.w != val.w)
    throw Error("the model expects " + std::to_string(in.h) + "×" + std::to_string(in.w) + " images, the data has " +
                std::to_string(val.h) + "×" + std::to_string(val.w));
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
