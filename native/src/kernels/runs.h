// Sparse runs: (offset, length) pairs whose bytes are concatenated in `data`. The range check and
// the per-byte body are shared so a run the CPU accepts is exactly a run the GPU accepts.
#pragma once

#include "common.h"

namespace mmsb {

// 64-bit sum: offset + length of two uint32 values can exceed 2^32 and must not wrap into range.
MMSB_HD inline bool run_in_range(uint32_t offset, uint32_t length, uint64_t page_size) {
  return static_cast<uint64_t>(offset) + static_cast<uint64_t>(length) <= page_size;
}

// Byte j of a run that starts at data[cursor] lands at page[offset + j].
MMSB_HD inline void apply_run_elem(uint8_t* page, const uint8_t* data, uint32_t offset, uint64_t cursor,
                                   uint32_t j) {
  page[static_cast<uint64_t>(offset) + j] = data[cursor + j];
}

}  // namespace mmsb
