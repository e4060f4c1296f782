// Building runs out of differing stretches. The CPU finds stretches with SIMD compares, the GPU with
// a per-byte ballot; both feed them through fold_stretch so the run boundaries are identical.
#pragma once

#include "common.h"

namespace mmsb {

struct RunSpan {
  uint32_t start;  // first differing byte
  uint32_t end;    // one past the last byte of the run
};

// Adds the differing stretch [start, end) after `last`. Returns true when it was folded into `last`
// because the equal gap between them is at most merge_gap bytes (a run header costs 8 bytes, so
// re-sending a short equal gap is cheaper than opening a new run); false means a new run starts.
MMSB_HD inline bool fold_stretch(RunSpan* last, bool have_last, uint32_t start, uint32_t end,
                                 uint32_t merge_gap) {
  if (have_last && start - last->end <= merge_gap) {
    last->end = end;
    return true;
  }
  return false;
}

}  // namespace mmsb
