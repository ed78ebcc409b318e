// subset.h — a dataset defined by a list of image files and their SHA-256 checksums: how the
// DHCD subset bundled in assets/ is chosen, rebuilt and checked against the full set.
//
// A list is a CSV file with the columns of DHCD's manifest.csv (../shared/data/devanagari-digits):
//
//   split,label,path,dhcd_original_path,sha256
//   train,0,train/0/4558.png,Train/digit_0/4558.png,5a70e576…
//
// `path` is `<split>/<label>/<file>` in the layout of ../shared (the folder pack_dhcd reads),
// `dhcd_original_path` the same file in the original archive (`Train/digit_<label>/<file>`),
// `sha256` the file's checksum (64 lowercase hex digits). Rows are ordered as load_png_folder
// reads a folder (train before test, by label, files in natural order), so the listed files
// copied into a folder of their own and packed give the same pack.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "data/data.h"

namespace dae {

struct ListedFile {
  std::string split;  // "train" or "test"
  int label = 0;      // 0..255 (0..9 for digits)
  std::string path;   // <split>/<label>/<file>
  std::string original_path;  // Train|Test/digit_<label>/<file>
  std::string sha256;
  bool operator==(const ListedFile& o) const;
};

constexpr const char* kFileListHeader = "split,label,path,dhcd_original_path,sha256";

// Strict parse: the header above, five fields a row, a known split, a label 0..255, a path
// that is exactly <split>/<label>/<file> (no folders, "..", or hidden names in <file>), the
// original path matching it, a 64-digit lowercase hex checksum, no path listed twice. `what`
// names the list in messages: "dhcd-subset.csv line 12: bad sha256 'xyz'".
std::vector<ListedFile> parse_file_list(const std::string& csv, const std::string& what);
std::string format_file_list(const std::vector<ListedFile>& files);  // round-trips through parse
std::vector<ListedFile> read_file_list(const std::string& path);
void write_file_list(const std::string& path, const std::vector<ListedFile>& files);  // atomic (io.h)

// Every PNG of a folder in the layout <dir>/<split>/<label>/*.png (split train/test) or the
// original DHCD archive's <dir>/<Train|Test>/digit_<label>/*.png, hashed, in list order.
// When <dir>/manifest.csv exists, every file's checksum must equal the manifest's (and every
// manifest row must have its file), so a damaged copy of the data is refused by name.
std::vector<ListedFile> list_folder(const std::string& dir);

// The subset rule: in each split and label, the files with the smallest SHA-256 (compared as
// hex text) — `train_per_label` of each training label and `test_per_label` of each test
// label — returned in list order. The checksum is a fixed pseudo-random function of the
// image, so the choice spreads over writers (nearby file ids come from one writer) and is the
// same for anyone with the same files. Throws dae::Error if a label has too few files.
std::vector<ListedFile> choose_subset(const std::vector<ListedFile>& all, size_t train_per_label,
                                      size_t test_per_label);

// Loads exactly the listed files from `dir` (either layout above) in list order, checking
// each file's SHA-256 before decoding it ("checksum mismatch: <file> has sha256 …, the list
// says …"). Every image must be expected_size × expected_size (when > 0). The dataset is
// named `name`.
Dataset load_listed_files(const std::string& dir, const std::vector<ListedFile>& files, const std::string& name,
                          int expected_size = 0);

}  // namespace dae
