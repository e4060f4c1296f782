// CPU implementations of the kernels. Every function returns a Status (or a plain value when it
// cannot fail) and writes a message into Error; nothing here throws or touches Node-API.
#pragma once

#include <cstdarg>
#include <cstdio>
#include <vector>

#include "../kernels/common.h"
#include "../kernels/diff.h"
#include "../kernels/semiring.h"

namespace mmsb {

// printf-style fill of an Error; returns the status so callers can `return fail(...)`.
inline Status fail(Error* err, Status status, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
inline Status fail(Error* err, Status status, const char* fmt, ...) {
  if (err != nullptr) {
    err->status = status;
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
  }
  return status;
}

namespace cpu {

enum class SimdLevel : int { Scalar = 0, Sse42 = 1, Avx2 = 2 };

// What this CPU supports (cached after the first call).
SimdLevel detected_simd();
// The level the dispatchers use: detected, unless capped by set_simd_cap.
SimdLevel active_simd();
// Caps dispatch at `cap` (never above what the CPU has) so tests can drive every code path on one
// machine; returns the level now active.
SimdLevel set_simd_cap(SimdLevel cap);
const char* simd_name(SimdLevel level);
// CRC32C runs on the SSE4.2 crc32 instruction (with PCLMULQDQ to stitch interleaved streams).
bool crc32c_hardware();

// src longer than dst is a LENGTH_MISMATCH; overlapping views copy as if through a temporary.
Status copy_bytes(uint8_t* dst, size_t dst_len, const uint8_t* src, size_t src_len, Error* err);
void zero_bytes(uint8_t* dst, size_t len);
int compare_bytes(const uint8_t* a, size_t a_len, const uint8_t* b, size_t b_len);
Status xor_into(uint8_t* dst, size_t dst_len, const uint8_t* src, size_t src_len, Error* err);

// Checks run arrays against a page of page_len bytes and a data block of data_len bytes; on
// success *data_needed holds the total run length (== data_len).
Status validate_runs(uint64_t page_len, const uint32_t* offsets, size_t n_offsets, const uint32_t* lengths,
                     size_t n_lengths, uint64_t data_len, Error* err);
// Validates every run first, then applies them in order (later runs win): all or nothing.
Status apply_sparse_runs(uint8_t* page, size_t page_len, const uint32_t* offsets, size_t n_offsets,
                         const uint32_t* lengths, size_t n_lengths, const uint8_t* data, size_t data_len,
                         Error* err);
// Appends to *out the runs turning `before` into `after` (both n bytes). The vector is the caller's
// so a hot caller can reuse its capacity.
Status diff_pages(const uint8_t* before, const uint8_t* after, size_t n, uint32_t merge_gap, std::vector<RunSpan>* out,
                  Error* err);

// Raw register update (no inversion).
uint32_t crc32c_update(uint32_t state, const uint8_t* p, size_t n);
uint32_t crc32c_update_table(uint32_t state, const uint8_t* p, size_t n);
inline uint32_t crc32c(const uint8_t* p, size_t n, uint32_t seed) { return ~crc32c_update(~seed, p, n); }

// A CSR matrix as the semiring kernels read it (src/api.ts CsrArrays); values null = pattern.
// The Node-API edge has checked the sizes: row_ptr has nrows + 1 entries, col_idx (and values)
// row_ptr[nrows]; the functions below check the rest before writing anything.
struct CsrView {
  int32_t nrows = 0;
  int32_t ncols = 0;
  const int32_t* row_ptr = nullptr;
  const int32_t* col_idx = nullptr;
  const double* values = nullptr;
};

// SemiringKernels.spmv: checks rowPtr (starts at 0, non-decreasing) and the columns of the rows the
// mask allows, then y[i] = ⊕_k A[i,k] ⊗ x[k] for those rows. x has ncols values, y nrows.
Status semiring_spmv(SemiringOp op, const CsrView& a, const double* x, double* y, const uint8_t* mask,
                     bool complement, Error* err);
// SemiringKernels.spmspvPush: checks every source row it will read, then pushes; *appended is the
// number of indices written to `changed` (room for ncols).
Status semiring_push(SemiringOp op, const CsrView& a, const int32_t* x_idx, const double* x_val, size_t count,
                     double* y, uint8_t* mark, int32_t* changed, size_t* appended, Error* err);

}  // namespace cpu
}  // namespace mmsb
