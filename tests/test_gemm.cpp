// gemm(): every transpose combination, odd and layer-sized shapes, padded leading dimensions,
// accumulate / overwrite semantics and bit-determinism, against a double-precision reference.
// Both entry points are checked: gemm() (Eigen natively, the blocked kernel on wasm) and
// gemm_blocked() (the portable kernel; natively compiled with generic vectors).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "base/common.h"
#include "kernels/gemm.h"

using namespace dae;

namespace {

using GemmFn = void (*)(bool, bool, int, int, int, const float*, int, const float*, int, float*, int, bool);
struct Impl {
  const char* name;
  GemmFn fn;
};
const Impl kImpls[] = {{"gemm", gemm}, {"gemm_blocked", gemm_blocked}};

struct Case {
  bool ta, tb;
  int M, N, K;
  int pad;  // extra rows in every leading dimension
};

std::string describe(const Case& c, bool acc) {
  return std::string(c.ta ? "T" : "N") + (c.tb ? "T" : "N") + " M=" + std::to_string(c.M) + " N=" +
         std::to_string(c.N) + " K=" + std::to_string(c.K) + " pad=" + std::to_string(c.pad) +
         (acc ? " +=" : " =");
}

// The operands of one case, stored as gemm() reads them: op(A) is M×K, op(B) K×N. Each array
// has one extra element at the end (a sentinel for C).
struct Operands {
  int lda, ldb, ldc;
  std::vector<float> A, B, C0;  // C0: C's content before the call
  Operands(const Case& c, Rng& rng) {
    lda = (c.ta ? c.K : c.M) + c.pad;
    ldb = (c.tb ? c.N : c.K) + c.pad;
    ldc = c.M + c.pad;
    A.resize(size_t(lda) * (c.ta ? c.M : c.K) + 1);
    B.resize(size_t(ldb) * (c.tb ? c.K : c.N) + 1);
    C0.resize(size_t(ldc) * c.N + 1);
    for (auto& v : A) v = rng.uniform(-1.f, 1.f);
    for (auto& v : B) v = rng.uniform(-1.f, 1.f);
    for (auto& v : C0) v = rng.uniform(-1.f, 1.f);
  }
  float a(const Case& c, int i, int k) const { return c.ta ? A[k + size_t(i) * lda] : A[i + size_t(k) * lda]; }
  float b(const Case& c, int k, int j) const { return c.tb ? B[j + size_t(k) * ldb] : B[k + size_t(j) * ldb]; }
};

bool same_bits(float x, float y) { return std::memcmp(&x, &y, sizeof x) == 0; }

// Runs fn on one case and compares with the double reference: |error| ≤ 1e-5 · (|C0| + Σ|a·b|),
// relative to the size of the terms so that cancellation cannot fail it spuriously. Entries of
// C outside the M×N block (the padding rows, the sentinel at the end) must stay untouched.
void check_case(const Impl& impl, const Case& c, bool acc, Rng& rng) {
  SCOPED_TRACE(std::string(impl.name) + " " + describe(c, acc));
  const Operands o(c, rng);
  std::vector<float> C = o.C0;
  if (!acc)  // overwriting must not read C: NaN there must not leak into the result
    for (int j = 0; j < c.N; ++j)
      for (int i = 0; i < c.M; ++i) C[i + size_t(j) * o.ldc] = std::numeric_limits<float>::quiet_NaN();
  impl.fn(c.ta, c.tb, c.M, c.N, c.K, o.A.data(), o.lda, o.B.data(), o.ldb, C.data(), o.ldc, acc);
  int bad = 0;
  for (int j = 0; j < c.N; ++j)
    for (int i = 0; i < o.ldc; ++i) {
      const size_t at = i + size_t(j) * o.ldc;
      if (i >= c.M) {
        if (!same_bits(C[at], o.C0[at]) && ++bad <= 5) ADD_FAILURE() << "padding row " << i << " of column " << j << " changed";
        continue;
      }
      double ref = acc ? o.C0[at] : 0.0, mag = acc ? std::fabs(o.C0[at]) : 0.0;
      for (int k = 0; k < c.K; ++k) {
        const double t = double(o.a(c, i, k)) * o.b(c, k, j);
        ref += t;
        mag += std::fabs(t);
      }
      if (!(std::fabs(C[at] - ref) <= 1e-5 * mag) && ++bad <= 5)
        ADD_FAILURE() << "C(" << i << ", " << j << ") = " << C[at] << ", reference " << ref << " (scale " << mag << ")";
    }
  EXPECT_TRUE(same_bits(C.back(), o.C0.back())) << "wrote past the end of C";
  EXPECT_EQ(bad, 0);
}

const bool kFlags[] = {false, true};

}  // namespace

// Odd sizes around the 8×5 tile and 4-row edges, 1s, and K across the 256-step blocking.
TEST(Gemm, OddSizesAllTransposes) {
  const int sizes[] = {1, 3, 4, 5, 7, 8, 9, 13, 17};
  Rng rng(1);
  for (const Impl& impl : kImpls)
    for (bool ta : kFlags)
      for (bool tb : kFlags)
        for (int M : sizes)
          for (int N : sizes)
            for (int K : {1, 3, 17})
              for (bool acc : kFlags) check_case(impl, {ta, tb, M, N, K, (M + N + K) % 3}, acc, rng);
}

TEST(Gemm, LongAndBlockedK) {
  Rng rng(2);
  for (const Impl& impl : kImpls)
    for (bool ta : kFlags)
      for (bool tb : kFlags)
        for (int K : {255, 256, 257, 600, 784})
          for (bool acc : kFlags) check_case(impl, {ta, tb, 49, 17, K, 1}, acc, rng);
}

// Matrix × vector (N = 1) and vector × matrix (M = 1), which have their own loops: blocks of
// 32 and 4 rows with single-row leftovers, and K tails after multiples of 4.
TEST(Gemm, MatrixVector) {
  Rng rng(6);
  for (const Impl& impl : kImpls)
    for (bool ta : kFlags)
      for (bool tb : kFlags)
        for (int len : {1, 5, 33, 70, 130})
          for (int K : {1, 7, 130})
            for (bool acc : kFlags) {
              check_case(impl, {ta, tb, len, 1, K, len % 2}, acc, rng);
              check_case(impl, {ta, tb, 1, len, K, 1 - len % 2}, acc, rng);
            }
}

// The products the layers compute (seed, deep, transposed and dense presets on 28×28; Dense
// shards of 1 and 8 images), in the orientation each call site uses.
TEST(Gemm, LayerShapes) {
  const Case cases[] = {
      {false, false, 784, 32, 9, 0},   {true, false, 9, 32, 784, 0},    // conv1: forward, dW
      {false, false, 196, 64, 288, 0}, {true, false, 288, 64, 196, 0},  // conv 32→64 on 14×14
      {false, true, 196, 288, 64, 0},                                   //   dcol
      {false, false, 49, 64, 576, 0},  {true, false, 576, 64, 49, 0},   // conv 64→64 on 7×7
      {false, true, 49, 576, 64, 0},
      {false, false, 196, 32, 576, 0}, {true, false, 576, 32, 196, 0},  // conv 64→32 on 14×14
      {false, true, 196, 576, 32, 0},
      {false, true, 49, 576, 64, 0},   {true, false, 576, 64, 49, 0},   // convt: x·Wᵀ, dW
      {false, false, 49, 64, 576, 0},                                   //   dx
      {true, false, 128, 8, 784, 0},   {false, true, 784, 128, 8, 0},   // dense 784→128
      {false, false, 784, 8, 128, 0},
      {true, false, 784, 1, 128, 0},   {false, true, 128, 784, 1, 0},   // dense 128→784, 1 image
      {false, false, 128, 1, 784, 0},
  };
  Rng rng(3);
  for (const Impl& impl : kImpls)
    for (const Case& c : cases)
      for (bool acc : kFlags) check_case(impl, c, acc, rng);
}

// K = 0: the product is zero — overwriting clears C, accumulating leaves it alone.
TEST(Gemm, EmptyK) {
  for (const Impl& impl : kImpls)
    for (bool acc : kFlags) {
      SCOPED_TRACE(std::string(impl.name) + (acc ? " +=" : " ="));
      std::vector<float> C(12, 2.f);
      const float a = 1.f, b = 1.f;
      impl.fn(false, false, 3, 4, 0, &a, 3, &b, 1, C.data(), 3, acc);
      for (float v : C) EXPECT_EQ(v, acc ? 2.f : 0.f);
    }
}

// Same inputs at different addresses (shifted by 0–3 floats, so differently aligned for
// 16-byte vectors) give bit-identical results, both overwriting and accumulating.
TEST(Gemm, DeterministicAcrossAlignments) {
  const Case cases[] = {{false, false, 49, 64, 576, 0}, {true, false, 288, 64, 196, 3},
                        {false, true, 196, 45, 64, 1},  {true, true, 19, 23, 300, 2},
                        {true, false, 9, 32, 784, 0},   {false, false, 784, 8, 128, 0},
                        {true, false, 130, 1, 83, 0},   {false, false, 130, 1, 83, 0}};
  Rng rng(4);
  for (const Impl& impl : kImpls)
    for (const Case& c : cases)
      for (bool acc : kFlags) {
        SCOPED_TRACE(std::string(impl.name) + " " + describe(c, acc));
        const Operands o(c, rng);
        std::vector<float> first;
        for (int shift = 0; shift < 4; ++shift) {
          std::vector<float> A(o.A.size() + shift), B(o.B.size() + 3 - shift), C(o.C0.size() + (shift * 3) % 4);
          float* a = A.data() + shift;
          float* b = B.data() + 3 - shift;
          float* cc = C.data() + (shift * 3) % 4;
          std::copy(o.A.begin(), o.A.end(), a);
          std::copy(o.B.begin(), o.B.end(), b);
          std::copy(o.C0.begin(), o.C0.end(), cc);
          impl.fn(c.ta, c.tb, c.M, c.N, c.K, a, o.lda, b, o.ldb, cc, o.ldc, acc);
          std::vector<float> got(cc, cc + o.C0.size());
          if (shift == 0) first = got;
          else EXPECT_EQ(std::memcmp(got.data(), first.data(), got.size() * sizeof(float)), 0) << "shift " << shift;
        }
      }
}

// Calling again with the same inputs gives the same bits (no state carried between calls),
// including after a call of a different shape has reused the internal buffers.
TEST(Gemm, RepeatableAfterOtherShapes) {
  Rng rng(5);
  const Case c{true, false, 288, 64, 196, 0}, other{false, true, 49, 576, 64, 0};
  const Operands o(c, rng), p(other, rng);
  for (const Impl& impl : kImpls) {
    SCOPED_TRACE(impl.name);
    std::vector<float> C1 = o.C0, C2 = o.C0, D = p.C0;
    impl.fn(c.ta, c.tb, c.M, c.N, c.K, o.A.data(), o.lda, o.B.data(), o.ldb, C1.data(), o.ldc, true);
    impl.fn(other.ta, other.tb, other.M, other.N, other.K, p.A.data(), p.lda, p.B.data(), p.ldb, D.data(), p.ldc, false);
    impl.fn(c.ta, c.tb, c.M, c.N, c.K, o.A.data(), o.lda, o.B.data(), o.ldb, C2.data(), o.ldc, true);
    EXPECT_EQ(std::memcmp(C1.data(), C2.data(), C1.size() * sizeof(float)), 0);
  }
}
