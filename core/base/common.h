// common.h — the error type and the one seeded random number generator.
//
// Everything random in a run (weight init, noise, shuffling) is drawn from generators
// defined here, so the same seed gives the same run on every platform (native and wasm):
// we do not use <random>'s distributions, whose output differs between standard libraries.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <exception>
#include <string>
#include <string_view>

namespace dae {

// Every user-facing failure (bad file, bad flag, bad spec) throws this with a one-line,
// human-readable message. Nothing is modified when an operation throws.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A name from a file or archive, safe to print on one line: control characters (and bytes
// that are not UTF-8, and the C1 controls U+0080–U+009F) become \n, \t, \xNN escapes, and
// the marks that reorder text (U+200E/F, U+202A–E, U+2066–9) \u202e, so a crafted file name
// cannot break the one-line error rule, drive the terminal or print backwards. Long names are
// shortened to `max_len` bytes (whole characters) with "…".
std::string printable(std::string_view s, size_t max_len = 200);
// A number as people read it in a message or a table: "0.1", "3600", "1e-07" (%.6g; not
// "0.100000"), "nan" when it is not finite.
inline std::string short_number(double v) {
  if (!std::isfinite(v)) return "nan";
  char b[32];
  std::snprintf(b, sizeof b, "%.6g", v);
  return b;
}
// An exception's message for people: std::bad_alloc's own says only "std::bad_alloc".
std::string message_of(const std::exception& e);
// True if `s` is well-formed UTF-8 (no overlong forms, surrogates, or code points > U+10FFFF).
bool valid_utf8(std::string_view s);

// Little-endian integers in byte buffers (file formats: .daepack, safetensors, ZIP).
inline uint32_t get_le16(const uint8_t* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8; }
inline uint32_t get_le32(const uint8_t* p) { return get_le16(p) | get_le16(p + 2) << 16; }
inline uint64_t get_le64(const uint8_t* p) { return uint64_t(get_le32(p)) | uint64_t(get_le32(p + 4)) << 32; }
inline void put_le(uint8_t* p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = uint8_t(v >> (8 * i));
}

// 74497 → "74,497".
// "28×32": an image size, height × width, as every message writes it.
inline std::string dims(int h, int w) { return std::to_string(h) + "×" + std::to_string(w); }

inline std::string thousands(unsigned long long v) {
  const std::string s = std::to_string(v);
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i && (s.size() - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out;
}

// splitmix64: used to seed and to derive independent streams from (seed, key...) tuples.
inline uint64_t splitmix64(uint64_t& s) {
  uint64_t z = (s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
inline uint64_t mix_keys(uint64_t a, uint64_t b) {
  uint64_t s = a * 0xD1B54A32D192ED03ull + b;
  return splitmix64(s);
}

// xoshiro256** with float/normal helpers. Deterministic, portable, fast.
class Rng {
 public:
  explicit Rng(uint64_t seed = 0) { reseed(seed); }
  void reseed(uint64_t seed) {
    uint64_t s = seed;
    for (auto& x : s_) x = splitmix64(s);
    have_spare_ = false;
  }
  uint64_t next_u64() {
    const uint64_t r = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0]; s_[3] ^= s_[1]; s_[1] ^= s_[2]; s_[0] ^= s_[3];
    s_[2] ^= t; s_[3] = rotl(s_[3], 45);
    return r;
  }
  // Uniform in [0, 1) with 24 random bits (exactly representable floats).
  float uniform() { return float(next_u64() >> 40) * (1.0f / 16777216.0f); }
  // Uniform in [lo, hi).
  float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n) (n > 0), unbiased.
  uint64_t below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t r;
    do r = next_u64(); while (r >= limit);
    return r % n;
  }
  // Standard normal N(0,1) by Box–Muller in double precision (computed portably).
  float normal() {
    if (have_spare_) { have_spare_ = false; return spare_; }
    double u1, u2;
    do u1 = double(next_u64() >> 11) * (1.0 / 9007199254740992.0); while (u1 <= 0.0);
    u2 = double(next_u64() >> 11) * (1.0 / 9007199254740992.0);
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double a = 6.283185307179586 * u2;
    spare_ = float(r * std::sin(a));
    have_spare_ = true;
    return float(r * std::cos(a));
  }
  // Fisher–Yates shuffle of any random-access range.
  template <class It> void shuffle(It first, It last) {
    const auto n = last - first;
    for (auto i = n - 1; i > 0; --i) {
      const auto j = static_cast<decltype(i)>(below(uint64_t(i) + 1));
      std::swap(first[i], first[j]);
    }
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
  float spare_ = 0.f;
  bool have_spare_ = false;
};

}  // namespace dae
