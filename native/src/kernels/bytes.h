// Per-element bodies of the byte kernels. CPU loops call them for the scalar path and for the tails
// the SIMD loops leave; CUDA kernels call them once per thread element.
#pragma once

#include "common.h"

namespace mmsb {

MMSB_HD inline void copy_elem(uint8_t* dst, const uint8_t* src, size_t i) { dst[i] = src[i]; }

MMSB_HD inline void zero_elem(uint8_t* dst, size_t i) { dst[i] = 0; }

MMSB_HD inline void xor_elem(uint8_t* dst, const uint8_t* src, size_t i) { dst[i] ^= src[i]; }

MMSB_HD inline void xor_word(uint64_t* dst, const uint64_t* src, size_t i) { dst[i] ^= src[i]; }

// memcmp sign of one byte pair.
MMSB_HD inline int compare_elem(uint8_t a, uint8_t b) { return a < b ? -1 : (a > b ? 1 : 0); }

// After equal common prefixes the shorter array sorts first, as memcmp-based sorts expect.
MMSB_HD inline int compare_lengths(size_t a, size_t b) { return a < b ? -1 : (a > b ? 1 : 0); }

MMSB_HD inline bool bytes_differ(const uint8_t* a, const uint8_t* b, size_t i) { return a[i] != b[i]; }

}  // namespace mmsb
