// CUDA kernels and their launchers, in the llm.c order: kernels first (each a thin loop around a
// shared MMSB_HD body from src/kernels/), then the host launchers that check every CUDA call and
// turn failures into Status::CudaError with cudaGetErrorName as the cause (launch.h). Launchers
// synchronise before returning so an asynchronous fault is reported by the call that caused it.
#include <cuda_runtime.h>

#include <algorithm>
#include <mutex>
#include <numeric>

#include "../cpu/cpu.h"
#include "../kernels/bytes.h"
#include "../kernels/crc32c.h"
#include "../kernels/diff.h"
#include "../kernels/runs.h"
#include "device.h"
#include "launch.h"

namespace mmsb::cuda {

// ---------------------------------------------------------------- kernels

namespace {

constexpr int kThreads = 256;
constexpr size_t kCrcChunk = 4096;

__global__ void copy_kernel(uint8_t* dst, const uint8_t* src, size_t n) {
  for (size_t i = blockIdx.x * size_t{blockDim.x} + threadIdx.x; i < n; i += size_t{gridDim.x} * blockDim.x) {
    copy_elem(dst, src, i);
  }
}

__global__ void zero_kernel(uint8_t* dst, size_t n) {
  for (size_t i = blockIdx.x * size_t{blockDim.x} + threadIdx.x; i < n; i += size_t{gridDim.x} * blockDim.x) {
    zero_elem(dst, i);
  }
}

// cudaMalloc pointers are 256-byte aligned and buffers are whole allocations, so words are safe for
// the bulk and bytes take the tail.
__global__ void xor_kernel(uint8_t* dst, const uint8_t* src, size_t n) {
  const size_t words = n / 8;
  const size_t stride = size_t{gridDim.x} * blockDim.x;
  const size_t first = blockIdx.x * size_t{blockDim.x} + threadIdx.x;
  for (size_t i = first; i < words; i += stride) {
    xor_word(reinterpret_cast<uint64_t*>(dst), reinterpret_cast<const uint64_t*>(src), i);
  }
  for (size_t i = words * 8 + first; i < n; i += stride) xor_elem(dst, src, i);
}

// One block per run (grid-stride over runs), threads over the run's bytes. Only launched for runs
// that do not overlap; overlapping runs go one launch per run so the later one wins.
__global__ void apply_runs_kernel(uint8_t* page, const uint32_t* offsets, const uint32_t* lengths,
                                  const uint64_t* cursors, size_t first_run, size_t n_runs, const uint8_t* data) {
  for (size_t r = first_run + blockIdx.x; r < first_run + n_runs; r += gridDim.x) {
    for (uint32_t j = threadIdx.x; j < lengths[r]; j += blockDim.x) apply_run_elem(page, data, offsets[r], cursors[r], j);
  }
}

// Bit i of mask is set when byte i differs; one ballot per warp writes 32 bits at once.
__global__ void diff_mask_kernel(const uint8_t* a, const uint8_t* b, size_t n, uint32_t* mask) {
  const size_t padded = (n + 31) / 32 * 32;
  for (size_t i = blockIdx.x * size_t{blockDim.x} + threadIdx.x; i < padded; i += size_t{gridDim.x} * blockDim.x) {
    const bool differ = i < n && bytes_differ(a, b, i);
    const unsigned bits = __ballot_sync(0xFFFFFFFFu, differ);
    if ((threadIdx.x & 31u) == 0) mask[i / 32] = bits;
  }
}

__device__ uint32_t d_crc_tables[8][256];

// One thread per 4 KiB chunk, slicing-by-8 from tables staged in shared memory; the host stitches
// the chunk CRCs with crc32c_shift.
__global__ void crc_chunks_kernel(const uint8_t* data, size_t n, uint32_t* out, size_t n_chunks) {
  __shared__ uint32_t t[8][256];
  for (int i = threadIdx.x; i < 8 * 256; i += blockDim.x) t[i / 256][i % 256] = d_crc_tables[i / 256][i % 256];
  __syncthreads();
  const size_t c = blockIdx.x * size_t{blockDim.x} + threadIdx.x;
  if (c >= n_chunks) return;
  const uint8_t* p = data + c * kCrcChunk;
  size_t len = n - c * kCrcChunk < kCrcChunk ? n - c * kCrcChunk : kCrcChunk;
  uint32_t crc = 0;
  for (; len >= 8; len -= 8, p += 8) crc = crc32c_slice8(crc, p, t);
  for (; len != 0; --len) crc = crc32c_byte(crc, *p++, t);
  out[c] = crc;
}

// ---------------------------------------------------------------- launchers

int blocks_for(size_t n) {
  const size_t b = (n + kThreads - 1) / kThreads;
  return static_cast<int>(std::min<size_t>(std::max<size_t>(b, 1), 65535));
}

// Scratch device memory freed on every path out of a launcher.
struct Scratch {
  void* p = nullptr;
  ~Scratch() {
    if (p != nullptr) cudaFree(p);
  }
};

int probe_count() {
  int n = 0;
  // With no driver or no device this returns an error code (cudart is linked statically and loads
  // libcuda lazily), which we read as zero devices.
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return n;
}

}  // namespace

bool compiled() { return true; }

int device_count() {
  static const int count = probe_count();
  return count;
}

Status device_info(int device, DeviceInfo* out, Error* err) {
  if (Status s = use(device, err); s != Status::Ok) return s;
  cudaDeviceProp prop{};
  MMSB_CUDA_TRY(cudaGetDeviceProperties(&prop, device));
  out->index = device;
  std::snprintf(out->name, sizeof out->name, "%s", prop.name);
  out->total_memory = prop.totalGlobalMem;
  out->major = prop.major;
  out->minor = prop.minor;
  return Status::Ok;
}

Status alloc(int device, size_t size, void** out, Error* err) {
  if (Status s = use(device, err); s != Status::Ok) return s;
  MMSB_CUDA_TRY(cudaMalloc(out, size == 0 ? 1 : size));
  return Status::Ok;
}

void release(int device, void* ptr) {
  if (ptr == nullptr || cudaSetDevice(device) != cudaSuccess) return;
  cudaFree(ptr);
}

Status upload(int device, void* dst, const void* src, size_t n, Error* err) {
  if (Status s = use(device, err); s != Status::Ok) return s;
  if (n != 0) MMSB_CUDA_TRY(cudaMemcpy(dst, src, n, cudaMemcpyHostToDevice));
  return Status::Ok;
}

Status download(int device, void* dst, const void* src, size_t n, Error* err) {
  if (Status s = use(device, err); s != Status::Ok) return s;
  if (n != 0) MMSB_CUDA_TRY(cudaMemcpy(dst, src, n, cudaMemcpyDeviceToHost));
  return Status::Ok;
}

Status copy(int device, void* dst, const void* src, size_t n, Error* err) {
  if (Status s = use(device, err); s != Status::Ok) return s;
  if (n == 0) return Status::Ok;
  copy_kernel<<<blocks_for(n), kThreads>>>(static_cast<uint8_t*>(dst), static_cast<const uint8_t*>(src), n);
  return finish(err);
}

Status zero(int device, void* dst, size_t n, Error* err) {
  if (Status s = use(device, err); s != Status::Ok) return s;
  if (n == 0) return Status::Ok;
  zero_kernel<<<blocks_for(n), kThreads>>>(static_cast<uint8_t*>(dst), n);
  return finish(err);
}

Status xor_into(int device, void* dst, const void* src, size_t n, Error* err) {
  if (Status s = use(device, err); s != Status::Ok) return s;
  if (n == 0) return Status::Ok;
  xor_kernel<<<blocks_for(n / 8 + 1), kThreads>>>(static_cast<uint8_t*>(dst), static_cast<const uint8_t*>(src), n);
  return finish(err);
}

Status apply_sparse_runs(int device, void* page, const uint32_t* offsets, const uint32_t* lengths, size_t n_runs,
                         const uint8_t* data, size_t data_len, Error* err) {
  if (Status s = use(device, err); s != Status::Ok) return s;
  if (n_runs == 0) return Status::Ok;
  std::vector<uint64_t> cursors(n_runs);
  uint64_t cursor = 0;
  for (size_t r = 0; r < n_runs; ++r) {
    cursors[r] = cursor;
    cursor += lengths[r];
  }
  // Blocks run in any order, so one launch is only correct when no byte is written twice.
  std::vector<size_t> order(n_runs);
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return offsets[x] < offsets[y]; });
  bool overlap = false;
  for (size_t k = 1; k < n_runs && !overlap; ++k) {
    const size_t prev = order[k - 1];
    overlap = lengths[prev] != 0 && uint64_t{offsets[prev]} + lengths[prev] > offsets[order[k]] && lengths[order[k]] != 0;
  }
  const size_t bytes = n_runs * (4 + 4 + 8) + data_len;
  Scratch scratch;
  MMSB_CUDA_TRY(cudaMalloc(&scratch.p, bytes));
  uint8_t* base = static_cast<uint8_t*>(scratch.p);
  uint64_t* d_cursors = reinterpret_cast<uint64_t*>(base);
  uint32_t* d_offsets = reinterpret_cast<uint32_t*>(base + n_runs * 8);
  uint32_t* d_lengths = reinterpret_cast<uint32_t*>(base + n_runs * 12);
  uint8_t* d_data = base + n_runs * 16;
  MMSB_CUDA_TRY(cudaMemcpy(d_cursors, cursors.data(), n_runs * 8, cudaMemcpyHostToDevice));
  MMSB_CUDA_TRY(cudaMemcpy(d_offsets, offsets, n_runs * 4, cudaMemcpyHostToDevice));
  MMSB_CUDA_TRY(cudaMemcpy(d_lengths, lengths, n_runs * 4, cudaMemcpyHostToDevice));
  if (data_len != 0) MMSB_CUDA_TRY(cudaMemcpy(d_data, data, data_len, cudaMemcpyHostToDevice));
  uint8_t* d_page = static_cast<uint8_t*>(page);
  if (!overlap) {
    apply_runs_kernel<<<static_cast<int>(std::min<size_t>(n_runs, 65535)), kThreads>>>(d_page, d_offsets, d_lengths,
                                                                                     d_cursors, 0, n_runs, d_data);
  } else {
    // Same-stream launches execute in order: later runs overwrite earlier ones, as on the CPU.
    for (size_t r = 0; r < n_runs; ++r) {
      apply_runs_kernel<<<1, kThreads>>>(d_page, d_offsets, d_lengths, d_cursors, r, 1, d_data);
    }
  }
  return finish(err);
}

Status diff_pages(int device, const void* before, const void* after, size_t n, uint32_t merge_gap,
                  std::vector<RunSpan>* out, Error* err) {
  if (Status s = use(device, err); s != Status::Ok) return s;
  if (n > 0xFFFFFFFFull) {
    return fail(err, Status::InvalidArgument, "diffPages: pages of %zu bytes exceed the 4 GiB that uint32 runs address",
                n);
  }
  if (n == 0) return Status::Ok;
  const size_t words = (n + 31) / 32;
  Scratch scratch;
  MMSB_CUDA_TRY(cudaMalloc(&scratch.p, words * 4));
  diff_mask_kernel<<<blocks_for(words * 32), kThreads>>>(static_cast<const uint8_t*>(before),
                                                         static_cast<const uint8_t*>(after), n,
                                                         static_cast<uint32_t*>(scratch.p));
  if (Status s = finish(err); s != Status::Ok) return s;
  std::vector<uint32_t> mask(words);
  MMSB_CUDA_TRY(cudaMemcpy(mask.data(), scratch.p, words * 4, cudaMemcpyDeviceToHost));
  // Walk the bitmask stretch by stretch, folding exactly as the CPU diff does.
  RunSpan last{0, 0};
  bool have_last = false;
  size_t i = 0;
  auto bit = [&](size_t k) { return (mask[k / 32] >> (k % 32)) & 1u; };
  while (i < n) {
    const uint32_t w = mask[i / 32] >> (i % 32);
    if (w == 0) {
      i = (i / 32 + 1) * 32;
      continue;
    }
    const size_t start = i + static_cast<size_t>(__builtin_ctz(w));
    if (start >= n) break;
    size_t end = start + 1;
    while (end < n && bit(end)) ++end;
    add_stretch(out, &last, &have_last, start, end, merge_gap);
    i = end;
  }
  flush_stretch(out, last, have_last);
  return Status::Ok;
}

Status crc32c(int device, const void* data, size_t n, uint32_t seed, uint32_t* out, Error* err) {
  if (Status s = use(device, err); s != Status::Ok) return s;
  static std::once_flag tables_once;
  static cudaError_t tables_status = cudaSuccess;
  std::call_once(tables_once, [] {
    static constexpr Crc32cTables kTables = make_crc32c_tables();
    tables_status = cudaMemcpyToSymbol(d_crc_tables, kTables.t, sizeof kTables.t);
  });
  MMSB_CUDA_TRY(tables_status);
  if (n == 0) {
    *out = seed;
    return Status::Ok;
  }
  const size_t n_chunks = (n + kCrcChunk - 1) / kCrcChunk;
  Scratch scratch;
  MMSB_CUDA_TRY(cudaMalloc(&scratch.p, n_chunks * 4));
  crc_chunks_kernel<<<static_cast<int>((n_chunks + kThreads - 1) / kThreads), kThreads>>>(
      static_cast<const uint8_t*>(data), n, static_cast<uint32_t*>(scratch.p), n_chunks);
  if (Status s = finish(err); s != Status::Ok) return s;
  std::vector<uint32_t> chunks(n_chunks);
  MMSB_CUDA_TRY(cudaMemcpy(chunks.data(), scratch.p, n_chunks * 4, cudaMemcpyDeviceToHost));
  const uint32_t k_full = crc32c_xpow(uint64_t{kCrcChunk} * 8);
  uint32_t acc = ~seed;
  for (size_t c = 0; c < n_chunks; ++c) {
    const size_t len = std::min(kCrcChunk, n - c * kCrcChunk);
    acc = (len == kCrcChunk ? crc32c_multmodp(k_full, acc) : crc32c_shift(acc, len)) ^ chunks[c];
  }
  *out = ~acc;
  return Status::Ok;
}

}  // namespace mmsb::cuda
