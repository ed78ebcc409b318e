// tsne.cpp — t-SNE (latent.h), from L. van der Maaten and G. Hinton, "Visualizing Data using
// t-SNE", JMLR 9 (2008), with the sparse input affinities of van der Maaten, "Accelerating t-SNE
// using Tree-Based Algorithms", JMLR 15 (2014): each point's 3·perplexity nearest neighbours. The
// gradient is exact (every pair), computed row by row: a row's sums run in a fixed order whatever
// thread computes it, so the embedding is the same for every thread count.
#include <algorithm>
#include <cmath>
#include <limits>

#include "base/common.h"
#include "train/latent.h"

namespace dae {
namespace {

constexpr int kRowsPerTask = 32;
constexpr int kLanes = 16;        // the pair loop's independent sums (vectorised by the compiler)
constexpr int kInputDims = 30;    // the paper's PCA to 30 dimensions before the affinities

// Symmetric input affinities p_ij, sparse, row by row (CSR).
struct Affinities {
  std::vector<int> start, col;  // row i's entries are [start[i], start[i + 1])
  std::vector<float> p;
};

// Row i's conditional p_j|i over its neighbours (squared distances d2, ascending): the Gaussian's
// precision β found by bisection so that the entropy (nats) is log(perplexity).
void calibrate_row(const std::vector<double>& d2, double perplexity, std::vector<double>& p) {
  const double target = std::log(perplexity), inf = std::numeric_limits<double>::infinity();
  double beta = 1, lo = 0, hi = inf;
  p.assign(d2.size(), 0.0);
  for (int it = 0; it < 200; ++it) {
    double sum = 0, mean_d = 0;  // distances shifted by the nearest: exp never underflows to all-0
    for (size_t j = 0; j < d2.size(); ++j) {
      p[j] = std::exp(-beta * (d2[j] - d2[0]));
      sum += p[j];
      mean_d += p[j] * (d2[j] - d2[0]);
    }
    const double entropy = std::log(sum) + beta * mean_d / sum;
    for (double& v : p) v /= sum;
    if (std::abs(entropy - target) < 1e-5) break;
    if (entropy > target) lo = beta, beta = hi == inf ? beta * 2 : (beta + hi) / 2;
    else hi = beta, beta = (beta + lo) / 2;
  }
}

// Each row's nearest neighbours in x (n × dims, row-major) and their p_j|i, then
// p_ij = (p_j|i + p_i|j) / 2n.
Affinities affinities(const std::vector<double>& x, int n, int dims, double perplexity, ThreadPool& pool) {
  const int K = std::min(n - 1, std::max(1, int(3 * perplexity)));
  std::vector<int> nb(size_t(n) * K);
  std::vector<double> pc(size_t(n) * K);
  const int tasks = (n + kRowsPerTask - 1) / kRowsPerTask;
  pool.parallel_for(tasks, [&](int t, int) {
    std::vector<std::pair<double, int>> d(n);
    std::vector<double> d2(K), p;
    for (int i = t * kRowsPerTask; i < std::min(n, (t + 1) * kRowsPerTask); ++i) {
      for (int j = 0; j < n; ++j) {
        double s = 0;
        for (int c = 0; c < dims; ++c) {
          const double v = x[size_t(i) * dims + c] - x[size_t(j) * dims + c];
          s += v * v;
        }
        d[j] = {j == i ? std::numeric_limits<double>::infinity() : s, j};
      }
      std::partial_sort(d.begin(), d.begin() + K, d.end());  // ties: the lower index first
      for (int a = 0; a < K; ++a) d2[a] = d[a].first, nb[size_t(i) * K + a] = d[a].second;
      calibrate_row(d2, perplexity, p);
      std::copy(p.begin(), p.end(), pc.begin() + size_t(i) * K);
    }
  });
  struct Entry { int i, j; double v; };
  std::vector<Entry> e;
  e.reserve(size_t(2) * n * K);
  for (int i = 0; i < n; ++i)
    for (int a = 0; a < K; ++a) {
      const int j = nb[size_t(i) * K + a];
      const double v = pc[size_t(i) * K + a];
      e.push_back({i, j, v});
      e.push_back({j, i, v});
    }
  std::sort(e.begin(), e.end(), [](const Entry& a, const Entry& b) { return a.i != b.i ? a.i < b.i : a.j < b.j; });
  Affinities A;
  A.start.assign(n + 1, 0);
  for (size_t k = 0; k < e.size(); ++k) {
    if (k > 0 && e[k].i == e[k - 1].i && e[k].j == e[k - 1].j) {
      A.p.back() += float(e[k].v / (2.0 * n));
      continue;
    }
    A.col.push_back(e[k].j);
    A.p.push_back(float(e[k].v / (2.0 * n)));
    A.start[e[k].i + 1] = int(A.col.size());
  }
  for (int i = 0; i < n; ++i) A.start[i + 1] = std::max(A.start[i + 1], A.start[i]);
  return A;
}

// Rows [i0, i1) of the gradient: for each i, zrow[i] = Σ_j w_ij with w_ij = 1 / (1 + |y_i − y_j|²)
// (j = i included: 1), rep = Σ_j w_ij² (y_i − y_j), att = Σ_j p_ij w_ij (y_i − y_j).
void gradient_rows(const std::vector<float>& yx, const std::vector<float>& yy, const Affinities& A, int i0,
                   int i1, double* zrow, float* rep, float* att) {
  const int n = int(yx.size());
  for (int i = i0; i < i1; ++i) {
    const float xi = yx[i], yi = yy[i];
    float zs[kLanes] = {}, rx[kLanes] = {}, ry[kLanes] = {};
    int j = 0;
    for (; j + kLanes <= n; j += kLanes)
      for (int l = 0; l < kLanes; ++l) {
        const float dx = xi - yx[j + l], dy = yi - yy[j + l];
        const float w = 1.f / (1.f + dx * dx + dy * dy);
        zs[l] += w, rx[l] += w * w * dx, ry[l] += w * w * dy;
      }
    for (; j < n; ++j) {
      const float dx = xi - yx[j], dy = yi - yy[j];
      const float w = 1.f / (1.f + dx * dx + dy * dy);
      zs[0] += w, rx[0] += w * w * dx, ry[0] += w * w * dy;
    }
    double z = 0, sx = 0, sy = 0;
    for (int l = 0; l < kLanes; ++l) z += zs[l], sx += rx[l], sy += ry[l];
    double ax = 0, ay = 0;
    for (int k = A.start[i]; k < A.start[i + 1]; ++k) {
      const int c = A.col[k];
      const double dx = xi - yx[c], dy = yi - yy[c], w = 1.0 / (1.0 + dx * dx + dy * dy);
      ax += A.p[k] * w * dx, ay += A.p[k] * w * dy;
    }
    zrow[i] = z;
    rep[2 * i] = float(sx), rep[2 * i + 1] = float(sy);
    att[2 * i] = float(ax), att[2 * i + 1] = float(ay);
  }
}

// The codes' top principal components (30, or fewer when the codes have fewer dimensions), as
// n × dims doubles: the input of the affinities, and its first two columns the start.
std::vector<double> reduced(const Codes& codes, int& dims) {
  const Pca pca = fit_pca(codes, kInputDims, 4);
  dims = pca.k;
  return pca.project(codes);
}

// The start: the first two principal components scaled to standard deviation 1e-4 along the
// first (as openTSNE), plus a jitter of 1e-4 of that from the seed.
void start_points(const std::vector<double>& x, int n, int dims, uint64_t seed, std::vector<float>& yx,
                  std::vector<float>& yy) {
  double mean = 0, var = 0;
  for (int i = 0; i < n; ++i) mean += x[size_t(i) * dims];
  mean /= n;
  for (int i = 0; i < n; ++i) var += (x[size_t(i) * dims] - mean) * (x[size_t(i) * dims] - mean);
  const double sd = std::sqrt(var / n), scale = sd > 0 ? 1e-4 / sd : 1.0;
  Rng rng(mix_keys(seed, 0x74736E65ull));  // "tsne"
  yx.resize(n), yy.resize(n);
  for (int i = 0; i < n; ++i) {
    yx[i] = float(x[size_t(i) * dims] * scale + 1e-8 * rng.normal());
    yy[i] = float((dims > 1 ? x[size_t(i) * dims + 1] * scale : 0.0) + 1e-8 * rng.normal());
  }
}

}  // namespace

struct TsneRun::State {
  TsneOptions opt;
  int n = 0, it = 0;
  Affinities A;
  std::vector<float> yx, yy, rep, att, upd, gain;
  std::vector<double> zrow;
  float lr = 0;
};

TsneRun::TsneRun(const Codes& codes, const TsneOptions& opt, ThreadPool& pool) : s_(std::make_unique<State>()) {
  const int n = codes.n;
  if (n < 4) throw Error("t-SNE needs at least 4 codes, got " + std::to_string(n));
  if (!(opt.perplexity >= 1) || opt.perplexity > n - 1)
    throw Error("t-SNE: the perplexity must be between 1 and the number of codes − 1 (" + std::to_string(n - 1) + ")");
  State& S = *s_;
  S.opt = opt;
  S.n = n;
  int dims = 0;
  const std::vector<double> x = reduced(codes, dims);
  S.A = affinities(x, n, dims, opt.perplexity, pool);
  start_points(x, n, dims, opt.seed, S.yx, S.yy);
  S.lr = float(opt.learning_rate > 0 ? opt.learning_rate : std::max(n / opt.exaggeration / 4, 50.0));
  S.rep.assign(2 * size_t(n), 0.f), S.att.assign(2 * size_t(n), 0.f);
  S.upd.assign(2 * size_t(n), 0.f), S.gain.assign(2 * size_t(n), 1.f);
  S.zrow.assign(size_t(n), 0.0);
}

TsneRun::~TsneRun() = default;
bool TsneRun::done() const { return s_->it >= s_->opt.iterations; }
int TsneRun::iterations_done() const { return s_->it; }

void TsneRun::step(int iterations, ThreadPool& pool) {
  State& S = *s_;
  const int n = S.n, tasks = (n + kRowsPerTask - 1) / kRowsPerTask;
  for (int k = 0; k < iterations && !done(); ++k, ++S.it) {
    const bool early = S.it < S.opt.exaggeration_iterations;
    const float exag = early ? float(S.opt.exaggeration) : 1.f, momentum = early ? 0.5f : 0.8f;
    pool.parallel_for(tasks, [&](int t, int) {
      gradient_rows(S.yx, S.yy, S.A, t * kRowsPerTask, std::min(n, (t + 1) * kRowsPerTask), S.zrow.data(),
                    S.rep.data(), S.att.data());
    });
    double z = -double(n);  // without the n terms j = i
    for (double v : S.zrow) z += v;
    const float inv_z = float(1.0 / z);
    double mx = 0, my = 0;
    for (int i = 0; i < 2 * n; ++i) {
      const float g = 4.f * (exag * S.att[i] - S.rep[i] * inv_z);
      // Jacobs' gains: grow where the step keeps its direction, shrink where it turns.
      S.gain[i] = (g > 0) != (S.upd[i] > 0) ? S.gain[i] + 0.2f : std::max(S.gain[i] * 0.8f, 0.01f);
      S.upd[i] = momentum * S.upd[i] - S.lr * S.gain[i] * g;
      float& y = i % 2 ? S.yy[i / 2] : S.yx[i / 2];
      y += S.upd[i];
      (i % 2 ? my : mx) += y;
    }
    for (int i = 0; i < n; ++i) S.yx[i] -= float(mx / n), S.yy[i] -= float(my / n);
  }
}

std::vector<float> TsneRun::points() const {
  std::vector<float> out(2 * size_t(s_->n));
  for (int i = 0; i < s_->n; ++i) out[2 * i] = s_->yx[i], out[2 * i + 1] = s_->yy[i];
  return out;
}

std::vector<float> tsne(const Codes& codes, const TsneOptions& opt, ThreadPool& pool) {
  TsneRun run(codes, opt, pool);
  while (!run.done()) {
    run.step(1, pool);
    if (opt.progress) opt.progress->store(run.iterations_done());
    if (opt.stop && opt.stop->load()) break;
  }
  return run.points();
}

}  // namespace dae
