// The CUDA side as the Node-API layer sees it. device.cu implements it when CMake found a CUDA
// compiler; stub.cc implements it otherwise (zero devices, NO_DEVICE), so the rest of the module
// compiles the same either way. Every function returns a Status; none aborts, including on a
// machine with a toolkit but no driver or no device.
#pragma once

#include <vector>

#include "../kernels/common.h"
#include "../kernels/diff.h"
#include "../kernels/semiring.h"

namespace mmsb::cuda {

struct DeviceInfo {
  int index = 0;
  char name[256] = {0};
  uint64_t total_memory = 0;
  int major = 0;
  int minor = 0;
};

// The binary was built with a CUDA toolkit.
bool compiled();
// Devices visible now; 0 without a driver, without a device, or when not compiled. Probed once.
int device_count();
Status device_info(int device, DeviceInfo* out, Error* err);

Status alloc(int device, size_t size, void** out, Error* err);
// Null-safe and idempotent at the caller (DeviceBuffer clears its pointer).
void release(int device, void* ptr);
Status upload(int device, void* dst, const void* src, size_t n, Error* err);
Status download(int device, void* dst, const void* src, size_t n, Error* err);

// Kernels on device memory; the same operations as the CPU ones, through the shared bodies.
Status copy(int device, void* dst, const void* src, size_t n, Error* err);
Status zero(int device, void* dst, size_t n, Error* err);
Status xor_into(int device, void* dst, const void* src, size_t n, Error* err);
// Runs arrive from the host; the caller has validated them (cpu::validate_runs).
Status apply_sparse_runs(int device, void* page, const uint32_t* offsets, const uint32_t* lengths, size_t n_runs,
                         const uint8_t* data, size_t data_len, Error* err);
Status diff_pages(int device, const void* before, const void* after, size_t n, uint32_t merge_gap,
                  std::vector<RunSpan>* out, Error* err);
Status crc32c(int device, const void* data, size_t n, uint32_t seed, uint32_t* out, Error* err);

// SemiringKernels.spmv on device memory (semiring.cu): every pointer is on `device`, values and
// mask may be null, and the caller has checked the matrix as cpu::semiring_spmv does. Same results
// as the CPU bit for bit, log-plus aside. Not yet reachable from JS (DeviceKernels has no semiring
// entry); the C++ build compiles it and the shared bodies it runs are tested on the CPU.
Status semiring_spmv(int device, SemiringOp op, int32_t nrows, const int32_t* row_ptr, const int32_t* col_idx,
                     const double* values, const double* x, double* y, const uint8_t* mask, bool complement,
                     Error* err);

}  // namespace mmsb::cuda
