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

// Host side of both paths: folds the stretch into `last`, or emits `last` to `out` (anything with
// push_back(RunSpan)) and starts a new run with it. Call flush_stretch once at the end.
template <class Out>
inline void add_stretch(Out* out, RunSpan* last, bool* have_last, size_t start, size_t end, uint32_t merge_gap) {
  const uint32_t s = static_cast<uint32_t>(start);
  const uint32_t e = static_cast<uint32_t>(end);
  if (fold_stretch(last, *have_last, s, e, merge_gap)) return;
  if (*have_last) out->push_back(*last);
  *last = RunSpan{s, e};
  *have_last = true;
}

template <class Out>
inline void flush_stretch(Out* out, const RunSpan& last, bool have_last) {
  if (have_last) out->push_back(last);
}

}  // namespace mmsb
