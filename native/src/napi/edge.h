// The Node-API edge: per-environment state, argument extraction with zero-copy views, and the one
// place where a Status becomes a thrown JS NativeError. Shared by every src/napi/*.cc file.
#pragma once

#include <node_api.h>

#include <vector>

#include "../kernels/common.h"
#include "../kernels/diff.h"

namespace mmsb::napi {

// One per Node environment (main thread and each worker load the module separately).
struct InstanceData {
  napi_ref error_ctor = nullptr;   // the TS NativeError class, handed over by init()
  bool gpu_allowed = true;         // MMSB_GPU != '0', as read by the loader
  napi_ref mapped_ctor = nullptr;  // MappedFileHandle class
  napi_ref device_ctor = nullptr;  // DeviceBufferHandle class
  // The staging ArrayBuffer of the fast paths (see kernels.cc), kept alive by stage_ref.
  napi_ref stage_ref = nullptr;
  uint8_t* stage = nullptr;
  size_t stage_len = 0;
  // The page of the last applySparseRunsStaged call, for applySparseRunsAgain (see kernels.cc):
  // its data pointer and length, and the call's number, which the wrapper must quote back.
  uint8_t* last_page = nullptr;
  size_t last_page_len = 0;
  double last_page_call = 0;
  // The runs of the latest diffPages, reused: steady-state diffs allocate nothing on the C++ side.
  // (A thread_local here cost a __tls_get_addr call per diff from a shared library.)
  std::vector<RunSpan> diff_runs;
};

// Staging layout, mirrored in src/internal/binding.ts: a header of kStageHeaderSlots doubles (the
// run count and data length the fast calls pass or report back), then for applySparseRuns offsets at
// byte kStageHeaderBytes, lengths kStageRuns u32 later, data from byte kStageDataOffset to the end;
// diffPagesStaged writes its result (offsets, lengths, data) from byte kStageHeaderBytes.
constexpr size_t kStageHeaderSlots = 4;
constexpr size_t kStageHeaderBytes = kStageHeaderSlots * sizeof(double);
constexpr size_t kStageRuns = 1024;
constexpr size_t kStageDataOffset = kStageHeaderBytes + kStageRuns * 8;

InstanceData* instance(napi_env env);

// Throws `new NativeError(code, message, { cause })` (a plain Error with a `code` property before
// init() has run). `cause` may be empty. Returns nullptr so entry points can `return throw_...`.
napi_value throw_error(napi_env env, Status status, const char* message, const char* cause = "");
napi_value throw_error(napi_env env, const Error& err);
napi_value throw_invalid(napi_env env, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

// Views straight onto the caller's memory (ArrayBuffer or SharedArrayBuffer): no copy. Throws
// INVALID_ARGUMENT naming `fn` and `what` when `v` is not a typed array of the expected kind.
bool u8_view(napi_env env, napi_value v, const char* fn, const char* what, uint8_t** data, size_t* len);
bool u32_view(napi_env env, napi_value v, const char* fn, const char* what, uint32_t** data, size_t* len);
bool i32_view(napi_env env, napi_value v, const char* fn, const char* what, int32_t** data, size_t* len);
bool f64_view(napi_env env, napi_value v, const char* fn, const char* what, double** data, size_t* len);
// True when `v` is null or undefined (an optional typed array left out).
bool is_nullish(napi_env env, napi_value v);
// A non-negative integer no larger than `max` (undefined gives `fallback`).
bool uint_arg(napi_env env, napi_value v, const char* fn, const char* what, double max, double fallback, double* out);

void register_kernels(napi_env env, napi_value exports);
void register_mmap(napi_env env, napi_value exports);
void register_semiring(napi_env env, napi_value exports);
void register_device(napi_env env, napi_value exports);

// Entry-point guard: a C++ exception (std::bad_alloc from a vector) must never unwind into V8.
#define MMSB_NAPI_GUARD_BEGIN try {
#define MMSB_NAPI_GUARD_END(env)                                                                    \
  }                                                                                                 \
  catch (const std::bad_alloc&) {                                                                   \
    return ::mmsb::napi::throw_error(env, ::mmsb::Status::OutOfMemory, "native allocation failed"); \
  }                                                                                                 \
  catch (...) {                                                                                     \
    return ::mmsb::napi::throw_error(env, ::mmsb::Status::InvalidArgument, "unexpected native exception"); \
  }

}  // namespace mmsb::napi
