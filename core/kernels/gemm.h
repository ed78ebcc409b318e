// gemm.h — single-precision matrix products on column-major arrays (the BLAS sgemm subset
// the layers need).
//
//   C = op(A) · op(B)        (accumulate = false)
//   C += op(A) · op(B)       (accumulate = true)
//
// op(X) = X, or Xᵀ when transX. C is M×N, op(A) M×K, op(B) K×N; every matrix is column-major
// with a leading dimension (element (r, c) of A is A[r + c·lda]) — Eigen::Map<MatrixXf>'s
// layout. With K = 0 the product is zero (C is cleared, or left alone when accumulating).
//
// Where it runs: on WebAssembly with SIMD128 it is the packed, register-blocked kernel of
// gemm.cpp (Eigen 3.4 has no wasm backend; on the layers' shapes its SSE path, emulated with
// wasm SIMD, is 1.3–1.8× slower in node 20). Natively it is Eigen (AVX2/AVX-512, near peak).
//
// Results are deterministic: the summation order depends only on the sizes and the flags,
// never on where the arrays sit in memory.
#pragma once
#include <cstddef>

namespace dae {

void gemm(bool transA, bool transB, int M, int N, int K, const float* A, int lda, const float* B,
          int ldb, float* C, int ldc, bool accumulate);

// The portable kernel behind gemm() on wasm. It compiles on every GCC/Clang target (generic
// 128-bit vectors natively), so the tests can check it on any platform.
void gemm_blocked(bool transA, bool transB, int M, int N, int K, const float* A, int lda,
                  const float* B, int ldb, float* C, int ldc, bool accumulate);

// Row-major product for the Winograd domain (winograd.cpp), where the operands are laid out so
// that no packing is needed:
//
//   C (M×N, row-major, row stride ldc)  =  [C +] A·B
//   A(m, k) = a[m·ams + k·aks]   (any strides: each entry is broadcast to a vector)
//   B (K×N, row-major, row stride ldb)
//
// N must be a multiple of simd::kLanes (simd.h): B's rows and C's rows are whole vectors.
// Register-blocked: a tile of up to 6–12 rows × 1–4 vectors of C stays in registers while k
// runs from 0 to K − 1, so every element is C_old + (((a_0·b_0 + a_1·b_1) + …) in order of k
// (fused multiply-adds natively): the result depends only on the sizes, never on threads.
void gemm_rowmajor(int M, int N, int K, const float* a, std::ptrdiff_t ams, std::ptrdiff_t aks, const float* b,
                   std::ptrdiff_t ldb, float* c, std::ptrdiff_t ldc, bool accumulate);

}  // namespace dae
