// pack_dhcd — packs the Devanagari digits (DHCD digit subset: <dir>/train/<k>/*.png and
// <dir>/test/<k>/*.png, 32×32 gray) into a .daepack file named "dhcd"; chooses, rebuilds and
// checks the subset bundled in assets/ (see assets/README.md and assets/subset.h).
//
//   pack_dhcd <folder or .zip> <out.daepack>                       the whole folder
//   pack_dhcd --list <folder> <list.csv> [TRAIN TEST]              choose the subset (TRAIN and TEST
//                                                                  images per digit, default 600 100)
//                                                                  and write its file list
//   pack_dhcd --subset <list.csv> <folder> <out.daepack>           pack exactly the listed files,
//                                                                  checking every file's SHA-256
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "data/data.h"
#include "subset.h"

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: pack_dhcd <dhcd folder or .zip> <out.daepack>\n"
               "       pack_dhcd --list <dhcd folder> <list.csv> [TRAIN TEST]   (per digit; default %zu %zu)\n"
               "       pack_dhcd --subset <list.csv> <dhcd folder> <out.daepack>\n",
               dae::kDhcdSubsetTrainPerDigit, dae::kDhcdSubsetTestPerDigit);
  return 2;
}

size_t count_arg(const char* s) {
  const std::string t = s;
  if (t.empty() || t.size() > 6 || t.find_first_not_of("0123456789") != std::string::npos)
    throw dae::Error("a count must be a whole number, got '" + dae::printable(t, 20) + "'");
  return size_t(std::stoul(t));
}

void report(const dae::Dataset& ds, const char* out) {
  std::printf("pack_dhcd: %zu train + %zu test images, %d×%d → %s\n", ds.train.size(), ds.test.size(), ds.h(), ds.w(),
              out);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc >= 2 && !std::strcmp(argv[1], "--list")) {
      if (argc != 4 && argc != 6) return usage();
      const size_t tr = argc == 6 ? count_arg(argv[4]) : dae::kDhcdSubsetTrainPerDigit;
      const size_t te = argc == 6 ? count_arg(argv[5]) : dae::kDhcdSubsetTestPerDigit;
      const auto all = dae::list_folder(argv[2]);
      const auto chosen = dae::choose_subset(all, tr, te);
      dae::write_file_list(argv[3], chosen);
      std::printf("pack_dhcd: chose %zu of %zu files (%zu train + %zu test per digit, smallest SHA-256) → %s\n",
                  chosen.size(), all.size(), tr, te, argv[3]);
      return 0;
    }
    if (argc >= 2 && !std::strcmp(argv[1], "--subset")) {
      if (argc != 5) return usage();
      const dae::Dataset ds = dae::load_listed_files(argv[3], dae::read_file_list(argv[2]), "dhcd", 32);
      dae::save_pack(argv[4], ds);
      report(ds, argv[4]);
      return 0;
    }
    if (argc != 3 || argv[1][0] == '-') return usage();
    const std::string in = argv[1];
    const bool zip = in.size() >= 4 && (in.compare(in.size() - 4, 4, ".zip") == 0 ||
                                        in.compare(in.size() - 4, 4, ".ZIP") == 0);
    dae::Dataset ds = zip ? dae::load_zip(in, 32) : dae::load_png_folder(in, 32);
    ds.name = "dhcd";
    dae::save_pack(argv[2], ds);
    report(ds, argv[2]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pack_dhcd: %s\n", e.what());
    return 1;
  }
  return 0;
}
