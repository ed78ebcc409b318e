// sha256.h — SHA-256 (FIPS 180-4), for checking data files against published checksums
// (the DHCD manifest, the bundled subset's list) and for naming sweep runs by their config.
// A plain byte-at-a-time implementation: fast enough for tens of megabytes, the same result
// natively and in wasm.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace dae {

class Sha256 {
 public:
  Sha256();
  void update(const void* data, size_t n);
  void update(std::string_view s) { update(s.data(), s.size()); }
  std::array<uint8_t, 32> digest();  // finishes the hash; the object must not be updated after
  std::string hex();                  // digest() as 64 lowercase hex digits

 private:
  void block(const uint8_t* p);
  uint32_t h_[8];
  uint8_t buf_[64];
  size_t used_ = 0;     // bytes in buf_
  uint64_t total_ = 0;  // bytes hashed so far
};

// The hex digest of `n` bytes / of a string.
std::string sha256_hex(const void* data, size_t n);
inline std::string sha256_hex(std::string_view s) { return sha256_hex(s.data(), s.size()); }

}  // namespace dae
