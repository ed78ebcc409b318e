// latent.h — the representation a model learned: the code of an image (the encoder's output, the
// layers before the spec's '|'), a 2-D map of many codes (PCA, or t-SNE), and images decoded
// back from codes, from points of the map and from mixes of two codes. For `dae latent` and the
// page's Latent panel: every function is deterministic (same inputs → same bits, for any thread
// count) and touches no shared state, so it can run on a helper thread with its own Context (on
// a model that does not change meanwhile: the page's snapshot).
// Costs natively, 2,000 MNIST codes of `seed` on 2 (shared) cores: encode_set 0.2–0.4 s, a PCA
// map ~0.5 s, a t-SNE map 2–3 s (its time grows with n²); code_at + decode of one point is one
// image's forward pass of the decoder.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data/data.h"
#include "nn/model.h"
#include "train/threadpool.h"

namespace dae {

// ---- codes ---------------------------------------------------------------------------------------
// Throws dae::Error when the model's spec has no '|' (no encoder to take codes from).
void check_has_encoder(const Model& m);
Shape code_shape(const Model& m);  // one code (n = 1), e.g. 1×64×7×7 for seed on 28×28
size_t code_size(const Model& m);  // its values: 3,136 for seed, 64 for dense

// n images (the model's input shape, contiguous) → n codes (code_size each), and back: decode
// runs the layers after '|', so decode(encode(x)) is predict(x) bit for bit for the same n.
void encode(const Model& m, const float* x, int n, float* z, Context& ctx);
void decode(const Model& m, const float* z, int n, float* y, Context& ctx);

// The codes of many images: n rows of dim values, row-major.
struct Codes {
  int n = 0, dim = 0;
  std::vector<float> z;
  const float* row(int i) const { return z.data() + size_t(i) * dim; }
};
// The codes of the first `count` images of `set` (clean, as 0..1 floats), in chunks of
// kLatentChunk images spread over `pool`'s threads (the chunks never depend on the thread count).
constexpr int kLatentChunk = 8;
Codes encode_set(const Model& m, const ImageSet& set, int count, ThreadPool& pool);

// (1 − t)·a + t·b for t in [0, 1]: t = 0 gives a and t = 1 gives b exactly.
std::vector<float> mix_codes(const float* a, const float* b, int dim, float t);

// How well codes (or map points) tell the classes apart: the share of rows whose class is the
// majority class of their k nearest other rows (Euclidean; ties of distance by index, ties of
// votes to the smaller class, as scikit-learn's KNeighborsClassifier). rows: n × dim.
double knn_accuracy(const float* rows, int n, int dim, const std::vector<uint8_t>& labels, int k = 5);

// ---- PCA -------------------------------------------------------------------------------------------
// The top principal axes of the rows of a matrix (centred; components as unit rows). Each
// component's sign makes its largest-|value| entry positive. Exact (eigenvectors of the
// covariance) for at most kPcaExactDim columns; otherwise `iterations` rounds of block subspace
// iteration from a fixed start, in float (16 rounds: components within 1e-6 of scikit-learn's).
constexpr int kPcaExactDim = 256;
struct Pca {
  int dim = 0, k = 0;
  std::vector<double> mean;        // dim
  std::vector<double> components;  // k × dim, row-major
  std::vector<double> variance;    // k: the variance along each axis (ddof 1, as sklearn)
  std::vector<double> ratio;       // k: variance / total variance
  // The k values of a row's position along the axes, and a row from them (mean + Σ p_i·c_i).
  void project(const float* row, double* p) const;
  std::vector<double> project(const Codes& codes) const;  // n × k (in float: for many rows)
  void inverse(const double* p, float* row) const;
};
Pca fit_pca(const Codes& codes, int k, int iterations = 16);

// ---- t-SNE ------------------------------------------------------------------------------------------
// van der Maaten & Hinton (2008), exact gradient: affinities P from Gaussians whose widths are
// found by binary search to the perplexity (over the 3·perplexity nearest neighbours, computed
// on the top 30 principal components, as the paper does), symmetrised; early exaggeration,
// momentum and per-coordinate gains (Jacobs 1988); started from the first two principal
// components (scaled to standard deviation 1e-4). Rows are spread over `pool`: the result is the
// same bits for every thread count.
struct TsneOptions {
  double perplexity = 30;
  int iterations = 750;  // as openTSNE: 250 exaggerated + 500
  int exaggeration_iterations = 250;
  double exaggeration = 12;
  double learning_rate = 0;  // 0: max(n / exaggeration / 4, 50), as scikit-learn's "auto"
  uint64_t seed = 0;         // breaks ties of the start
  // For a caller on another thread (the page): iterations done so far, and a flag that stops the
  // descent after the current iteration (the result is then the embedding so far).
  std::atomic<int>* progress = nullptr;
  const std::atomic<bool>* stop = nullptr;
};
std::vector<float> tsne(const Codes& codes, const TsneOptions& opt, ThreadPool& pool);  // n × 2

// The same descent in steps, for a caller that must not be held up for its whole length (the
// page runs a few dozen iterations per job, so the Draw pad's jobs go in between): after
// `opt.iterations` steps in any portions, points() is tsne()'s result, bit for bit.
class TsneRun {
 public:
  TsneRun(const Codes& codes, const TsneOptions& opt, ThreadPool& pool);  // the affinities
  ~TsneRun();
  void step(int iterations, ThreadPool& pool);  // at most this many more (fewer at the end)
  bool done() const;
  int iterations_done() const;
  std::vector<float> points() const;  // n × 2, as tsne() returns them

 private:
  struct State;
  std::unique_ptr<State> s_;
};

// ---- the map ------------------------------------------------------------------------------------
enum class MapMethod { Pca, Tsne };
const char* map_method_name(MapMethod m);  // "pca", "tsne"
MapMethod parse_map_method(const std::string& s);  // throws dae::Error

struct LatentMap {
  MapMethod method = MapMethod::Pca;
  std::vector<float> xy;  // n × 2, row-major: each code's point
  Pca pca;                // the fit behind a PCA map (2 axes)
  std::string axis_label(int axis) const;  // "PC1 (23.4 % of variance)", "t-SNE 2"
};
LatentMap make_map(const Codes& codes, MapMethod method, const TsneOptions& opt, ThreadPool& pool);

// The code behind a point of the map: on a PCA map the inverse projection; on a t-SNE map the
// mix of the k nearest codes weighted by inverse distance in the map (the code itself on a
// point). Decode it for the image.
std::vector<float> code_at(const LatentMap& map, const Codes& codes, double x, double y, int k = 5);

// Where a new code `z` (a drawn digit's) lies on the map: on a PCA map its projection; a t-SNE
// map has no projection, so the place is the mean of its k nearest codes' points (nearest in the
// code space), weighted by 1 / distance — the point of a code of the map itself.
std::array<double, 2> place_on_map(const LatentMap& map, const Codes& codes, const float* z, int k = 5);

}  // namespace dae
