#include "nn/model.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "base/common.h"

namespace dae {
namespace {

std::string lower(std::string s) {
  for (auto& ch : s) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string human_bytes(double b) {
  char buf[32];
  if (b < 1024) std::snprintf(buf, sizeof buf, "%.2f B", b);
  else if (b < 1024.0 * 1024) std::snprintf(buf, sizeof buf, "%.2f KB", b / 1024);
  else std::snprintf(buf, sizeof buf, "%.2f MB", b / (1024.0 * 1024));
  return buf;
}
std::string snake(const std::string& type) {  // "MaxPooling2D" → "max_pooling2d", "ReLU" → "re_lu"
  std::string out;
  for (size_t i = 0; i < type.size(); ++i) {
    const char ch = type[i];
    if (std::isupper(static_cast<unsigned char>(ch)) && i > 0 &&
        (std::islower(static_cast<unsigned char>(type[i - 1])) ||
         (i + 1 < type.size() && std::islower(static_cast<unsigned char>(type[i + 1])))))
      out += '_';
    out += char(std::tolower(static_cast<unsigned char>(ch)));
  }
  return out;
}

}  // namespace

// The presets, in the order the page lists them: name, spec ("{h}", "{w}" and "{hw}" stand for
// the input's height, width and their product), one line about it, and (`best`, issue 10) the
// training settings it was measured with (docs/experiments.md, bench/best.sh).
const std::vector<Preset>& Model::presets() {
  static const std::vector<Preset> p = {
      {"seed", "conv32 pool conv64 pool | conv64 up conv32 up conv1:sigmoid",
       "the worksheet's model: 2 convolutions per side, 32/64 filters", {}},
      {"deep", "conv32 conv32 pool conv64 conv64 pool | conv64 conv64 up conv32 conv32 up conv1:sigmoid",
       "4 convolutions per side, 32/64 filters (+0.9 dB, 2.4× the time)", {}},
      {"transposed", "conv32 pool conv64 pool | convt64 convt32 conv1:sigmoid",
       "the worksheet's encoder, Conv2DTranspose decoder", {}},
      {"dense", "flatten dense128 dense64 | dense128 dense{hw}:linear reshape1x{h}x{w} sigmoid",
       "a dense autoencoder (128-64-128), the baseline", {}},
      {"best", "conv24 conv24 pool conv48 conv48 pool | conv48 conv48 up conv24 conv24 up conv1:sigmoid",
       "4 convolutions per side, 24/48 filters, trained with batch 16, lr 0.0015, 4 epochs: "
       "+1.2 dB or more over seed on Devanagari in less time",
       PresetTraining{4, 16, 0.0015}},
  };
  return p;
}

std::vector<std::string> Model::preset_names() {
  std::vector<std::string> out;
  for (const Preset& p : presets()) out.push_back(p.name);
  return out;
}

const Preset* Model::preset(const std::string& name) {
  const std::string n = lower(name);
  for (const Preset& p : presets())
    if (n == p.name) return &p;
  return nullptr;
}

std::string Model::preset_spec(const std::string& name, int h, int w) {
  const Preset* p = preset(name);
  if (!p) return "";
  std::string spec = p->spec;
  const std::pair<const char*, int> sizes[] = {{"{hw}", h * w}, {"{h}", h}, {"{w}", w}};
  for (const auto& [key, value] : sizes)
    for (size_t at; (at = spec.find(key)) != std::string::npos;) spec.replace(at, std::strlen(key), std::to_string(value));
  return spec;
}

Model Model::clone() const {
  Model m = build(spec(), input_.c, input_.h, input_.w);
  m.name_ = name_;
  m.weights_ = weights_;
  return m;
}

Model Model::build(const std::string& spec_or_preset, int channels, int h, int w) {
  if (channels != 1 || h < 2 || w < 2 || h > kMaxInputSide || w > kMaxInputSide)
    throw Error("model: unsupported input " + std::to_string(channels) + "×" + std::to_string(h) + "×" + std::to_string(w));
  Model m;
  std::string spec = preset_spec(spec_or_preset, h, w);
  if (spec.empty()) spec = spec_or_preset;
  else m.name_ = lower(spec_or_preset);
  const std::vector<LayerSpec> rows = parse_spec(spec);  // throws on a bad token
  if (rows.empty()) throw Error("arch: empty architecture (try 'seed')");
  m.input_ = {1, channels, h, w};

  Shape cur = m.input_;
  int buffers = 1;  // acts[0] = input
  size_t num_params = 0;  // the weights are allocated once, when the whole network is known
  auto add = [&](std::unique_ptr<Layer> layer) {
    LayerInfo li;
    li.in = cur;
    li.out = layer->output_shape(cur);
    if (li.out.size() > (size_t(16) << 20)) throw Error("arch: layer " + layer->token() + " output is too large");
    li.params = layer->params(cur);
    li.offset = num_params;
    for (auto& p : li.params) li.num_params += p.size();
    num_params += li.num_params;
    if (num_params > (size_t(64) << 20)) throw Error("arch: more than 64M parameters");
    li.act_in = buffers - 1;
    if (!layer->in_place()) ++buffers;
    li.act_out = buffers - 1;
    li.layer = std::move(layer);
    cur = li.out;
    m.layers_.push_back(std::move(li));
  };
  for (const LayerSpec& r : rows) {
    if (r.bar_before) m.encoder_layers_ = int(m.layers_.size());
    try {
      add(make_layer(r, cur));
      if (r.has_act && layer_def(r.kind).has(LayerDef::kTakesAct)) {
        LayerSpec a;
        a.kind = r.act, a.alpha = r.alpha;
        add(make_layer(a, cur));
      }
    } catch (const Error& e) {
      std::string msg = e.what();
      if (msg.rfind("arch:", 0) != 0) msg = "arch: at '" + format_layer(r) + "': " + msg;
      throw Error(msg);
    }
  }
  if (m.layers_.size() > 128) throw Error("arch: more than 128 layers");
  // Running one image must fit comfortably (the Draw pad runs models from uploaded files).
  double acts = double(m.input_.per_image());
  for (const auto& l : m.layers_) acts += double(l.out.per_image());
  if (acts > double(kMaxActivationsPerImage))
    throw Error("arch: the layers' outputs for one image total " + thousands((unsigned long long)acts) +
                " values, more than " + thousands(kMaxActivationsPerImage) + " (use fewer filters or smaller images)");
  const Shape out = m.layers_.empty() ? m.input_ : m.layers_.back().out;
  if (out != m.input_)
    throw Error("arch: the output " + out.keras_str() + " must have the input's shape " + m.input_.keras_str() +
                " (an autoencoder reconstructs its input)");
  m.num_buffers_ = buffers;
  m.weights_.assign(num_params, 0.f);
  return m;
}

std::string Model::spec() const {
  std::vector<LayerSpec> rows;
  for (size_t i = 0; i < layers_.size(); ++i) {
    LayerSpec r = layers_[i].layer->spec();
    r.bar_before = int(i) == encoder_layers_;
    if (layer_def(r.kind).has(LayerDef::kTakesAct)) {
      // The activation right after it (not across the encoder's end) is its ':act' suffix.
      const bool next_act = i + 1 < layers_.size() && int(i + 1) != encoder_layers_ &&
                            layers_[i + 1].layer->def().has(LayerDef::kIsActivation);
      r.has_act = next_act;
      if (next_act) {
        const LayerSpec a = layers_[++i].layer->spec();
        r.act = a.kind, r.alpha = a.alpha;
      }
    }
    rows.push_back(r);
  }
  return format_spec(rows);
}

double Model::macs_per_image() const {
  double total = 0;
  for (const auto& l : layers_) total += l.layer->macs(l.in);
  return total;
}

void check_input(const Model& m, int h, int w, const std::string& what) {
  const Shape in = m.input_shape();
  if (in.c == 1 && in.h == h && in.w == w) return;
  throw Error("the model takes " + std::to_string(in.c) + "×" + std::to_string(in.h) + "×" + std::to_string(in.w) +
              " images (channels×height×width); " + what + " has 1×" + std::to_string(h) + "×" + std::to_string(w));
}

double Model::shard_memory(int n) const {
  double acts = double(input_.per_image()), largest = acts, scratch = 0;
  for (const auto& l : layers_) {
    const double out = double(l.out.per_image());
    if (!l.layer->in_place()) acts += out;
    largest = std::max(largest, out);
    // im2col scratch of a convolution: one row per output position, one column per tap.
    const double chans = std::max(1, std::min(l.in.c, l.out.c));
    scratch = std::max(scratch, l.layer->macs(l.in) / chans);
  }
  return 4.0 * (n * (acts + 2 * largest) + 2 * scratch);  // the scratch is per image, reused
}

bool Model::ends_with_sigmoid() const {
  return !layers_.empty() && layers_.back().layer->kind() == LayerKind::Sigmoid;
}

void Model::init(uint64_t seed) {
  Rng rng(mix_keys(seed, 0x696E6974ull));  // "init"
  for (const auto& l : layers_) {
    float* p = weights_.data() + l.offset;
    for (const auto& ps : l.params) {
      const size_t n = ps.size();
      for (size_t i = 0; i < n; ++i) p[i] = ps.glorot_limit > 0 ? rng.uniform(-ps.glorot_limit, ps.glorot_limit) : 0.f;
      p += n;
    }
  }
}

std::string Model::summary() const {
  const int W1 = 5, W2 = 34, W3 = 24;
  std::ostringstream os;
  auto row = [&](const std::string& a, const std::string& b, const std::string& c, const std::string& d) {
    char buf[256];
    std::snprintf(buf, sizeof buf, " %-*s%-*s%-*s%s", W1 - 1, a.c_str(), W2, b.c_str(), W3, c.c_str(), d.c_str());
    os << buf << "\n";
  };
  const std::string line(W1 + W2 + W3 + 12, '_'), dline(W1 + W2 + W3 + 12, '=');
  os << "Model: \"" << name_ << "\"  (" << spec() << ")\n" << line << "\n";
  row("#", "Layer (type)", "Output Shape", "Param #");
  os << dline << "\n";
  auto shape_str = [](const Shape& s) {
    std::string k = s.keras_str();
    return "(None, " + k.substr(1);
  };
  row("", "input (InputLayer)", shape_str(input_), "0");
  std::map<std::string, int> counts;
  // As Keras prints Conv2D(..., activation='relu'): a layer's own activation is part of its row.
  auto is_act = [&](size_t i) { return layers_[i].layer->def().has(LayerDef::kIsActivation); };
  for (size_t i = 0; i < layers_.size(); ++i) {
    if (int(i) == encoder_layers_) {
      const Shape& b = layers_[i].in;
      os << "  ---- encoder | decoder ---- bottleneck " << shape_str(b) << " = " << thousands(b.per_image())
         << " values\n";
    }
    if (i > 0 && is_act(i) && layers_[i - 1].num_params > 0 && int(i) != encoder_layers_) continue;  // folded
    const Layer& l = *layers_[i].layer;
    std::string nm = snake(l.type());
    const int c = counts[nm]++;
    if (c) nm += "_" + std::to_string(c);
    row(std::to_string(i), nm + " (" + l.type() + ")", shape_str(layers_[i].out), thousands(layers_[i].num_params));
  }
  os << dline << "\n";
  const size_t n = num_params();
  os << "Total params: " << thousands(n) << " (" << human_bytes(4.0 * n) << ")\n";
  os << "Trainable params: " << thousands(n) << " (" << human_bytes(4.0 * n) << ")\n";
  os << "Non-trainable params: 0 (0.00 B)\n" << line << "\n";
  return os.str();
}

// ---- running ----------------------------------------------------------------------------------

const Tensor& Model::activation(const Context& ctx, int i) const {
  return ctx.acts.at(i == 0 ? 0 : layers_.at(i - 1).act_out);
}

void Model::forward_range(int first, int last, Context& ctx) const {
  for (int i = first; i < last; ++i) {
    const LayerInfo& l = layers_[i];
    l.layer->forward(ctx.acts[l.act_in], ctx.acts[l.act_out], weights_.data() + l.offset, ctx.ws);
  }
}

static void load_input(Context& ctx, int buffers, const Shape& in, const float* x, int n) {
  if (int(ctx.acts.size()) < buffers) ctx.acts.resize(buffers);
  ctx.acts[0].resize(in.with_n(n));
  std::copy(x, x + in.per_image() * n, ctx.acts[0].data());
}

void Model::predict(const float* x, int n, float* y, Context& ctx) const {
  load_input(ctx, num_buffers_, input_, x, n);
  forward(ctx);
  const Tensor& out = activation(ctx, num_activations() - 1);
  std::copy(out.data(), out.data() + out.size(), y);
}

void Model::run_layers(int first, int last, const float* x, int n, float* y, Context& ctx) const {
  if (first < 0 || first > last || last > int(layers_.size())) throw Error("model: no layers " + std::to_string(first) + ".." + std::to_string(last));
  const Shape in = first < int(layers_.size()) ? layers_[first].in : layers_.back().out;
  const Shape out = last > 0 ? layers_[last - 1].out : input_;
  if (first == last) {
    std::copy(x, x + in.per_image() * n, y);
    return;
  }
  if (int(ctx.acts.size()) < num_buffers_) ctx.acts.resize(num_buffers_);
  Tensor& t = ctx.acts[layers_[first].act_in];
  t.resize(in.with_n(n));
  std::copy(x, x + in.per_image() * n, t.data());
  forward_range(first, last, ctx);
  const Tensor& o = ctx.acts[layers_[last - 1].act_out];
  std::copy(o.data(), o.data() + out.per_image() * n, y);
}

double Model::loss_and_grad(const float* target, int n, LossKind loss, float scale, Tensor* g, Context& ctx,
                            bool* fused) const {
  const Tensor& out = activation(ctx, num_activations() - 1);
  const size_t count = size_t(n) * input_.per_image();
  if (g) g->resize(out.shape());
  float* gp = g ? g->data() : nullptr;
  *fused = loss == LossKind::BCE && ends_with_sigmoid();
  if (*fused) {
    const Tensor& z = activation(ctx, num_activations() - 2);
    return bce_logits(z.data(), out.data(), target, count, scale, gp);
  }
  if (loss == LossKind::BCE) return bce_probs(out.data(), target, count, scale, gp);
  return mse(out.data(), target, count, scale, gp);
}

double Model::train_shard(const float* x, const float* target, int n, LossKind loss, float scale, float* grad,
                          Context& ctx) const {
  load_input(ctx, num_buffers_, input_, x, n);
  forward(ctx);
  bool fused = false;
  Tensor* g = &ctx.ga;
  const double sum = loss_and_grad(target, n, loss, scale, g, ctx, &fused);
  // With the fused BCE, g is already ∂L/∂(sigmoid input): skip the sigmoid's backward.
  for (int i = int(layers_.size()) - 1 - (fused ? 1 : 0); i >= 0; --i) {
    const LayerInfo& l = layers_[i];
    Tensor* dx = nullptr;
    if (i > 0) dx = l.layer->in_place() ? g : (g == &ctx.ga ? &ctx.gb : &ctx.ga);
    l.layer->backward(ctx.acts[l.act_in], ctx.acts[l.act_out], *g, dx, weights_.data() + l.offset,
                      grad + l.offset, ctx.ws);
    g = dx;
  }
  return sum;
}

double Model::eval_shard(const float* x, const float* target, int n, LossKind loss, float* pred,
                         Context& ctx) const {
  load_input(ctx, num_buffers_, input_, x, n);
  forward(ctx);
  bool fused = false;
  const double sum = loss_and_grad(target, n, loss, 0.f, nullptr, ctx, &fused);
  if (pred) {
    const Tensor& out = activation(ctx, num_activations() - 1);
    std::copy(out.data(), out.data() + out.size(), pred);
  }
  return sum;
}

// ---- model files ----------------------------------------------------------------------------

SafeTensors Model::to_safetensors(const std::map<std::string, std::string>& extra) const {
  SafeTensors st;
  st.metadata = extra;
  st.metadata["format"] = "dae-model-1";
  st.metadata["arch"] = spec();
  st.metadata["preset"] = name_;
  st.metadata["input"] = std::to_string(input_.c) + "x" + std::to_string(input_.h) + "x" + std::to_string(input_.w);
  for (size_t i = 0; i < layers_.size(); ++i) {
    const float* p = weights_.data() + layers_[i].offset;
    for (const auto& ps : layers_[i].params) {
      NamedTensor t;
      t.name = "layers." + std::to_string(i) + "." + ps.name;
      t.shape = ps.shape;
      t.data.assign(p, p + ps.size());
      p += ps.size();
      st.tensors.push_back(std::move(t));
    }
  }
  return st;
}

Model Model::from_safetensors(const SafeTensors& st) {
  auto it = st.metadata.find("arch");
  if (it == st.metadata.end())
    throw Error("model file: no 'arch' in __metadata__ (not a dae model; PyTorch-made files need arch and input)");
  auto in = st.metadata.find("input");
  if (in == st.metadata.end()) throw Error("model file: no 'input' in __metadata__");
  // "1x28x28": three positive integers of at most 4 digits, nothing else.
  int dims[3] = {0, 0, 0};
  {
    const std::string& t = in->second;
    size_t pos = 0;
    bool ok = true;
    for (int k = 0; k < 3 && ok; ++k) {
      const size_t start = pos;
      while (pos < t.size() && pos - start < 5 && std::isdigit(static_cast<unsigned char>(t[pos])))
        dims[k] = dims[k] * 10 + (t[pos++] - '0');
      ok = pos > start && pos - start <= 4 && dims[k] > 0 && (k == 2 ? pos == t.size() : pos < t.size() && t[pos++] == 'x');
    }
    if (!ok) throw Error("model file: bad input '" + printable(t, 40) + "' in __metadata__ (expected CxHxW, e.g. 1x28x28)");
  }
  const int c = dims[0], h = dims[1], w = dims[2];
  if (c != 1)
    throw Error("model file: the model's input has " + std::to_string(c) +
                " channels; dae works with 1-channel (grayscale) images");
  Model m = build(it->second, c, h, w);
  auto pn = st.metadata.find("preset");
  if (pn != st.metadata.end() && !preset_spec(pn->second, h, w).empty() &&
      build(pn->second, c, h, w).spec() == m.spec())
    m.name_ = pn->second;
  size_t expected = 0;
  for (size_t i = 0; i < m.layers_.size(); ++i) {
    float* p = m.weights_.data() + m.layers_[i].offset;
    for (const auto& ps : m.layers_[i].params) {
      const std::string name = "layers." + std::to_string(i) + "." + ps.name;
      const NamedTensor* t = st.find(name);
      if (!t) throw Error("model file: tensor '" + name + "' is missing");
      if (t->shape != ps.shape) {
        std::string got, want;
        for (auto d : t->shape) got += (got.empty() ? "" : ", ") + std::to_string(d);
        for (auto d : ps.shape) want += (want.empty() ? "" : ", ") + std::to_string(d);
        throw Error("model file: tensor '" + name + "' has shape (" + got + "), the architecture needs (" + want + ")");
      }
      std::copy(t->data.begin(), t->data.end(), p);
      p += ps.size();
      ++expected;
    }
  }
  if (st.tensors.size() != expected) {
    for (const auto& t : st.tensors) {
      bool known = false;
      for (size_t i = 0; i < m.layers_.size() && !known; ++i)
        for (const auto& ps : m.layers_[i].params)
          if (t.name == "layers." + std::to_string(i) + "." + ps.name) known = true;
      if (!known) throw Error("model file: unexpected tensor '" + t.name + "' for architecture '" + m.spec() + "'");
    }
  }
  for (float v : m.weights_)
    if (!std::isfinite(v)) throw Error("model file: weights contain NaN or infinity");
  return m;
}

void Model::save(const std::string& path, const std::map<std::string, std::string>& extra) const {
  save_safetensors(path, to_safetensors(extra));
}

Model Model::load(const std::string& path, std::map<std::string, std::string>* metadata) {
  SafeTensors st = load_safetensors(path);
  Model m = from_safetensors(st);
  if (metadata) *metadata = st.metadata;
  return m;
}

}  // namespace dae
