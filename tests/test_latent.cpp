// The representation (train/latent.h): codes, decoding, PCA against scikit-learn, t-SNE, maps and
// the points behind them; the CLI's `dae latent` is in test_cli.cpp.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "base/common.h"
#include "train/latent.h"
#include "test_util.h"

#ifndef DAE_TEST_TMP_DIR
#define DAE_TEST_TMP_DIR "/tmp"
#endif
#ifndef DAE_TEST_ASSETS_DIR
#define DAE_TEST_ASSETS_DIR ""
#endif

using namespace dae;
namespace fs = std::filesystem;

namespace {

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// n images of the model's input with smooth strokes (so the codes are not all zero).
std::vector<float> images(const Model& m, int n, uint64_t seed) {
  const Shape in = m.input_shape();
  std::vector<float> x(in.per_image() * n);
  Rng rng(seed);
  for (auto& v : x) v = std::max(0.f, rng.uniform(-0.5f, 1.f));
  return x;
}

Model model_of(const char* arch, uint64_t seed) {
  Model m = Model::build(arch, 1, 28, 28);
  m.init(seed);
  for (size_t i = 0; i < m.weights().size(); ++i) m.weights()[i] += 0.01f * float(int(i % 5) - 2);  // non-zero biases
  return m;
}

// Three Gaussian blobs in `dims` dimensions, `per` points each, centres 10 apart.
Codes blobs(int per, int dims, uint64_t seed, std::vector<int>& label) {
  Codes c;
  c.n = 3 * per, c.dim = dims;
  Rng rng(seed);
  label.clear();
  for (int k = 0; k < 3; ++k)
    for (int i = 0; i < per; ++i) {
      for (int j = 0; j < dims; ++j) c.z.push_back((j == k ? 10.f : 0.f) + rng.normal());
      label.push_back(k);
    }
  return c;
}

// Leave-one-out accuracy of the majority class of the k nearest other points in the 2-D map.
double knn_accuracy(const std::vector<float>& xy, const std::vector<int>& label, int k) {
  const int n = int(label.size());
  int right = 0;
  for (int i = 0; i < n; ++i) {
    std::vector<std::pair<double, int>> d;
    for (int j = 0; j < n; ++j)
      if (j != i) d.push_back({std::hypot(xy[2 * i] - xy[2 * j], xy[2 * i + 1] - xy[2 * j + 1]), label[j]});
    std::partial_sort(d.begin(), d.begin() + k, d.end());
    std::vector<int> votes(3, 0);
    for (int a = 0; a < k; ++a) ++votes[d[a].second];
    right += int(std::max_element(votes.begin(), votes.end()) - votes.begin()) == label[i];
  }
  return double(right) / n;
}

}  // namespace

// The decoder of a code gives the model's own output bit for bit; encode has the code's shape.
TEST(Latent, DecodeOfCodeIsTheModelOutputBitForBit) {
  const std::map<std::string, size_t> sizes = {{"seed", 3136}, {"dense", 64}, {"transposed", 3136}, {"deep", 3136}};
  for (const auto& [arch, size] : sizes) {
    SCOPED_TRACE(arch);
    const Model m = model_of(arch.c_str(), 5);
    EXPECT_EQ(code_size(m), size);
    for (int n : {1, 8}) {
      const std::vector<float> x = images(m, n, 11);
      std::vector<float> y(x.size()), z(code_size(m) * n), back(x.size());
      Context c1, c2;
      m.predict(x.data(), n, y.data(), c1);
      encode(m, x.data(), n, z.data(), c2);
      decode(m, z.data(), n, back.data(), c2);
      EXPECT_TRUE(same_bits(y, back)) << "n " << n;
      double energy = 0;
      for (float v : z) energy += std::abs(v);
      EXPECT_GT(energy, 0.0);  // real codes, not zeros
    }
  }
  EXPECT_ERROR_HAS(code_size(Model::build("conv4 conv1:sigmoid", 1, 28, 28)), "no '|'");
}

// Mixing codes: t = 0 and t = 1 decode to exactly a's and b's images; t = 0.5 to something else.
TEST(Latent, InterpolationEndsAreTheCodes) {
  const Model m = model_of("seed", 2);
  const std::vector<float> x = images(m, 2, 3);
  const int dim = int(code_size(m)), P = int(m.input_shape().per_image());
  std::vector<float> z(2 * dim), ya(P), yb(P), y0(P), y1(P), yh(P);
  Context ctx;
  encode(m, x.data(), 2, z.data(), ctx);
  decode(m, z.data(), 1, ya.data(), ctx);
  decode(m, z.data() + dim, 1, yb.data(), ctx);
  decode(m, mix_codes(z.data(), z.data() + dim, dim, 0.f).data(), 1, y0.data(), ctx);
  decode(m, mix_codes(z.data(), z.data() + dim, dim, 1.f).data(), 1, y1.data(), ctx);
  decode(m, mix_codes(z.data(), z.data() + dim, dim, 0.5f).data(), 1, yh.data(), ctx);
  EXPECT_TRUE(same_bits(y0, ya));
  EXPECT_TRUE(same_bits(y1, yb));
  EXPECT_FALSE(same_bits(yh, ya));
  EXPECT_FALSE(same_bits(yh, yb));
}

// Codes of a set: the same bits on 1 and 2 threads, and equal to encoding each chunk by hand.
TEST(Latent, MapsAreTheSameOnOneAndTwoThreads) {
  const Model m = model_of("seed", 4);
  ImageSet set;
  set.h = set.w = 28;
  Rng rng(9);
  for (int i = 0; i < 60; ++i) {
    std::vector<uint8_t> px(784);
    for (auto& p : px) p = uint8_t(rng.below(256));
    set.append(px.data(), uint8_t(i % 3));
  }
  ThreadPool one(1), two(2);
  const Codes c1 = encode_set(m, set, 60, one), c2 = encode_set(m, set, 60, two);
  EXPECT_TRUE(same_bits(c1.z, c2.z));
  TsneOptions opt;
  opt.perplexity = 10, opt.iterations = 300;
  for (MapMethod method : {MapMethod::Pca, MapMethod::Tsne}) {
    const LatentMap a = make_map(c1, method, opt, one), b = make_map(c1, method, opt, two);
    EXPECT_TRUE(same_bits(a.xy, b.xy)) << map_method_name(method);
    EXPECT_EQ(a.xy.size(), 120u);
  }
}

// PCA against scikit-learn's (svd_solver='full') on the same codes: both the exact path
// (dense's 64-value codes) and subspace iteration (seed's 3,136).
TEST(Latent, PcaMatchesScikitLearn) {
  if (!dae_test::python_has("sklearn")) GTEST_SKIP() << "scikit-learn not installed";
  for (const char* arch : {"dense", "seed"}) {
    SCOPED_TRACE(arch);
    const Model m = model_of(arch, 7);
    const int n = 300;
    std::vector<float> x = images(m, n, 21);
    for (int i = 0; i < n; ++i)  // images that differ in a few directions, like digits of classes
      for (int p = 0; p < 784; ++p) x[size_t(i) * 784 + p] *= 0.3f + 0.7f * float((i % 4 == p % 4) || (i % 7 == p % 7));
    Codes c;
    c.n = n, c.dim = int(code_size(m));
    c.z.resize(size_t(n) * c.dim);
    Context ctx;
    encode(m, x.data(), n, c.z.data(), ctx);
    const Pca pca = fit_pca(c, 3);
    const fs::path dir = fs::path(DAE_TEST_TMP_DIR) / ("latent_pca_" + std::string(arch));
    fs::create_directories(dir);
    std::ofstream(dir / "z.f32", std::ios::binary).write(reinterpret_cast<const char*>(c.z.data()), std::streamsize(c.z.size() * 4));
    std::ofstream out(dir / "ours.txt");
    out.precision(17);
    for (double r : pca.ratio) out << r << " ";
    out << "\n";
    for (double v : pca.components) out << v << " ";
    out.close();
    std::ofstream py(dir / "check.py");
    py << "import sys, numpy as np\nfrom sklearn.decomposition import PCA\n"
          "d = sys.argv[1]\nz = np.fromfile(d + '/z.f32', dtype='<f4').reshape(" << n << ", " << c.dim << ").astype(np.float64)\n"
          "lines = open(d + '/ours.txt').read().split('\\n')\n"
          "ratio = np.array([float(v) for v in lines[0].split()])\n"
          "comp = np.array([float(v) for v in lines[1].split()]).reshape(3, -1)\n"
          "p = PCA(n_components=3, svd_solver='full').fit(z)\n"
          "dr = np.abs(p.explained_variance_ratio_ - ratio).max()\n"
          "dc = max(min(np.abs(p.components_[i] - comp[i]).max(), np.abs(p.components_[i] + comp[i]).max()) for i in range(3))\n"
          "print('ratio', p.explained_variance_ratio_, 'ours', ratio, 'max diff', dr, 'components max diff', dc)\n"
          "sys.exit(0 if dr < 1e-4 and dc < 1e-4 and ratio[0] > 0.01 else 1)\n";
    py.close();
    const std::string cmd = "/usr/bin/python3 " + (dir / "check.py").string() + " " + dir.string();
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
    // The sign convention: each component's largest |entry| is positive.
    for (int a = 0; a < pca.k; ++a) {
      double big = 0;
      for (int j = 0; j < pca.dim; ++j)
        if (std::abs(pca.components[size_t(a) * pca.dim + j]) > std::abs(big)) big = pca.components[size_t(a) * pca.dim + j];
      EXPECT_GT(big, 0.0);
    }
  }
}

// A PCA map's point decodes through the inverse projection: a code's own position gives back
// its projection onto the plane (mean + components·point); a t-SNE map's point is its own code.
TEST(Latent, CodeAtAPointOfTheMap) {
  std::vector<int> label;
  const Codes c = blobs(20, 5, 1, label);
  ThreadPool pool(1);
  TsneOptions opt;
  opt.perplexity = 10, opt.iterations = 250;
  const LatentMap pca = make_map(c, MapMethod::Pca, opt, pool);
  const std::vector<float> z = code_at(pca, c, pca.xy[0], pca.xy[1]);
  double p[2];
  pca.pca.project(z.data(), p);  // the point maps back to itself
  EXPECT_NEAR(p[0], pca.xy[0], 1e-4);
  EXPECT_NEAR(p[1], pca.xy[1], 1e-4);
  EXPECT_NE(pca.axis_label(0).find("PC1 ("), std::string::npos);
  const LatentMap ts = make_map(c, MapMethod::Tsne, opt, pool);
  const std::vector<float> own = code_at(ts, c, ts.xy[2 * 7], ts.xy[2 * 7 + 1]);
  EXPECT_TRUE(same_bits(own, std::vector<float>(c.row(7), c.row(7) + c.dim)));
  // Elsewhere: the codes of the 3 nearest points, weighted by 1 / distance in the map.
  const double mx = 0.75 * ts.xy[0] + 0.25 * ts.xy[2], my = 0.75 * ts.xy[1] + 0.25 * ts.xy[3];
  std::vector<std::pair<double, int>> d;
  for (int i = 0; i < c.n; ++i) d.push_back({std::hypot(ts.xy[2 * i] - mx, ts.xy[2 * i + 1] - my), i});
  std::sort(d.begin(), d.end());
  const std::vector<float> mid = code_at(ts, c, mx, my, 3);
  for (int j = 0; j < c.dim; ++j) {
    double num = 0, den = 0;
    for (int a = 0; a < 3; ++a) num += c.row(d[a].second)[j] / d[a].first, den += 1 / d[a].first;
    EXPECT_NEAR(mid[j], num / den, 1e-5);
  }
}

// A new code's place: on a PCA map its projection; on a t-SNE map a code of the map lands on its
// own point, and another on the inverse-distance mean of its 3 nearest codes' points.
TEST(Latent, PlaceOnMap) {
  std::vector<int> label;
  const Codes c = blobs(20, 5, 1, label);
  ThreadPool pool(1);
  TsneOptions opt;
  opt.perplexity = 10, opt.iterations = 250;
  const LatentMap pca = make_map(c, MapMethod::Pca, opt, pool);
  const auto p = place_on_map(pca, c, c.row(3));
  EXPECT_NEAR(p[0], pca.xy[6], 1e-4);
  EXPECT_NEAR(p[1], pca.xy[7], 1e-4);
  const LatentMap ts = make_map(c, MapMethod::Tsne, opt, pool);
  const auto own = place_on_map(ts, c, c.row(11));
  EXPECT_EQ(own[0], double(ts.xy[22]));
  EXPECT_EQ(own[1], double(ts.xy[23]));
  std::vector<float> z(c.row(0), c.row(0) + c.dim);
  for (int j = 0; j < c.dim; ++j) z[j] = 0.6f * c.row(0)[j] + 0.4f * c.row(1)[j];
  std::vector<std::pair<double, int>> d;
  for (int i = 0; i < c.n; ++i) {
    double s2 = 0;
    for (int j = 0; j < c.dim; ++j) s2 += double(c.row(i)[j] - z[j]) * (c.row(i)[j] - z[j]);
    d.push_back({std::sqrt(s2), i});
  }
  std::sort(d.begin(), d.end());
  double x = 0, y = 0, w = 0;
  for (int a = 0; a < 3; ++a) x += ts.xy[2 * d[a].second] / d[a].first, y += ts.xy[2 * d[a].second + 1] / d[a].first, w += 1 / d[a].first;
  const auto mid = place_on_map(ts, c, z.data(), 3);
  EXPECT_NEAR(mid[0], x / w, 1e-9);
  EXPECT_NEAR(mid[1], y / w, 1e-9);
}

// The descent in portions (the page's way) ends on tsne()'s bits.
TEST(Latent, TsneInStepsIsTsne) {
  std::vector<int> label;
  const Codes c = blobs(30, 6, 3, label);
  ThreadPool pool(2);
  TsneOptions opt;
  opt.perplexity = 10, opt.iterations = 300;
  TsneRun run(c, opt, pool);
  int portions = 0;
  for (; !run.done(); ++portions) run.step(37, pool);
  EXPECT_EQ(portions, 9);
  EXPECT_EQ(run.iterations_done(), 300);
  EXPECT_TRUE(same_bits(run.points(), tsne(c, opt, pool)));
}

// t-SNE: the same seed gives the same bits; three separated blobs stay apart (kNN accuracy).
TEST(Latent, TsneIsDeterministicAndSeparatesBlobs) {
  std::vector<int> label;
  const Codes c = blobs(50, 10, 3, label);
  ThreadPool pool(2);
  TsneOptions opt;
  opt.perplexity = 15;
  const std::vector<float> a = tsne(c, opt, pool), b = tsne(c, opt, pool);
  EXPECT_TRUE(same_bits(a, b));
  const double acc = knn_accuracy(a, label, 5);
  EXPECT_GE(acc, 0.95);
  // Spread out, not collapsed onto the tiny start.
  float lo = a[0], hi = a[0];
  for (size_t i = 0; i < a.size(); i += 2) lo = std::min(lo, a[i]), hi = std::max(hi, a[i]);
  EXPECT_GT(hi - lo, 1.f);
  opt.seed = 1;
  EXPECT_FALSE(same_bits(a, tsne(c, opt, pool)));
  EXPECT_ERROR_HAS(tsne(c, TsneOptions{200}, pool), "perplexity");
  // A caller on another thread sees the iterations done and can stop the descent.
  std::atomic<int> done{0};
  std::atomic<bool> stop{true};
  opt.seed = 0, opt.progress = &done;
  tsne(c, opt, pool);
  EXPECT_EQ(done.load(), opt.iterations);
  opt.stop = &stop;
  const std::vector<float> stopped = tsne(c, opt, pool);
  EXPECT_EQ(done.load(), 1);
  EXPECT_EQ(stopped.size(), a.size());
  EXPECT_FALSE(same_bits(stopped, a));
}

// kNN accuracy against scikit-learn's KNeighborsClassifier (k = 5) with each point left out, on
// overlapping classes (so that it is neither 0 nor 1).
TEST(Latent, KnnAccuracyMatchesScikitLearn) {
  std::vector<int> label;
  Codes c = blobs(70, 12, 8, label);
  for (int i = 0; i < c.n; ++i) c.z[size_t(i) * 12 + size_t(label[i])] -= 8.5f;  // centres 1.5 apart, not 10: overlapping
  const std::vector<uint8_t> labels(label.begin(), label.end());
  const double ours = knn_accuracy(c.z.data(), c.n, c.dim, labels, 5);
  EXPECT_GT(ours, 0.3);
  EXPECT_LT(ours, 1.0);
  if (!dae_test::python_has("sklearn")) GTEST_SKIP() << "scikit-learn not installed";
  const fs::path dir = fs::path(DAE_TEST_TMP_DIR) / "latent_knn";
  fs::create_directories(dir);
  std::ofstream(dir / "z.f32", std::ios::binary).write(reinterpret_cast<const char*>(c.z.data()), std::streamsize(c.z.size() * 4));
  std::ofstream py(dir / "check.py");
  py.precision(17);
  py << "import sys, numpy as np\nfrom sklearn.neighbors import KNeighborsClassifier\n"
        "z = np.fromfile(sys.argv[1] + '/z.f32', dtype='<f4').reshape(" << c.n << ", " << c.dim << ").astype(np.float64)\n"
        "y = np.repeat(np.arange(3), 70)\nright = 0\n"
        "for i in range(len(y)):\n"
        "    keep = np.arange(len(y)) != i\n"
        "    right += KNeighborsClassifier(5).fit(z[keep], y[keep]).predict(z[i:i + 1])[0] == y[i]\n"
        "print('sklearn', right / len(y), 'ours', " << ours << ")\n"
        "sys.exit(0 if abs(right / len(y) - " << ours << ") < 1e-12 else 1)\n";
  py.close();
  const std::string cmd = "/usr/bin/python3 " + (dir / "check.py").string() + " " + dir.string();
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}

// t-SNE against scikit-learn's exact one (same perplexity, PCA start) on overlapping classes: how well each
// keeps the 10 nearest neighbours (sklearn.manifold.trustworthiness), ours at most 0.02 below.
TEST(Latent, TsneKeepsNeighboursLikeScikitLearn) {
  if (!dae_test::python_has("sklearn")) GTEST_SKIP() << "scikit-learn not installed";
  std::vector<int> label;
  Codes c = blobs(70, 12, 5, label);
  for (int i = 0; i < c.n; ++i) c.z[size_t(i) * 12 + size_t(label[i])] -= 7.f;  // centres 3 apart
  ThreadPool pool(2);
  TsneOptions opt;
  opt.perplexity = 20;
  const std::vector<float> ours = tsne(c, opt, pool);
  const fs::path dir = fs::path(DAE_TEST_TMP_DIR) / "latent_tsne";
  fs::create_directories(dir);
  std::ofstream(dir / "z.f32", std::ios::binary).write(reinterpret_cast<const char*>(c.z.data()), std::streamsize(c.z.size() * 4));
  std::ofstream(dir / "y.f32", std::ios::binary).write(reinterpret_cast<const char*>(ours.data()), std::streamsize(ours.size() * 4));
  std::ofstream py(dir / "check.py");
  py << "import sys, numpy as np\nfrom sklearn.manifold import TSNE, trustworthiness\n"
        "d = sys.argv[1]\nz = np.fromfile(d + '/z.f32', dtype='<f4').reshape(" << c.n << ", 12).astype(np.float64)\n"
        "ours = np.fromfile(d + '/y.f32', dtype='<f4').reshape(" << c.n << ", 2)\n"
        "theirs = TSNE(perplexity=20, init='pca', learning_rate='auto', method='exact', random_state=0).fit_transform(z)\n"
        "t_ours, t_theirs = trustworthiness(z, ours, n_neighbors=10), trustworthiness(z, theirs, n_neighbors=10)\n"
        "print('trustworthiness: ours', t_ours, 'scikit-learn', t_theirs)\n"
        "sys.exit(0 if t_ours >= t_theirs - 0.02 and t_ours < 1 else 1)\n";
  py.close();
  const std::string cmd = "/usr/bin/python3 " + (dir / "check.py").string() + " " + dir.string();
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
}
