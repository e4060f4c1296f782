// Kernel entry points. These are the hot calls (a 4 KiB page with 16 runs is sub-microsecond work),
// so they use raw node_api.h: one napi_get_cb_info, one napi_get_typedarray_info per array, no
// handle scopes, no allocation, no C++ wrapper objects. node-addon-api's CallbackInfo and
// TypedArrayOf wrappers added measurable time per call here (see README, "Performance").
#include <cstdio>
#include <cstring>
#include <new>
#include <vector>

#include "../cpu/cpu.h"
#include "edge.h"

namespace mmsb::napi {

namespace {

template <size_t N>
bool args(napi_env env, napi_callback_info info, napi_value (&argv)[N]) {
  size_t argc = N;
  return napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) == napi_ok;
}

napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

// The kernels whose arguments are (dst, src) views and that refuse mismatched lengths.
using DstSrcKernel = Status (*)(uint8_t*, size_t, const uint8_t*, size_t, Error*);

napi_value dst_src_call(napi_env env, napi_callback_info info, const char* fn, DstSrcKernel kernel) {
  napi_value argv[2];
  if (!args(env, info, argv)) return nullptr;
  uint8_t *dst, *src;
  size_t dst_len, src_len;
  if (!u8_view(env, argv[0], fn, "dst", &dst, &dst_len) || !u8_view(env, argv[1], fn, "src", &src, &src_len)) {
    return nullptr;
  }
  Error err;
  if (kernel(dst, dst_len, src, src_len, &err) != Status::Ok) return throw_error(env, err);
  return undefined(env);
}

napi_value copy_bytes(napi_env env, napi_callback_info info) { return dst_src_call(env, info, "copyBytes", cpu::copy_bytes); }

napi_value zero_bytes(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!args(env, info, argv)) return nullptr;
  uint8_t* dst;
  size_t len;
  if (!u8_view(env, argv[0], "zeroBytes", "dst", &dst, &len)) return nullptr;
  cpu::zero_bytes(dst, len);
  return undefined(env);
}

napi_value compare_bytes(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!args(env, info, argv)) return nullptr;
  uint8_t *a, *b;
  size_t a_len, b_len;
  if (!u8_view(env, argv[0], "compareBytes", "a", &a, &a_len) ||
      !u8_view(env, argv[1], "compareBytes", "b", &b, &b_len)) {
    return nullptr;
  }
  napi_value out;
  napi_create_int32(env, cpu::compare_bytes(a, a_len, b, b_len), &out);
  return out;
}

napi_value apply_sparse_runs(napi_env env, napi_callback_info info) {
  MMSB_NAPI_GUARD_BEGIN
  napi_value argv[4];
  if (!args(env, info, argv)) return nullptr;
  uint8_t *page, *data;
  uint32_t *offsets, *lengths;
  size_t page_len, n_offsets, n_lengths, data_len;
  if (!u8_view(env, argv[0], "applySparseRuns", "page", &page, &page_len) ||
      !u32_view(env, argv[1], "applySparseRuns", "runs.offsets", &offsets, &n_offsets) ||
      !u32_view(env, argv[2], "applySparseRuns", "runs.lengths", &lengths, &n_lengths) ||
      !u8_view(env, argv[3], "applySparseRuns", "runs.data", &data, &data_len)) {
    return nullptr;
  }
  Error err;
  if (cpu::apply_sparse_runs(page, page_len, offsets, n_offsets, lengths, n_lengths, data, data_len, &err) !=
      Status::Ok) {
    return throw_error(env, err);
  }
  return undefined(env);
  MMSB_NAPI_GUARD_END(env)
}

// The fast path for small deltas. Every typed array crossing Node-API costs ~35 ns to inspect
// (napi_get_cb_info + napi_get_typedarray_info), four of them more than the copying itself for a
// 4 KiB page with 16 runs. So the TS wrapper copies offsets, lengths and data into a staging
// ArrayBuffer registered once at init (a JS loop over 16 runs costs less than one inspection),
// writes the run count and data length into the stage header, and passes only the page.
//
// Measured and dropped: a registry of ArrayBuffers by id, so the page too could travel as numbers
// (id, byteOffset, length). On Node 20 (V8 11.3) the `buffer` and `byteOffset` getters are builtin
// calls of ~15 ns each, and with the WeakMap lookup they cost more than the inspection they saved.
double header(const InstanceData* d, size_t slot) {
  double x;
  std::memcpy(&x, d->stage + slot * sizeof(double), sizeof x);
  return x;
}

// A non-negative integer double no larger than `max`.
bool as_size(double x, double max, size_t* out) {
  if (!(x >= 0 && x <= max) || x != static_cast<double>(static_cast<uint64_t>(x))) return false;
  *out = static_cast<size_t>(x);
  return true;
}

// Applies the staged runs to `page`; false after throwing the NativeError of a bad delta.
bool apply_staged(napi_env env, const InstanceData* d, uint8_t* page, size_t page_len, size_t n, size_t data_len) {
  const auto* offsets = reinterpret_cast<const uint32_t*>(d->stage + kStageHeaderBytes);
  const uint32_t* lengths = offsets + kStageRuns;
  Error err;
  if (cpu::apply_sparse_runs(page, page_len, offsets, n, lengths, n, d->stage + kStageDataOffset, data_len, &err) !=
      Status::Ok) {
    throw_error(env, err);
    return false;
  }
  return true;
}

// applySparseRunsStaged(page): header slot 0 the run count, slot 1 the data length; writes this
// call's number into slot 2 (see applySparseRunsAgain).
napi_value apply_sparse_runs_staged(napi_env env, napi_callback_info info) {
  MMSB_NAPI_GUARD_BEGIN
  napi_value argv[1];
  if (!args(env, info, argv)) return nullptr;
  uint8_t* page;
  size_t page_len, n, data_len;
  InstanceData* d = instance(env);
  if (!u8_view(env, argv[0], "applySparseRuns", "page", &page, &page_len)) return nullptr;
  if (d == nullptr || d->stage == nullptr || !as_size(header(d, 0), kStageRuns, &n) ||
      !as_size(header(d, 1), static_cast<double>(d->stage_len - kStageDataOffset), &data_len)) {
    return throw_invalid(env, "applySparseRuns: staged runs do not fit the staging buffer");
  }
  // Remember the page for applySparseRunsAgain, under a new call number (header slot 2).
  d->last_page = page;
  d->last_page_len = page_len;
  d->last_page_call += 1;
  std::memcpy(d->stage + 2 * sizeof(double), &d->last_page_call, sizeof(double));
  apply_staged(env, d, page, page_len, n, data_len);
  return nullptr;
  MMSB_NAPI_GUARD_END(env)
}

// applySparseRunsAgain() → true when it applied the staged runs to the page of the last
// applySparseRunsStaged call, false (nothing done) when it could not vouch for that page. Header:
// run count, data length, the call number that call reported, the page's length now.
//
// Inspecting the page is a third of a small apply, and replaying a log applies delta after delta to
// one page. The wrapper calls this only for the very page object it passed to that call, which it
// holds, so the page's buffer is alive, and a live ArrayBuffer's memory does not move (resizable
// and growable ones reserve their maximum up front). A detached buffer's memory may be gone, but
// every view of it reports length 0, as does a view a shrunk buffer left out of bounds: a length of
// 0, or any length but the one inspected, is a miss. So is any call number but the latest, so a
// call through another wrapper in between cannot hand this one a page it does not hold.
napi_value apply_sparse_runs_again(napi_env env, napi_callback_info) {
  MMSB_NAPI_GUARD_BEGIN
  InstanceData* d = instance(env);
  size_t n, data_len, page_len;
  if (d == nullptr || d->stage == nullptr || d->last_page == nullptr || header(d, 2) != d->last_page_call ||
      !as_size(header(d, 3), 9007199254740991.0, &page_len) || page_len != d->last_page_len || page_len == 0) {
    napi_value f;
    napi_get_boolean(env, false, &f);
    return f;
  }
  if (!as_size(header(d, 0), kStageRuns, &n) ||
      !as_size(header(d, 1), static_cast<double>(d->stage_len - kStageDataOffset), &data_len)) {
    return throw_invalid(env, "applySparseRuns: staged runs do not fit the staging buffer");
  }
  if (!apply_staged(env, d, d->last_page, page_len, n, data_len)) return nullptr;
  napi_value t;
  napi_get_boolean(env, true, &t);
  return t;
  MMSB_NAPI_GUARD_END(env)
}

// Runs come back in one ArrayBuffer — offsets, then lengths, then data — so a diff costs one
// allocation on the JS heap however many runs it has.
napi_value runs_to_js(napi_env env, const std::vector<RunSpan>& runs, const uint8_t* after) {
  const size_t n = runs.size();
  size_t data_len = 0;
  for (const RunSpan& r : runs) data_len += r.end - r.start;
  void* raw = nullptr;
  napi_value ab, offsets, lengths, data, out;
  if (napi_create_arraybuffer(env, n * 8 + data_len, &raw, &ab) != napi_ok) {
    return throw_error(env, Status::OutOfMemory, "diffPages: cannot allocate the result buffer");
  }
  auto* off = static_cast<uint32_t*>(raw);
  uint32_t* len = off + n;
  uint8_t* bytes = static_cast<uint8_t*>(raw) + n * 8;
  size_t cursor = 0;
  for (size_t r = 0; r < n; ++r) {
    off[r] = runs[r].start;
    len[r] = runs[r].end - runs[r].start;
    std::memcpy(bytes + cursor, after + runs[r].start, len[r]);
    cursor += len[r];
  }
  napi_create_typedarray(env, napi_uint32_array, n, ab, 0, &offsets);
  napi_create_typedarray(env, napi_uint32_array, n, ab, n * 4, &lengths);
  napi_create_typedarray(env, napi_uint8_array, data_len, ab, n * 8, &data);
  napi_create_object(env, &out);
  napi_set_named_property(env, out, "offsets", offsets);
  napi_set_named_property(env, out, "lengths", lengths);
  napi_set_named_property(env, out, "data", data);
  return out;
}

napi_value diff_pages(napi_env env, napi_callback_info info) {
  MMSB_NAPI_GUARD_BEGIN
  napi_value argv[3];
  if (!args(env, info, argv)) return nullptr;
  uint8_t *before, *after;
  size_t before_len, after_len;
  double gap;
  if (!u8_view(env, argv[0], "diffPages", "before", &before, &before_len) ||
      !u8_view(env, argv[1], "diffPages", "after", &after, &after_len) ||
      !uint_arg(env, argv[2], "diffPages", "mergeGap", 4294967295.0, 8, &gap)) {
    return nullptr;
  }
  if (before_len != after_len) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "diffPages: before has %zu bytes but after has %zu; expected equal lengths",
                  before_len, after_len);
    return throw_error(env, Status::LengthMismatch, msg);
  }
  InstanceData* d = instance(env);
  if (d == nullptr) return throw_invalid(env, "diffPages: not initialised");
  std::vector<RunSpan>& runs = d->diff_runs;
  runs.clear();
  Error err;
  if (cpu::diff_pages(before, after, before_len, static_cast<uint32_t>(gap), &runs, &err) != Status::Ok) {
    return throw_error(env, err);
  }
  return runs_to_js(env, runs, after);
  MMSB_NAPI_GUARD_END(env)
}

// diffPagesStaged(before, after, mergeGap): the checks and errors of diffPages. When the result
// fits the stage it is written there (offsets, lengths, data from kStageHeaderBytes; the run count
// and data length into header slots 0 and 1) and undefined is returned: the wrapper copies it into
// one fresh ArrayBuffer with ArrayBuffer.prototype.slice, which costs less than creating the buffer,
// three views and an object through Node-API. A larger result comes back as diffPages returns it.
napi_value diff_pages_staged(napi_env env, napi_callback_info info) {
  MMSB_NAPI_GUARD_BEGIN
  napi_value argv[3];
  if (!args(env, info, argv)) return nullptr;
  uint8_t *before, *after;
  size_t before_len, after_len;
  double gap;
  InstanceData* d = instance(env);
  if (!u8_view(env, argv[0], "diffPages", "before", &before, &before_len) ||
      !u8_view(env, argv[1], "diffPages", "after", &after, &after_len) ||
      !uint_arg(env, argv[2], "diffPages", "mergeGap", 4294967295.0, 8, &gap)) {
    return nullptr;
  }
  if (before_len != after_len) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "diffPages: before has %zu bytes but after has %zu; expected equal lengths",
                  before_len, after_len);
    return throw_error(env, Status::LengthMismatch, msg);
  }
  if (d == nullptr || d->stage == nullptr) return throw_invalid(env, "diffPages: not initialised");
  std::vector<RunSpan>& runs = d->diff_runs;
  runs.clear();
  Error err;
  if (cpu::diff_pages(before, after, before_len, static_cast<uint32_t>(gap), &runs, &err) != Status::Ok) {
    return throw_error(env, err);
  }
  const size_t n = runs.size();
  size_t data_len = 0;
  for (const RunSpan& r : runs) data_len += r.end - r.start;
  if (n * 8 + data_len > d->stage_len - kStageHeaderBytes) return runs_to_js(env, runs, after);
  uint8_t* out = d->stage + kStageHeaderBytes;
  uint8_t* bytes = out + n * 8;
  for (size_t r = 0; r < n; ++r) {
    const uint32_t off = runs[r].start;
    const uint32_t len = runs[r].end - runs[r].start;
    std::memcpy(out + r * 4, &off, 4);
    std::memcpy(out + (n + r) * 4, &len, 4);
    std::memcpy(bytes, after + off, len);
    bytes += len;
  }
  const double counts[2] = {static_cast<double>(n), static_cast<double>(data_len)};
  std::memcpy(d->stage, counts, sizeof counts);
  return nullptr;
  MMSB_NAPI_GUARD_END(env)
}

napi_value xor_into(napi_env env, napi_callback_info info) { return dst_src_call(env, info, "xorInto", cpu::xor_into); }

napi_value crc32c(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!args(env, info, argv)) return nullptr;
  uint8_t* data;
  size_t len;
  double seed;
  if (!u8_view(env, argv[0], "crc32c", "data", &data, &len) ||
      !uint_arg(env, argv[1], "crc32c", "seed", 4294967295.0, 0, &seed)) {
    return nullptr;
  }
  napi_value out;
  napi_create_uint32(env, cpu::crc32c(data, len, static_cast<uint32_t>(seed)), &out);
  return out;
}

}  // namespace

void register_kernels(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"copyBytes", nullptr, copy_bytes, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"zeroBytes", nullptr, zero_bytes, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"compareBytes", nullptr, compare_bytes, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"applySparseRuns", nullptr, apply_sparse_runs, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"applySparseRunsStaged", nullptr, apply_sparse_runs_staged, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"applySparseRunsAgain", nullptr, apply_sparse_runs_again, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"diffPagesStaged", nullptr, diff_pages_staged, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"diffPages", nullptr, diff_pages, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"xorInto", nullptr, xor_into, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"crc32c", nullptr, crc32c, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}

}  // namespace mmsb::napi
