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
#endif

// n rounded up to a whole number of vectors.
constexpr int round_up(int n) { return (n + kLanes - 1) / kLanes * kLanes; }

}  // namespace dae::simd
