// subset.cpp — datasets defined by a list of files with checksums. See subset.h.
#include "subset.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "formats/io.h"
#include "formats/png.h"
#include "formats/sha256.h"

namespace fs = std::filesystem;

namespace dae {
namespace {

constexpr size_t kMaxListBytes = size_t(64) << 20;

bool is_hex64(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// "Train/digit_3/17.png" for ("train", 3, "17.png").
std::string original_path_of(const std::string& split, int label, const std::string& file) {
  return std::string(split == "train" ? "Train" : "Test") + "/digit_" + std::to_string(label) + "/" + file;
}

// Splits one CSV line on commas (the list never quotes: its fields have no commas).
std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> f(1);
  for (char c : line) {
    if (c == ',') f.emplace_back();
    else f.back() += c;
  }
  return f;
}

// The lines of a text, without their "\n" or "\r\n"; a final newline ends the last line.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t b = 0;
  while (b < text.size()) {
    size_t e = text.find('\n', b);
    if (e == std::string::npos) e = text.size();
    std::string line = text.substr(b, e - b);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(std::move(line));
    b = e + 1;
  }
  return out;
}

// Lists the PNGs of one split folder: (label, file name) in list order.
std::vector<std::pair<int, std::string>> list_split(const fs::path& split_dir, bool original_layout) {
  std::vector<std::pair<int, std::string>> out;
  for (int label = 0; label < 10; ++label) {
    const fs::path d = split_dir / ((original_layout ? "digit_" : "") + std::to_string(label));
    std::error_code ec;
    if (!fs::is_directory(d, ec)) throw Error("missing class folder: " + printable(d.string()));
    std::vector<std::string> names;
    for (fs::directory_iterator it(d, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string n = it->path().filename().string();
      if (n.size() > 4 && n[0] != '.' && n.compare(n.size() - 4, 4, ".png") == 0) names.push_back(n);
    }
    if (ec) throw Error("cannot read folder: " + printable(d.string()));
    std::sort(names.begin(), names.end(), natural_less);
    for (auto& n : names) out.emplace_back(label, std::move(n));
  }
  return out;
}

// The folder of a split in either layout: <dir>/train or <dir>/Train.
fs::path split_folder(const std::string& dir, const std::string& split, bool& original_layout) {
  const fs::path ours = fs::path(dir) / split;
  const fs::path orig = fs::path(dir) / (split == "train" ? "Train" : "Test");
  std::error_code ec;
  original_layout = !fs::is_directory(ours, ec) && fs::is_directory(orig, ec);
  if (!original_layout && !fs::is_directory(ours, ec))
    throw Error("no " + split + "/ folder in " + printable(dir) + " (expected " + split + "/<k>/*.png or " +
                orig.filename().string() + "/digit_<k>/*.png)");
  return original_layout ? orig : ours;
}

std::string file_sha256(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file(path, kMaxImageFile, "a PNG image");
  return sha256_hex(bytes.data(), bytes.size());
}

}  // namespace

bool ListedFile::operator==(const ListedFile& o) const {
  return split == o.split && label == o.label && path == o.path && original_path == o.original_path && sha256 == o.sha256;
}

std::vector<ListedFile> parse_file_list(const std::string& csv, const std::string& what) {
  const std::vector<std::string> lines = lines_of(csv);
  if (lines.empty() || lines[0] != kFileListHeader)
    throw Error(printable(what) + ": the first line must be '" + kFileListHeader + "'");
  std::vector<ListedFile> out;
  std::set<std::string> seen;
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string at = printable(what) + " line " + std::to_string(i + 1) + ": ";
    const std::vector<std::string> f = fields_of(lines[i]);
    if (f.size() != 5) throw Error(at + "expected 5 fields, got " + std::to_string(f.size()));
    ListedFile e;
    e.split = f[0];
    if (e.split != "train" && e.split != "test") throw Error(at + "split must be train or test, got '" + printable(f[0], 20) + "'");
    const bool digits = !f[1].empty() && f[1].size() <= 3 && f[1].find_first_not_of("0123456789") == std::string::npos;
    e.label = digits ? std::stoi(f[1]) : -1;
    if (e.label < 0 || e.label > 255) throw Error(at + "label must be an integer in 0..255, got '" + printable(f[1], 20) + "'");
    const std::string prefix = e.split + "/" + f[1] + "/";
    const std::string file = f[2].compare(0, prefix.size(), prefix) == 0 ? f[2].substr(prefix.size()) : "";
    if (file.empty() || file[0] == '.' || file.find('/') != std::string::npos || file.find('\\') != std::string::npos)
      throw Error(at + "path must be " + prefix + "<file>, got '" + printable(f[2], 80) + "'");
    e.path = f[2];
    e.original_path = f[3];
    if (e.original_path != original_path_of(e.split, e.label, file))
      throw Error(at + "dhcd_original_path must be " + original_path_of(e.split, e.label, file) + ", got '" +
                  printable(f[3], 80) + "'");
    e.sha256 = f[4];
    if (!is_hex64(e.sha256)) throw Error(at + "bad sha256 '" + printable(f[4], 80) + "' (64 lowercase hex digits)");
    if (!seen.insert(e.path).second) throw Error(at + e.path + " is listed twice");
    out.push_back(std::move(e));
  }
  return out;
}

std::string format_file_list(const std::vector<ListedFile>& files) {
  std::string s = std::string(kFileListHeader) + "\n";
  for (const auto& e : files)
    s += e.split + "," + std::to_string(e.label) + "," + e.path + "," + e.original_path + "," + e.sha256 + "\n";
  return s;
}

std::vector<ListedFile> read_file_list(const std::string& path) {
  const std::vector<uint8_t> b = read_file(path, kMaxListBytes, "a file list");
  return parse_file_list(std::string(b.begin(), b.end()), fs::path(path).filename().string());
}

void write_file_list(const std::string& path, const std::vector<ListedFile>& files) {
  write_file(path, format_file_list(files));
}

std::vector<ListedFile> list_folder(const std::string& dir) {
  std::vector<ListedFile> out;
  for (const char* split : {"train", "test"}) {
    bool orig = false;
    const fs::path sdir = split_folder(dir, split, orig);
    for (auto& [label, file] : list_split(sdir, orig)) {
      ListedFile e;
      e.split = split;
      e.label = label;
      e.path = std::string(split) + "/" + std::to_string(label) + "/" + file;
      e.original_path = original_path_of(split, label, file);
      const fs::path real = sdir / ((orig ? "digit_" : "") + std::to_string(label)) / file;
      e.sha256 = file_sha256(real.string());
      out.push_back(std::move(e));
    }
  }
  // Cross-check against the folder's manifest: same files, same checksums.
  const std::string manifest = (fs::path(dir) / "manifest.csv").string();
  std::error_code ec;
  if (fs::exists(manifest, ec)) {
    const std::vector<ListedFile> m = read_file_list(manifest);
    std::map<std::string, const ListedFile*> by_path;
    for (const auto& e : m) by_path[e.path] = &e;
    for (const auto& e : out) {
      auto it = by_path.find(e.path);
      if (it == by_path.end()) throw Error(printable(e.path) + " is not in " + printable(manifest));
      if (!(*it->second == e))
        throw Error("checksum mismatch: " + printable(e.path) + " has sha256 " + e.sha256 + ", " +
                    printable(manifest) + " says " + it->second->sha256);
    }
    if (m.size() != out.size())
      throw Error(printable(manifest) + " lists " + thousands(m.size()) + " files, the folder has " + thousands(out.size()));
  }
  return out;
}

std::vector<ListedFile> choose_subset(const std::vector<ListedFile>& all, size_t train_per_label, size_t test_per_label) {
  // Group by (split, label), keeping each file's position in the list.
  std::map<std::pair<std::string, int>, std::vector<size_t>> groups;
  for (size_t i = 0; i < all.size(); ++i) groups[{all[i].split, all[i].label}].push_back(i);
  std::vector<size_t> chosen;
  for (auto& [key, idx] : groups) {
    const size_t want = key.first == "train" ? train_per_label : test_per_label;
    if (idx.size() < want)
      throw Error(key.first + " label " + std::to_string(key.second) + " has " + std::to_string(idx.size()) +
                  " files, fewer than the " + std::to_string(want) + " asked for");
    std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return all[a].sha256 < all[b].sha256; });
    chosen.insert(chosen.end(), idx.begin(), idx.begin() + long(want));
  }
  std::sort(chosen.begin(), chosen.end());  // back to list order
  std::vector<ListedFile> out;
  for (size_t i : chosen) out.push_back(all[i]);
  return out;
}

Dataset load_listed_files(const std::string& dir, const std::vector<ListedFile>& files, const std::string& name,
                          int expected_size) {
  if (files.empty()) throw Error("the file list is empty");
  Dataset ds;
  ds.name = name;
  for (const auto& e : files) {
    // The file in our layout, else in the original archive's.
    std::string path = (fs::path(dir) / e.path).string();
    std::error_code ec;
    if (!fs::exists(path, ec)) path = (fs::path(dir) / e.original_path).string();
    if (!fs::exists(path, ec)) throw Error("listed file not found: " + printable(e.path) + " in " + printable(dir));
    const std::vector<uint8_t> bytes = read_file(path, kMaxImageFile, "a PNG image");
    const std::string sum = sha256_hex(bytes.data(), bytes.size());
    if (sum != e.sha256)
      throw Error("checksum mismatch: " + printable(path) + " has sha256 " + sum + ", the list says " + e.sha256);
    int h = 0, w = 0;
    const std::vector<uint8_t> px = decode_png_gray(bytes.data(), bytes.size(), path, h, w, expected_size, expected_size);
    ImageSet& part = e.split == "train" ? ds.train : ds.test;
    if (part.h == 0 && ds.train.h == 0 && ds.test.h == 0) {
      ds.train.h = ds.test.h = h;
      ds.train.w = ds.test.w = w;
    }
    if (h != ds.train.h || w != ds.train.w)
      throw Error("image is " + std::to_string(h) + "×" + std::to_string(w) + ", expected " + std::to_string(ds.train.h) +
                  "×" + std::to_string(ds.train.w) + ": " + printable(path));
    check_dataset_budget(name, ds.train.pixels.size() + ds.test.pixels.size(), 1, h, w);
    part.append(px.data(), uint8_t(e.label));
  }
  if (ds.train.size() == 0) throw Error("the file list has no training images");
  return ds;
}

}  // namespace dae
