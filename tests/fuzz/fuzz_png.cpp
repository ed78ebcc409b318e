// libFuzzer harness: one image file (PNG only, declared size checked before decoding).
#include <cstddef>
#include <cstdint>

#include "base/common.h"
#include "formats/png.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    int h = 0, w = 0;
    const std::vector<uint8_t> px = dae::decode_png_gray(data, size, "fuzz.png", h, w);
    if (px.size() != size_t(h) * size_t(w)) __builtin_trap();
    // What decodes must encode and decode back to the same pixels.
    const std::vector<uint8_t> png = dae::encode_png_gray(px.data(), h, w);
    int h2 = 0, w2 = 0;
    if (dae::decode_png_gray(png.data(), png.size(), "again.png", h2, w2) != px) __builtin_trap();
  } catch (const dae::Error&) {
  }
  return 0;
}
