// png.cpp — PNG decoding and encoding through libspng. See png.h.
#include "formats/png.h"

#include <spng.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "base/common.h"

namespace dae {
namespace {

struct Ctx {
  spng_ctx* c;
  explicit Ctx(int flags) : c(spng_ctx_new(flags)) {
    if (!c) throw Error("out of memory creating a PNG decoder");
  }
  ~Ctx() { spng_ctx_free(c); }
  Ctx(const Ctx&) = delete;
  Ctx& operator=(const Ctx&) = delete;
};

bool starts(const uint8_t* p, size_t n, const char* sig, size_t len) { return n >= len && std::memcmp(p, sig, len) == 0; }

}  // namespace

std::string image_format(const uint8_t* p, size_t n) {
  if (starts(p, n, "\x89PNG\r\n\x1a\n", 8)) return "PNG";
  if (starts(p, n, "\xFF\xD8\xFF", 3)) return "JPEG";
  if (starts(p, n, "GIF87a", 6) || starts(p, n, "GIF89a", 6)) return "GIF";
  if (starts(p, n, "BM", 2) && n >= 14) return "BMP";
  if (starts(p, n, "RIFF", 4) && n >= 12 && std::memcmp(p + 8, "WEBP", 4) == 0) return "WebP";
  if (starts(p, n, "II*\0", 4) || starts(p, n, "MM\0*", 4)) return "TIFF";
  if (n >= 12 && std::memcmp(p + 4, "ftyp", 4) == 0) return "HEIF/AVIF";
  if (starts(p, n, "qoif", 4)) return "QOI";
  if (starts(p, n, "\0\0\1\0", 4)) return "ICO";
  if (n >= 3 && p[0] == 'P' && p[1] >= '1' && p[1] <= '7' && (p[2] == '\n' || p[2] == ' ' || p[2] == '\r' || p[2] == '\t'))
    return "PNM";
  if (starts(p, n, "PK\3\4", 4)) return "ZIP";
  if (starts(p, n, "DAEPACK", 7)) return ".daepack";
  return "";
}

std::vector<uint8_t> decode_png_gray(const uint8_t* p, size_t n, const std::string& what, int& h, int& w,
                                     int expected_h, int expected_w, const std::string& why, int max_side) {
  const std::string name = printable(what);
  if (n == 0) throw Error("empty file (not a PNG): " + name);
  const std::string fmt = image_format(p, n);
  if (fmt.empty()) throw Error(name + ": not a PNG file");
  if (fmt != "PNG") throw Error(name + ": this is a" + (fmt[0] == 'I' || fmt[0] == 'H' ? "n " : " ") + fmt + " file; dae reads PNG");
  Ctx ctx(0);
  // Bound what the decoder may allocate before it reads anything: the image size (checked
  // again below with a clearer message), each chunk, and the ancillary chunks kept. No chunk can
  // be longer than the file: without that bound a 113-byte file declaring 16 MB chunks made
  // libspng allocate (and ASan clear) 16 MB per chunk (a libFuzzer timeout, tests/fuzz/corpus/png).
  spng_set_image_limits(ctx.c, uint32_t(max_side) * 4, uint32_t(max_side) * 4);
  spng_set_chunk_limits(ctx.c, std::min(n, kMaxImageFile), std::min(n, size_t(1) << 20));
  auto corrupt = [&](int err) { return Error("truncated or corrupt PNG: " + name + " (" + spng_strerror(err) + ")"); };
  int err = spng_set_png_buffer(ctx.c, p, n);
  if (err) throw corrupt(err);
  spng_ihdr ihdr;
  if ((err = spng_get_ihdr(ctx.c, &ihdr)) != 0) {
    if (err == SPNG_EUSER_WIDTH || err == SPNG_EUSER_HEIGHT) throw Error("image is larger than " + dims(max_side, max_side) + ": " + name);
    throw corrupt(err);
  }
  const int ih = int(ihdr.height), iw = int(ihdr.width);
  if (ih > max_side || iw > max_side)
    throw Error("image is " + dims(ih, iw) + ", larger than " + dims(max_side, max_side) + ": " + name);
  if (expected_h > 0 && (ih != expected_h || iw != expected_w))
    throw Error("image is " + dims(ih, iw) + ", expected " + dims(expected_h, expected_w) + why + ": " + name);
  size_t len = 0;
  if ((err = spng_decoded_image_size(ctx.c, SPNG_FMT_RGBA8, &len)) != 0) throw corrupt(err);
  if (len != size_t(ih) * size_t(iw) * 4) throw Error("truncated or corrupt PNG: " + name);
  std::vector<uint8_t> rgba(len);
  if ((err = spng_decode_image(ctx.c, rgba.data(), len, SPNG_FMT_RGBA8, SPNG_DECODE_TRNS)) != 0) throw corrupt(err);
  std::vector<uint8_t> out(size_t(ih) * iw);
  for (size_t i = 0; i < out.size(); ++i) {
    const uint8_t* s = &rgba[4 * i];
    uint32_t v = (uint32_t(s[0]) * 77 + uint32_t(s[1]) * 150 + uint32_t(s[2]) * 29) >> 8;
    v = (v * s[3] + 127) / 255;  // over black
    out[i] = uint8_t(v);
  }
  h = ih;
  w = iw;
  return out;
}

namespace {
// One 8-bit PNG of `channels` 1 (gray) or 3 (RGB), encoded in memory.
std::vector<uint8_t> encode_png(const uint8_t* px, int h, int w, int channels) {
  if (h <= 0 || w <= 0 || h > 65535 || w > 65535) throw Error("cannot write an image of size " + dims(h, w));
  Ctx ctx(SPNG_CTX_ENCODER);
  spng_set_option(ctx.c, SPNG_ENCODE_TO_BUFFER, 1);
  // Figures (RGB) are flat colours: unfiltered rows compress as well and encode several times
  // faster than with libspng's adaptive filter choice (a 2× figure: ~80 ms instead of ~400).
  if (channels == 3) spng_set_option(ctx.c, SPNG_FILTER_CHOICE, SPNG_FILTER_CHOICE_NONE);
  spng_ihdr ihdr{};
  ihdr.width = uint32_t(w);
  ihdr.height = uint32_t(h);
  ihdr.bit_depth = 8;
  ihdr.color_type = channels == 3 ? SPNG_COLOR_TYPE_TRUECOLOR : SPNG_COLOR_TYPE_GRAYSCALE;
  int err = spng_set_ihdr(ctx.c, &ihdr);
  if (!err) err = spng_encode_image(ctx.c, px, size_t(h) * size_t(w) * size_t(channels), SPNG_FMT_PNG, SPNG_ENCODE_FINALIZE);
  if (err) throw Error(std::string("PNG encoding failed: ") + spng_strerror(err));
  size_t len = 0;
  void* buf = spng_get_png_buffer(ctx.c, &len, &err);
  if (!buf || err) throw Error(std::string("PNG encoding failed: ") + spng_strerror(err));
  std::unique_ptr<void, void (*)(void*)> guard(buf, &std::free);
  const uint8_t* b = static_cast<const uint8_t*>(buf);
  return std::vector<uint8_t>(b, b + len);
}
}  // namespace

std::vector<uint8_t> encode_png_gray(const uint8_t* px, int h, int w) { return encode_png(px, h, w, 1); }
std::vector<uint8_t> encode_png_rgb(const uint8_t* px, int h, int w) { return encode_png(px, h, w, 3); }

}  // namespace dae
