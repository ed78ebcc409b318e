// zip.cpp — zlib streams (through zlib) and a ZIP central-directory reader. See zip.h.
#include "formats/zip.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstring>

namespace dae {

uint32_t crc32(const uint8_t* p, size_t n, uint32_t crc) {
  // zlib's length argument is 32-bit: feed large buffers in pieces.
  uLong c = crc;
  while (n > 0) {
    const uInt len = uInt(std::min<size_t>(n, 1u << 30));
    c = ::crc32(c, p, len);
    p += len;
    n -= len;
  }
  return uint32_t(c);
}

uint32_t adler32(const uint8_t* p, size_t n, uint32_t adler) {
  uLong a = adler;
  while (n > 0) {
    const uInt len = uInt(std::min<size_t>(n, 1u << 30));
    a = ::adler32(a, p, len);
    p += len;
    n -= len;
  }
  return uint32_t(a);
}

std::vector<uint8_t> zlib_compress(const uint8_t* p, size_t n) {
  if (n > kMaxInflatedSize) throw Error("data too large to compress (" + std::to_string(n) + " bytes)");
  uLongf len = compressBound(uLong(n));
  std::vector<uint8_t> out(len);
  if (compress2(out.data(), &len, p, uLong(n), Z_BEST_COMPRESSION) != Z_OK) throw Error("zlib: compression failed");
  out.resize(len);
  return out;
}

InflateStream::InflateStream(const uint8_t* p, size_t n, size_t total, bool zlib_header, std::string what)
    : zs_(nullptr), left_(total), zlib_(zlib_header), what_(std::move(what)) {
  if (total > kMaxInflatedSize)
    throw Error(what_ + ": declared size " + std::to_string(total) + " bytes is too large");
  if (n > size_t(UINT_MAX)) throw Error(what_ + ": corrupt compressed data");
  // Deflate cannot expand data by more than 1032:1: a larger claim is corrupt, and is refused
  // before the caller allocates its output.
  if (total / 1032 > n + 16) throw Error(what_ + ": corrupt compressed data (impossible size)");
  auto* zs = new z_stream{};
  if (inflateInit2(zs, zlib_header ? 15 : -15) != Z_OK) {
    delete zs;
    throw Error(what_ + ": cannot start decompression");
  }
  zs->next_in = const_cast<Bytef*>(p);
  zs->avail_in = uInt(n);
  zs_ = zs;
}

InflateStream::~InflateStream() {
  auto* zs = static_cast<z_stream*>(zs_);
  inflateEnd(zs);
  delete zs;
}

void InflateStream::read(uint8_t* out, size_t len) {
  if (len > left_) throw Error(what_ + ": reading past the declared size");
  auto* zs = static_cast<z_stream*>(zs_);
  while (len > 0) {
    const uInt piece = uInt(std::min<size_t>(len, 1u << 30));
    zs->next_out = out;
    zs->avail_out = piece;
    const int rc = inflate(zs, Z_NO_FLUSH);
    const size_t got = piece - zs->avail_out;
    out += got;
    len -= got;
    left_ -= got;
    if (rc == Z_DATA_ERROR) throw Error(what_ + ": corrupt compressed data or checksum mismatch");
    if (rc == Z_STREAM_END && len > 0)
      throw Error(what_ + ": the data ends early (" + std::to_string(left_) + " bytes short of the declared size)");
    if (rc != Z_OK && rc != Z_STREAM_END) throw Error(what_ + ": corrupt or truncated compressed data");
  }
}

void InflateStream::finish() {
  if (left_ != 0) throw Error(what_ + ": " + std::to_string(left_) + " bytes were not read");
  auto* zs = static_cast<z_stream*>(zs_);
  uint8_t extra;
  zs->next_out = &extra;
  zs->avail_out = 1;
  const int rc = inflate(zs, Z_FINISH);
  // Z_STREAM_END also means a zlib stream's Adler-32 matched.
  if (rc == Z_DATA_ERROR) throw Error(what_ + ": corrupt compressed data or checksum mismatch");
  if (zs->avail_out == 0) throw Error(what_ + ": the data is longer than its declared size");
  if (rc != Z_STREAM_END) throw Error(what_ + ": the compressed data is truncated");
  if (zlib_ && zs->avail_in != 0) throw Error(what_ + ": unexpected bytes after the compressed data");
}

std::vector<uint8_t> inflate_exact(const uint8_t* p, size_t n, size_t expected, bool zlib_header,
                                   const std::string& what) {
  InflateStream z(p, n, expected, zlib_header, what);
  std::vector<uint8_t> out(expected);
  z.read(out.data(), out.size());
  z.finish();
  return out;
}

// ---- ZIP reader -------------------------------------------------------------------------------

ZipReader::ZipReader(const uint8_t* bytes, size_t n, std::string what)
    : p_(bytes), n_(n), what_(std::move(what)) {
  const std::string bad = "not a ZIP archive or corrupt: " + printable(what_);
  if (n_ < 22) throw Error(bad);
  // End of central directory record: 22 bytes + a comment of up to 65535 bytes, at the end.
  size_t eocd = SIZE_MAX;
  const size_t lowest = n_ >= 22 + 65535 ? n_ - 22 - 65535 : 0;
  for (size_t i = n_ - 22 + 1; i-- > lowest;) {
    if (get_le32(p_ + i) == 0x06054b50u && i + 22 + get_le16(p_ + i + 20) <= n_) { eocd = i; break; }
  }
  if (eocd == SIZE_MAX) throw Error(bad + " (no end-of-central-directory record)");
  const uint8_t* e = p_ + eocd;
  const uint32_t disk = get_le16(e + 4), cd_disk = get_le16(e + 6), on_disk = get_le16(e + 8),
                 total = get_le16(e + 10), cd_size = get_le32(e + 12), cd_off = get_le32(e + 16);
  if (total == 0xFFFF || on_disk == 0xFFFF || cd_size == 0xFFFFFFFFu || cd_off == 0xFFFFFFFFu ||
      (eocd >= 20 && get_le32(p_ + eocd - 20) == 0x07064b50u))
    throw Error("ZIP64 archives are not supported: " + printable(what_));
  if (disk != 0 || cd_disk != 0 || on_disk != total)
    throw Error("multi-part (spanned) ZIP archives are not supported: " + printable(what_));
  if (size_t(cd_off) + cd_size > eocd) throw Error(bad + " (central directory out of bounds)");
  cd_begin_ = cd_off;
  size_t pos = cd_off;
  const size_t end = size_t(cd_off) + cd_size;
  entries_.reserve(total);
  for (uint32_t k = 0; k < total; ++k) {
    if (pos + 46 > end || get_le32(p_ + pos) != 0x02014b50u)
      throw Error(bad + " (bad central directory entry " + std::to_string(k) + ")");
    const uint8_t* c = p_ + pos;
    ZipEntry z;
    z.flags = uint16_t(get_le16(c + 8));
    z.method = uint16_t(get_le16(c + 10));
    z.crc = get_le32(c + 16);
    z.compressed_size = get_le32(c + 20);
    z.size = get_le32(c + 24);
    const size_t name_len = get_le16(c + 28), extra_len = get_le16(c + 30), comment_len = get_le16(c + 32);
    z.local_offset = get_le32(c + 42);
    if (pos + 46 + name_len + extra_len + comment_len > end)
      throw Error(bad + " (central directory entry " + std::to_string(k) + " out of bounds)");
    if (z.compressed_size == 0xFFFFFFFFu || z.size == 0xFFFFFFFFu || z.local_offset == 0xFFFFFFFFu)
      throw Error("ZIP64 archives are not supported: " + printable(what_));
    z.name.assign(reinterpret_cast<const char*>(c + 46), name_len);
    std::replace(z.name.begin(), z.name.end(), '\\', '/');
    entries_.push_back(std::move(z));
    pos += 46 + name_len + extra_len + comment_len;
  }
}

std::vector<uint8_t> ZipReader::read(const ZipEntry& z) const {
  const std::string what = printable(z.name) + " in " + printable(what_);
  if (z.flags & 1) throw Error("encrypted ZIP entries are not supported: " + what);
  if (z.method != 0 && z.method != 8)
    throw Error("unsupported ZIP compression method " + std::to_string(z.method) + ": " + what);
  if (z.size > kMaxInflatedSize) throw Error("ZIP entry too large: " + what);
  const size_t off = z.local_offset;
  if (off + 30 > cd_begin_ || get_le32(p_ + off) != 0x04034b50u)
    throw Error("corrupt ZIP entry (bad local header): " + what);
  const size_t data = off + 30 + get_le16(p_ + off + 26) + get_le16(p_ + off + 28);
  if (data > cd_begin_ || z.compressed_size > cd_begin_ - data)
    throw Error("corrupt ZIP entry (data out of bounds): " + what);
  std::vector<uint8_t> out;
  if (z.method == 0) {
    if (z.compressed_size != z.size) throw Error("corrupt ZIP entry (stored sizes differ): " + what);
    out.assign(p_ + data, p_ + data + z.size);
  } else {
    out = inflate_exact(p_ + data, z.compressed_size, z.size, false, "corrupt ZIP entry " + what);
  }
  if (crc32(out.data(), out.size()) != z.crc) throw Error("CRC mismatch in ZIP entry: " + what);
  return out;
}

// ---- writing ---------------------------------------------------------------------------------------
namespace {
void put16(std::vector<uint8_t>& o, uint32_t v) { o.push_back(uint8_t(v)), o.push_back(uint8_t(v >> 8)); }
void put32(std::vector<uint8_t>& o, uint32_t v) { put16(o, v & 0xFFFF), put16(o, v >> 16); }

// The fields a local header and a central-directory entry share, from "version needed" on:
// version, flags (bit 11: the name is UTF-8), method 0, time and date (1980-01-01: the same
// bytes every time), CRC, sizes, name length.
void common_fields(std::vector<uint8_t>& o, uint32_t crc, uint32_t size, size_t name) {
  put16(o, 20), put16(o, 1u << 11), put16(o, 0), put16(o, 0), put16(o, (0u << 9) | (1u << 5) | 1u);
  put32(o, crc), put32(o, size), put32(o, size), put16(o, uint32_t(name));
}
}  // namespace

std::vector<uint8_t> write_zip(const std::vector<std::pair<std::string, std::vector<uint8_t>>>& files) {
  if (files.size() > 0xFFFF) throw Error("a ZIP archive holds at most 65,535 files");
  std::vector<uint8_t> out, dir;
  for (const auto& [name, bytes] : files) {
    if (name.empty() || name.size() > 0xFFFF || bytes.size() >= 0xFFFFFFFFu || out.size() >= 0xFFFFFFFFu)
      throw Error("cannot put " + printable(name, 80) + " in a ZIP archive (a name or size out of range)");
    const uint32_t crc = crc32(bytes.data(), bytes.size()), size = uint32_t(bytes.size()), at = uint32_t(out.size());
    put32(out, 0x04034b50u);  // local header
    common_fields(out, crc, size, name.size());
    put16(out, 0);  // extra
    out.insert(out.end(), name.begin(), name.end());
    out.insert(out.end(), bytes.begin(), bytes.end());
    put32(dir, 0x02014b50u), put16(dir, 20);  // central directory: signature, made by
    common_fields(dir, crc, size, name.size());
    put16(dir, 0), put16(dir, 0), put16(dir, 0), put16(dir, 0), put32(dir, 0), put32(dir, at);
    dir.insert(dir.end(), name.begin(), name.end());
  }
  const uint32_t dir_at = uint32_t(out.size()), n = uint32_t(files.size());
  out.insert(out.end(), dir.begin(), dir.end());
  put32(out, 0x06054b50u), put16(out, 0), put16(out, 0), put16(out, n), put16(out, n);  // end of central directory
  put32(out, uint32_t(dir.size())), put32(out, dir_at), put16(out, 0);
  return out;
}

}  // namespace dae
