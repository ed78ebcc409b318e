// zip.cpp — checksums, a deflate encoder, an inflate wrapper around stb_image's decoder, and
// a ZIP central-directory reader. See zip.h.
#include "zip.h"

#include <stb_image.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <queue>

namespace dae {

// ---- checksums ------------------------------------------------------------------------------

uint32_t crc32(const uint8_t* p, size_t n, uint32_t crc) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (size_t i = 0; i < n; ++i) crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

uint32_t adler32(const uint8_t* p, size_t n, uint32_t adler) {
  uint32_t a = adler & 0xFFFF, b = adler >> 16;
  while (n > 0) {
    const size_t chunk = std::min<size_t>(n, 5552);  // largest run without 32-bit overflow
    for (size_t i = 0; i < chunk; ++i) { a += p[i]; b += a; }
    a %= 65521; b %= 65521;
    p += chunk; n -= chunk;
  }
  return (b << 16) | a;
}

// ---- deflate encoder -------------------------------------------------------------------------
namespace {

constexpr int kLenBase[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27,
                              31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr int kLenExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                               2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr int kDistBase[30] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129,
                               193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
                               6145, 8193, 12289, 16385, 24577};
constexpr int kDistExtra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6,
                                6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
constexpr int kClOrder[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

constexpr int kWindow = 32768, kMinMatch = 3, kMaxMatch = 258;
constexpr int kHashBits = 15;
constexpr int kMaxChain = 1024;   // candidates examined per position
constexpr int kGoodLength = 32;   // with a lazy match this long, search a quarter as hard
constexpr int kTooFar = 4096;     // a length-3 match further back than this is not worth it
constexpr size_t kBlockSymbols = 32768;

struct Tables {
  uint8_t len_code[kMaxMatch + 1];  // match length → length code index 0..28
  uint8_t dist_code[kWindow + 1];   // distance → distance code 0..29
  Tables() {
    for (int c = 0; c < 29; ++c)
      for (int l = kLenBase[c]; l < (c == 28 ? 259 : kLenBase[c + 1]); ++l) len_code[l] = uint8_t(c);
    len_code[258] = 28;  // 258 has its own code (285), not 284 + 31
    for (int c = 0; c < 30; ++c)
      for (int d = kDistBase[c]; d < (c == 29 ? kWindow + 1 : kDistBase[c + 1]); ++d)
        dist_code[d] = uint8_t(c);
  }
};
const Tables& tables() { static const Tables t; return t; }

class BitWriter {
 public:
  std::vector<uint8_t> out;
  void put(uint32_t bits, int n) {  // n ≤ 24, LSB first
    buf_ |= uint64_t(bits) << count_;
    count_ += n;
    while (count_ >= 8) { out.push_back(uint8_t(buf_)); buf_ >>= 8; count_ -= 8; }
  }
  void align() { if (count_ > 0) put(0, 8 - count_); }
 private:
  uint64_t buf_ = 0;
  int count_ = 0;
};

// Code lengths (≤ max_len) of a Huffman code for `freq`. Symbols with zero frequency get
// length 0; at least two symbols always get a code so the code is complete. When the optimal
// tree is too deep, frequencies are halved (keeping them ≥ 1) until it fits.
std::vector<uint8_t> huffman_lengths(std::vector<uint32_t> freq, int max_len) {
  const int n = int(freq.size());
  int used = 0;
  for (uint32_t f : freq) used += f > 0;
  for (int i = 0; i < n && used < 2; ++i)
    if (freq[i] == 0) { freq[i] = 1; ++used; }
  std::vector<uint8_t> len(n, 0);
  for (;;) {
    // nodes: leaves 0..n-1, internal nodes after; parent links give depths.
    std::vector<int> parent(2 * n, -1);
    using Item = std::pair<uint64_t, int>;  // (weight, node), ties broken by node id
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> q;
    for (int i = 0; i < n; ++i)
      if (freq[i] > 0) q.push({freq[i], i});
    int next = n;
    while (q.size() > 1) {
      const Item a = q.top(); q.pop();
      const Item b = q.top(); q.pop();
      parent[a.second] = parent[b.second] = next;
      q.push({a.first + b.first, next++});
    }
    int deepest = 0;
    std::vector<int> depth(next, 0);
    for (int v = next - 2; v >= 0; --v)  // parents have larger ids than their children
      if (parent[v] >= 0) depth[v] = depth[parent[v]] + 1;
    for (int i = 0; i < n; ++i) {
      len[i] = freq[i] > 0 ? uint8_t(depth[i]) : 0;
      deepest = std::max(deepest, int(len[i]));
    }
    if (deepest <= max_len) return len;
    for (auto& f : freq)
      if (f > 0) f = std::max<uint32_t>(1, f / 2);
  }
}

// Canonical codes (RFC 1951 §3.2.2), bit-reversed for LSB-first output.
std::vector<uint16_t> canonical_codes(const std::vector<uint8_t>& len) {
  int bl_count[16] = {0}, next_code[16] = {0};
  for (uint8_t l : len) if (l) ++bl_count[l];
  int code = 0;
  for (int b = 1; b < 16; ++b) { code = (code + bl_count[b - 1]) << 1; next_code[b] = code; }
  std::vector<uint16_t> codes(len.size(), 0);
  for (size_t i = 0; i < len.size(); ++i) {
    if (!len[i]) continue;
    uint32_t c = uint32_t(next_code[len[i]]++), r = 0;
    for (int k = 0; k < len[i]; ++k) { r = (r << 1) | (c & 1); c >>= 1; }
    codes[i] = uint16_t(r);
  }
  return codes;
}

struct Symbol {
  uint16_t lit_or_len;  // literal byte, or match length when dist > 0
  uint16_t dist;        // 0 for a literal
};

class Deflater {
 public:
  Deflater(const uint8_t* p, size_t n) : p_(p), n_(n), head_(size_t(1) << kHashBits, -1), prev_(kWindow, -1) {}

  std::vector<uint8_t> run() {
    bw_.put(0x78, 8);
    bw_.put(0xDA, 8);  // deflate, 32K window, "maximum compression"; (0x78DA) % 31 == 0
    parse();
    flush_block(true);
    bw_.align();
    const uint32_t a = adler32(p_, n_);
    for (int s = 24; s >= 0; s -= 8) bw_.put((a >> s) & 0xFF, 8);
    return std::move(bw_.out);
  }

 private:
  uint32_t hash(size_t i) const {
    const uint32_t v = p_[i] | (uint32_t(p_[i + 1]) << 8) | (uint32_t(p_[i + 2]) << 16);
    return (v * 2654435761u) >> (32 - kHashBits);
  }
  void insert(size_t i) {
    if (i + kMinMatch > n_) return;
    const uint32_t h = hash(i);
    prev_[i & (kWindow - 1)] = head_[h];
    head_[h] = int64_t(i);
  }
  // Number of equal leading bytes of a and b, at most max_len; 8 bytes at a time.
  static int match_length(const uint8_t* a, const uint8_t* b, int max_len) {
    int l = 0;
    while (l + 8 <= max_len) {
      uint64_t x, y;
      std::memcpy(&x, a + l, 8);
      std::memcpy(&y, b + l, 8);
      if (x != y) {
        const uint64_t d = x ^ y;  // the lowest differing byte comes first (little-endian)
#if defined(__GNUC__) || defined(__clang__)
        if (is_little_endian()) return l + __builtin_ctzll(d) / 8;
#endif
        break;
      }
      l += 8;
    }
    while (l < max_len && a[l] == b[l]) ++l;
    return l;
  }
  static bool is_little_endian() {
    const uint16_t one = 1;
    uint8_t first;
    std::memcpy(&first, &one, 1);
    return first == 1;
  }
  // Longest match for position i (before i is inserted) longer than `better_than`.
  int find(size_t i, int better_than, int& dist) const {
    if (i + kMinMatch > n_) return 0;
    const int max_len = int(std::min<size_t>(kMaxMatch, n_ - i));
    if (better_than >= max_len) return 0;
    int chain = better_than >= kGoodLength ? kMaxChain / 4 : kMaxChain;
    int best = better_than;
    int64_t cand = head_[hash(i)];
    const uint8_t* cur = p_ + i;
    while (cand >= 0 && int64_t(i) - cand <= kWindow && chain-- > 0) {
      const uint8_t* m = p_ + cand;
      if (m[best] == cur[best] && m[0] == cur[0]) {  // quick reject on the byte that matters
        const int l = match_length(m, cur, max_len);
        if (l > best) {
          best = l;
          dist = int(int64_t(i) - cand);
          if (l >= max_len) break;
        }
      }
      cand = prev_[size_t(cand) & (kWindow - 1)];
    }
    if (best <= better_than) return 0;
    if (best == kMinMatch && dist > kTooFar) return 0;
    return best;
  }
  // LZ77 with one-step lazy matching (a match is deferred if the next position has a longer one).
  void parse() {
    size_t i = 0;
    bool pending = false;  // an undecided position i-1 with (plen, pdist)
    int plen = 0, pdist = 0;
    while (i < n_) {
      int dist = 0, len = 0;
      if (!(pending && plen >= kMaxMatch)) len = find(i, pending ? std::max(plen, kMinMatch - 1) : kMinMatch - 1, dist);
      insert(i);
      if (pending) {
        if (plen >= kMinMatch && len <= plen) {
          emit_match(plen, pdist);
          const size_t end = i - 1 + size_t(plen);
          for (size_t j = i + 1; j < end; ++j) insert(j);
          i = end;
          pending = false;
          continue;
        }
        emit_literal(p_[i - 1]);
      }
      pending = true; plen = len; pdist = dist;
      ++i;
    }
    if (pending) emit_literal(p_[n_ - 1]);  // a match cannot start at the last byte
  }
  void emit_literal(uint8_t b) {
    syms_.push_back({b, 0});
    ++raw_in_block_;
    if (syms_.size() >= kBlockSymbols) flush_block(false);
  }
  void emit_match(int len, int dist) {
    syms_.push_back({uint16_t(len), uint16_t(dist)});
    raw_in_block_ += size_t(len);
    if (syms_.size() >= kBlockSymbols) flush_block(false);
  }

  // Writes the buffered symbols as the cheapest of a stored, fixed or dynamic block.
  void flush_block(bool final) {
    const Tables& t = tables();
    std::vector<uint32_t> lf(286, 0), df(30, 0);
    uint64_t extra_bits = 0;
    for (const Symbol& s : syms_) {
      if (s.dist == 0) { ++lf[s.lit_or_len]; continue; }
      const int lc = t.len_code[s.lit_or_len], dc = t.dist_code[s.dist];
      ++lf[257 + lc]; ++df[dc];
      extra_bits += uint64_t(kLenExtra[lc]) + kDistExtra[dc];
    }
    lf[256] = 1;
    std::vector<uint8_t> ll = huffman_lengths(lf, 15), dl = huffman_lengths(df, 15);

    int hlit = 286, hdist = 30;
    while (hlit > 257 && ll[hlit - 1] == 0) --hlit;
    while (hdist > 1 && dl[hdist - 1] == 0) --hdist;
    // Run-length code the concatenated code lengths (symbols 16, 17, 18).
    std::vector<uint8_t> all(ll.begin(), ll.begin() + hlit);
    all.insert(all.end(), dl.begin(), dl.begin() + hdist);
    std::vector<std::pair<uint8_t, uint8_t>> rle;  // (symbol, extra value)
    for (size_t k = 0; k < all.size();) {
      size_t run = 1;
      while (k + run < all.size() && all[k + run] == all[k]) ++run;
      if (all[k] == 0 && run >= 3) {
        const size_t r = std::min<size_t>(run, 138);
        rle.push_back(r >= 11 ? std::make_pair(uint8_t(18), uint8_t(r - 11)) : std::make_pair(uint8_t(17), uint8_t(r - 3)));
        k += r;
      } else if (all[k] != 0 && run >= 4) {
        rle.push_back({all[k], 0});
        const size_t r = std::min<size_t>(run - 1, 6);
        rle.push_back({16, uint8_t(r - 3)});
        k += 1 + r;
      } else {
        rle.push_back({all[k], 0});
        ++k;
      }
    }
    std::vector<uint32_t> cf(19, 0);
    for (auto& r : rle) ++cf[r.first];
    std::vector<uint8_t> cl = huffman_lengths(cf, 7);
    int hclen = 19;
    while (hclen > 4 && cl[kClOrder[hclen - 1]] == 0) --hclen;

    // Sizes in bits of the three choices.
    uint64_t dyn = 5 + 5 + 4 + 3 * uint64_t(hclen) + extra_bits;
    for (auto& r : rle) dyn += cl[r.first] + (r.first == 16 ? 2 : r.first == 17 ? 3 : r.first == 18 ? 7 : 0);
    uint64_t fix = extra_bits;
    for (int s = 0; s < 286; ++s) {
      dyn += uint64_t(lf[s]) * ll[s];
      fix += uint64_t(lf[s]) * (s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8);
    }
    for (int s = 0; s < 30; ++s) { dyn += uint64_t(df[s]) * dl[s]; fix += uint64_t(df[s]) * 5; }
    const uint64_t stored = (raw_in_block_ / 65535 + 1) * 40 + uint64_t(raw_in_block_) * 8;

    if (stored < dyn && stored < fix) {
      write_stored(final);
    } else if (fix <= dyn) {
      std::vector<uint8_t> fl(288), fd(30, 5);
      for (int s = 0; s < 288; ++s) fl[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
      bw_.put(final ? 1 : 0, 1);
      bw_.put(1, 2);
      write_symbols(fl, fd);
    } else {
      bw_.put(final ? 1 : 0, 1);
      bw_.put(2, 2);
      bw_.put(uint32_t(hlit - 257), 5);
      bw_.put(uint32_t(hdist - 1), 5);
      bw_.put(uint32_t(hclen - 4), 4);
      for (int k = 0; k < hclen; ++k) bw_.put(cl[kClOrder[k]], 3);
      const std::vector<uint16_t> cc = canonical_codes(cl);
      for (auto& r : rle) {
        bw_.put(cc[r.first], cl[r.first]);
        if (r.first == 16) bw_.put(r.second, 2);
        else if (r.first == 17) bw_.put(r.second, 3);
        else if (r.first == 18) bw_.put(r.second, 7);
      }
      write_symbols(ll, dl);
    }
    block_start_ += raw_in_block_;
    raw_in_block_ = 0;
    syms_.clear();
  }
  void write_symbols(const std::vector<uint8_t>& ll, const std::vector<uint8_t>& dl) {
    const Tables& t = tables();
    const std::vector<uint16_t> lc = canonical_codes(ll), dc = canonical_codes(dl);
    for (const Symbol& s : syms_) {
      if (s.dist == 0) { bw_.put(lc[s.lit_or_len], ll[s.lit_or_len]); continue; }
      const int l = t.len_code[s.lit_or_len], d = t.dist_code[s.dist];
      bw_.put(lc[257 + l], ll[257 + l]);
      if (kLenExtra[l]) bw_.put(uint32_t(s.lit_or_len - kLenBase[l]), kLenExtra[l]);
      bw_.put(dc[d], dl[d]);
      if (kDistExtra[d]) bw_.put(uint32_t(s.dist - kDistBase[d]), kDistExtra[d]);
    }
    bw_.put(lc[256], ll[256]);
  }
  void write_stored(bool final) {
    size_t pos = block_start_, left = raw_in_block_;
    do {
      const size_t len = std::min<size_t>(left, 65535);
      const bool last = final && len == left;
      bw_.put(last ? 1 : 0, 1);
      bw_.put(0, 2);
      bw_.align();
      bw_.put(uint32_t(len & 0xFFFF), 16);
      bw_.put(uint32_t(~len & 0xFFFF), 16);
      for (size_t k = 0; k < len; ++k) bw_.put(p_[pos + k], 8);
      pos += len; left -= len;
    } while (left > 0);
  }

  const uint8_t* p_;
  size_t n_;
  std::vector<int64_t> head_, prev_;
  std::vector<Symbol> syms_;
  size_t block_start_ = 0, raw_in_block_ = 0;
  BitWriter bw_;
};

uint32_t rd16(const uint8_t* p) { return uint32_t(p[0]) | (uint32_t(p[1]) << 8); }
uint32_t rd32(const uint8_t* p) { return rd16(p) | (rd16(p + 2) << 16); }

}  // namespace

std::vector<uint8_t> zlib_compress(const uint8_t* p, size_t n) {
  if (n > kMaxInflatedSize) throw Error("data too large to compress (" + std::to_string(n) + " bytes)");
  return Deflater(p, n).run();
}

std::vector<uint8_t> inflate_exact(const uint8_t* p, size_t n, size_t expected, bool zlib_header,
                                   const std::string& what) {
  if (expected > kMaxInflatedSize)
    throw Error(what + ": declared size " + std::to_string(expected) + " bytes is too large");
  if (n > size_t(INT_MAX) - 16 || (zlib_header && n < 6))
    throw Error(what + ": corrupt compressed data");
  // Deflate cannot expand data by more than 1032:1; a larger claim is corrupt.
  if (expected / 1032 > n + 16) throw Error(what + ": corrupt compressed data (impossible size)");
  std::vector<uint8_t> out(std::max<size_t>(expected, 1));
  const char* in = reinterpret_cast<const char*>(p);
  // stb_image 2.27 reports "unexpected end" when fewer than 16 bits are left in its bit
  // buffer at the end of the input, even if they hold the last codes. A zlib stream has its
  // 4-byte checksum after the deflate data; raw deflate (ZIP) gets 8 zero bytes of padding,
  // which the decoder never uses (it stops at the final block; the CRC catches truncation).
  std::vector<uint8_t> padded;
  if (!zlib_header) {
    padded.reserve(n + 8);
    padded.assign(p, p + n);
    padded.resize(n + 8, 0);
    in = reinterpret_cast<const char*>(padded.data());
    n += 8;
  }
  char* o = reinterpret_cast<char*>(out.data());
  // The output buffer is exactly `expected` long and not growable, so stb fails (rather than
  // allocating) when the stream holds more.
  const int got = zlib_header ? stbi_zlib_decode_buffer(o, int(expected), in, int(n))
                              : stbi_zlib_decode_noheader_buffer(o, int(expected), in, int(n));
  if (got < 0) throw Error(what + ": corrupt compressed data");
  if (size_t(got) != expected)
    throw Error(what + ": decompressed to " + std::to_string(got) + " bytes, expected " +
                std::to_string(expected));
  out.resize(expected);
  if (zlib_header) {
    const uint32_t stored = (uint32_t(p[n - 4]) << 24) | (uint32_t(p[n - 3]) << 16) |
                            (uint32_t(p[n - 2]) << 8) | p[n - 1];
    if (stored != adler32(out.data(), out.size()))
      throw Error(what + ": checksum mismatch (corrupt or truncated data)");
  }
  return out;
}

// ---- ZIP reader -------------------------------------------------------------------------------

ZipReader::ZipReader(const uint8_t* bytes, size_t n, std::string what)
    : p_(bytes), n_(n), what_(std::move(what)) {
  const std::string bad = "not a ZIP archive or corrupt: " + what_;
  if (n_ < 22) throw Error(bad);
  // End of central directory record: 22 bytes + a comment of up to 65535 bytes, at the end.
  size_t eocd = SIZE_MAX;
  const size_t lowest = n_ >= 22 + 65535 ? n_ - 22 - 65535 : 0;
  for (size_t i = n_ - 22 + 1; i-- > lowest;) {
    if (rd32(p_ + i) == 0x06054b50u && i + 22 + rd16(p_ + i + 20) <= n_) { eocd = i; break; }
  }
  if (eocd == SIZE_MAX) throw Error(bad + " (no end-of-central-directory record)");
  const uint8_t* e = p_ + eocd;
  const uint32_t disk = rd16(e + 4), cd_disk = rd16(e + 6), on_disk = rd16(e + 8),
                 total = rd16(e + 10), cd_size = rd32(e + 12), cd_off = rd32(e + 16);
  if (total == 0xFFFF || on_disk == 0xFFFF || cd_size == 0xFFFFFFFFu || cd_off == 0xFFFFFFFFu ||
      (eocd >= 20 && rd32(p_ + eocd - 20) == 0x07064b50u))
    throw Error("ZIP64 archives are not supported: " + what_);
  if (disk != 0 || cd_disk != 0 || on_disk != total)
    throw Error("multi-part (spanned) ZIP archives are not supported: " + what_);
  if (size_t(cd_off) + cd_size > eocd) throw Error(bad + " (central directory out of bounds)");
  cd_begin_ = cd_off;
  size_t pos = cd_off;
  const size_t end = size_t(cd_off) + cd_size;
  entries_.reserve(total);
  for (uint32_t k = 0; k < total; ++k) {
    if (pos + 46 > end || rd32(p_ + pos) != 0x02014b50u)
      throw Error(bad + " (bad central directory entry " + std::to_string(k) + ")");
    const uint8_t* c = p_ + pos;
    ZipEntry z;
    z.flags = uint16_t(rd16(c + 8));
    z.method = uint16_t(rd16(c + 10));
    z.crc = rd32(c + 16);
    z.compressed_size = rd32(c + 20);
    z.size = rd32(c + 24);
    const size_t name_len = rd16(c + 28), extra_len = rd16(c + 30), comment_len = rd16(c + 32);
    z.local_offset = rd32(c + 42);
    if (pos + 46 + name_len + extra_len + comment_len > end)
      throw Error(bad + " (central directory entry " + std::to_string(k) + " out of bounds)");
    if (z.compressed_size == 0xFFFFFFFFu || z.size == 0xFFFFFFFFu || z.local_offset == 0xFFFFFFFFu)
      throw Error("ZIP64 archives are not supported: " + what_);
    z.name.assign(reinterpret_cast<const char*>(c + 46), name_len);
    std::replace(z.name.begin(), z.name.end(), '\\', '/');
    entries_.push_back(std::move(z));
    pos += 46 + name_len + extra_len + comment_len;
  }
}

std::vector<uint8_t> ZipReader::read(const ZipEntry& z) const {
  const std::string what = z.name + " in " + what_;
  if (z.flags & 1) throw Error("encrypted ZIP entries are not supported: " + what);
  if (z.method != 0 && z.method != 8)
    throw Error("unsupported ZIP compression method " + std::to_string(z.method) + ": " + what);
  if (z.size > kMaxInflatedSize) throw Error("ZIP entry too large: " + what);
  const size_t off = z.local_offset;
  if (off + 30 > cd_begin_ || rd32(p_ + off) != 0x04034b50u)
    throw Error("corrupt ZIP entry (bad local header): " + what);
  const size_t data = off + 30 + rd16(p_ + off + 26) + rd16(p_ + off + 28);
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

}  // namespace dae
