// code_export.cpp — see code_export.h.
#include "train/code_export.h"

#include <cstdio>
#include <vector>

#include "base/common.h"
#include "formats/io.h"
#include "train/trainer.h"

namespace dae {
namespace {

// A word for a shell comment: as is when plain, else in single quotes ('\'' for a quote).
std::string shell_word(const std::string& s) {
  const std::string text = printable(s);
  if (!text.empty() && text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:-") ==
                           std::string::npos)
    return text;
  std::string q = "'";
  for (char c : text) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// "(28, 28, 1)": a one-image shape as Keras writes it (channels last).
std::string keras_shape(const Shape& s) {
  if (s.h == 1 && s.w == 1) return "(" + std::to_string(s.c) + ",)";
  return "(" + std::to_string(s.h) + ", " + std::to_string(s.w) + ", " + std::to_string(s.c) + ")";
}

const char* keras_loss(LossKind k) { return k == LossKind::BCE ? "binary_crossentropy" : "mean_squared_error"; }

// The preset the model is, also when it was built from its spec (a sweep's runs), else "custom".
std::string preset_of(const Model& m) {
  if (m.name() != "custom") return m.name();
  const Shape in = m.input_shape();
  for (const Preset& p : Model::presets()) {
    try {
      if (Model::build(p.name, 1, in.h, in.w).spec() == m.spec()) return p.name;
    } catch (const Error&) {  // a preset that does not fit these images
    }
  }
  return m.name();
}

// "# Keras code of the dae model "seed" (conv32 pool …): 74,497 parameters, input 28×28." — the
// first line of both programs.
std::string banner(const Model& m, const char* what) {
  return "# " + std::string(what) + " of the dae model \"" + printable(preset_of(m)) + "\" (" + m.spec() + "): " +
         thousands(m.num_params()) + " parameters, input " + dims(m.input_shape().h, m.input_shape().w) + ".\n";
}

// One "x = layers.…(x)" line per Keras call of the model's layers: an activation layer that
// follows a layer taking one (a conv's own ReLU) becomes that layer's activation=, as the
// summary folds it; the line before the encoder's end assigns `encoded`, the last `decoded`.
std::string keras_layers(const Model& m) {
  const auto& L = m.layers();
  const int bar = m.encoder_layers();
  std::vector<std::string> calls;
  std::vector<size_t> ends_layer;  // calls[j] is the last call of layer ends_layer[j], or npos
  for (size_t i = 0; i < L.size(); ++i) {
    const LayerDef& d = L[i].layer->def();
    std::string act;
    const bool folds = d.has(LayerDef::kTakesAct) && i + 1 < L.size() && int(i + 1) != bar &&
                       L[i + 1].layer->def().keras_act != nullptr;
    if (folds) act = L[i + 1].layer->def().keras_act;
    const std::vector<std::string> lines = d.keras_code(L[i].layer->spec(), act);
    for (size_t j = 0; j < lines.size(); ++j) {
      calls.push_back(lines[j]);
      ends_layer.push_back(j + 1 == lines.size() ? (folds ? i + 1 : i) : std::string::npos);
    }
    if (folds) ++i;
  }
  std::string out, prev = "input_img";
  for (size_t j = 0; j < calls.size(); ++j) {
    const bool encoder_end = bar > 0 && ends_layer[j] == size_t(bar - 1);
    const std::string var = j + 1 == calls.size() ? "decoded" : encoder_end ? "encoded" : "x";
    out += var + " = " + calls[j] + "(" + prev + ")\n";
    if (encoder_end)
      out += "# the bottleneck: " + keras_shape(L[size_t(bar)].in) + " = " + thousands(L[size_t(bar)].in.per_image()) +
             " values\n";
    prev = var;
  }
  return out;
}

}  // namespace

std::string py_str(const std::string& s) {
  std::string q = "'";
  for (unsigned char c : s) {
    if (c == '\\' || c == '\'') q += '\\', q += char(c);
    else if (c < 0x20 || c == 0x7f) {
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      q += b;
    } else q += char(c);
  }
  return q + "'";
}

void export_images(const std::string& dir, const std::string& part, const ImageSet& s, const Noise& noise,
                   uint64_t seed) {
  const size_t P = s.pixels_per_image();
  std::vector<float> noisy(s.size() * P), clean(s.size() * P);
  for (size_t i = 0; i < s.size(); ++i) {
    to_float(s.image(i), &clean[i * P], P);
    apply_noise(&clean[i * P], &noisy[i * P], P, noise, part == "val" ? val_noise_key(seed, i) : noise_key(seed, i));
  }
  write_file(dir + "/" + part + "_noisy.f32", noisy.data(), noisy.size() * 4);
  write_file(dir + "/" + part + "_clean.f32", clean.data(), clean.size() * 4);
}

std::string torch_run_line(double psnr, double noisy_psnr, size_t images, size_t params) {
  char b[160];
  std::snprintf(b, sizeof b, "validation PSNR %.2f dB (noisy input %.2f dB), %zu images, ", psnr, noisy_psnr, images);
  return b + thousands(params) + " parameters";
}

std::string export_command(const TrainConfig& cfg, const std::string& dir) {
  std::string cmd = "dae export";
  for (const char* k : {"dataset", "noise", "train", "val", "seed"}) cmd += std::string(" --") + k + " " + shell_word(cfg.text(k));
  return cmd + " --out " + shell_word(dir);
}

std::string keras_code(const Model& m, const TrainConfig& cfg, const std::string& data_dir) {
  const Shape in = m.input_shape();
  std::string s = banner(m, "Keras code");
  s += "import numpy as np\nfrom tensorflow import keras\nfrom tensorflow.keras import layers\n\n";
  s += "# The run's images, noisy and clean, as dae trained on them (the same split and noise): written by\n#   " +
       export_command(cfg, data_dir) + "\n";
  if (cfg.fresh_noise) s += "# (dae drew new noise every epoch, --fresh-noise; these are one noisy version)\n";
  s += "def load(name):\n    return np.fromfile(" + py_str(data_dir + "/") + " + name + '.f32', dtype='<f4').reshape(-1, " +
       std::to_string(in.h) + ", " + std::to_string(in.w) + ", 1)\n\n";
  s += "x_train, x_train_noisy = load('train_clean'), load('train_noisy')\n";
  s += "x_val, x_val_noisy = load('val_clean'), load('val_noisy')\n\n";
  s += "input_img = keras.Input(shape=" + keras_shape(in) + ")\n";
  s += keras_layers(m);
  s += "\nautoencoder = keras.Model(input_img, decoded)\n";
  s += "autoencoder.compile(optimizer=keras.optimizers.Adam(learning_rate=" + short_number(cfg.lr) + "), loss='" +
       keras_loss(cfg.loss) + "')\n";
  s += "autoencoder.summary()  # " + thousands(m.num_params()) + " parameters, as dae summary prints\n\n";
  s += "autoencoder.fit(x_train_noisy, x_train,\n                epochs=" + std::to_string(cfg.epochs) +
       ",\n                batch_size=" + std::to_string(cfg.batch) +
       ",\n                shuffle=True,\n                validation_data=(x_val_noisy, x_val))\n";
  return s;
}

TorchCode torch_code(const Model& m, const TrainConfig& cfg, const std::string& model_file, const std::string& data_dir) {
  TorchCode c;
  c.title = banner(m, "PyTorch code");
  c.helpers =
      "import json, struct\nimport numpy as np\nimport torch\nfrom torch import nn\n\n\n"
      "def load_dae(model, path):\n"
      "    \"\"\"Copies the weights of a dae .safetensors file into `model`: tensors layers.<i>.weight and\n"
      "    layers.<i>.bias (i = the index in the Sequential), little-endian float32, PyTorch layouts.\"\"\"\n"
      "    raw = open(path, 'rb').read()\n"
      "    n = struct.unpack('<Q', raw[:8])[0]\n"
      "    header = json.loads(raw[8:8 + n])\n"
      "    state = {}\n"
      "    for name, t in header.items():\n"
      "        if name != '__metadata__':\n"
      "            b, e = t['data_offsets']\n"
      "            data = np.frombuffer(raw[8 + n + b:8 + n + e], dtype='<f4').reshape(t['shape'])\n"
      "            state[name.removeprefix('layers.')] = torch.from_numpy(data.copy())\n"
      "    model.load_state_dict(state)\n"
      "    return header.get('__metadata__', {})\n\n\n"
      "def psnr(a, b):\n"
      "    \"\"\"PSNR of each image in dB, data range 1: 10·log10(1 / MSE), in float64; identical images\n"
      "    count as 100 dB (dae's cap).\"\"\"\n"
      "    mse = ((a.double() - b.double()) ** 2).flatten(1).mean(1)\n"
      "    return (10 * torch.log10(1 / mse)).clamp(max=100.0)\n\n\n"
      "def load_images(path, h, w):\n"
      "    return torch.from_numpy(np.fromfile(path, dtype='<f4').reshape(-1, 1, h, w))\n\n\n"
      "def evaluate(model, data_dir, h, w, batch=256):\n"
      "    \"\"\"Mean validation PSNR of the model's output and of the noisy input, both against the clean\n"
      "    images, per image and then averaged as dae does. Returns (outputs, psnr, noisy psnr).\"\"\"\n"
      "    noisy = load_images(data_dir + '/val_noisy.f32', h, w)\n"
      "    clean = load_images(data_dir + '/val_clean.f32', h, w)\n"
      "    model.eval()\n"
      "    with torch.no_grad():\n"
      "        out = torch.cat([model(x) for x in noisy.split(batch)])\n"
      "    return out, psnr(out, clean).mean().item(), psnr(noisy, clean).mean().item()\n";
  c.model = "model = nn.Sequential(\n";
  for (size_t i = 0; i < m.layers().size(); ++i)
    c.model += "    " + m.layers()[i].layer->torch() + ",  # " + std::to_string(i) + "\n";
  c.model += ")\n";
  const Shape in = m.input_shape();
  c.run = "# The run's validation images: " + export_command(cfg, data_dir) + "\n" +
          "load_dae(model, " + py_str(model_file) + ")\n" + "out, val_psnr, noisy_psnr = evaluate(model, " +
          py_str(data_dir) + ", " + std::to_string(in.h) + ", " + std::to_string(in.w) + ")\n" +
          "print(f'validation PSNR {val_psnr:.2f} dB (noisy input {noisy_psnr:.2f} dB), ' +\n"
          "      f'{len(out)} images, {sum(p.numel() for p in model.parameters()):,} parameters')\n";
  return c;
}

}  // namespace dae
