// spec.h — one layer as the architecture spec writes it (LayerSpec), and the spec grammar: one
// parser and one printer (spec.cpp), driven by the layer table (layers.h). model.h documents the
// grammar.
#pragma once
#include <string>
#include <vector>

namespace dae {

enum class Padding { Same, Valid };

// Every kind of layer. Identity is this enum, never a name; everything else about a kind (its
// spec token, Keras class, editor hints, factory) is its entry in layer_table() (layers.h).
enum class LayerKind { Conv2D, Conv2DTranspose, Dense, MaxPool, UpSample, Flatten, Reshape, ReLU, LeakyReLU, Sigmoid };

constexpr float kLeakyAlpha = 0.3f;  // LeakyReLU's default slope (Keras' default; PyTorch's is 0.01)

// One layer as the architecture spec writes it: its kind and its arguments (model.h has the
// grammar). The page's layer list edits these; Layer::spec() gives one back for a built layer.
struct LayerSpec {
  LayerKind kind = LayerKind::Conv2D;
  int units = 32;                   // filters (conv, convt) or units (dense)
  int kernel = 3;                   // conv, convt: K×K
  Padding pad = Padding::Same;      // conv
  int c = 1, h = 28, w = 28;        // reshape
  // conv/convt/dense: the activation layer that follows it (the ':act' suffix), none = linear.
  bool has_act = true;
  LayerKind act = LayerKind::ReLU;
  float alpha = kLeakyAlpha;        // LeakyReLU's slope: of this layer, or of its ':lrelu' suffix
  bool bar_before = false;          // a '|' (end of the encoder) precedes this layer
  bool operator==(const LayerSpec& o) const;
};

constexpr int kMaxUnits = 4096, kMaxKernel = 15;

// The spec grammar, one parser and one printer (model.h documents it). A token is one layer
// with its activation suffix ("conv32:sigmoid"); a spec is tokens and at most one '|'.
LayerSpec parse_layer(const std::string& token);           // throws dae::Error naming the token
std::string format_layer(const LayerSpec& s);              // canonical token (no bar)
std::vector<LayerSpec> parse_spec(const std::string& spec);  // presets are not expanded
std::string format_spec(const std::vector<LayerSpec>& rows);  // round-trips through parse_spec
// The rows with the filters (units) of every conv, convt and dense layer but the last one
// multiplied by `factor` (rounded, at least 1): a wider or narrower network of the same shape.
std::vector<LayerSpec> widened(const std::vector<LayerSpec>& rows, double factor);
std::string layer_grammar();  // every kind's grammar, e.g. for "unknown layer" messages
// The shortest text that reads back as the same float ("0.3", not "0.300000012"): a slope as
// specs and PyTorch modules write it.
std::string format_alpha(float a);

}  // namespace dae
