// simd.h — the one vector type the fast kernels (winograd.cpp, gemm.cpp's row-major kernel,
// the direct convolutions in layers.cpp) are written in: kLanes floats, the widest the build
// targets have.
//
//   AVX-512F           16 lanes, fused multiply-add       (-march=native on this machine)
//   AVX2 + FMA          8 lanes, fused multiply-add       (-march=x86-64-v3, Zen 3, …)
//   wasm SIMD128        4 lanes, multiply then add (wasm has no FMA)
//   anything else       4 lanes of GCC/Clang generic vectors, multiply then add
//
// fmadd(a, b, c) = a·b + c — rounded once natively, twice on wasm, so native and wasm results
// differ by rounding (each is deterministic). Everything here is stateless (thread-safe).
#pragma once
#include <cstddef>
#include <cstring>

#if defined(__AVX512F__) || (defined(__AVX2__) && defined(__FMA__))
#include <immintrin.h>
#elif defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace dae::simd {

#if defined(__AVX512F__)
constexpr int kLanes = 16;
using vf = __m512;
inline vf load(const float* p) { return _mm512_loadu_ps(p); }
inline void store(float* p, vf v) { _mm512_storeu_ps(p, v); }
inline vf set1(float x) { return _mm512_set1_ps(x); }
inline vf bcast(const float* p) { return _mm512_set1_ps(*p); }
inline vf zero() { return _mm512_setzero_ps(); }
inline vf add(vf a, vf b) { return _mm512_add_ps(a, b); }
inline vf sub(vf a, vf b) { return _mm512_sub_ps(a, b); }
inline vf mul(vf a, vf b) { return _mm512_mul_ps(a, b); }
inline vf fmadd(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }
inline vf relu(vf x) { return _mm512_max_ps(x, _mm512_setzero_ps()); }  // NaN → 0
inline vf keep_if_positive(vf y, vf g) {
  return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(y, _mm512_setzero_ps(), _CMP_GT_OQ), g);
}
#elif defined(__AVX2__) && defined(__FMA__)
constexpr int kLanes = 8;
using vf = __m256;
inline vf load(const float* p) { return _mm256_loadu_ps(p); }
inline void store(float* p, vf v) { _mm256_storeu_ps(p, v); }
inline vf set1(float x) { return _mm256_set1_ps(x); }
inline vf bcast(const float* p) { return _mm256_broadcast_ss(p); }
inline vf zero() { return _mm256_setzero_ps(); }
inline vf add(vf a, vf b) { return _mm256_add_ps(a, b); }
inline vf sub(vf a, vf b) { return _mm256_sub_ps(a, b); }
inline vf mul(vf a, vf b) { return _mm256_mul_ps(a, b); }
inline vf fmadd(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
inline vf relu(vf x) { return _mm256_max_ps(x, _mm256_setzero_ps()); }
inline vf keep_if_positive(vf y, vf g) { return _mm256_and_ps(_mm256_cmp_ps(y, _mm256_setzero_ps(), _CMP_GT_OQ), g); }
#elif defined(__wasm_simd128__)
constexpr int kLanes = 4;
using vf = v128_t;
inline vf load(const float* p) { return wasm_v128_load(p); }
inline void store(float* p, vf v) { wasm_v128_store(p, v); }
inline vf set1(float x) { return wasm_f32x4_splat(x); }
inline vf bcast(const float* p) { return wasm_v128_load32_splat(p); }
inline vf zero() { return wasm_f32x4_splat(0.f); }
inline vf add(vf a, vf b) { return wasm_f32x4_add(a, b); }
inline vf sub(vf a, vf b) { return wasm_f32x4_sub(a, b); }
inline vf mul(vf a, vf b) { return wasm_f32x4_mul(a, b); }
inline vf fmadd(vf a, vf b, vf c) { return wasm_f32x4_add(wasm_f32x4_mul(a, b), c); }
inline vf relu(vf x) { return wasm_f32x4_pmax(wasm_f32x4_splat(0.f), x); }  // 0 < x ? x : 0
inline vf keep_if_positive(vf y, vf g) { return wasm_v128_and(wasm_f32x4_gt(y, wasm_f32x4_splat(0.f)), g); }
#else
constexpr int kLanes = 4;
typedef float vf __attribute__((vector_size(16)));
inline vf load(const float* p) { vf v; std::memcpy(&v, p, sizeof v); return v; }
inline void store(float* p, vf v) { std::memcpy(p, &v, sizeof v); }
inline vf set1(float x) { return vf{x, x, x, x}; }
inline vf bcast(const float* p) { return set1(*p); }
inline vf zero() { return set1(0.f); }
inline vf add(vf a, vf b) { return a + b; }
inline vf sub(vf a, vf b) { return a - b; }
inline vf mul(vf a, vf b) { return a * b; }
inline vf fmadd(vf a, vf b, vf c) { return a * b + c; }
inline vf keep_if_positive(vf y, vf g) {
  typedef int vi __attribute__((vector_size(16)));
  return (vf)((vi)(y > zero()) & (vi)g);
}
inline vf relu(vf x) { return keep_if_positive(x, x); }
#endif
//   relu(x)                = x > 0 ? x : 0      (per lane; NaN → 0)
//   keep_if_positive(y, g) = y > 0 ? g : 0

// ---- four-float vectors with shuffles (GCC/Clang generic vectors: SSE natively, SIMD128 in
// wasm), for the layers that move data between lanes (transposes, pooling, upsampling).
typedef float f4 __attribute__((vector_size(16)));
typedef int i4 __attribute__((vector_size(16)));
inline f4 load4(const float* p) { f4 v; std::memcpy(&v, p, sizeof v); return v; }
inline void store4(float* p, f4 v) { std::memcpy(p, &v, sizeof v); }
inline f4 even4(f4 a, f4 b) { return __builtin_shufflevector(a, b, 0, 2, 4, 6); }  // a0 a2 b0 b2
inline f4 odd4(f4 a, f4 b) { return __builtin_shufflevector(a, b, 1, 3, 5, 7); }   // a1 a3 b1 b3
inline f4 lo_zip4(f4 a, f4 b) { return __builtin_shufflevector(a, b, 0, 4, 1, 5); }  // a0 b0 a1 b1
inline f4 hi_zip4(f4 a, f4 b) { return __builtin_shufflevector(a, b, 2, 6, 3, 7); }  // a2 b2 a3 b3
inline f4 select4(i4 m, f4 a, f4 b) { return (f4)((m & (i4)a) | (~m & (i4)b)); }   // m ? a : b
#if defined(__wasm_simd128__)
inline f4 max4(f4 a, f4 b) { return (f4)wasm_f32x4_pmax((v128_t)a, (v128_t)b); }     // std::max(a, b)
#else
inline f4 max4(f4 a, f4 b) { return select4(a < b, b, a); }                          // std::max(a, b)
#endif
inline f4 mask4(i4 m) { return (f4)(m & (i4)(f4{1.f, 1.f, 1.f, 1.f})); }             // m ? 1 : 0

// n rounded up to a whole number of vectors.
constexpr int round_up(int n) { return (n + kLanes - 1) / kLanes * kLanes; }

}  // namespace dae::simd
