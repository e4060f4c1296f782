// Copy, zero, compare and XOR of byte ranges.
//
// copy/zero/compare call memmove/memset/memcmp on purpose: glibc already picks AVX2/ERMS/AVX-512
// variants at load time through ifuncs, and a hand-written loop measured slower than them. The
// shared per-element bodies (kernels/bytes.h) are what the CUDA kernels run; here they serve the
// scalar XOR path and the tails of the SIMD loops.
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "../kernels/bytes.h"
#include "cpu.h"

namespace mmsb::cpu {

Status copy_bytes(uint8_t* dst, size_t dst_len, const uint8_t* src, size_t src_len, Error* err) {
  if (src_len > dst_len) {
    return fail(err, Status::LengthMismatch, "copyBytes: src of %zu bytes does not fit dst of %zu bytes", src_len,
                dst_len);
  }
  if (src_len != 0) std::memmove(dst, src, src_len);
  return Status::Ok;
}

void zero_bytes(uint8_t* dst, size_t len) {
  if (len != 0) std::memset(dst, 0, len);
}

int compare_bytes(const uint8_t* a, size_t a_len, const uint8_t* b, size_t b_len) {
  const size_t n = a_len < b_len ? a_len : b_len;
  const int c = n == 0 ? 0 : std::memcmp(a, b, n);
  if (c != 0) return c < 0 ? -1 : 1;
  return compare_lengths(a_len, b_len);
}

namespace {

void xor_scalar(uint8_t* dst, const uint8_t* src, size_t n) {
  size_t i = 0;
  // Word-at-a-time through memcpy: the views may be unaligned, and memcpy of 8 bytes compiles to one
  // unaligned load, so this is the portable fast path.
  for (; i + 8 <= n; i += 8) {
    uint64_t d;
    uint64_t s;
    std::memcpy(&d, dst + i, 8);
    std::memcpy(&s, src + i, 8);
    xor_word(&d, &s, 0);
    std::memcpy(dst + i, &d, 8);
  }
  for (; i < n; ++i) xor_elem(dst, src, i);
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) void xor_sse(uint8_t* dst, const uint8_t* src, size_t n) {
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    for (size_t k = 0; k < 64; k += 16) {
      const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(dst + i + k));
      const __m128i s = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + k));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + k), _mm_xor_si128(d, s));
    }
  }
  for (; i + 16 <= n; i += 16) {
    const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(dst + i));
    const __m128i s = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm_xor_si128(d, s));
  }
  for (; i < n; ++i) xor_elem(dst, src, i);
}

__attribute__((target("avx2"))) void xor_avx2(uint8_t* dst, const uint8_t* src, size_t n) {
  size_t i = 0;
  for (; i + 128 <= n; i += 128) {
    for (size_t k = 0; k < 128; k += 32) {
      const __m256i d = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(dst + i + k));
      const __m256i s = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i + k));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i + k), _mm256_xor_si256(d, s));
    }
  }
  for (; i + 32 <= n; i += 32) {
    const __m256i d = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(dst + i));
    const __m256i s = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_xor_si256(d, s));
  }
  for (; i < n; ++i) xor_elem(dst, src, i);
}
#endif

}  // namespace

Status xor_into(uint8_t* dst, size_t dst_len, const uint8_t* src, size_t src_len, Error* err) {
  if (dst_len != src_len) {
    return fail(err, Status::LengthMismatch, "xorInto: dst has %zu bytes but src has %zu; expected equal lengths",
                dst_len, src_len);
  }
  switch (active_simd()) {
#if defined(__x86_64__)
    case SimdLevel::Avx2: xor_avx2(dst, src, dst_len); break;
    case SimdLevel::Sse42: xor_sse(dst, src, dst_len); break;
#endif
    default: xor_scalar(dst, src, dst_len); break;
  }
  return Status::Ok;
}

}  // namespace mmsb::cpu
