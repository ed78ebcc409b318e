// zip.h — the compression the data code needs: checksums and zlib streams (zlib: Debian's
// zlib1g-dev natively, its Debian source package compiled for wasm) and a ZIP reader.
// Everything is bounds-checked; bad input throws dae::Error, never crashes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/common.h"

namespace dae {

uint32_t crc32(const uint8_t* p, size_t n, uint32_t crc = 0);  // ZIP/PNG CRC-32; chainable
uint32_t adler32(const uint8_t* p, size_t n, uint32_t adler = 1);  // zlib's; chainable

// Largest decompressed size we accept from any stream or archive entry (1 GiB).
constexpr size_t kMaxInflatedSize = size_t(1) << 30;

// A complete zlib stream (RFC 1950: header, deflate data, Adler-32) at zlib's best compression.
// Deterministic: the same input always gives the same bytes.
std::vector<uint8_t> zlib_compress(const uint8_t* p, size_t n);

// Inflates `n` bytes that must decode to exactly `expected` bytes: a zlib stream
// (`zlib_header`, Adler-32 checked; the stream must end at p + n) or raw deflate data (as in
// ZIP; the caller checks the CRC). Throws dae::Error("<what>: …") on any mismatch.
std::vector<uint8_t> inflate_exact(const uint8_t* p, size_t n, size_t expected, bool zlib_header,
                                   const std::string& what);

// The same, read in pieces straight into the caller's buffers (a .daepack's labels and two
// pixel arrays): read(out, len) fills exactly len bytes; finish() checks that the stream ends
// there (and its checksum). The declared total is checked against `n` (deflate cannot
// expand more than 1032:1) before anything is allocated.
class InflateStream {
 public:
  InflateStream(const uint8_t* p, size_t n, size_t total, bool zlib_header, std::string what);
  ~InflateStream();
  InflateStream(const InflateStream&) = delete;
  InflateStream& operator=(const InflateStream&) = delete;
  void read(uint8_t* out, size_t len);
  void finish();

 private:
  void* zs_;  // z_stream (zlib.h stays out of this header)
  size_t left_;
  bool zlib_;
  std::string what_;
};

// A ZIP archive held in memory (the reader does not copy it: keep the bytes alive). Reads
// the central directory; supports stored (0) and deflated (8) entries; rejects ZIP64,
// multi-disk and encrypted archives with a clear message.
struct ZipEntry {
  std::string name;     // as stored, with '\' turned into '/'; directories end in '/'
  uint16_t method = 0;  // 0 stored, 8 deflate (others are listed but cannot be read)
  uint16_t flags = 0;
  uint32_t crc = 0;
  uint32_t compressed_size = 0, size = 0;
  uint32_t local_offset = 0;
  bool is_dir() const { return !name.empty() && name.back() == '/'; }
};

class ZipReader {
 public:
  // `what` names the archive in error messages ("digits.zip"). Throws dae::Error when the
  // bytes are not a readable ZIP archive.
  ZipReader(const uint8_t* bytes, size_t n, std::string what);
  const std::vector<ZipEntry>& entries() const { return entries_; }
  // Decompressed contents, CRC-32 checked. Throws dae::Error naming the entry.
  std::vector<uint8_t> read(const ZipEntry& e) const;
  const std::string& what() const { return what_; }

 private:
  const uint8_t* p_;
  size_t n_;
  size_t cd_begin_ = 0;  // entries' data must lie before the central directory
  std::string what_;
  std::vector<ZipEntry> entries_;
};

// A ZIP archive of `files` (name, bytes), in that order, stored without compression (the page's
// notebook export: its PNGs and models hardly compress). Names use '/'; no entry may reach
// 4 GiB and there are at most 65,535 (no ZIP64). Throws dae::Error otherwise.
std::vector<uint8_t> write_zip(const std::vector<std::pair<std::string, std::vector<uint8_t>>>& files);

}  // namespace dae
