// Launcher helpers shared by the .cu files: a failed CUDA call becomes Status::CudaError with
// cudaGetErrorName as the cause, and every launcher synchronises before returning so an
// asynchronous fault is reported by the call that caused it. Included only by nvcc-compiled files.
#pragma once

#include <cuda_runtime.h>

#include <cstdio>

#include "../cpu/cpu.h"
#include "device.h"

namespace mmsb::cuda {

inline Status cuda_fail(Error* err, cudaError_t e, const char* what) {
  if (err != nullptr) std::snprintf(err->cause, sizeof err->cause, "%s", cudaGetErrorName(e));
  return fail(err, Status::CudaError, "%s failed: %s", what, cudaGetErrorString(e));
}

#define MMSB_CUDA_TRY(expr)                                            \
  do {                                                                 \
    const cudaError_t mmsb_e = (expr);                                 \
    if (mmsb_e != cudaSuccess) return cuda_fail(err, mmsb_e, #expr);   \
  } while (0)

inline Status finish(Error* err) {
  MMSB_CUDA_TRY(cudaGetLastError());
  MMSB_CUDA_TRY(cudaStreamSynchronize(0));
  return Status::Ok;
}

// Selects `device`, or NO_DEVICE when there is no such device.
inline Status use(int device, Error* err) {
  if (device < 0 || device >= device_count()) {
    return fail(err, Status::NoDevice, "CUDA device %d does not exist; %d device(s) found", device, device_count());
  }
  MMSB_CUDA_TRY(cudaSetDevice(device));
  return Status::Ok;
}

}  // namespace mmsb::cuda
