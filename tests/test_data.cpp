// Tests for reading datasets from files (core/data, core/formats/zip): PNG files and folders and
// ZIP archives (built here, with a small ZIP writer), the real DHCD digits zipped, and broken
// inputs of every kind. The datasets themselves, the split and the noise: test_datasets.cpp.
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
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "base/common.h"
#include "data/data.h"
#include "data_test_util.h"
#include "formats/io.h"
#include "formats/zip.h"
#include "test_util.h"

// Defined (with C linkage) in stb_image_write's implementation, not declared by its header.
extern "C" unsigned char* stbi_zlib_compress(unsigned char* data, int data_len, int* out_len, int quality);

namespace fs = std::filesystem;
using dae::Dataset;
using namespace data_test;

namespace {

// ---- helpers -----------------------------------------------------------------------------------

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

// The page's notebook export: write_zip's archive reads back here and in Python's zipfile.
TEST(ZipWriter, ArchiveReadsBackHereAndInPython) {
  std::vector<uint8_t> big(70000);
  for (size_t i = 0; i < big.size(); ++i) big[i] = uint8_t(i * 7 % 256);
  const std::vector<std::pair<std::string, std::vector<uint8_t>>> files = {
      {"study/study.ipynb", {'{', '}'}}, {"study/models/run1.safetensors", big}, {"study/empty.txt", {}},
      {"study/naïve.md", {'x'}}};
  const auto zip = dae::write_zip(files);
  const dae::ZipReader zr(zip.data(), zip.size(), "t.zip");
  ASSERT_EQ(zr.entries().size(), files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(zr.entries()[i].name, files[i].first);
    EXPECT_EQ(zr.read(zr.entries()[i]), files[i].second);
  }
  EXPECT_EQ(dae::write_zip(files), zip);  // the same bytes every time
  EXPECT_THROW(dae::write_zip({{"", {}}}), dae::Error);
  if (!dae_test::python_has("zipfile")) GTEST_SKIP() << "no python3";
  const std::string path = ::testing::TempDir() + "dae_write_zip.zip";
  dae::write_file(path, zip.data(), zip.size());
  const std::string cmd = "/usr/bin/python3 -c \"import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); "
                          "assert z.testzip() is None; assert z.namelist()[3]=='study/naïve.md'; "
                          "assert len(z.read('study/models/run1.safetensors'))==70000\" " + path;
  EXPECT_EQ(std::system(cmd.c_str()), 0);
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

// ---- the real DHCD digits in a ZIP -------------------------------------------------------------

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

}  // namespace
