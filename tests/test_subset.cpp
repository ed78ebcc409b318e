// The DHCD subset bundled in assets/ (assets/subset.h): the committed pack and list agree with
// each other and with the subset rule; with the full set present (DAE_DHCD_DIR), the rule
// re-chooses exactly the committed list and the listed files re-pack to exactly the committed
// pack; the build's data/dhcd.daepack is the subset in a build without the full set; file
// lists are parsed strictly and every file is checked against its SHA-256.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "data/data.h"
#include "formats/io.h"
#include "formats/sha256.h"
#include "subset.h"
#include "test_util.h"

#ifndef DAE_TEST_DHCD_DIR
#define DAE_TEST_DHCD_DIR ""
#endif

namespace fs = std::filesystem;
using dae::Dataset;
using dae::ListedFile;

namespace {

const std::string kPack = std::string(DAE_TEST_ASSETS_DIR) + "/dhcd-subset.daepack";
const std::string kList = std::string(DAE_TEST_ASSETS_DIR) + "/dhcd-subset.csv";

std::vector<uint8_t> bytes_of(const std::string& path) { return dae::read_file(path, size_t(64) << 20); }

fs::path scratch(const std::string& name) {
  const fs::path d = fs::path(DAE_TEST_TMP_DIR) / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// Images of the list's rows of one split, by label.
std::vector<size_t> counts(const std::vector<ListedFile>& l, const std::string& split) {
  std::vector<size_t> c(10, 0);
  for (const auto& e : l)
    if (e.split == split) ++c.at(size_t(e.label));
  return c;
}

}  // namespace

TEST(DhcdSubset, CommittedPackAndListAgree) {
  const Dataset ds = dae::load_pack(kPack);
  const std::vector<ListedFile> list = dae::read_file_list(kList);
  EXPECT_EQ(ds.name, "dhcd");
  EXPECT_EQ(ds.h(), 32);
  EXPECT_EQ(ds.w(), 32);
  ASSERT_EQ(ds.train.size(), 6000u);
  ASSERT_EQ(ds.test.size(), 1000u);
  EXPECT_LE(fs::file_size(kPack), 3'000'000u) << "the bundled subset must stay under 3 MB";
  // 600 + 100 per digit, in the list and in the pack, in the same order.
  EXPECT_EQ(counts(list, "train"), std::vector<size_t>(10, 600));
  EXPECT_EQ(counts(list, "test"), std::vector<size_t>(10, 100));
  ASSERT_EQ(list.size(), 7000u);
  for (size_t i = 0; i < 6000; ++i) {
    ASSERT_EQ(list[i].split, "train") << i;
    ASSERT_EQ(list[i].label, ds.train.labels[i]) << i;
  }
  for (size_t i = 0; i < 1000; ++i) ASSERT_EQ(list[6000 + i].label, ds.test.labels[i]) << i;
  // Real digits: white ink on black with the dataset's 2-pixel black frame.
  size_t frame = 0;
  double sum = 0;
  for (size_t i = 0; i < ds.train.size(); ++i)
    for (int y = 0; y < 32; ++y)
      for (int x = 0; x < 32; ++x) {
        const uint8_t v = ds.train.image(i)[y * 32 + x];
        sum += v;
        if ((y < 2 || y >= 30 || x < 2 || x >= 30) && v) ++frame;
      }
  EXPECT_EQ(frame, 0u);
  EXPECT_NEAR(sum / (6000.0 * 1024), 62, 4) << "DHCD's mean pixel is about 62";
  // The list is its own rule's output: within each split and label the chosen files are the
  // smallest checksums of … themselves, i.e. choosing again from the list changes nothing.
  EXPECT_EQ(dae::choose_subset(list, 600, 100), list);
  EXPECT_EQ(dae::describe_dataset(ds), "bundled subset of DHCD, 6,000 train / 1,000 test images of 32×32");
}

TEST(DhcdSubset, BuildBundlesTheSubsetOnlyWithoutTheFullSet) {
  const std::string built = std::string(DAE_TEST_DATA_DIR) + "/dhcd.daepack";
  ASSERT_TRUE(fs::exists(built)) << "every build has data/dhcd.daepack (the full set or the bundled subset)";
  const std::string source = DAE_TEST_DHCD_SOURCE;
  if (source == "subset") {
    EXPECT_FALSE(fs::is_directory(DAE_TEST_DHCD_DIR));
    EXPECT_EQ(bytes_of(built), bytes_of(kPack)) << "a build without DAE_DHCD_DIR bundles the committed subset";
  } else {
    ASSERT_EQ(source, "full");
    const Dataset ds = dae::load_pack(built);
    EXPECT_EQ(ds.train.size(), 17000u);
    EXPECT_EQ(ds.test.size(), 3000u);
    EXPECT_EQ(dae::describe_dataset(ds), "full DHCD, 17,000 train / 3,000 test images of 32×32");
  }
}

TEST(DhcdSubset, RebuiltFromTheFullSetMatchesTheCommittedFiles) {
  if (!fs::is_directory(DAE_TEST_DHCD_DIR)) GTEST_SKIP() << "DHCD folder not found at " << DAE_TEST_DHCD_DIR;
  // The rule applied to the full set (every file hashed and checked against its manifest).
  const std::vector<ListedFile> all = dae::list_folder(DAE_TEST_DHCD_DIR);
  ASSERT_EQ(all.size(), 20000u);
  const std::vector<ListedFile> chosen = dae::choose_subset(all, 600, 100);
  const std::vector<ListedFile> committed = dae::read_file_list(kList);
  ASSERT_EQ(chosen.size(), committed.size());
  EXPECT_TRUE(chosen == committed) << "assets/dhcd-subset.csv is not the rule's choice from " << DAE_TEST_DHCD_DIR;
  EXPECT_EQ(dae::format_file_list(chosen), std::string(reinterpret_cast<const char*>(bytes_of(kList).data()),
                                                       bytes_of(kList).size()));
  // The listed files, checksums verified, give exactly the committed pack's images …
  const Dataset rebuilt = dae::load_listed_files(DAE_TEST_DHCD_DIR, committed, "dhcd", 32);
  const Dataset pack = dae::load_pack(kPack);
  EXPECT_EQ(rebuilt.train.labels, pack.train.labels);
  EXPECT_EQ(rebuilt.test.labels, pack.test.labels);
  EXPECT_TRUE(rebuilt.train.pixels == pack.train.pixels);
  EXPECT_TRUE(rebuilt.test.pixels == pack.test.pixels);
  // … and, packed by our packer (zlib 1.2.13 at level 9 on both targets), the same bytes.
  EXPECT_TRUE(dae::pack_bytes(rebuilt) == bytes_of(kPack));
}

TEST(DhcdSubset, FileListsAreParsedStrictly) {
  const std::string h = std::string(dae::kFileListHeader) + "\n";
  const std::string sum(64, 'a');
  const std::string good = h + "train,3,train/3/17.png,Train/digit_3/17.png," + sum + "\r\n";
  const auto l = dae::parse_file_list(good, "l.csv");
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0].label, 3);
  EXPECT_EQ(l[0].path, "train/3/17.png");
  EXPECT_EQ(dae::parse_file_list(dae::format_file_list(l), "l.csv"), l);
  struct Case { std::string text, expect; };
  const Case cases[] = {
      {"", "the first line must be"},
      {"split,label,path\n", "the first line must be"},
      {h + "train,3,train/3/17.png," + sum + "\n", "line 2: expected 5 fields, got 4"},
      {h + "val,3,val/3/17.png,Train/digit_3/17.png," + sum + "\n", "split must be train or test"},
      {h + "train,x,train/x/17.png,Train/digit_x/17.png," + sum + "\n", "label must be an integer"},
      {h + "train,3,train/3/../../etc/passwd,Train/digit_3/17.png," + sum + "\n", "path must be train/3/<file>"},
      {h + "train,3,train/4/17.png,Train/digit_3/17.png," + sum + "\n", "path must be train/3/<file>"},
      {h + "train,3,train/3/17.png,Test/digit_3/17.png," + sum + "\n", "dhcd_original_path must be Train/digit_3/17.png"},
      {h + "train,3,train/3/17.png,Train/digit_3/17.png,ABC\n", "bad sha256"},
      {good + "train,3,train/3/17.png,Train/digit_3/17.png," + sum + "\n", "line 3: train/3/17.png is listed twice"},
  };
  for (const auto& c : cases) EXPECT_ERROR_HAS(dae::parse_file_list(c.text, "l.csv"), c.expect);
}

TEST(DhcdSubset, ChoosesTheSmallestChecksumsAndKeepsListOrder) {
  std::vector<ListedFile> all;
  const char* sums[] = {"9", "3", "7", "1", "5"};
  for (int i = 0; i < 5; ++i)
    for (const char* split : {"train", "test"}) {
      ListedFile e;
      e.split = split;
      e.label = 2;
      e.path = std::string(split) + "/2/" + std::to_string(i) + ".png";
      e.sha256 = std::string(sums[i]) + std::string(63, split[1] == 'r' ? '0' : 'f');
      all.push_back(e);
    }
  const auto c = dae::choose_subset(all, 2, 3);
  std::vector<std::string> got;
  for (const auto& e : c) got.push_back(e.path);
  // train: checksums 1 and 3 (files 3, 1); test: 1, 3, 5 (files 3, 1, 4); in list order.
  EXPECT_EQ(got, (std::vector<std::string>{"train/2/1.png", "test/2/1.png", "train/2/3.png", "test/2/3.png",
                                           "test/2/4.png"}));
  EXPECT_ERROR_HAS(dae::choose_subset(all, 6, 1), "train label 2 has 5 files, fewer than the 6 asked for");
}

TEST(DhcdSubset, EveryListedFileIsCheckedAgainstItsChecksum) {
  // A tiny dataset in our layout, with a manifest, as the real folder has.
  const fs::path dir = scratch("subset_folder");
  std::vector<ListedFile> files;
  for (const char* split : {"train", "test"})
    for (int k = 0; k < 10; ++k)
      for (int i = 0; i < 2; ++i) {
        std::vector<uint8_t> px(32 * 32, 0);
        px[size_t(100 + k * 10 + i)] = uint8_t(200 + i);
        const std::string rel = std::string(split) + "/" + std::to_string(k) + "/" + std::to_string(10 - i) + ".png";
        fs::create_directories(dir / split / std::to_string(k));
        dae::write_gray_png((dir / rel).string(), px.data(), 32, 32);
        const auto b = bytes_of((dir / rel).string());
        files.push_back({split, k, rel, std::string(split[1] == 'r' ? "Train" : "Test") + "/digit_" + std::to_string(k) +
                                             "/" + std::to_string(10 - i) + ".png",
                         dae::sha256_hex(b.data(), b.size())});
      }
  dae::write_file_list((dir / "manifest.csv").string(), files);
  // list_folder: natural order ("9.png" before "10.png"), hashes equal the manifest's.
  const auto listed = dae::list_folder(dir.string());
  ASSERT_EQ(listed.size(), 40u);
  EXPECT_EQ(listed[0].path, "train/0/9.png");
  EXPECT_EQ(listed[1].path, "train/0/10.png");
  const Dataset ds = dae::load_listed_files(dir.string(), listed, "tiny", 32);
  EXPECT_EQ(ds.train.size(), 20u);
  EXPECT_EQ(ds.test.size(), 20u);
  EXPECT_EQ(ds.train.labels[19], 9);
  EXPECT_EQ(ds.train.image(0)[101], 201);  // 9.png was written as i = 1: pixel 100 + 1
  EXPECT_EQ(ds.train.image(1)[100], 200);
  // A changed file: refused by name, by the loader and by list_folder (manifest check).
  std::vector<uint8_t> px(32 * 32, 7);
  dae::write_gray_png((dir / "train/4/9.png").string(), px.data(), 32, 32);
  EXPECT_ERROR_HAS(dae::load_listed_files(dir.string(), listed, "tiny", 32), "checksum mismatch: ");
  EXPECT_ERROR_HAS(dae::load_listed_files(dir.string(), listed, "tiny", 32), "train/4/9.png has sha256 ");
  EXPECT_ERROR_HAS(dae::list_folder(dir.string()), "checksum mismatch: train/4/9.png");
  // A missing file; a wrong image size.
  fs::remove(dir / "train/4/9.png");
  EXPECT_ERROR_HAS(dae::load_listed_files(dir.string(), listed, "tiny", 32), "listed file not found: train/4/9.png");
  EXPECT_ERROR_HAS(dae::load_listed_files(dir.string(), listed, "tiny", 28), "expected 28×28");
  fs::remove_all(dir);
}
