// CRC32C (Castagnoli, reflected polynomial 0x82F63B78). Table steps and the GF(2) shift that
// combines CRCs of adjacent chunks; the CPU uses the shift to stitch its 3-way interleaved streams
// and the GPU to stitch per-block CRCs. All functions work on the raw register (no pre/post
// inversion); crc32c(data, seed) = ~update(~seed, data).
#pragma once

#include "common.h"

namespace mmsb {

constexpr uint32_t kCrc32cPoly = 0x82F63B78u;

struct Crc32cTables {
  uint32_t t[8][256];
};

// Slicing-by-8 tables: t[0] is the classic byte table, t[k][b] is t[0][b] advanced by k more zero
// bytes, so eight bytes fold in with eight independent lookups.
constexpr Crc32cTables make_crc32c_tables() {
  Crc32cTables tab{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t c = b;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? (c >> 1) ^ kCrc32cPoly : c >> 1;
    tab.t[0][b] = c;
  }
  for (uint32_t b = 0; b < 256; ++b) {
    for (int k = 1; k < 8; ++k) tab.t[k][b] = (tab.t[k - 1][b] >> 8) ^ tab.t[0][tab.t[k - 1][b] & 0xFFu];
  }
  return tab;
}

MMSB_HD inline uint32_t crc32c_byte(uint32_t crc, uint8_t b, const uint32_t (*t)[256]) {
  return (crc >> 8) ^ t[0][(crc ^ b) & 0xFFu];
}

// Eight bytes, little-endian order, as slicing-by-8.
MMSB_HD inline uint32_t crc32c_slice8(uint32_t crc, const uint8_t* p, const uint32_t (*t)[256]) {
  const uint32_t lo = crc ^ (static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
                             static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24);
  return t[7][lo & 0xFFu] ^ t[6][(lo >> 8) & 0xFFu] ^ t[5][(lo >> 16) & 0xFFu] ^ t[4][lo >> 24] ^ t[3][p[4]] ^
         t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
}

// a·b mod P in the reflected representation (bit 31 is x^0), as zlib's multmodp.
MMSB_HD constexpr uint32_t crc32c_multmodp(uint32_t a, uint32_t b) {
  if (a == 0) return 0;  // the loop below stops at a's lowest set bit; zero has none
  uint32_t m = 1u << 31;
  uint32_t p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) == 0) break;
    }
    m >>= 1;
    b = (b & 1u) ? (b >> 1) ^ kCrc32cPoly : b >> 1;
  }
  return p;
}

// x^nbits mod P, by square-and-multiply.
MMSB_HD constexpr uint32_t crc32c_xpow(uint64_t nbits) {
  uint32_t p = 1u << 31;   // x^0
  uint32_t sq = 1u << 30;  // x^1
  while (nbits != 0) {
    if (nbits & 1u) p = crc32c_multmodp(sq, p);
    sq = crc32c_multmodp(sq, sq);
    nbits >>= 1;
  }
  return p;
}

// The raw register after feeding `nbytes` zero bytes: what a chunk's CRC contributes once more
// bytes follow it. combine(A, B) = shift(crcA, len(B)) ^ crcB for raw registers where B started at 0.
MMSB_HD constexpr uint32_t crc32c_shift(uint32_t crc, uint64_t nbytes) {
  return crc32c_multmodp(crc32c_xpow(nbytes * 8), crc);
}

}  // namespace mmsb
