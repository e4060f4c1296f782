// Semiring SpMV on a CUDA device, through the same per-element bodies as the CPU loops
// (kernels/semiring.h), in the llm.c order: kernels, then the launcher.
//
// plus-times and log-plus rows must sum left to right to match the CPU and the TS twin, so each
// row is one thread's sequential loop (row_reference). min/max and or-and reductions have one
// answer in any order, so each row is one warp: lanes stride over the row and a shuffle tree
// combines them with the same ⊕ — the classic CSR-vector kernel, with no loss of exactness.
#include <cuda_runtime.h>

#include "../kernels/semiring.h"
#include "launch.h"

namespace mmsb::cuda {

namespace {

constexpr int kSemiringThreads = 256;
constexpr int kWarp = 32;

__device__ __forceinline__ bool row_allowed(const uint8_t* mask, bool complement, int64_t i) {
  return mask == nullptr || (mask[i] != 0) != complement;
}

template <class Op>
__global__ void spmv_row_per_thread(int32_t nrows, const int32_t* row_ptr, const int32_t* col_idx,
                                    const double* values, const double* x, double* y, const uint8_t* mask,
                                    bool complement) {
  // 64-bit so the grid stride cannot overflow past a row count near 2^31.
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < nrows; i += int64_t{gridDim.x} * blockDim.x) {
    if (row_allowed(mask, complement, i)) y[i] = row_reference<Op>(col_idx, values, x, row_ptr[i], row_ptr[i + 1]);
  }
}

template <class Op>
__global__ void spmv_row_per_warp(int32_t nrows, const int32_t* row_ptr, const int32_t* col_idx, const double* values,
                                  const double* x, double* y, const uint8_t* mask, bool complement) {
  const int lane = threadIdx.x % kWarp;
  const int64_t warps = int64_t{gridDim.x} * (blockDim.x / kWarp);
  for (int64_t i = (blockIdx.x * int64_t{blockDim.x} + threadIdx.x) / kWarp; i < nrows; i += warps) {
    if (!row_allowed(mask, complement, i)) continue;  // warp-uniform: every lane reads the same byte
    double acc = Op::zero();
    const int32_t end = row_ptr[i + 1];
    for (int32_t k = row_ptr[i] + lane; k < end; k += kWarp) {
      const double xv = x[col_idx[k]];
      acc = Op::add(acc, values == nullptr ? pattern_mul<Op>(xv) : Op::mul(values[k], xv));
    }
    for (int offset = kWarp / 2; offset > 0; offset /= 2) acc = Op::add(acc, __shfl_down_sync(0xFFFFFFFFu, acc, offset));
    if (lane == 0) y[i] = acc;
  }
}

int grid_for(int64_t threads) {
  const int64_t b = (threads + kSemiringThreads - 1) / kSemiringThreads;
  return static_cast<int>(b < 1 ? 1 : b > 65535 ? 65535 : b);
}

template <class Op>
void launch_spmv(int32_t nrows, const int32_t* row_ptr, const int32_t* col_idx, const double* values, const double* x,
                 double* y, const uint8_t* mask, bool complement) {
  if constexpr (Op::kOrderFree) {
    spmv_row_per_warp<Op><<<grid_for(int64_t{nrows} * kWarp), kSemiringThreads>>>(nrows, row_ptr, col_idx, values, x, y,
                                                                                   mask, complement);
  } else {
    spmv_row_per_thread<Op><<<grid_for(nrows), kSemiringThreads>>>(nrows, row_ptr, col_idx, values, x, y, mask,
                                                                   complement);
  }
}

}  // namespace

Status semiring_spmv(int device, SemiringOp op, int32_t nrows, const int32_t* row_ptr, const int32_t* col_idx,
                     const double* values, const double* x, double* y, const uint8_t* mask, bool complement,
                     Error* err) {
  if (Status s = use(device, err); s != Status::Ok) return s;
  if (nrows == 0) return Status::Ok;
  switch (op) {
    case SemiringOp::OrAnd: launch_spmv<OrAndOp>(nrows, row_ptr, col_idx, values, x, y, mask, complement); break;
    case SemiringOp::PlusTimes: launch_spmv<PlusTimesOp>(nrows, row_ptr, col_idx, values, x, y, mask, complement); break;
    case SemiringOp::MinPlus: launch_spmv<MinPlusOp>(nrows, row_ptr, col_idx, values, x, y, mask, complement); break;
    case SemiringOp::MaxPlus: launch_spmv<MaxPlusOp>(nrows, row_ptr, col_idx, values, x, y, mask, complement); break;
    case SemiringOp::MaxTimes: launch_spmv<MaxTimesOp>(nrows, row_ptr, col_idx, values, x, y, mask, complement); break;
    case SemiringOp::MaxMin: launch_spmv<MaxMinOp>(nrows, row_ptr, col_idx, values, x, y, mask, complement); break;
    case SemiringOp::LogPlus: launch_spmv<LogPlusOp>(nrows, row_ptr, col_idx, values, x, y, mask, complement); break;
    default: return fail(err, Status::InvalidArgument, "spmv: unknown op code %d", static_cast<int>(op));
  }
  return finish(err);
}

}  // namespace mmsb::cuda
