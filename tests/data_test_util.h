// Helpers shared by the data tests (test_data.cpp: PNG files, folders and ZIP archives;
// test_datasets.cpp: the datasets, the split and the noise): scratch folders, files of bytes,
// pattern images and one-line error messages.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "test_util.h"

#ifndef DAE_TEST_TMP_DIR
#define DAE_TEST_TMP_DIR "/tmp"
#endif
#ifndef DAE_TEST_DATA_DIR
#define DAE_TEST_DATA_DIR ""
#endif
#ifndef DAE_TEST_DHCD_DIR
#define DAE_TEST_DHCD_DIR ""
#endif

namespace data_test {

// A fresh, empty scratch folder per test (tests may run in parallel).
inline std::filesystem::path scratch(const std::string& name) {
  namespace fs = std::filesystem;
  const fs::path p = fs::path(DAE_TEST_TMP_DIR) / ("data_" + name);
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

inline void write_bytes(const std::filesystem::path& p, const std::vector<uint8_t>& b) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream f(p, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
}
inline std::vector<uint8_t> read_bytes(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

// An h×w gray image whose pixels encode (tag, position), so mix-ups are visible.
inline std::vector<uint8_t> pattern(int h, int w, int tag) {
  std::vector<uint8_t> px(size_t(h) * w);
  for (size_t i = 0; i < px.size(); ++i) px[i] = uint8_t(tag * 37 + i * 7);
  px[0] = uint8_t(tag);
  if (px.size() > 1) px[1] = uint8_t(tag >> 8);
  return px;
}

// Runs `f`, expecting a dae::Error whose message contains `needle`.
template <class F>
void expect_error(F&& f, const std::string& needle) {
  const std::string msg = dae_test::error_of(f);
  EXPECT_NE(msg.find(needle), std::string::npos) << "message \"" << msg << "\" lacks \"" << needle << "\"";
  EXPECT_EQ(msg.find('\n'), std::string::npos) << "message is not one line";
}

}  // namespace data_test
