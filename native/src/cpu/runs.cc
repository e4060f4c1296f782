// Applying sparse runs to a page: validate everything, then copy, so a bad run leaves the page as it
// was (the delta layer relies on all-or-nothing to keep pages consistent with the log).
#include <cstring>

#include "../kernels/runs.h"
#include "cpu.h"

namespace mmsb::cpu {

Status validate_runs(uint64_t page_len, const uint32_t* offsets, size_t n_offsets, const uint32_t* lengths,
                     size_t n_lengths, uint64_t data_len, Error* err) {
  if (n_offsets != n_lengths) {
    return fail(err, Status::LengthMismatch, "runs have %zu offsets but %zu lengths; expected one length per offset",
                n_offsets, n_lengths);
  }
  uint64_t needed = 0;
  for (size_t r = 0; r < n_offsets; ++r) {
    if (!run_in_range(offsets[r], lengths[r], page_len)) {
      return fail(err, Status::RunOutOfRange, "run %zu at offset %u length %u exceeds page of %llu bytes", r, offsets[r],
                  lengths[r], static_cast<unsigned long long>(page_len));
    }
    needed += lengths[r];
  }
  if (needed != data_len) {
    return fail(err, Status::LengthMismatch, "runs cover %llu bytes but data has %llu; expected equal",
                static_cast<unsigned long long>(needed), static_cast<unsigned long long>(data_len));
  }
  return Status::Ok;
}

Status apply_sparse_runs(uint8_t* page, size_t page_len, const uint32_t* offsets, size_t n_offsets,
                         const uint32_t* lengths, size_t n_lengths, const uint8_t* data, size_t data_len,
                         Error* err) {
  const Status s = validate_runs(page_len, offsets, n_offsets, lengths, n_lengths, data_len, err);
  if (s != Status::Ok) return s;
  const bool scalar = active_simd() == SimdLevel::Scalar;
  uint64_t cursor = 0;
  for (size_t r = 0; r < n_offsets; ++r) {
    const uint32_t len = lengths[r];
    const uintptr_t dst_at = reinterpret_cast<uintptr_t>(page) + offsets[r];
    const uintptr_t src_at = reinterpret_cast<uintptr_t>(data) + cursor;
    const bool disjoint = dst_at + len <= src_at || src_at + len <= dst_at;
    if (scalar && disjoint) {
      // The scalar level runs the body the CUDA kernel runs, so the CPU tests cover it.
      for (uint32_t j = 0; j < len; ++j) apply_run_elem(page, data, offsets[r], cursor, j);
    } else if (len != 0) {
      // memmove, not memcpy: data may be a view onto the page itself, and the TS twin's
      // Uint8Array.set copies as if through a temporary.
      std::memmove(page + offsets[r], data + cursor, len);
    }
    cursor += len;
  }
  return Status::Ok;
}

}  // namespace mmsb::cpu
