// model.h — a sequential network built from a short architecture spec, its parameters,
// the Keras-style summary, and the mapping to model files (safetensors).
//
// Architecture spec grammar (case-insensitive; tokens separated by spaces, commas or '-'):
//
//   spec   := layer { layer }          a '|' between layers marks the end of the encoder
//   layer  := "conv"  F ["k" K] ["/same" | "/valid"] [":" act]   Conv2D, F filters, K×K (default 3, 'same')
//           | "convt" F ["k" K] [":" act]                       Conv2DTranspose, stride 2 (output ×2)
//           | "dense" N [":" act]                               Dense with N units
//           | "pool"                                            MaxPooling2D 2×2 ('same')
//           | "up"                                              UpSampling2D ×2 (nearest)
//           | "flatten" | "reshape" C "x" H "x" W
//           | "relu" | "lrelu" [":" alpha] | "sigmoid"          a bare activation layer
//   act    := "relu" (default) | "lrelu" [":" alpha] | "sigmoid" | "linear" (no activation)
//
// The words, their arguments and their layers are the entries of layer_table() (layers.h);
// parse_spec / format_spec (layers.h) are its one parser and printer.
// Each conv/convt/dense is followed by its activation as a separate layer (so layer indices
// match torch.nn.Sequential and the names in model files). Presets (the table in model.cpp,
// `presets()`; `preset_spec` fills in the input's size):
//   seed        conv32 pool conv64 pool | conv64 up conv32 up conv1:sigmoid   (the worksheet, 74,497 params at 28×28)
//   deep        conv32 conv32 pool conv64 conv64 pool | conv64 conv64 up conv32 conv32 up conv1:sigmoid
//   transposed  conv32 pool conv64 pool | convt64 convt32 conv1:sigmoid
//   dense       flatten dense128 dense64 | dense128 dense<H·W>:linear reshape1x<H>x<W> sigmoid
//   best        conv24 conv24 pool conv48 conv48 pool | conv48 conv48 up conv24 conv24 up conv1:sigmoid
//               with its own training settings (Preset::training: 4 epochs, batch 16, lr 0.0015)
// The network must reconstruct its input: its output shape must equal the input shape.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nn/layers.h"
#include "nn/loss.h"
#include "formats/safetensors.h"

namespace dae {

// Per-thread buffers for running the model on a shard of images.
struct Context {
  std::vector<Tensor> acts;  // activation buffers (in-place layers share one)
  Tensor ga, gb;             // gradient ping-pong buffers
  Workspace ws;
};

struct LayerInfo {
  std::unique_ptr<Layer> layer;
  Shape in, out;                  // for one image (n = 1)
  std::vector<ParamSpec> params;  // in order weight, bias
  size_t offset = 0;              // into the flat parameter vector
  size_t num_params = 0;
  int act_in = 0, act_out = 0;    // indices into Context::acts
};

constexpr int kMaxInputSide = 512;  // images up to 512×512 (png.h decodes no larger)
constexpr size_t kMaxActivationsPerImage = size_t(32) << 20;  // all layer outputs of one image (128 MB)

// The training settings a preset was measured with (only `best` has them). Where a run's
// epochs / batch / lr are not given, they come from here (apply_preset_training, trainer.h).
struct PresetTraining {
  int epochs = 0;  // 0: the preset has no training settings of its own
  int batch = 0;
  double lr = 0;
};

struct Preset {
  const char* name;
  const char* spec;   // "{h}", "{w}", "{hw}": the input's height, width, their product
  const char* about;  // one line for the page and --help
  PresetTraining training;
};

class Model {
 public:
  // Builds the network for images of `channels`×`h`×`w` from a spec or a preset name.
  // Images are grayscale: channels must be 1 (the data, the page and the CLI are 1-channel
  // end to end).
  // Throws dae::Error with a message pointing at the bad token or shape.
  static Model build(const std::string& spec_or_preset, int channels, int h, int w);
  static std::string preset_spec(const std::string& name, int h, int w);  // "" if unknown
  static std::vector<std::string> preset_names();                         // seed deep transposed dense best
  static const std::vector<Preset>& presets();
  static const Preset* preset(const std::string& name);  // nullptr if `name` is not a preset

  Model() = default;
  Model(Model&&) = default;
  Model& operator=(Model&&) = default;
  // A copy with the same layers and weights (Model moves only: its layers are owned). For a
  // second thread that runs the model while this one changes its weights (Session::snapshot).
  Model clone() const;

  std::string spec() const;  // canonical spec (round-trips through build)
  const std::string& name() const { return name_; }  // preset name or "custom"
  Shape input_shape() const { return input_; }       // n = 1
  const std::vector<LayerInfo>& layers() const { return layers_; }
  int encoder_layers() const { return encoder_layers_; }  // layers before '|' (or -1)
  size_t num_params() const { return weights_.size(); }
  std::vector<float>& weights() { return weights_; }
  const std::vector<float>& weights() const { return weights_; }
  double macs_per_image() const;  // forward multiply–accumulates for one image
  // Bytes of the per-thread buffers (activations, gradients, scratch) for a shard of n images:
  // an estimate for memory budgets (trainer.h).
  double shard_memory(int n) const;
  bool ends_with_sigmoid() const;

  // Glorot-uniform weights (Keras' limit √(6 / (fan_in + fan_out))), zero biases, drawn from
  // one Rng(seed) in layer order: same seed → same weights on every platform.
  void init(uint64_t seed);

  // The Keras-style table: index, layer name (type), output shape, parameter count, totals
  // ("Total params: 74,497 (291.00 KB)").
  std::string summary() const;

  // ---- running it (n images of input_shape, contiguous NCHW) --------------------------------
  void predict(const float* x, int n, float* y, Context& ctx) const;
  // Runs layers [first, last) on n inputs of layers()[first].in, contiguous, into y (n outputs
  // of layers()[last - 1].out): the encoder is [0, encoder_layers()), the decoder the rest. The
  // same passes as predict, so decoding the encoder's output gives predict's output bit for bit.
  void run_layers(int first, int last, const float* x, int n, float* y, Context& ctx) const;
  // Forward + loss + backward. Returns the loss *sum* over the n images' pixels; adds
  // scale·∂sum/∂θ into grad (num_params values). With BCE and a final Sigmoid, the loss is
  // taken from the logits (loss.h: bce_logits).
  double train_shard(const float* x, const float* target, int n, LossKind loss, float scale,
                     float* grad, Context& ctx) const;
  // Forward + loss sum; the reconstruction is copied to `pred` when non-null.
  double eval_shard(const float* x, const float* target, int n, LossKind loss, float* pred,
                    Context& ctx) const;
  // The activations of the last forward call in ctx (index 0 = input, i + 1 = output of layer i).
  const Tensor& activation(const Context& ctx, int i) const;
  int num_activations() const { return int(layers_.size()) + 1; }

  // ---- model files ------------------------------------------------------------------------
  // Parameters as "layers.<i>.weight"/"layers.<i>.bias" (PyTorch layouts), plus metadata
  // "format" = "dae-model-1", "arch" (canonical spec), "input" ("1x28x28") and `extra`.
  SafeTensors to_safetensors(const std::map<std::string, std::string>& extra = {}) const;
  // Rebuilds the architecture from the metadata and checks every tensor against it (names,
  // shapes, none missing, none extra). Throws dae::Error; never returns a half-loaded model.
  static Model from_safetensors(const SafeTensors& st);
  void save(const std::string& path, const std::map<std::string, std::string>& extra = {}) const;
  static Model load(const std::string& path, std::map<std::string, std::string>* metadata = nullptr);

 private:
  void forward(Context& ctx) const { forward_range(0, int(layers_.size()), ctx); }
  void forward_range(int first, int last, Context& ctx) const;  // layers [first, last) on ctx.acts
  double loss_and_grad(const float* target, int n, LossKind loss, float scale, Tensor* g,
                       Context& ctx, bool* fused) const;

  std::string name_ = "custom";
  Shape input_;
  std::vector<LayerInfo> layers_;
  int encoder_layers_ = -1;
  int num_buffers_ = 0;
  std::vector<float> weights_;
};

// The one shape check at every entry (CLI commands, Session, page upload): the model's input
// against 1-channel images of h×w. Throws dae::Error naming both, e.g. "the model takes
// 1×32×32 images (channels×height×width), mnist has 1×28×28".
void check_input(const Model& m, int h, int w, const std::string& what);

}  // namespace dae
