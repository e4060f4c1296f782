// The semiring kernels' Node-API entry points: semiringSpmv and semiringPush, with `a` spread into
// (nrows, ncols, rowPtr, colIdx, values) by src/internal/native-semiring-kernels.ts. Checks types,
// sizes and lengths here, in the order and with the messages of the TS twin; cpu::semiring_* checks
// rowPtr and the column indices it will read, before writing anything.
#include <cstdio>
#include <new>

#include "../cpu/cpu.h"
#include "edge.h"

namespace mmsb::napi {

namespace {

constexpr double kMaxDimension = 2147483646.0;  // MAX_DIMENSION in ts-semiring-kernels.ts

template <size_t N>
bool args(napi_env env, napi_callback_info info, napi_value (&argv)[N]) {
  size_t argc = N;
  return napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) == napi_ok;
}

napi_value length_mismatch(napi_env env, const char* fn, const char* what, size_t got, const char* unit,
                           const char* expected_text, long long expected) {
  char msg[256];
  std::snprintf(msg, sizeof msg, "%s: %s has %zu %s; expected %s = %lld", fn, what, got, unit, expected_text, expected);
  return throw_error(env, Status::LengthMismatch, msg);
}

bool op_arg(napi_env env, napi_value v, const char* fn, SemiringOp* op) {
  double code = 0;
  if (!uint_arg(env, v, fn, "op code", kSemiringOpCount - 1, -1, &code)) return false;
  if (code < 0) {
    throw_invalid(env, "%s: op code is missing", fn);
    return false;
  }
  *op = static_cast<SemiringOp>(static_cast<int>(code));
  return true;
}

// The shared part of both entry points: argv[1..5] = nrows, ncols, rowPtr, colIdx, values.
bool csr_args(napi_env env, const napi_value* argv, const char* fn, cpu::CsrView* a) {
  if (is_nullish(env, argv[0]) || is_nullish(env, argv[1])) {
    throw_invalid(env, "%s: a.nrows and a.ncols must be integers from 0 to %.0f", fn, kMaxDimension);
    return false;
  }
  double nrows = 0;
  double ncols = 0;
  int32_t *row_ptr, *col_idx;
  double* values = nullptr;
  size_t row_ptr_len, col_idx_len, values_len = 0;
  const bool pattern = is_nullish(env, argv[4]);
  if (!uint_arg(env, argv[0], fn, "a.nrows", kMaxDimension, 0, &nrows) ||
      !uint_arg(env, argv[1], fn, "a.ncols", kMaxDimension, 0, &ncols) ||
      !i32_view(env, argv[2], fn, "a.rowPtr", &row_ptr, &row_ptr_len) ||
      !i32_view(env, argv[3], fn, "a.colIdx", &col_idx, &col_idx_len) ||
      (!pattern && !f64_view(env, argv[4], fn, "a.values", &values, &values_len))) {
    return false;
  }
  const auto n = static_cast<long long>(nrows);
  if (row_ptr_len != static_cast<size_t>(n) + 1) {
    length_mismatch(env, fn, "a.rowPtr", row_ptr_len, "entries", "nrows + 1", n + 1);
    return false;
  }
  const long long nnz = row_ptr[n];
  if (static_cast<long long>(col_idx_len) != nnz) {
    length_mismatch(env, fn, "a.colIdx", col_idx_len, "entries", "a.rowPtr[nrows]", nnz);
    return false;
  }
  if (!pattern && static_cast<long long>(values_len) != nnz) {
    length_mismatch(env, fn, "a.values", values_len, "entries", "a.rowPtr[nrows]", nnz);
    return false;
  }
  a->nrows = static_cast<int32_t>(nrows);
  a->ncols = static_cast<int32_t>(ncols);
  a->row_ptr = row_ptr;
  a->col_idx = col_idx;
  a->values = values;
  return true;
}

// semiringSpmv(op, nrows, ncols, rowPtr, colIdx, values | null, x, y, mask | null, complement)
napi_value spmv(napi_env env, napi_callback_info info) {
  MMSB_NAPI_GUARD_BEGIN
  const char* fn = "spmv";
  napi_value argv[10];
  if (!args(env, info, argv)) return nullptr;
  SemiringOp op;
  cpu::CsrView a;
  if (!op_arg(env, argv[0], fn, &op) || !csr_args(env, argv + 1, fn, &a)) return nullptr;
  double *x, *y;
  uint8_t* mask = nullptr;
  size_t x_len, y_len, mask_len = 0;
  const bool masked = !is_nullish(env, argv[8]);
  if (!f64_view(env, argv[6], fn, "x", &x, &x_len) || !f64_view(env, argv[7], fn, "y", &y, &y_len) ||
      (masked && !u8_view(env, argv[8], fn, "mask", &mask, &mask_len))) {
    return nullptr;
  }
  bool complement = false;
  napi_valuetype t;
  if (napi_typeof(env, argv[9], &t) != napi_ok || t != napi_boolean ||
      napi_get_value_bool(env, argv[9], &complement) != napi_ok) {
    return throw_invalid(env, "%s: complementMask must be a boolean", fn);
  }
  if (x_len != static_cast<size_t>(a.ncols)) return length_mismatch(env, fn, "x", x_len, "values", "ncols", a.ncols);
  if (y_len != static_cast<size_t>(a.nrows)) return length_mismatch(env, fn, "y", y_len, "values", "nrows", a.nrows);
  if (masked && mask_len != static_cast<size_t>(a.nrows)) {
    return length_mismatch(env, fn, "mask", mask_len, "bytes", "nrows", a.nrows);
  }
  const auto xb = reinterpret_cast<uintptr_t>(x);
  const auto yb = reinterpret_cast<uintptr_t>(y);
  if (x_len != 0 && y_len != 0 && xb < yb + y_len * sizeof(double) && yb < xb + x_len * sizeof(double)) {
    return throw_invalid(env, "%s: x and y overlap; they must be distinct memory", fn);
  }
  Error err;
  if (cpu::semiring_spmv(op, a, x, y, mask, complement, &err) != Status::Ok) return throw_error(env, err);
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
  MMSB_NAPI_GUARD_END(env)
}

// semiringPush(op, nrows, ncols, rowPtr, colIdx, values | null, xIndices, xValues, count, y, mark, changed)
napi_value push(napi_env env, napi_callback_info info) {
  MMSB_NAPI_GUARD_BEGIN
  const char* fn = "spmspvPush";
  napi_value argv[12];
  if (!args(env, info, argv)) return nullptr;
  SemiringOp op;
  cpu::CsrView a;
  if (!op_arg(env, argv[0], fn, &op) || !csr_args(env, argv + 1, fn, &a)) return nullptr;
  int32_t *x_idx, *changed;
  double *x_val, *y;
  uint8_t* mark;
  size_t x_idx_len, x_val_len, y_len, mark_len, changed_len;
  if (!i32_view(env, argv[6], fn, "xIndices", &x_idx, &x_idx_len) ||
      !f64_view(env, argv[7], fn, "xValues", &x_val, &x_val_len) || !f64_view(env, argv[9], fn, "y", &y, &y_len) ||
      !u8_view(env, argv[10], fn, "mark", &mark, &mark_len) ||
      !i32_view(env, argv[11], fn, "changed", &changed, &changed_len)) {
    return nullptr;
  }
  const auto ncols = static_cast<size_t>(a.ncols);
  if (y_len != ncols) return length_mismatch(env, fn, "y", y_len, "values", "ncols", a.ncols);
  if (mark_len != ncols) return length_mismatch(env, fn, "mark", mark_len, "bytes", "ncols", a.ncols);
  if (changed_len < ncols) {
    char msg[160];
    std::snprintf(msg, sizeof msg, "%s: changed has %zu entries; expected at least ncols = %d", fn, changed_len, a.ncols);
    return throw_error(env, Status::LengthMismatch, msg);
  }
  napi_valuetype t;
  if (napi_typeof(env, argv[8], &t) != napi_ok || t == napi_undefined) {
    return throw_invalid(env, "%s: count must be an integer", fn);
  }
  double count = 0;
  const size_t room = x_idx_len < x_val_len ? x_idx_len : x_val_len;
  if (!uint_arg(env, argv[8], fn, "count", static_cast<double>(room), 0, &count)) return nullptr;
  size_t appended = 0;
  Error err;
  if (cpu::semiring_push(op, a, x_idx, x_val, static_cast<size_t>(count), y, mark, changed, &appended, &err) !=
      Status::Ok) {
    return throw_error(env, err);
  }
  napi_value out;
  napi_create_double(env, static_cast<double>(appended), &out);
  return out;
  MMSB_NAPI_GUARD_END(env)
}

}  // namespace

void register_semiring(napi_env env, napi_value exports) {
  const napi_property_descriptor props[] = {
      {"semiringSpmv", nullptr, spmv, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"semiringPush", nullptr, push, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}

}  // namespace mmsb::napi
