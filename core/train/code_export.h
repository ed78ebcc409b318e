// code_export.h — the code view of "Hand it in": a model and its run's settings written as
// Keras code in the worksheet's style and as PyTorch code that loads the dae model file and
// scores it on the run's validation images the way train/metrics does. Generated from the layer
// table (nn/layers.h: each kind's Keras call and `torch()`), so a new layer kind needs nothing
// here. `dae code` prints these; the notebook (study/notebook.h) embeds them.
//
// Both read the run's exact data as `dae export` writes it (export_command): raw float32 files
// <dir>/{train,val}_{noisy,clean}.f32, images in [0, 1].
#pragma once
#include <string>

#include "nn/model.h"
#include "train/settings.h"

namespace dae {

// The command that writes the run's data for the code below (same split, noise and seed):
// "dae export --dataset mnist --noise gaussian:0.5 --train 8000 --val 2000 --seed 0 --out data".
std::string export_command(const TrainConfig& cfg, const std::string& dir);

// The Keras program: imports, the data (from `data_dir`, see export_command), the functional
// model (Input(shape=(H, W, 1)), a conv's activation layer folded into its activation=, the
// encoder's output named `encoded`, the last `decoded`), compile with Adam(learning_rate=cfg.lr)
// and cfg's loss, fit with cfg's epochs and batch. The same layers and parameter count as `m`.
std::string keras_code(const Model& m, const TrainConfig& cfg, const std::string& data_dir = "data");

// The PyTorch program in parts (the notebook puts the helpers in a cell of their own):
struct TorchCode {
  std::string title;    // "# PyTorch code of the dae model "seed" (…): 74,497 parameters, …"
  std::string helpers;  // imports; load_dae(model, path): a dae .safetensors file into a
                        // Sequential; psnr(a, b) per image; evaluate(model, data_dir, h, w)
  std::string model;    // "model = nn.Sequential(...)": each layer's torch(), commented by index
  std::string run;      // loads `model_file`, evaluates on `data_dir`, prints validation PSNR
  std::string all() const { return title + helpers + "\n\n" + model + "\n" + run; }
};
// The line `run` prints, as Python's format writes it: "validation PSNR 18.42 dB (noisy input
// 9.38 dB), 2000 images, 74,497 parameters".
std::string torch_run_line(double psnr, double noisy_psnr, size_t images, size_t params);
TorchCode torch_code(const Model& m, const TrainConfig& cfg, const std::string& model_file,
                     const std::string& data_dir = "data");

// What `dae export` writes for one part of a run ("train" or "val"): <dir>/<part>_noisy.f32 and
// <dir>/<part>_clean.f32, the images of `s` as float32 in [0, 1] with the noise the trainer gives
// them (validation images: val_noise_key; training images: noise_key, epoch 0).
void export_images(const std::string& dir, const std::string& part, const ImageSet& s, const Noise& noise,
                   uint64_t seed);

// A Python string literal of `s` ('…', with escapes): paths and labels inside generated code.
std::string py_str(const std::string& s);

}  // namespace dae
