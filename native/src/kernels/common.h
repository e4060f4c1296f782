// Shared by the CPU and CUDA builds: the status codes every internal function returns, and the
// MMSB_HD marker that makes a per-element body callable from both host loops and device kernels.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__CUDACC__)
#define MMSB_HD __host__ __device__
#else
#define MMSB_HD
#endif

namespace mmsb {

// Internals never throw across the Node-API edge and never exit: they return one of these, and
// src/napi/ turns it into a JS NativeError whose `code` is status_code_name(status).
enum class Status : int {
  Ok = 0,
  InvalidArgument,
  RunOutOfRange,
  IndexOutOfRange,
  LengthMismatch,
  NoDevice,
  CudaError,
  MmapFailed,
  IoError,
  OutOfMemory,
};

inline const char* status_code_name(Status s) {
  switch (s) {
    case Status::Ok: return "OK";
    case Status::InvalidArgument: return "INVALID_ARGUMENT";
    case Status::RunOutOfRange: return "RUN_OUT_OF_RANGE";
    case Status::IndexOutOfRange: return "INDEX_OUT_OF_RANGE";
    case Status::LengthMismatch: return "LENGTH_MISMATCH";
    case Status::NoDevice: return "NO_DEVICE";
    case Status::CudaError: return "CUDA_ERROR";
    case Status::MmapFailed: return "MMAP_FAILED";
    case Status::IoError: return "IO_ERROR";
    case Status::OutOfMemory: return "OUT_OF_MEMORY";
  }
  return "INVALID_ARGUMENT";
}

// A status plus the human message the JS error will carry. Fixed-size so that reporting an error
// never allocates (an allocation failure must itself be reportable). `cause` is an optional
// lower-level reason (errno text, cudaGetErrorString) that becomes the JS error's `cause`.
struct Error {
  Status status = Status::Ok;
  // Only the first byte is cleared: zeroing all 544 bytes cost ~15 ns on every kernel call, a
  // tenth of a small applySparseRuns. Whoever sets status fills message (and cause) with snprintf.
  char message[384];
  char cause[160];
  Error() { message[0] = '\0'; cause[0] = '\0'; }
};

}  // namespace mmsb
