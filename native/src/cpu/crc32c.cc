// CRC32C on the CPU.
//
// Hardware path: the crc32 instruction has a latency of 3 cycles and a throughput of 1 per cycle, so
// one dependency chain runs at a third of the unit's speed. Splitting a block into three streams
// keeps three chains in flight; the stream CRCs are then stitched by shifting the first two past the
// bytes that follow them. The shift is a carry-less multiply by x^(8n-33) mod P followed by one
// crc32 of the 64-bit product (the -33 undoes the 32 bits the crc32 step adds and the one bit a
// reflected clmul adds). Constants are compile-time. Fallback: slicing-by-8 tables.
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "../kernels/crc32c.h"
#include "cpu.h"

namespace mmsb::cpu {

namespace {

constexpr Crc32cTables kTables = make_crc32c_tables();

#if defined(__x86_64__)
// Stream lengths per block: long blocks amortise the stitch, short ones keep mid-size inputs
// (a few KiB) interleaved too.
constexpr size_t kLong = 8192;
constexpr size_t kShort = 256;
constexpr uint32_t kLongK1 = crc32c_xpow(kLong * 8 * 2 - 33);
constexpr uint32_t kLongK2 = crc32c_xpow(kLong * 8 - 33);
constexpr uint32_t kShortK1 = crc32c_xpow(kShort * 8 * 2 - 33);
constexpr uint32_t kShortK2 = crc32c_xpow(kShort * 8 - 33);

__attribute__((target("sse4.2,pclmul"))) inline uint32_t shift_clmul(uint32_t crc, uint32_t k) {
  const __m128i prod = _mm_clmulepi64_si128(_mm_cvtsi32_si128(static_cast<int>(crc)),
                                            _mm_cvtsi32_si128(static_cast<int>(k)), 0);
  return static_cast<uint32_t>(_mm_crc32_u64(0, static_cast<uint64_t>(_mm_cvtsi128_si64(prod))));
}

__attribute__((target("sse4.2"))) inline uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

template <size_t kLen>
__attribute__((target("sse4.2,pclmul"))) inline uint32_t three_way(uint32_t crc0, const uint8_t* p, uint32_t k1,
                                                                      uint32_t k2) {
  uint64_t c0 = crc0;
  uint64_t c1 = 0;
  uint64_t c2 = 0;
  for (size_t i = 0; i < kLen; i += 8) {
    c0 = _mm_crc32_u64(c0, load64(p + i));
    c1 = _mm_crc32_u64(c1, load64(p + kLen + i));
    c2 = _mm_crc32_u64(c2, load64(p + 2 * kLen + i));
  }
  return shift_clmul(static_cast<uint32_t>(c0), k1) ^ shift_clmul(static_cast<uint32_t>(c1), k2) ^
         static_cast<uint32_t>(c2);
}

__attribute__((target("sse4.2,pclmul"))) uint32_t update_hw(uint32_t crc, const uint8_t* p, size_t n) {
  // Align so the 8-byte loads below never straddle a cache line more than they must.
  while (n != 0 && (reinterpret_cast<uintptr_t>(p) & 7u) != 0) {
    crc = _mm_crc32_u8(crc, *p++);
    --n;
  }
  while (n >= 3 * kLong) {
    crc = three_way<kLong>(crc, p, kLongK1, kLongK2);
    p += 3 * kLong;
    n -= 3 * kLong;
  }
  while (n >= 3 * kShort) {
    crc = three_way<kShort>(crc, p, kShortK1, kShortK2);
    p += 3 * kShort;
    n -= 3 * kShort;
  }
  uint64_t c = crc;
  for (; n >= 8; n -= 8, p += 8) c = _mm_crc32_u64(c, load64(p));
  crc = static_cast<uint32_t>(c);
  for (; n != 0; --n) crc = _mm_crc32_u8(crc, *p++);
  return crc;
}
#endif

}  // namespace

uint32_t crc32c_update_table(uint32_t crc, const uint8_t* p, size_t n) {
  for (; n >= 8; n -= 8, p += 8) crc = crc32c_slice8(crc, p, kTables.t);
  for (; n != 0; --n) crc = crc32c_byte(crc, *p++, kTables.t);
  return crc;
}

uint32_t crc32c_update(uint32_t state, const uint8_t* p, size_t n) {
#if defined(__x86_64__)
  if (crc32c_hardware()) return update_hw(state, p, n);
#endif
  return crc32c_update_table(state, p, n);
}

}  // namespace mmsb::cpu
