// common.cpp — printable(); the rest of common.h is inline.
#include "base/common.h"

#include <new>

namespace dae {

namespace {
// Length of the well-formed UTF-8 sequence starting at s[i] (1 for ASCII), 0 if malformed.
int utf8_len(std::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (c > 0xF4 || len == 0 || i + size_t(len) > s.size()) return 0;
  for (int k = 1; k < len; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  const unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
  if (len == 3 && ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0))) return 0;  // overlong, surrogate
  if (len == 4 && ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90))) return 0;  // overlong, > U+10FFFF
  return len;
}
}  // namespace

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const int len = utf8_len(s, i);
    if (!len) return false;
    i += size_t(len);
  }
  return true;
}

std::string message_of(const std::exception& e) {
  if (dynamic_cast<const std::bad_alloc*>(&e))
    return "not enough memory for this (nothing was changed): free some and try again";
  return e.what();
}

std::string printable(std::string_view s, size_t max_len) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  auto escape = [&](unsigned char c) {
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else { out += "\\x"; out += hex[c >> 4]; out += hex[c & 15]; }
  };
  size_t i = 0;
  while (i < s.size()) {
    if (out.size() >= max_len) { out += "…"; break; }
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) { escape(c); ++i; continue; }
    if (c < 0x80) { out += char(c); ++i; continue; }
    const int len = utf8_len(s, i);
    bool ok = len > 0;
    // U+0080–U+009F (C2 80 – C2 9F) are control characters too.
    if (ok && len == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) ok = false;
    if (!ok) { escape(c); ++i; continue; }
    // Marks that reorder text (U+200E/F, U+202A–E, U+2066–9: U+202E shows what follows backwards)
    // are written as \u202e: a name can then not disguise itself or what is printed after it.
    if (len == 3 && c == 0xE2) {
      const unsigned b1 = static_cast<unsigned char>(s[i + 1]), b2 = static_cast<unsigned char>(s[i + 2]);
      if ((b1 == 0x80 && (b2 == 0x8E || b2 == 0x8F || (b2 >= 0xAA && b2 <= 0xAE))) || (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9)) {
        const unsigned cp = 0x2000u | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
        out += "\\u";
        for (int sh = 12; sh >= 0; sh -= 4) out += hex[(cp >> sh) & 15];
        i += 3;
        continue;
      }
    }
    out.append(s.data() + i, size_t(len));
    i += size_t(len);
  }
  return out;
}

}  // namespace dae
