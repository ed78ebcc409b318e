// stb_impl.cpp — the one translation unit that compiles the stb image reader and writer
// (Debian's libstb-dev headers; header-only use, nothing is linked from libstb.a).
//
// Reader: PNG for datasets, plus JPEG/BMP/PNM so single user images can be read too; no HDR
// or float paths. Its zlib decoder (stbi_zlib_decode_*) is used for .daepack payloads and
// deflated ZIP entries. Writer: PNG, and stbi_zlib_compress for save_pack (data.cpp declares
// it itself: stb_image_write.h defines it only in the implementation part, with C linkage).
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wtype-limits"
#endif

#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_ONLY_BMP
#define STBI_ONLY_PNM
#define STBI_NO_HDR
#define STBI_NO_LINEAR
#define STBI_NO_FAILURE_STRINGS
// Datasets hold small images; refuse absurd headers before allocating anything.
#define STBI_MAX_DIMENSIONS (1 << 14)
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>
