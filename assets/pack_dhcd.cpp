// pack_dhcd — packs the Devanagari digits (DHCD digit subset: <dir>/train/<k>/*.png and
// <dir>/test/<k>/*.png, 32×32 gray) into a .daepack file named "dhcd".
//
//   pack_dhcd <dhcd folder or .zip> <out.daepack>
#include <cstdio>
#include <exception>
#include <string>

#include "data.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: pack_dhcd <dhcd folder or .zip> <out.daepack>\n");
    return 2;
  }
  try {
    const std::string in = argv[1];
    const bool zip = in.size() >= 4 && (in.compare(in.size() - 4, 4, ".zip") == 0 ||
                                        in.compare(in.size() - 4, 4, ".ZIP") == 0);
    dae::Dataset ds = zip ? dae::load_zip(in, 32) : dae::load_png_folder(in, 32);
    ds.name = "dhcd";
    dae::save_pack(argv[2], ds);
    std::printf("pack_dhcd: %zu train + %zu test images, %d×%d → %s\n", ds.train.size(), ds.test.size(),
                ds.h(), ds.w(), argv[2]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "pack_dhcd: %s\n", e.what());
    return 1;
  }
  return 0;
}
