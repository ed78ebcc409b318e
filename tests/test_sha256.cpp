// SHA-256 (core/formats/sha256.h) against the FIPS 180-2 example vectors, fed whole and in pieces.
#include <gtest/gtest.h>

#include <string>

#include "formats/sha256.h"

TEST(Sha256, FipsExampleVectors) {
  EXPECT_EQ(dae::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(dae::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(dae::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  const std::string million(1000000, 'a');
  EXPECT_EQ(dae::sha256_hex(million), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PiecesGiveTheSameDigestAsTheWhole) {
  // Lengths around the 56- and 64-byte padding boundaries, split at every position.
  for (size_t n : {55u, 56u, 57u, 63u, 64u, 65u, 119u, 120u, 200u}) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s += char('a' + (i * 7) % 26);
    const std::string whole = dae::sha256_hex(s);
    for (size_t cut = 0; cut <= n; cut += 13) {
      dae::Sha256 h;
      h.update(s.substr(0, cut));
      h.update(s.substr(cut));
      EXPECT_EQ(h.hex(), whole) << n << " split at " << cut;
    }
  }
  EXPECT_NE(dae::sha256_hex("abd"), dae::sha256_hex("abc"));
}
