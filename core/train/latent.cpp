#include "train/latent.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "base/common.h"

namespace dae {

using MatD = Eigen::MatrixXd;
using MatF = Eigen::MatrixXf;

// ---- codes ---------------------------------------------------------------------------------------

void check_has_encoder(const Model& m) {
  if (m.encoder_layers() <= 0)
    throw Error("the model's architecture has no '|' (end of the encoder), so it has no code: " + m.spec());
}

Shape code_shape(const Model& m) {
  check_has_encoder(m);
  return m.layers()[m.encoder_layers()].in;
}

size_t code_size(const Model& m) { return code_shape(m).per_image(); }

void encode(const Model& m, const float* x, int n, float* z, Context& ctx) {
  check_has_encoder(m);
  m.run_layers(0, m.encoder_layers(), x, n, z, ctx);
}

void decode(const Model& m, const float* z, int n, float* y, Context& ctx) {
  check_has_encoder(m);
  m.run_layers(m.encoder_layers(), int(m.layers().size()), z, n, y, ctx);
}

Codes encode_set(const Model& m, const ImageSet& set, int count, ThreadPool& pool) {
  check_input(m, set.h, set.w, "the image set");
  if (count < 0 || size_t(count) > set.size())
    throw Error("asked for the codes of " + std::to_string(count) + " images of a set of " + std::to_string(set.size()));
  Codes c;
  c.n = count;
  c.dim = int(code_size(m));
  c.z.assign(size_t(count) * c.dim, 0.f);
  const size_t P = set.pixels_per_image();
  const int chunks = (count + kLatentChunk - 1) / kLatentChunk;
  std::vector<Context> ctx(pool.size());
  std::vector<std::vector<float>> x(pool.size(), std::vector<float>(P * kLatentChunk));
  pool.parallel_for(chunks, [&](int k, int t) {
    const int first = k * kLatentChunk, n = std::min(kLatentChunk, count - first);
    to_float(set.image(first), x[t].data(), P * n);
    encode(m, x[t].data(), n, c.z.data() + size_t(first) * c.dim, ctx[t]);
  });
  return c;
}

std::vector<float> mix_codes(const float* a, const float* b, int dim, float t) {
  std::vector<float> z(dim);
  for (int i = 0; i < dim; ++i) z[i] = (1.f - t) * a[i] + t * b[i];
  return z;
}

double knn_accuracy(const float* rows, int n, int dim, const std::vector<uint8_t>& labels, int k) {
  if (n < 2 || k < 1 || labels.size() < size_t(n)) throw Error("kNN accuracy needs 2 or more labelled rows");
  k = std::min(k, n - 1);
  const Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> x(rows, n, dim);
  const Eigen::VectorXf sq = x.rowwise().squaredNorm();
  constexpr int kBlock = 256;  // rows of distances at a time (n² would not fit for large n)
  int right = 0;
  std::vector<std::pair<float, int>> d(n);
  for (int b0 = 0; b0 < n; b0 += kBlock) {
    const int bn = std::min(kBlock, n - b0);
    const Eigen::MatrixXf g = x.middleRows(b0, bn) * x.transpose();  // bn × n dot products
    for (int r = 0; r < bn; ++r) {
      const int i = b0 + r;
      for (int j = 0; j < n; ++j) d[j] = {j == i ? INFINITY : std::max(0.f, sq[i] + sq[j] - 2 * g(r, j)), j};
      std::partial_sort(d.begin(), d.begin() + k, d.end());
      int votes[256] = {}, best = 0;
      for (int a = 0; a < k; ++a) ++votes[labels[size_t(d[a].second)]];
      for (int c = 1; c < 256; ++c)
        if (votes[c] > votes[best]) best = c;
      right += best == labels[size_t(i)];
    }
  }
  return double(right) / n;
}

// ---- PCA -------------------------------------------------------------------------------------------

void Pca::project(const float* row, double* p) const {
  for (int a = 0; a < k; ++a) {
    const double* c = components.data() + size_t(a) * dim;
    double s = 0;
    for (int j = 0; j < dim; ++j) s += (double(row[j]) - mean[j]) * c[j];
    p[a] = s;
  }
}

std::vector<double> Pca::project(const Codes& codes) const {
  MatF x(codes.n, dim);
  for (int i = 0; i < codes.n; ++i)
    for (int j = 0; j < dim; ++j) x(i, j) = float(codes.row(i)[j] - mean[j]);
  MatF c(dim, k);
  for (int a = 0; a < k; ++a)
    for (int j = 0; j < dim; ++j) c(j, a) = float(components[size_t(a) * dim + j]);
  const MatF p = x * c;  // n×k
  std::vector<double> out(size_t(codes.n) * k);
  for (int i = 0; i < codes.n; ++i)
    for (int a = 0; a < k; ++a) out[size_t(i) * k + a] = p(i, a);
  return out;
}

void Pca::inverse(const double* p, float* row) const {
  for (int j = 0; j < dim; ++j) {
    double s = mean[j];
    for (int a = 0; a < k; ++a) s += p[a] * components[size_t(a) * dim + j];
    row[j] = float(s);
  }
}

namespace {

// An orthonormal basis of the columns of `a` (its thin Q).
MatF orthonormal(const MatF& a) {
  Eigen::HouseholderQR<MatF> qr(a);
  return qr.householderQ() * MatF::Identity(a.rows(), a.cols());
}

// The top k eigenpairs of the symmetric matrix s, largest first, as (values, vectors in columns).
void top_eigen(const MatD& s, int k, Eigen::VectorXd& values, MatD& vectors) {
  Eigen::SelfAdjointEigenSolver<MatD> es(s);  // ascending
  const int m = int(s.rows());
  values.resize(k);
  vectors.resize(m, k);
  for (int a = 0; a < k; ++a) {
    values[a] = std::max(0.0, es.eigenvalues()[m - 1 - a]);
    vectors.col(a) = es.eigenvectors().col(m - 1 - a);
  }
}

// The top k right singular vectors of x (n×d, centred) as columns of `axes` (d×k) and the
// squared singular values: by block subspace iteration from a fixed random start, with
// `iterations` rounds of x·q, x^T·y and re-orthonormalisation (in float: the large products).
void subspace_axes(const MatF& x, int k, int iterations, Eigen::VectorXd& sq, MatD& axes) {
  const int d = int(x.cols()), b = std::min<int>(k + 10, std::min<int>(int(x.rows()), d));
  Rng rng(0x70636131ull);  // "pca1"
  MatF q(d, b);
  for (int j = 0; j < b; ++j)
    for (int i = 0; i < d; ++i) q(i, j) = rng.uniform(-1.f, 1.f);
  q = orthonormal(q);
  for (int it = 0; it < iterations; ++it) q = orthonormal(MatF(x.transpose() * orthonormal(MatF(x * q))));
  const MatD y = (x * q).cast<double>();  // n×b
  MatD v;
  top_eigen(y.transpose() * y, k, sq, v);
  axes = q.cast<double>() * v;
}

}  // namespace

Pca fit_pca(const Codes& codes, int k, int iterations) {
  const int n = codes.n, d = codes.dim;
  if (n < 2 || d < 1) throw Error("PCA needs at least 2 codes, got " + std::to_string(n));
  k = std::max(1, std::min({k, n, d}));
  Pca p;
  p.dim = d, p.k = k;
  p.mean.assign(d, 0.0);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < d; ++j) p.mean[j] += codes.row(i)[j];
  for (double& v : p.mean) v /= n;
  MatF x(n, d);  // centred
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < d; ++j) x(i, j) = float(codes.row(i)[j] - p.mean[j]);
  const double total = x.cast<double>().squaredNorm() / (n - 1);
  Eigen::VectorXd sq;
  MatD axes;  // d×k
  if (d <= kPcaExactDim) {
    const MatD xd = x.cast<double>();
    top_eigen(xd.transpose() * xd, k, sq, axes);
  } else {
    subspace_axes(x, k, iterations, sq, axes);
  }
  p.components.resize(size_t(k) * d);
  for (int a = 0; a < k; ++a) {
    int big = 0;  // the largest |entry| (the first of equals) is made positive
    for (int j = 1; j < d; ++j)
      if (std::abs(axes(j, a)) > std::abs(axes(big, a))) big = j;
    const double sign = axes(big, a) < 0 ? -1.0 : 1.0;
    for (int j = 0; j < d; ++j) p.components[size_t(a) * d + j] = sign * axes(j, a);
    p.variance.push_back(sq[a] / (n - 1));
    p.ratio.push_back(total > 0 ? p.variance.back() / total : 0.0);
  }
  return p;
}

// ---- the map ------------------------------------------------------------------------------------

const char* map_method_name(MapMethod m) { return m == MapMethod::Pca ? "pca" : "tsne"; }

MapMethod parse_map_method(const std::string& s) {
  if (s == "pca") return MapMethod::Pca;
  if (s == "tsne" || s == "t-sne") return MapMethod::Tsne;
  throw Error("map method must be pca or tsne, got '" + printable(s, 40) + "'");
}

std::string LatentMap::axis_label(int axis) const {
  char buf[96];
  if (method == MapMethod::Pca && axis < pca.k)
    std::snprintf(buf, sizeof buf, "PC%d (%.1f %% of variance)", axis + 1, 100.0 * pca.ratio[axis]);
  else
    std::snprintf(buf, sizeof buf, "t-SNE %d", axis + 1);
  return buf;
}

LatentMap make_map(const Codes& codes, MapMethod method, const TsneOptions& opt, ThreadPool& pool) {
  LatentMap map;
  map.method = method;
  if (method == MapMethod::Tsne) {
    map.xy = tsne(codes, opt, pool);
    return map;
  }
  map.pca = fit_pca(codes, 2);
  map.xy.assign(size_t(codes.n) * 2, 0.f);
  for (int i = 0; i < codes.n; ++i) {
    double p[2] = {0, 0};
    map.pca.project(codes.row(i), p);
    map.xy[2 * i] = float(p[0]);
    map.xy[2 * i + 1] = float(map.pca.k > 1 ? p[1] : 0.0);
  }
  return map;
}

std::vector<float> code_at(const LatentMap& map, const Codes& codes, double x, double y, int k) {
  if (codes.n < 1) throw Error("the map has no codes");
  if (map.method == MapMethod::Pca) {
    const double p[2] = {x, y};
    std::vector<float> z(codes.dim);
    map.pca.inverse(p, z.data());
    return z;
  }
  // The k nearest points (ties by index), weighted by 1 / distance.
  std::vector<std::pair<double, int>> near(codes.n);
  for (int i = 0; i < codes.n; ++i)
    near[i] = {std::hypot(map.xy[2 * i] - x, map.xy[2 * i + 1] - y), i};
  k = std::max(1, std::min(k, codes.n));
  std::partial_sort(near.begin(), near.begin() + k, near.end());
  if (near[0].first < 1e-12) return std::vector<float>(codes.row(near[0].second), codes.row(near[0].second) + codes.dim);
  std::vector<double> acc(codes.dim, 0.0);
  double wsum = 0;
  for (int a = 0; a < k; ++a) {
    const double w = 1.0 / near[a].first;
    const float* r = codes.row(near[a].second);
    for (int j = 0; j < codes.dim; ++j) acc[j] += w * r[j];
    wsum += w;
  }
  std::vector<float> z(codes.dim);
  for (int j = 0; j < codes.dim; ++j) z[j] = float(acc[j] / wsum);
  return z;
}

std::array<double, 2> place_on_map(const LatentMap& map, const Codes& codes, const float* z, int k) {
  if (map.method == MapMethod::Pca) {
    double p[2] = {0, 0};
    map.pca.project(z, p);
    return {p[0], map.pca.k > 1 ? p[1] : 0.0};
  }
  if (codes.n < 1) throw Error("the map has no codes");
  std::vector<std::pair<double, int>> near(codes.n);  // distance in the code space, index
  for (int i = 0; i < codes.n; ++i) {
    const float* r = codes.row(i);
    double d2 = 0;
    for (int j = 0; j < codes.dim; ++j) d2 += double(r[j] - z[j]) * double(r[j] - z[j]);
    near[i] = {std::sqrt(d2), i};
  }
  k = std::max(1, std::min(k, codes.n));
  std::partial_sort(near.begin(), near.begin() + k, near.end());
  if (near[0].first < 1e-12) return {map.xy[2 * near[0].second], map.xy[2 * near[0].second + 1]};
  double x = 0, y = 0, wsum = 0;
  for (int a = 0; a < k; ++a) {
    const double w = 1.0 / near[a].first;
    x += w * map.xy[2 * near[a].second], y += w * map.xy[2 * near[a].second + 1], wsum += w;
  }
  return {x / wsum, y / wsum};
}

}  // namespace dae
