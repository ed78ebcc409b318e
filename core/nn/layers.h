// layers.h — every layer of the network, forward and backward side by side (layers.cpp).
//
// Conventions
// - Tensors are NCHW float32 (tensor.h). A layer sees a *shard*: a few images (n ≤ 8) of
//   the batch. Shards are independent (there is no batch norm), which is what lets the
//   trainer run them on several threads and still give bit-identical results.
// - Parameters are not owned by layers: the model keeps all of them in one flat vector and
//   hands each layer a pointer to its slice (`p`), and to the matching slice of a gradient
//   vector (`dp`) in backward. Gradients are *accumulated* (+=) into `dp`.
// - backward(x, y, dy, dx): x is the forward input, y the forward output, dy = ∂L/∂y.
//   It writes dx = ∂L/∂x when dx != nullptr (the first layer's input needs none).
// - In-place layers (ReLU) get the same tensor as x and y, and the same as dy and dx.
// - Each layer names its PyTorch equivalent; parameter layouts are PyTorch's, so a model
//   file loads into the equivalent torch.nn.Sequential (README: "Model files").
#pragma once
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "base/tensor.h"
#include "base/workspace.h"
#include "nn/spec.h"

namespace dae {

// One parameter tensor of a layer, as stored in model files.
struct ParamSpec {
  std::string name;             // "weight" or "bias"
  std::vector<int64_t> shape;   // PyTorch layout
  size_t size() const { size_t s = 1; for (auto d : shape) s *= size_t(d); return s; }
  // Glorot-uniform limit sqrt(6 / (fan_in + fan_out)) as Keras computes it; 0 → zeros (biases).
  float glorot_limit = 0.f;
};

class Layer;

// What the rest of the code knows about a kind of layer: one entry per kind, in layers.cpp next
// to the layers themselves. The spec parser and printer, the summary, Model::spec() and the
// page's layer editor are all driven by this table.
struct LayerDef {
  enum Arg : unsigned {
    kUnits = 1,         // "conv32": a number of filters/units follows the token
    kKernel = 2,        // "k5": optional kernel size
    kPadding = 4,       // "/valid" or "/same"
    kShape = 8,         // "2x7x7": C×H×W
    kAlpha = 16,        // ":0.1": optional slope
    kTakesAct = 32,     // ":relu" / ":lrelu:0.1" / ":linear": the activation that follows (default relu)
    kIsActivation = 64, // elementwise; usable as another layer's ':act' suffix
  };
  LayerKind kind;
  const char* token;       // spec word, e.g. "conv"
  const char* alias;       // another accepted word ("maxpool"), or nullptr
  const char* keras;       // Keras class name (the summary's "type")
  const char* grammar;     // e.g. "conv<F>[k<K>][/valid][:act]" (errors, the editor's help, README)
  const char* help;        // what it does, one line (the editor's help and tooltips)
  unsigned args;           // Arg flags
  const char* units_name;  // "filters" or "units" (kUnits)
  // Builds the layer for input `in` (one image). Throws dae::Error on a shape it cannot take.
  std::unique_ptr<Layer> (*make)(const LayerSpec& s, const Shape& in);
  // Keras code (the code view, train/code_export.h): the name `activation=` takes when this
  // activation folds into the layer before it ("relu", "sigmoid"), nullptr when it stays a layer
  // of its own (LeakyReLU: its slope) or is no activation.
  const char* keras_act;
  // The Keras layer call(s) computing this layer on channels-last images, `act` (a keras_act or
  // "") as the activation= of a kTakesAct kind: {"layers.Conv2D(32, (3, 3), activation='relu',
  // padding='same')"}. Same function as the layer and the same parameter count; Flatten and
  // Reshape order values channels-last, as Keras does.
  std::vector<std::string> (*keras_code)(const LayerSpec& s, const std::string& act);
  bool has(Arg a) const { return (args & a) != 0; }
};
const std::vector<LayerDef>& layer_table();
const LayerDef& layer_def(LayerKind kind);
std::unique_ptr<Layer> make_layer(const LayerSpec& s, const Shape& in);  // layer_def(s.kind).make

// The Glorot-uniform limit for the weights of a layer with these fans (Keras' default initialiser).
inline float glorot(double fan_in, double fan_out) { return float(std::sqrt(6.0 / (fan_in + fan_out))); }

class Layer {
 public:
  virtual ~Layer() = default;
  virtual LayerSpec spec() const = 0;     // kind and arguments (has_act is false)
  virtual std::string torch() const = 0;  // PyTorch module, e.g. "nn.Conv2d(1, 32, 3, padding=1)"
  // Output shape for input shape `in` (n is carried through). Throws dae::Error if invalid.
  virtual Shape output_shape(const Shape& in) const = 0;
  virtual std::vector<ParamSpec> params(const Shape& /*in*/) const { return {}; }
  virtual bool in_place() const { return false; }
  // Multiply–accumulate count of forward for one image (for the FLOP budget in `bench`).
  virtual double macs(const Shape& /*in*/) const { return 0; }

  virtual void forward(const Tensor& x, Tensor& y, const float* p, Workspace& ws) const = 0;
  virtual void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx,
                        const float* p, float* dp, Workspace& ws) const = 0;

  LayerKind kind() const { return spec().kind; }
  const LayerDef& def() const { return layer_def(kind()); }
  std::string type() const { return def().keras; }    // Keras class name, e.g. "Conv2D" (summary)
  std::string token() const;                          // this layer in the spec grammar
};

// Conv2D: k×k kernel, stride 1, 'same' (zero padding, output = input size; for even k the
// extra row/column of padding goes at the end, as in Keras) or 'valid' (output = input − k + 1).
//   x (n, C, H, W) → y (n, O, Ho, Wo);  weight (O, C, k, k), bias (O)
// Computed per image as im2col + GEMM: col (Ho·Wo × C·k·k) · W^T (C·k·k × O).
std::unique_ptr<Layer> make_conv2d(int in_ch, int out_ch, int k, Padding pad);

// Conv2DTranspose with stride 2 (the upsampling decoder): output = 2 × input.
//   x (n, C, H, W) → y (n, O, 2H, 2W);  weight (C, O, k, k) [PyTorch's ConvTranspose2d layout], bias (O)
// y[o, 2i + a − p, 2j + b − p] += x[c, i, j] · w[c, o, a, b] with p = (k − 1) / 2, i.e.
// nn.ConvTranspose2d(C, O, k, stride=2, padding=p, output_padding=1). k must be odd.
std::unique_ptr<Layer> make_conv2d_transpose(int in_ch, int out_ch, int k);

// MaxPooling2D 2×2, stride 2, Keras padding='same': odd sizes round up (7 → 4) and the
// last window sees only the pixels that exist. = nn.MaxPool2d(2, ceil_mode=True).
// Backward routes each gradient to the first maximum of its window (row-major order).
std::unique_ptr<Layer> make_maxpool2();

// UpSampling2D ×2, nearest neighbour: y[c, i, j] = x[c, i/2, j/2]. = nn.Upsample(scale_factor=2).
std::unique_ptr<Layer> make_upsample2();

// Dense (fully connected): x (n, I, 1, 1) → y (n, O, 1, 1); weight (O, I), bias (O). = nn.Linear.
std::unique_ptr<Layer> make_dense(int in_features, int out_features);

// Flatten (n, C, H, W) → (n, C·H·W, 1, 1), = nn.Flatten(); Reshape is its inverse,
// = nn.Unflatten(1, (C, H, W)).
std::unique_ptr<Layer> make_flatten();
std::unique_ptr<Layer> make_reshape(int c, int h, int w);

// Activations (elementwise). ReLU and LeakyReLU run in place; Sigmoid keeps its input (the
// logits) so that binary cross-entropy can be computed from them stably (loss.h).
std::unique_ptr<Layer> make_relu();
std::unique_ptr<Layer> make_sigmoid();
// LeakyReLU: y = x for x > 0, alpha·x otherwise (0 ≤ alpha ≤ 1). = nn.LeakyReLU(alpha).
std::unique_ptr<Layer> make_leaky_relu(float alpha);

}  // namespace dae
