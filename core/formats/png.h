// png.h — images are PNG files, and only PNG (decoded and encoded by libspng: Debian's
// libspng-dev natively, its Debian source package compiled for wasm).
//
// Decoding reads the header first and checks the declared size against kMaxImageSide (and,
// when given, the size the caller expects) before any pixel memory is allocated; chunk sizes
// are bounded too. Files of other formats are recognised by their signature and named:
// "photo.png: this is a JPEG file; dae reads PNG".
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dae {

constexpr int kMaxImageSide = 512;              // = the largest model input (model.h)
constexpr size_t kMaxImageFile = size_t(16) << 20;  // one PNG file

// "JPEG", "GIF", "BMP", "WebP", "TIFF", "PNM", "PNG", … from the first bytes; "" if unknown.
std::string image_format(const uint8_t* p, size_t n);

// Any PNG (gray, gray+alpha, RGB, RGBA, palette; 1–16 bits; interlaced or not) → 8-bit gray,
// one byte a pixel, row-major: RGB → luma (77·R + 150·G + 29·B) / 256, alpha composited over
// black. `what` names the file in messages. When expected_h > 0 the image must be
// expected_h × expected_w (checked from the header; `why` is added to that message).
// Throws dae::Error: "truncated or corrupt PNG: x (<reason>)", "x: this is a JPEG file; dae
// reads PNG", "image is 600×600, larger than 512×512: x", "image is 30×32, expected 32×32: x".
std::vector<uint8_t> decode_png_gray(const uint8_t* p, size_t n, const std::string& what, int& h, int& w,
                                     int expected_h = 0, int expected_w = 0, const std::string& why = "",
                                     int max_side = kMaxImageSide);

// 8-bit gray pixels → PNG bytes. Throws dae::Error on a bad size.
std::vector<uint8_t> encode_png_gray(const uint8_t* px, int h, int w);
// 8-bit RGB pixels (3 bytes a pixel, row-major: figures) → PNG bytes. Throws dae::Error on a bad size.
std::vector<uint8_t> encode_png_rgb(const uint8_t* px, int h, int w);

}  // namespace dae
