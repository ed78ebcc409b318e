// Tests for core/safetensors: round trips, the exact on-disk bytes of a tiny file, corrupt files,
// and interop with PyTorch (when /usr/bin/python3 can import torch).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "base/common.h"
#include "formats/json.h"
#include "formats/safetensors.h"
#include "test_util.h"

#ifndef DAE_TEST_TMP_DIR
#define DAE_TEST_TMP_DIR "/tmp"
#endif

using dae::Json;
using dae_test::error_of;
using dae_test::python_has;

namespace {

std::string tmp_path(const std::string& name) {
  return std::string(DAE_TEST_TMP_DIR) + "/safetensors_test_" + name;
}

uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
uint64_t dbits(double d) {
  uint64_t u;
  std::memcpy(&u, &d, 8);
  return u;
}

// A safetensors file from a header text and data bytes (length field = header size).
std::vector<uint8_t> file_of(const std::string& header, const std::vector<uint8_t>& data = {}) {
  std::vector<uint8_t> out(8 + header.size() + data.size());
  const uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[size_t(i)] = uint8_t(n >> (8 * i));
  if (!header.empty()) std::memcpy(out.data() + 8, header.data(), header.size());
  if (!data.empty()) std::memcpy(out.data() + 8 + header.size(), data.data(), data.size());
  return out;
}
dae::SafeTensors parse(const std::vector<uint8_t>& b) {
  return dae::parse_safetensors(b.data(), b.size());
}

std::vector<uint8_t> zeros(size_t n) { return std::vector<uint8_t>(n, 0); }

dae::SafeTensors sample_model() {
  dae::SafeTensors st;
  st.metadata["format"] = "pt";
  st.metadata["spec"] = "{\"layers\": [\"conv 32\"]}";
  st.metadata["unicode"] = "d\xC3\xA9j\xC3\xA0 vu \xE0\xA4\xA6 \xF0\x9F\x98\x80";
  dae::Rng rng(42);
  dae::NamedTensor w{"enc.0.weight", {4, 1, 3, 3}, {}};
  for (int i = 0; i < 36; ++i) w.data.push_back(rng.normal());
  dae::NamedTensor b{"enc.0.bias", {4}, {0.5f, -0.25f, 0.f, 1e-3f}};
  dae::NamedTensor scalar{"scale", {}, {2.5f}};
  dae::NamedTensor empty{"empty", {0}, {}};
  dae::NamedTensor empty2{"empty.2d", {2, 0, 3}, {}};
  dae::NamedTensor dense{"dec.weight", {3, 5}, {}};
  for (int i = 0; i < 15; ++i) dense.data.push_back(float(i) / 7.0f);
  st.tensors = {w, b, scalar, empty, empty2, dense};
  return st;
}

void expect_same(const dae::SafeTensors& a, const dae::SafeTensors& b) {
  EXPECT_EQ(a.metadata, b.metadata);
  ASSERT_EQ(a.tensors.size(), b.tensors.size());
  for (size_t i = 0; i < a.tensors.size(); ++i) {
    const auto& x = a.tensors[i];
    const auto& y = b.tensors[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.shape, y.shape) << x.name;
    ASSERT_EQ(x.data.size(), y.data.size()) << x.name;
    for (size_t k = 0; k < x.data.size(); ++k)
      EXPECT_EQ(bits(x.data[k]), bits(y.data[k])) << x.name << "[" << k << "]";
  }
}

}  // namespace

// =============================================================================================
// safetensors
// =============================================================================================

TEST(SafeTensors, TinyFileBytesExactly) {
  dae::SafeTensors st;
  st.metadata["k"] = "v";
  st.tensors.push_back({"a", {2}, {1.0f, -2.0f}});
  const std::vector<uint8_t> got = dae::safetensors_bytes(st);

  // Worked by hand: the JSON header is 79 bytes,
  //   {"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}
  //   16 ({"__metadata__":) + 9 ({"k":"v"}) + 1 (,) + 4 ("a":) + 15 ({"dtype":"F32",)
  //   + 12 ("shape":[2],) + 20 ("data_offsets":[0,8]) + 2 (}}) = 79,
  // padded with one space to 80 = 0x50; then 1.0f = 0x3F800000 and -2.0f = 0xC0000000,
  // little-endian.
  std::vector<uint8_t> want = {0x50, 0, 0, 0, 0, 0, 0, 0};
  const std::string header =
      R"({"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} )";
  ASSERT_EQ(header.size(), 80u);
  want.insert(want.end(), header.begin(), header.end());
  for (uint8_t b : {0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0}) want.push_back(b);
  ASSERT_EQ(got.size(), 96u);
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(got[i], want[i]) << "byte " << i;

  // Without metadata, "__metadata__" is omitted: 5 + 15 + 12 + 20 + 2 = 54 bytes of JSON,
  // padded with two spaces to 56.
  dae::SafeTensors bare;
  bare.tensors.push_back({"a", {2}, {1.0f, -2.0f}});
  const auto b = dae::safetensors_bytes(bare);
  const std::string h2 = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}  )";
  ASSERT_EQ(h2.size(), 56u);
  ASSERT_EQ(b.size(), 8u + 56u + 8u);
  EXPECT_EQ(std::vector<uint8_t>(b.begin(), b.begin() + 8), (std::vector<uint8_t>{56, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(std::string(b.begin() + 8, b.begin() + 64), h2);

  const dae::SafeTensors back = parse(got);
  expect_same(st, back);
}

TEST(SafeTensors, RoundTripNamesShapesMetadata) {
  const dae::SafeTensors st = sample_model();
  const auto bytes = dae::safetensors_bytes(st);
  EXPECT_EQ((bytes[0] | bytes[1] << 8) % 8, 0);  // header length is a multiple of 8
  expect_same(st, parse(bytes));

  const std::string path = tmp_path("roundtrip.safetensors");
  dae::save_safetensors(path, st);
  const dae::SafeTensors back = dae::load_safetensors(path);
  expect_same(st, back);
  ASSERT_NE(back.find("dec.weight"), nullptr);
  EXPECT_EQ(back.find("dec.weight")->shape, (std::vector<int64_t>{3, 5}));
  EXPECT_EQ(back.find("nope"), nullptr);
  EXPECT_EQ(back.find("scale")->data, std::vector<float>{2.5f});
  std::remove(path.c_str());
}

TEST(SafeTensors, ExactFloatBits) {
  const uint32_t patterns[] = {
      0x00000000, 0x80000000,              // ±0
      0x7F800000, 0xFF800000,              // ±inf
      0x7FC00000, 0xFFC00000, 0x7FC00001,  // quiet NaNs with payloads
      0x7F800001, 0x7FBFFFFF,              // signalling NaNs
      0xFFFFFFFF,                          // all-ones NaN
      0x00000001, 0x807FFFFF, 0x00400000,  // denormals
      0x00800000, 0x7F7FFFFF, 0xFF7FFFFF,  // FLT_MIN, ±FLT_MAX
      0x3DCCCCCD, 0x3F800001, 0x12345678,
  };
  dae::SafeTensors st;
  dae::NamedTensor t{"bits", {int64_t(sizeof patterns / 4)}, {}};
  for (uint32_t u : patterns) t.data.push_back(from_bits(u));
  st.tensors.push_back(t);
  const auto bytes = dae::safetensors_bytes(st);
  // Little-endian on disk regardless of the host.
  const size_t data_at = bytes.size() - 4 * t.data.size();
  for (size_t i = 0; i < t.data.size(); ++i)
    for (int k = 0; k < 4; ++k)
      EXPECT_EQ(bytes[data_at + 4 * i + size_t(k)], uint8_t(patterns[i] >> (8 * k)));
  const auto back = parse(bytes);
  ASSERT_EQ(back.tensors.size(), 1u);
  for (size_t i = 0; i < t.data.size(); ++i)
    EXPECT_EQ(bits(back.tensors[0].data[i]), patterns[i]) << i;
}

TEST(SafeTensors, SaveReplacesAtomicallyAndLeavesNoTempFiles) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(DAE_TEST_TMP_DIR) / "safetensors_atomic";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "model.safetensors").string();
  dae::save_safetensors(path, sample_model());
  dae::SafeTensors small;
  small.tensors.push_back({"x", {1}, {3.f}});
  dae::save_safetensors(path, small);  // overwrite
  expect_same(small, dae::load_safetensors(path));
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    ++files;
    EXPECT_EQ(e.path().filename(), "model.safetensors");
  }
  EXPECT_EQ(files, 1);
  // A failed save (invalid input) leaves the old file untouched.
  dae::SafeTensors bad;
  bad.tensors.push_back({"x", {2}, {1.f}});
  EXPECT_ERROR_HAS(dae::save_safetensors(path, bad), "values");
  expect_same(small, dae::load_safetensors(path));
  // Unwritable destination.
  EXPECT_ERROR_HAS(dae::save_safetensors((dir / "no/such/dir/m.safetensors").string(), small),
                   "cannot write " + (dir / "no/such/dir/m.safetensors").string() + ": No such file or directory");
  fs::remove_all(dir);
}

TEST(SafeTensors, LoadErrorsNameTheFile) {
  const std::string missing = tmp_path("does_not_exist.safetensors");
  EXPECT_ERROR_HAS(dae::load_safetensors(missing), "file not found: " + missing);
  EXPECT_ERROR_HAS(dae::load_safetensors(DAE_TEST_TMP_DIR), "it is a folder, not a regular file");
  const std::string path = tmp_path("short.safetensors");
  std::ofstream(path, std::ios::binary) << "abc";
  EXPECT_ERROR_HAS(dae::load_safetensors(path), "safetensors: '" + path + "': file is 3 bytes");
  std::remove(path.c_str());
}

TEST(SafeTensors, WriterRejectsInvalidInput) {
  auto one = [](dae::NamedTensor t) {
    dae::SafeTensors st;
    st.tensors.push_back(std::move(t));
    return st;
  };
  EXPECT_ERROR_HAS(dae::safetensors_bytes(one({"w", {2, 3}, std::vector<float>(5)})),
                   "has shape [2, 3] (6 values) but 5 values");
  EXPECT_ERROR_HAS(dae::safetensors_bytes(one({"w", {-1}, {}})), "invalid shape [-1]");
  EXPECT_ERROR_HAS(dae::safetensors_bytes(one({"w", {INT64_MAX, INT64_MAX}, {}})), "invalid shape");
  EXPECT_ERROR_HAS(dae::safetensors_bytes(one({"__metadata__", {0}, {}})), "__metadata__");
  EXPECT_ERROR_HAS(dae::safetensors_bytes(one({"bad\xFF", {0}, {}})), "not valid UTF-8");
  dae::SafeTensors dup;
  dup.tensors = {{"w", {1}, {1.f}}, {"w", {1}, {2.f}}};
  EXPECT_ERROR_HAS(dae::safetensors_bytes(dup), "duplicate tensor name \"w\"");
  dae::SafeTensors md;
  md.metadata["k"] = "\xC0";
  EXPECT_ERROR_HAS(dae::safetensors_bytes(md), "not valid UTF-8");
  // Empty file content is fine: no tensors, no metadata.
  const auto empty = dae::safetensors_bytes(dae::SafeTensors{});
  EXPECT_EQ(std::string(empty.begin() + 8, empty.end()), "{}      ");
  EXPECT_TRUE(parse(empty).tensors.empty());
}

TEST(SafeTensors, EveryTruncationThrows) {
  const auto bytes = dae::safetensors_bytes(sample_model());
  for (size_t n = 0; n < bytes.size(); ++n) {
    const std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + long(n));
    EXPECT_THROW(dae::parse_safetensors(prefix.data(), prefix.size()), dae::Error) << n;
  }
  EXPECT_NO_THROW(parse(bytes));
  // Extra bytes at the end are rejected too (the tensors must cover the data exactly).
  auto longer = bytes;
  longer.push_back(0);
  EXPECT_ERROR_HAS(parse(longer), "1 bytes of unreferenced data after the last tensor");
}

TEST(SafeTensors, HeaderLengthChecks) {
  EXPECT_ERROR_HAS(parse({1, 2, 3}), "file is 3 bytes, too short for the 8-byte header length");
  // 2^60: far more than the file.
  std::vector<uint8_t> huge = {0, 0, 0, 0, 0, 0, 0, 0x10};
  huge.insert(huge.end(), 66, ' ');
  EXPECT_ERROR_HAS(parse(huge), "header length 1,152,921,504,606,846,976 exceeds file size 74");
  std::vector<uint8_t> all_ones(16, 0xFF);
  EXPECT_ERROR_HAS(parse(all_ones), "exceeds file size 16");
  // One byte more than is there.
  auto f = file_of("{}");
  f[0] = 3;
  EXPECT_ERROR_HAS(parse(f), "header length 3 exceeds file size 10");
  // Within the file but above the limit (a corrupt length field in a big file).
  std::vector<uint8_t> big(8 + dae::kMaxSafetensorsHeader + 8, ' ');
  const uint64_t n = dae::kMaxSafetensorsHeader + 1;
  for (int i = 0; i < 8; ++i) big[size_t(i)] = uint8_t(n >> (8 * i));
  EXPECT_ERROR_HAS(parse(big), "header length 8,388,609 exceeds the limit of 8,388,608");
  // Zero-length header: not JSON.
  EXPECT_ERROR_HAS(parse(file_of("")), "invalid header JSON");
}

TEST(SafeTensors, BadJsonRejected) {
  EXPECT_ERROR_HAS(parse(file_of("{\"a\":")), "invalid header JSON: syntax error while parsing value - unexpected end of input");
  EXPECT_ERROR_HAS(parse(file_of("{} x")), "invalid header JSON: syntax error while parsing value - invalid literal; last read: '{} x'; expected end of input at byte 4");
  EXPECT_ERROR_HAS(parse(file_of(std::string("{}\0", 3))), "invalid header JSON: NUL byte at byte 2");
  EXPECT_ERROR_HAS(parse(file_of("[]")), "header is an array, not a JSON object");
  EXPECT_ERROR_HAS(parse(file_of("\"x\"")), "header is a string, not a JSON object");
  EXPECT_ERROR_HAS(parse(file_of("{\"\xFF\":1}")), "invalid UTF-8");
  // Padding with spaces (and other JSON whitespace) is fine.
  EXPECT_NO_THROW(parse(file_of("{}      ")));
  EXPECT_NO_THROW(parse(file_of(" \n{}\t\r ")));
}

TEST(SafeTensors, DtypeChecks) {
  EXPECT_ERROR_HAS(
      parse(file_of(R"({"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}})", zeros(4))),
      "tensor \"h\" has dtype F16; only F32 is supported");
  EXPECT_ERROR_HAS(
      parse(file_of(R"({"d":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}})", zeros(8))),
      "dtype F64; only F32");
  EXPECT_ERROR_HAS(
      parse(file_of(R"({"q":{"dtype":"Q9","shape":[1],"data_offsets":[0,4]}})", zeros(4))),
      "tensor \"q\" has unknown dtype \"Q9\"");
  EXPECT_ERROR_HAS(
      parse(file_of(R"({"q":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}})", zeros(4))),
      "unknown dtype \"f32\"");
  EXPECT_ERROR_HAS(
      parse(file_of(R"({"q":{"dtype":32,"shape":[1],"data_offsets":[0,4]}})", zeros(4))),
      "dtype that is not a string");
}

TEST(SafeTensors, ShapeChecks) {
  auto with_shape = [](const std::string& shape, const std::string& offsets = "[0,0]") {
    return file_of(R"({"t":{"dtype":"F32","shape":)" + shape + R"(,"data_offsets":)" + offsets + "}}");
  };
  EXPECT_ERROR_HAS(parse(with_shape("[-1]")), "non-negative integers");
  EXPECT_ERROR_HAS(parse(with_shape("[2.0]")), "non-negative integers");
  EXPECT_ERROR_HAS(parse(with_shape("[\"2\"]")), "non-negative integers");
  EXPECT_ERROR_HAS(parse(with_shape("[18446744073709551616]")), "non-negative integers");
  EXPECT_ERROR_HAS(parse(with_shape("2")), "shape that is not a list");
  // Products that overflow: 2^62·4 elements, and 2^31·2^31·4 (= 2^64 bytes).
  EXPECT_ERROR_HAS(parse(with_shape("[4611686018427387904,4]")), "too large");
  EXPECT_ERROR_HAS(parse(with_shape("[2147483648,2147483648,4]")), "too large");
  EXPECT_ERROR_HAS(parse(with_shape("[9223372036854775807]")), "too large");
  // Large but not overflowing: then it must match the (absent) data.
  EXPECT_ERROR_HAS(parse(with_shape("[1000000000,1000]")),
                   "(4000000000000 bytes of F32) but data_offsets [0, 0] span 0 bytes");
}

TEST(SafeTensors, OffsetChecks) {
  auto one = [](const std::string& offsets, size_t data) {
    return parse(file_of(R"({"t":{"dtype":"F32","shape":[2],"data_offsets":)" + offsets + "}}",
                         zeros(data)));
  };
  EXPECT_NO_THROW(one("[0,8]", 8));
  EXPECT_ERROR_HAS(one("[0,12]", 12), "tensor \"t\" has shape [2] (8 bytes of F32) but data_offsets [0, 12] span 12 bytes");
  EXPECT_ERROR_HAS(one("[0,4]", 4), "span 4 bytes");
  EXPECT_ERROR_HAS(one("[0,8]", 4), "data_offsets [0, 8] past the end of the 4-byte data section");
  EXPECT_ERROR_HAS(one("[8,16]", 8), "past the end");
  EXPECT_ERROR_HAS(one("[0,18446744073709551615]", 8), "data_offsets [0, 18446744073709551615] past the end");
  EXPECT_ERROR_HAS(one("[-1,8]", 8), "expected [begin, end] with non-negative integers");
  EXPECT_ERROR_HAS(one("[8,0]", 8), "begin > end");
  EXPECT_ERROR_HAS(one("[0]", 8), "expected [begin, end]");
  EXPECT_ERROR_HAS(one("[0,8,8]", 8), "expected [begin, end]");
  EXPECT_ERROR_HAS(one("[-8,0]", 8), "expected [begin, end]");
  EXPECT_ERROR_HAS(one("[0,8.0]", 8), "expected [begin, end]");
  EXPECT_ERROR_HAS(one("\"0-8\"", 8), "expected [begin, end]");
  EXPECT_ERROR_HAS(one("[4,12]", 12), "4 unused bytes before tensor \"t\"");
  EXPECT_ERROR_HAS(one("[0,8]", 12), "4 bytes of unreferenced data after the last tensor");
}

TEST(SafeTensors, OverlapsAndGapsBetweenTensors) {
  auto two = [](const std::string& a, const std::string& b, size_t data) {
    return parse(file_of(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":)" + a +
                             R"(},"b":{"dtype":"F32","shape":[2],"data_offsets":)" + b + "}}",
                         zeros(data)));
  };
  EXPECT_NO_THROW(two("[0,8]", "[8,16]", 16));
  EXPECT_NO_THROW(two("[8,16]", "[0,8]", 16));  // order in the header need not follow data
  EXPECT_ERROR_HAS(two("[0,8]", "[4,12]", 12), "tensors \"a\" [0, 8) and \"b\" [4, 12) overlap");
  EXPECT_ERROR_HAS(two("[0,8]", "[0,8]", 16), "overlap");
  EXPECT_ERROR_HAS(two("[0,8]", "[12,20]", 20), "4 unused bytes before tensor \"b\"");
  // Zero-sized tensors may sit at a boundary but not inside another tensor.
  auto with_empty = [](const std::string& e) {
    return parse(file_of(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                         R"("e":{"dtype":"F32","shape":[0],"data_offsets":)" + e + "}}",
                         zeros(8)));
  };
  EXPECT_NO_THROW(with_empty("[0,0]"));
  EXPECT_NO_THROW(with_empty("[8,8]"));
  EXPECT_ERROR_HAS(with_empty("[4,4]"), "overlap");
}

TEST(SafeTensors, StructureChecks) {
  const std::string ok = R"("dtype":"F32","shape":[1],"data_offsets":[0,4])";
  auto p = [](const std::string& h) { return parse(file_of(h, zeros(4))); };
  EXPECT_NO_THROW(p("{\"t\":{" + ok + "}}"));
  EXPECT_ERROR_HAS(p("{\"t\":{" + ok + "},\"t\":{" + ok + "}}"), "duplicate key \"t\"");
  EXPECT_ERROR_HAS(p(R"({"t":{"shape":[1],"data_offsets":[0,4]}})"), "tensor \"t\" has no \"dtype\"");
  EXPECT_ERROR_HAS(p(R"({"t":{"dtype":"F32","data_offsets":[0,4]}})"), "has no \"shape\"");
  EXPECT_ERROR_HAS(p(R"({"t":{"dtype":"F32","shape":[1]}})"), "has no \"data_offsets\"");
  EXPECT_ERROR_HAS(p("{\"t\":{" + ok + ",\"extra\":1}}"), "unexpected field \"extra\"");
  EXPECT_ERROR_HAS(p("{\"t\":{" + ok + ",\"dtype\":\"F32\"}}"), "duplicate key \"dtype\"");
  EXPECT_ERROR_HAS(p(R"({"t":[1,2]})"), "tensor \"t\" is described by an array, not an object");
  EXPECT_ERROR_HAS(p(R"({"t":null})"), "is described by null, not an object");
  // __metadata__: string → string only (null means none).
  EXPECT_EQ(p("{\"__metadata__\":{\"a\":\"1\",\"b\":\"\"},\"t\":{" + ok + "}}").metadata.size(), 2u);
  EXPECT_NO_THROW(p("{\"__metadata__\":null,\"t\":{" + ok + "}}"));
  EXPECT_ERROR_HAS(p("{\"__metadata__\":{\"a\":1},\"t\":{" + ok + "}}"),
                   "__metadata__ value for \"a\" is a number, not a string");
  EXPECT_ERROR_HAS(p("{\"__metadata__\":{\"a\":{\"b\":\"c\"}},\"t\":{" + ok + "}}"),
                   "is an object, not a string");
  EXPECT_ERROR_HAS(p("{\"__metadata__\":[\"a\"],\"t\":{" + ok + "}}"), "__metadata__ is an array, not an object");
  EXPECT_ERROR_HAS(p("{\"__metadata__\":{},\"__metadata__\":{},\"t\":{" + ok + "}}"), "duplicate key");
}

TEST(SafeTensors, RandomCorruptionNeverCrashes) {
  // Any corruption either still parses into a consistent result or throws dae::Error.
  const auto valid = dae::safetensors_bytes(sample_model());
  dae::Rng rng(2024);
  int rejected = 0;
  for (int i = 0; i < 5000; ++i) {
    auto b = valid;
    const int edits = 1 + int(rng.below(3));
    for (int e = 0; e < edits; ++e) {
      const size_t pos = size_t(rng.below(b.size()));
      switch (rng.below(4)) {
        case 0: b[pos] = uint8_t(rng.next_u64()); break;
        case 1: b[pos] ^= uint8_t(1u << rng.below(8)); break;
        case 2: b.erase(b.begin() + long(pos)); break;
        default: b.insert(b.begin() + long(pos), uint8_t(rng.next_u64())); break;
      }
    }
    try {
      const auto st = dae::parse_safetensors(b.data(), b.size());
      size_t total = 0;
      for (const auto& t : st.tensors) {
        uint64_t n = 1;
        for (int64_t d : t.shape) n *= uint64_t(d);
        EXPECT_EQ(n, t.data.size());
        total += t.data.size();
      }
      EXPECT_LE(total * 4, b.size());
    } catch (const dae::Error&) {
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 2500);
}

// ---- interop with PyTorch -------------------------------------------------------------------

namespace {
const char* kPyCommon = R"PY(
import sys, json, struct
import torch
def read_safetensors(path):
    try:
        from safetensors.torch import load_file
        from safetensors import safe_open
        with safe_open(path, 'pt') as f:
            meta = f.metadata() or {}
        return load_file(path), meta
    except ImportError:
        pass
    data = open(path, 'rb').read()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n].decode('utf-8'))
    meta = header.pop('__metadata__', None) or {}
    tensors = {}
    for name, info in header.items():
        assert info['dtype'] == 'F32', info
        b, e = info['data_offsets']
        buf = bytearray(data[8 + n + b:8 + n + e])
        t = torch.frombuffer(buf, dtype=torch.float32) if buf else torch.empty(0, dtype=torch.float32)
        tensors[name] = t.reshape(info['shape'])
    return tensors, meta
def write_safetensors(path, tensors, meta):
    try:
        from safetensors.torch import save_file
        save_file(tensors, path, metadata=meta)
        return
    except ImportError:
        pass
    header = {'__metadata__': meta}
    blobs, offset = [], 0
    for name in sorted(tensors):
        raw = tensors[name].contiguous().numpy().astype('<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(tensors[name].shape),
                        'data_offsets': [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(',', ':')).encode('utf-8')
    text += b' ' * ((8 - len(text) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))
)PY";
}  // namespace

TEST(SafeTensors, TorchReadsOurFiles) {
  if (!python_has("torch")) GTEST_SKIP() << "/usr/bin/python3 with torch not available";
  dae::SafeTensors st = sample_model();
  dae::NamedTensor special{"special", {2, 3}, {}};
  for (uint32_t u : {0x7F800000u, 0xFF800000u, 0x00000001u, 0x80000000u, 0x7F7FFFFFu, 0x3DCCCCCDu})
    special.data.push_back(from_bits(u));
  st.tensors.push_back(special);
  const std::string path = tmp_path("to_torch.safetensors");
  const std::string expect_path = tmp_path("to_torch.json");
  const std::string script = tmp_path("to_torch.py");
  dae::save_safetensors(path, st);

  // What python must find, as JSON (float values as their uint32 bit patterns).
  Json expect = Json::object();
  Json md = Json::object();
  for (const auto& [k, v] : st.metadata) md[k] = v;
  expect["metadata"] = md;
  Json list = Json::array();
  for (const auto& t : st.tensors) {
    Json e = Json::object();
    e["name"] = t.name;
    Json shape = Json::array();
    for (int64_t d : t.shape) shape.push_back(d);
    e["shape"] = shape;
    Json b = Json::array();
    for (float f : t.data) b.push_back(bits(f));
    e["bits"] = b;
    list.push_back(e);
  }
  expect["tensors"] = list;
  std::ofstream(expect_path) << expect.dump();
  std::ofstream(script) << kPyCommon << R"PY(
tensors, meta = read_safetensors(sys.argv[1])
expect = json.load(open(sys.argv[2], encoding='utf-8'))
assert meta == expect['metadata'], (meta, expect['metadata'])
assert sorted(tensors) == sorted(t['name'] for t in expect['tensors'])
for t in expect['tensors']:
    x = tensors[t['name']]
    assert x.dtype == torch.float32
    assert list(x.shape) == t['shape'], (t['name'], list(x.shape), t['shape'])
    got = [b & 0xffffffff for b in x.contiguous().view(torch.int32).flatten().tolist()]
    assert got == t['bits'], t['name']
w = tensors['dec.weight']
assert torch.equal(w, (torch.arange(15, dtype=torch.float32) / 7).reshape(3, 5))
assert tensors['scale'].item() == 2.5 and tensors['scale'].dim() == 0
print('torch read', len(tensors), 'tensors OK')
)PY";
  const std::string cmd = "/usr/bin/python3 " + script + " " + path + " " + expect_path;
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::remove(path.c_str());
  std::remove(expect_path.c_str());
  std::remove(script.c_str());
}

TEST(SafeTensors, WeReadTorchFiles) {
  if (!python_has("torch")) GTEST_SKIP() << "/usr/bin/python3 with torch not available";
  const std::string path = tmp_path("from_torch.safetensors");
  const std::string script = tmp_path("from_torch.py");
  std::ofstream(script) << kPyCommon << R"PY(
t = {
    'conv.weight': (torch.arange(24, dtype=torch.float32) / 7).reshape(2, 3, 2, 2),
    'conv.bias': -torch.arange(3, dtype=torch.float32) / 3,
    'scalar': torch.tensor(2.5),
    'specials': torch.tensor([float('inf'), float('-inf'), -0.0, 1e-45]),
}
write_safetensors(sys.argv[1], t, {'format': 'pt', 'note': 'h\u00e9llo "quoted"'})
)PY";
  const std::string cmd = "/usr/bin/python3 " + script + " " + path;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const dae::SafeTensors st = dae::load_safetensors(path);
  EXPECT_EQ(st.metadata.at("format"), "pt");
  EXPECT_EQ(st.metadata.at("note"), "h\xC3\xA9llo \"quoted\"");
  ASSERT_EQ(st.tensors.size(), 4u);
  const auto* w = st.find("conv.weight");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->shape, (std::vector<int64_t>{2, 3, 2, 2}));
  for (int i = 0; i < 24; ++i) EXPECT_EQ(bits(w->data[size_t(i)]), bits(float(i) / 7.0f)) << i;
  const auto* b = st.find("conv.bias");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->shape, std::vector<int64_t>{3});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(bits(b->data[size_t(i)]), bits(-float(i) / 3.0f)) << i;
  const auto* s = st.find("scalar");
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->shape.empty());
  EXPECT_EQ(s->data, std::vector<float>{2.5f});
  const auto* sp = st.find("specials");
  ASSERT_NE(sp, nullptr);
  const uint32_t want[] = {0x7F800000u, 0xFF800000u, 0x80000000u, 0x00000001u};
  for (int i = 0; i < 4; ++i) EXPECT_EQ(bits(sp->data[size_t(i)]), want[i]) << i;
  // And our writer gives back a file torch wrote, value for value.
  expect_same(st, parse(dae::safetensors_bytes(st)));
  std::remove(path.c_str());
  std::remove(script.c_str());
}
