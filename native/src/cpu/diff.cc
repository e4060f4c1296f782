// Diffing two pages into runs. Real diffs are mostly equal bytes, so the cost is the scan for the
// next differing byte: AVX2 compares 32 bytes (two blocks per iteration) and skips equal regions
// with one movemask test; the end of a differing stretch is found the same way with the mask
// inverted. Stretches go through the shared add_stretch (fold_stretch) so the GPU path draws the same runs.
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "../kernels/bytes.h"
#include "../kernels/diff.h"
#include "cpu.h"

namespace mmsb::cpu {

namespace {

using Finder = size_t (*)(const uint8_t*, const uint8_t*, size_t, size_t);

// First i in [from, n) with a[i] != b[i], or n.
size_t next_diff_scalar(const uint8_t* a, const uint8_t* b, size_t from, size_t n) {
  size_t i = from;
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    uint64_t y;
    std::memcpy(&x, a + i, 8);
    std::memcpy(&y, b + i, 8);
    if (x != y) break;
  }
  for (; i < n; ++i) {
    if (bytes_differ(a, b, i)) return i;
  }
  return n;
}

// First i in [from, n) with a[i] == b[i], or n.
size_t next_equal_scalar(const uint8_t* a, const uint8_t* b, size_t from, size_t n) {
  size_t i = from;
  while (i < n && bytes_differ(a, b, i)) ++i;
  return i;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) size_t next_diff_sse(const uint8_t* a, const uint8_t* b, size_t from, size_t n) {
  size_t i = from;
  for (; i + 16 <= n; i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i));
    const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i));
    const unsigned eq = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, y)));
    if (eq != 0xFFFFu) return i + static_cast<size_t>(__builtin_ctz(~eq));
  }
  return next_diff_scalar(a, b, i, n);
}

__attribute__((target("sse4.2"))) size_t next_equal_sse(const uint8_t* a, const uint8_t* b, size_t from, size_t n) {
  size_t i = from;
  for (; i + 16 <= n; i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i));
    const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i));
    const unsigned eq = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, y)));
    if (eq != 0) return i + static_cast<size_t>(__builtin_ctz(eq));
  }
  return next_equal_scalar(a, b, i, n);
}

__attribute__((target("avx2"))) size_t next_diff_avx2(const uint8_t* a, const uint8_t* b, size_t from, size_t n) {
  size_t i = from;
  // Two blocks per iteration: the AND of both masks is one test for 64 equal bytes.
  for (; i + 64 <= n; i += 64) {
    const __m256i e0 = _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i)),
                                         _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i)));
    const __m256i e1 = _mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i + 32)),
                                         _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i + 32)));
    if (static_cast<unsigned>(_mm256_movemask_epi8(_mm256_and_si256(e0, e1))) != 0xFFFFFFFFu) {
      const unsigned m0 = static_cast<unsigned>(_mm256_movemask_epi8(e0));
      if (m0 != 0xFFFFFFFFu) return i + static_cast<size_t>(__builtin_ctz(~m0));
      const unsigned m1 = static_cast<unsigned>(_mm256_movemask_epi8(e1));
      return i + 32 + static_cast<size_t>(__builtin_ctz(~m1));
    }
  }
  for (; i + 32 <= n; i += 32) {
    const unsigned m = static_cast<unsigned>(
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i)),
                                               _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i)))));
    if (m != 0xFFFFFFFFu) return i + static_cast<size_t>(__builtin_ctz(~m));
  }
  return next_diff_scalar(a, b, i, n);
}

__attribute__((target("avx2"))) size_t next_equal_avx2(const uint8_t* a, const uint8_t* b, size_t from, size_t n) {
  size_t i = from;
  for (; i + 32 <= n; i += 32) {
    const unsigned m = static_cast<unsigned>(
        _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i)),
                                               _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i)))));
    if (m != 0) return i + static_cast<size_t>(__builtin_ctz(m));
  }
  return next_equal_scalar(a, b, i, n);
}
#endif

}  // namespace

Status diff_pages(const uint8_t* before, const uint8_t* after, size_t n, uint32_t merge_gap, std::vector<RunSpan>* out,
                  Error* err) {
  if (n > 0xFFFFFFFFull) {
    return fail(err, Status::InvalidArgument, "diffPages: pages of %zu bytes exceed the 4 GiB that uint32 runs address",
                n);
  }
  Finder next_diff = next_diff_scalar;
  Finder next_equal = next_equal_scalar;
#if defined(__x86_64__)
  switch (active_simd()) {
    case SimdLevel::Avx2:
      next_diff = next_diff_avx2;
      next_equal = next_equal_avx2;
      break;
    case SimdLevel::Sse42:
      next_diff = next_diff_sse;
      next_equal = next_equal_sse;
      break;
    default: break;
  }
#endif
  RunSpan last{0, 0};
  bool have_last = false;
  size_t i = 0;
  for (;;) {
    const size_t start = next_diff(before, after, i, n);
    if (start >= n) break;
    const size_t end = next_equal(before, after, start + 1, n);
    add_stretch(out, &last, &have_last, start, end, merge_gap);
    i = end;
  }
  flush_stretch(out, last, have_last);
  return Status::Ok;
}

}  // namespace mmsb::cpu
