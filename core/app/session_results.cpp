// session_results.cpp — see session.h: the current model's results, drawings and inspection
// (first-layer filters, feature maps), from the Session or from a ModelSnapshot on another thread.
#include "app/session.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "train/metrics.h"

namespace dae {
namespace {

// Scales values to [0,1] by their min..max (constant → 0.5).
void normalise(float* v, size_t n) {
  if (!n) return;
  const auto [lo, hi] = std::minmax_element(v, v + n);
  const float a = *lo, b = *hi;
  for (size_t i = 0; i < n; ++i) v[i] = b > a ? (v[i] - a) / (b - a) : 0.5f;
}

}  // namespace

// =================================================================================================
// Session: results, drawing, inspection
// =================================================================================================

std::vector<size_t> Session::result_order(int count, uint64_t draw) const {
  std::vector<size_t> idx;
  if (!model_ || !val_ || val_->size() == 0) return idx;
  if (val_->h != model_->input_shape().h || val_->w != model_->input_shape().w) return idx;
  idx.resize(val_->size());
  std::iota(idx.begin(), idx.end(), size_t(0));
  if (draw) {
    Rng rng(mix_keys(draw, 0x67726964ull));
    rng.shuffle(idx.begin(), idx.end());
  }
  idx.resize(std::min<size_t>(size_t(std::max(count, 0)), idx.size()));
  return idx;
}

namespace {

// One model's forward pass on one image of its size. Throws on a size mismatch.
std::vector<float> forward_one(const Model& m, const std::vector<float>& image, Context& ctx) {
  const Shape in = m.input_shape();
  if (image.size() != in.per_image())
    throw Error("the model takes " + std::to_string(in.h) + "×" + std::to_string(in.w) + " = " +
                std::to_string(in.per_image()) + " pixels, got " + std::to_string(image.size()));
  std::vector<float> out(image.size());
  m.predict(image.data(), 1, out.data(), ctx);
  return out;
}

// The scores of a triple whose images are filled in (h×w each).
void score(Triple& t, int h, int w) {
  const size_t P = t.clean.size();
  t.psnr_noisy = psnr(t.noisy.data(), t.clean.data(), P);
  t.psnr_denoised = psnr(t.denoised.data(), t.clean.data(), P);
  t.ssim_noisy = ssim(t.noisy.data(), t.clean.data(), h, w);
  t.ssim_denoised = ssim(t.denoised.data(), t.clean.data(), h, w);
}

}  // namespace

// Session::result_row and ModelSnapshot::result_row: validation image `index` with the
// results' noise (its key from `seed`), through `m`.
Triple result_triple(const Model& m, const ImageSet* val, size_t index, const Noise& noise, uint64_t seed,
                     Context& ctx) {
  if (!val || index >= val->size()) throw Error("no validation image " + std::to_string(index));
  if (val->h != m.input_shape().h || val->w != m.input_shape().w)
    throw Error("the validation images do not have the model's size");
  const size_t P = val->pixels_per_image();
  Triple t;
  t.index = index;
  t.clean.resize(P);
  t.noisy.resize(P);
  to_float(val->image(index), t.clean.data(), P);
  apply_noise(t.clean.data(), t.noisy.data(), P, noise, val_noise_key(seed, index));
  t.denoised = forward_one(m, t.noisy, ctx);
  score(t, val->h, val->w);
  return t;
}

// Session::denoise_drawing and ModelSnapshot::denoise_drawing.
Triple drawing_triple(const Model& m, const std::vector<float>& image, uint64_t key, const Noise& noise,
                      Context& ctx) {
  Triple t;
  t.clean = image;
  t.noisy = Session::with_noise(image, noise, key);
  t.denoised = forward_one(m, t.noisy, ctx);
  score(t, m.input_shape().h, m.input_shape().w);
  return t;
}

Triple Session::result_row(size_t index) const {
  if (!model_) throw Error("no validation image " + std::to_string(index));
  return result_triple(*model_, val_.get(), index, cfg_.noise, cfg_.seed, ctx_);
}

Triple ModelSnapshot::result_row(size_t index, Context& ctx) const {
  return result_triple(*model, val.get(), index, noise, seed, ctx);
}

Triple ModelSnapshot::denoise_drawing(const std::vector<float>& image, uint64_t key, const Noise& n,
                                      Context& ctx) const {
  return drawing_triple(*model, image, key, n, ctx);
}

std::shared_ptr<const ModelSnapshot> Session::snapshot() const {
  if (!model_) return nullptr;
  const ModelSnapshot* s = snapshot_.get();
  if (s && s->revision == model_rev_ && s->val == val_ && s->seed == cfg_.seed && s->noise.kind == cfg_.noise.kind &&
      s->noise.amount == cfg_.noise.amount)
    return snapshot_;
  auto n = std::make_shared<ModelSnapshot>();
  n->model = std::make_shared<const Model>(model_->clone());
  n->val = val_;
  n->noise = cfg_.noise;
  n->seed = cfg_.seed;
  n->revision = model_rev_;
  snapshot_ = std::move(n);
  return snapshot_;
}

std::vector<Triple> Session::results(int count, uint64_t draw) const {
  std::vector<Triple> out;
  for (size_t i : result_order(count, draw)) out.push_back(result_row(i));
  return out;
}

std::vector<float> Session::with_noise(const std::vector<float>& clean, const Noise& noise, uint64_t key) {
  std::vector<float> out(clean.size());
  apply_noise(clean.data(), out.data(), clean.size(), noise, key);
  return out;
}

std::vector<float> Session::denoise(const std::vector<float>& image) const {
  if (!model_) throw Error("no model: train one or load a .safetensors file");
  return forward_one(*model_, image, ctx_);
}

Triple Session::denoise_drawing(const std::vector<float>& image, uint64_t key) const {
  return denoise_drawing(image, key, cfg_.noise);
}

Triple Session::denoise_drawing(const std::vector<float>& image, uint64_t key, const Noise& noise) const {
  if (!model_) throw Error("no model: train one or load a .safetensors file");
  return drawing_triple(*model_, image, key, noise, ctx_);
}

std::vector<float> Session::first_layer_filters(int& n, int& h, int& w) const {
  n = h = w = 0;
  if (!model_) return {};
  return dae::first_layer_filters(*model_, n, h, w);
}

std::vector<float> first_layer_filters(const Model& model, int& n, int& h, int& w) {
  n = h = w = 0;
  if (model.layers().empty()) return {};
  // The first layer with weights: a Conv2D's filters, or a Dense layer's units seen as images
  // of the input's size (after a Flatten).
  const LayerInfo* first = nullptr;
  for (const auto& l : model.layers())
    if (l.num_params) { first = &l; break; }
  if (!first) return {};
  const auto& shape = first->params[0].shape;
  const float* wts = model.weights().data() + first->offset;
  size_t per = 0;
  if (first->layer->kind() == LayerKind::Conv2D) {  // (O, C, k, k): channel 0 of each filter
    n = int(shape[0]);
    h = int(shape[2]);
    w = int(shape[3]);
    per = size_t(shape[1] * shape[2] * shape[3]);
  } else if (first->layer->kind() == LayerKind::Dense && first->in.c == int(model.input_shape().per_image())) {  // (O, I)
    n = int(shape[0]);
    h = model.input_shape().h;
    w = model.input_shape().w;
    per = size_t(shape[1]);
  } else {
    return {};
  }
  const size_t tile = size_t(h) * w;
  std::vector<float> out(size_t(n) * tile);
  for (int f = 0; f < n; ++f) {
    // Symmetric around grey: 0.5 ± w / (2·max|w|).
    const float* wf = wts + size_t(f) * per;
    float m = 0;
    for (size_t i = 0; i < tile; ++i) m = std::max(m, std::abs(wf[i]));
    for (size_t i = 0; i < tile; ++i) out[size_t(f) * tile + i] = m > 0 ? 0.5f + 0.5f * wf[i] / m : 0.5f;
  }
  return out;
}


// Session::feature_maps and ModelSnapshot::feature_maps.
std::vector<float> feature_maps(const Model& m, const std::vector<float>& image, int layer, int& channels, int& h,
                                int& w, Context& ctx) {
  if (layer < -1 || layer >= int(m.layers().size())) throw Error("no layer " + std::to_string(layer));
  forward_one(m, image, ctx);  // the activations are kept in ctx
  const Tensor& a = m.activation(ctx, layer + 1);
  channels = a.shape().c;
  h = a.shape().h;
  w = a.shape().w;
  std::vector<float> out(a.data(), a.data() + a.size());
  if (h == 1 && w == 1) {  // a vector of units: one strip
    normalise(out.data(), out.size());
    w = channels;
    channels = 1;
    return out;
  }
  const size_t plane = size_t(h) * w;
  for (int c = 0; c < channels; ++c) normalise(out.data() + size_t(c) * plane, plane);
  return out;
}

std::vector<float> Session::feature_maps(const std::vector<float>& image, int layer, int& channels, int& h,
                                         int& w) const {
  if (!model_) throw Error("no model: train one or load a .safetensors file");
  return dae::feature_maps(*model_, image, layer, channels, h, w, ctx_);
}

std::vector<float> ModelSnapshot::feature_maps(const std::vector<float>& image, int layer, int& channels, int& h,
                                               int& w, Context& ctx) const {
  return dae::feature_maps(*model, image, layer, channels, h, w, ctx);
}

}  // namespace dae
