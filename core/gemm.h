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

namespace dae {

void gemm(bool transA, bool transB, int M, int N, int K, const float* A, int lda, const float* B,
          int ldb, float* C, int ldc, bool accumulate);

// The portable kernel behind gemm() on wasm. It compiles on every GCC/Clang target (generic
// 128-bit vectors natively), so the tests can check it on any platform.
void gemm_blocked(bool transA, bool transB, int M, int N, int K, const float* A, int lda,
                  const float* B, int ldb, float* C, int ldc, bool accumulate);

}  // namespace dae
