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
  // One branch-free pass (the compiler vectorises it); only a bad delta pays for finding its first
  // bad run, and none of its runs has been applied yet.
  uint64_t needed = 0;
  bool bad = false;
  for (size_t r = 0; r < n_offsets; ++r) {
    bad |= !run_in_range(offsets[r], lengths[r], page_len);
    needed += lengths[r];
  }
  for (size_t r = 0; bad && r < n_offsets; ++r) {
    if (!run_in_range(offsets[r], lengths[r], page_len)) {
      return fail(err, Status::RunOutOfRange, "run %zu at offset %u length %u exceeds page of %llu bytes", r, offsets[r],
                  lengths[r], static_cast<unsigned long long>(page_len));
    }
  }
  if (needed != data_len) {
    return fail(err, Status::LengthMismatch, "runs cover %llu bytes but data has %llu; expected equal",
                static_cast<unsigned long long>(needed), static_cast<unsigned long long>(data_len));
  }
  return Status::Ok;
}

namespace {

// Copies of up to 64 bytes as a few possibly-overlapping fixed-size moves: real deltas are mostly
// short runs, and a call into memmove per run was a third of the per-call time for 16 runs.
// Only for disjoint src/dst.
inline void small_copy(uint8_t* dst, const uint8_t* src, uint32_t n) {
  if (n >= 16) {
    uint8_t a[16], b[16], c[16], d[16];
    std::memcpy(a, src, 16);
    std::memcpy(b, src + n - 16, 16);
    if (n > 32) {
      std::memcpy(c, src + 16, 16);
      std::memcpy(d, src + n - 32, 16);
      std::memcpy(dst + 16, c, 16);
      std::memcpy(dst + n - 32, d, 16);
    }
    std::memcpy(dst, a, 16);
    std::memcpy(dst + n - 16, b, 16);
  } else if (n >= 8) {
    uint64_t a, b;
    std::memcpy(&a, src, 8);
    std::memcpy(&b, src + n - 8, 8);
    std::memcpy(dst, &a, 8);
    std::memcpy(dst + n - 8, &b, 8);
  } else if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, src, 4);
    std::memcpy(&b, src + n - 4, 4);
    std::memcpy(dst, &a, 4);
    std::memcpy(dst + n - 4, &b, 4);
  } else {
    for (uint32_t j = 0; j < n; ++j) dst[j] = src[j];
  }
}

// The copy loop of a validated delta. Stores go through uint8_t*, which may alias anything, so
// without __restrict the compiler reloads the run arrays after every store and, short of registers,
// kept the offsets pointer on the stack: a store-to-load chain per run that doubled the loop's time.
void copy_runs(uint8_t* __restrict page, const uint32_t* __restrict offsets, const uint32_t* __restrict lengths,
               size_t n, const uint8_t* __restrict data) {
  for (size_t r = 0; r < n; ++r) {
    const uint32_t len = lengths[r];
    uint8_t* dst = page + offsets[r];
    if (len <= 64) {
      small_copy(dst, data, len);
    } else {
      std::memcpy(dst, data, len);
    }
    data += len;
  }
}

}  // namespace

Status apply_sparse_runs(uint8_t* page, size_t page_len, const uint32_t* offsets, size_t n_offsets,
                         const uint32_t* lengths, size_t n_lengths, const uint8_t* data, size_t data_len,
                         Error* err) {
  const Status s = validate_runs(page_len, offsets, n_offsets, lengths, n_lengths, data_len, err);
  if (s != Status::Ok) return s;
  const uintptr_t page_at = reinterpret_cast<uintptr_t>(page);
  const uintptr_t data_at = reinterpret_cast<uintptr_t>(data);
  if (data_len != 0 && !(data_at + data_len <= page_at || page_at + page_len <= data_at)) {
    // data is a view of the page's own memory: the contract reads data as it was on entry, so
    // snapshot it (rare; may throw std::bad_alloc, which the Node-API edge reports).
    const std::vector<uint8_t> snapshot(data, data + data_len);
    return apply_sparse_runs(page, page_len, offsets, n_offsets, lengths, n_lengths, snapshot.data(), data_len, err);
  }
  if (active_simd() == SimdLevel::Scalar) {
    // The scalar level runs the body the CUDA kernel runs, so the CPU tests cover it.
    uint64_t cursor = 0;
    for (size_t r = 0; r < n_offsets; ++r) {
      for (uint32_t j = 0; j < lengths[r]; ++j) apply_run_elem(page, data, offsets[r], cursor, j);
      cursor += lengths[r];
    }
  } else {
    copy_runs(page, offsets, lengths, n_offsets, data);
  }
  return Status::Ok;
}

}  // namespace mmsb::cpu
