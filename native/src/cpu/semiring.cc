// Semiring SpMV (pull) and SpMSpV (push) on the CPU: argument checks first (nothing is written on a
// failure), then one loop per op, instantiated from the per-element bodies of kernels/semiring.h.
//
// Results are bit-identical to the TS twin (src/internal/ts-semiring-kernels.ts) for every op but
// log-plus, which is why this file is compiled with -ffp-contract=off and why the plus-times and
// log-plus rows run strictly left to right. min and max have one answer in any order (NaN wins,
// −0 < +0), so their rows run fast: a plain compare-select (minsd/maxsd, or 4 lanes of AVX2 with
// a gather of x) that ignores NaN and the sign of zero, a NaN flag beside it, and — only for a row
// whose answer is exactly 0 — a second pass through the shared reference body to settle the sign.
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "../kernels/semiring.h"
#include "cpu.h"

namespace mmsb::cpu {

namespace {

// ---------------------------------------------------------------- checks

// The first k in [lo, hi) whose column is outside [0, ncols), or -1.
int64_t first_bad_column_scalar(const int32_t* col_idx, int64_t lo, int64_t hi, uint32_t ncols) {
  for (int64_t k = lo; k < hi; ++k) {
    if (static_cast<uint32_t>(col_idx[k]) >= ncols) return k;
  }
  return -1;
}

#if defined(__x86_64__)
// Eight columns a compare, 32 a test; a block that fails is rescanned to name the first bad entry.
__attribute__((target("avx2"))) int64_t first_bad_column_avx2(const int32_t* col_idx, int64_t lo, int64_t hi,
                                                              uint32_t ncols) {
  if (ncols == 0) return lo < hi ? lo : -1;
  const __m256i bias = _mm256_set1_epi32(INT32_MIN);
  const __m256i limit = _mm256_xor_si256(_mm256_set1_epi32(static_cast<int32_t>(ncols - 1)), bias);
  int64_t k = lo;
  for (; k + 32 <= hi; k += 32) {
    const auto* p = reinterpret_cast<const __m256i*>(col_idx + k);
    const __m256i m = _mm256_max_epu32(_mm256_max_epu32(_mm256_loadu_si256(p), _mm256_loadu_si256(p + 1)),
                                       _mm256_max_epu32(_mm256_loadu_si256(p + 2), _mm256_loadu_si256(p + 3)));
    const __m256i over = _mm256_cmpgt_epi32(_mm256_xor_si256(m, bias), limit);
    if (!_mm256_testz_si256(over, over)) return first_bad_column_scalar(col_idx, k, hi, ncols);
  }
  return first_bad_column_scalar(col_idx, k, hi, ncols);
}
#endif

int64_t first_bad_column(const int32_t* col_idx, int64_t lo, int64_t hi, uint32_t ncols) {
#if defined(__x86_64__)
  if (active_simd() == SimdLevel::Avx2 && hi - lo >= 64) return first_bad_column_avx2(col_idx, lo, hi, ncols);
#endif
  return first_bad_column_scalar(col_idx, lo, hi, ncols);
}

Status bad_column(Error* err, const char* fn, const CsrView& a, int64_t k) {
  return fail(err, Status::IndexOutOfRange, "%s: a.colIdx[%lld] = %d is outside [0, %d)", fn, static_cast<long long>(k),
              a.col_idx[k], a.ncols);
}

// ---------------------------------------------------------------- pull rows

// y[i] under plus-times or log-plus: strictly left to right, like the twin.
template <class Op, bool kPattern>
inline double row_in_order(const CsrView& a, const double* x, int32_t s, int32_t e) {
  double acc = Op::zero();
  for (int32_t k = s; k < e; ++k) {
    const double xv = x[a.col_idx[k]];
    acc = Op::add(acc, kPattern ? pattern_mul<Op>(xv) : Op::mul(a.values[k], xv));
  }
  return acc;
}

// or-and: the first true product settles the row.
template <bool kPattern>
inline double row_or_and(const CsrView& a, const double* x, int32_t s, int32_t e) {
  for (int32_t k = s; k < e; ++k) {
    if ((kPattern || a.values[k] != 0.0) && x[a.col_idx[k]] != 0.0) return 1.0;
  }
  return 0.0;
}

// The fast product of a min/max op, ignoring NaN and the sign of zero (the callers fix both).
template <class Op, bool kPattern>
inline double fast_product(double av, double xv) {
  if constexpr (kPattern) {
    return pattern_mul<Op>(xv);
  } else if constexpr (Op::kOp == SemiringOp::MaxMin) {
    return av < xv ? av : xv;
  } else {
    return Op::mul(av, xv);
  }
}

// NaN anywhere in a max-min product's operands makes the row NaN; elsewhere a NaN product does.
template <class Op>
inline bool product_is_nan(double av, double xv, double p) {
  if constexpr (Op::kOp == SemiringOp::MaxMin) {
    return f64_is_nan(av) || f64_is_nan(xv);
  } else {
    return f64_is_nan(p);
  }
}

constexpr bool is_min_op(SemiringOp op) { return op == SemiringOp::MinPlus; }

// A min or max row: compare-select plus a NaN flag, then the exact reference when the answer is 0
// (the only case where the sign the fast path ignored could matter).
template <class Op, bool kPattern>
inline double row_order_free(const CsrView& a, const double* x, int32_t s, int32_t e) {
  double acc = Op::zero();
  bool nan = false;
  for (int32_t k = s; k < e; ++k) {
    const double av = kPattern ? Op::one() : a.values[k];
    const double xv = x[a.col_idx[k]];
    const double p = fast_product<Op, kPattern>(av, xv);
    if constexpr (is_min_op(Op::kOp)) {
      acc = p < acc ? p : acc;
    } else {
      acc = p > acc ? p : acc;
    }
    nan |= product_is_nan<Op>(av, xv, p);
  }
  if (nan) return f64_nan();
  if (acc == 0.0) return row_reference<Op>(a.col_idx, kPattern ? nullptr : a.values, x, s, e);
  return acc;
}

template <class Op, bool kPattern>
inline double row_value(const CsrView& a, const double* x, int32_t s, int32_t e) {
  if constexpr (Op::kOp == SemiringOp::OrAnd) {
    return row_or_and<kPattern>(a, x, s, e);
  } else if constexpr (Op::kOrderFree) {
    return row_order_free<Op, kPattern>(a, x, s, e);
  } else {
    return row_in_order<Op, kPattern>(a, x, s, e);
  }
}

template <class Op, bool kPattern, bool kMasked>
void pull_scalar(const CsrView& view, const double* x, double* y, const uint8_t* mask, bool complement) {
  // A local copy: stores to y must not make the compiler reload the matrix's pointers.
  const CsrView a = view;
  int32_t s = a.row_ptr[0];
  for (int32_t i = 0; i < a.nrows; ++i) {
    const int32_t e = a.row_ptr[i + 1];
    if (!kMasked || (mask[i] != 0) != complement) y[i] = row_value<Op, kPattern>(a, x, s, e);
    s = e;
  }
}

#if defined(__x86_64__)
// min/max rows four entries at a time: x gathered by column, a lane-wise compare-select
// (minpd(p, acc) = p < acc ? p : acc, like the scalar loop) and a lane-wise NaN flag; lanes are
// combined at the end of the row, which order-free ops allow. The zero fix-up is scalar.
// Lane masks for a last group of 0–3 entries (64-bit lanes, all ones = active).
alignas(32) constexpr int64_t kTailLanes[4][4] = {{0, 0, 0, 0}, {-1, 0, 0, 0}, {-1, -1, 0, 0}, {-1, -1, -1, 0}};

template <class Op, bool kPattern, bool kMasked>
__attribute__((target("avx2"))) void pull_order_free_avx2(const CsrView& view, const double* x, double* y,
                                                          const uint8_t* mask, bool complement) {
  const CsrView a = view;
  constexpr bool kMin = is_min_op(Op::kOp);
  const __m256d zero = _mm256_set1_pd(Op::zero());
  const __m256d one = _mm256_set1_pd(Op::one());
  const __m256i all_lanes_i = _mm256_set1_epi64x(-1);
  int32_t s = a.row_ptr[0];
  for (int32_t i = 0; i < a.nrows; ++i) {
    const int32_t e = a.row_ptr[i + 1];
    if (kMasked && (mask[i] != 0) == complement) {
      s = e;
      continue;
    }
    __m256d acc = zero;
    __m256d nan = _mm256_setzero_pd();
    // Whole groups of four, then one masked group for the 1–3 left: inactive lanes load nothing
    // (a masked load never touches memory past the row) and feed the op's zero, which changes no
    // lane's answer.
    for (int32_t k = s; k < e; k += 4) {
      const int32_t left = e - k;
      const __m256i lanes = left >= 4 ? all_lanes_i : _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kTailLanes[left]));
      const __m256d lanes_pd = _mm256_castsi256_pd(lanes);
      const __m128i lanes32 = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(lanes, _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6)));
      const __m128i cols = left >= 4 ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(a.col_idx + k))
                                     : _mm_maskload_epi32(a.col_idx + k, lanes32);
      const __m256d xv = _mm256_mask_i32gather_pd(_mm256_setzero_pd(), x, cols, lanes_pd, 8);
      const __m256d av = kPattern ? one : left >= 4 ? _mm256_loadu_pd(a.values + k) : _mm256_maskload_pd(a.values + k, lanes);
      __m256d p;
      if constexpr (kPattern && Op::kOp != SemiringOp::MinPlus && Op::kOp != SemiringOp::MaxPlus) {
        p = xv;
      } else if constexpr (Op::kOp == SemiringOp::MaxMin) {
        p = _mm256_min_pd(av, xv);
        nan = _mm256_or_pd(nan, _mm256_and_pd(lanes_pd, _mm256_cmp_pd(av, xv, _CMP_UNORD_Q)));
      } else if constexpr (Op::kOp == SemiringOp::MaxTimes) {
        p = _mm256_mul_pd(av, xv);
      } else {
        p = _mm256_add_pd(av, xv);
      }
      p = _mm256_blendv_pd(zero, p, lanes_pd);
      if constexpr (Op::kOp != SemiringOp::MaxMin || kPattern) nan = _mm256_or_pd(nan, _mm256_cmp_pd(p, p, _CMP_UNORD_Q));
      acc = kMin ? _mm256_min_pd(p, acc) : _mm256_max_pd(p, acc);
    }
    const __m128d half = kMin ? _mm_min_pd(_mm256_castpd256_pd128(acc), _mm256_extractf128_pd(acc, 1))
                              : _mm_max_pd(_mm256_castpd256_pd128(acc), _mm256_extractf128_pd(acc, 1));
    const double h0 = _mm_cvtsd_f64(half);
    const double h1 = _mm_cvtsd_f64(_mm_unpackhi_pd(half, half));
    double r = kMin ? (h1 < h0 ? h1 : h0) : (h1 > h0 ? h1 : h0);
    const bool any_nan = _mm256_movemask_pd(nan) != 0;
    if (any_nan) {
      r = f64_nan();
    } else if (r == 0.0) {
      r = row_reference<Op>(a.col_idx, kPattern ? nullptr : a.values, x, s, e);
    }
    y[i] = r;
    s = e;
  }
}
#endif

template <class Op, bool kPattern, bool kMasked>
void pull(const CsrView& a, const double* x, double* y, const uint8_t* mask, bool complement) {
#if defined(__x86_64__)
  if constexpr (Op::kOrderFree && Op::kOp != SemiringOp::OrAnd) {
    if (active_simd() == SimdLevel::Avx2) return pull_order_free_avx2<Op, kPattern, kMasked>(a, x, y, mask, complement);
  }
#endif
  pull_scalar<Op, kPattern, kMasked>(a, x, y, mask, complement);
}

template <class Op>
void pull_op(const CsrView& a, const double* x, double* y, const uint8_t* mask, bool complement) {
  const bool pattern = a.values == nullptr;
  if (mask == nullptr) {
    pattern ? pull<Op, true, false>(a, x, y, mask, complement) : pull<Op, false, false>(a, x, y, mask, complement);
  } else {
    pattern ? pull<Op, true, true>(a, x, y, mask, complement) : pull<Op, false, true>(a, x, y, mask, complement);
  }
}

// ---------------------------------------------------------------- push

template <class Op, bool kPattern>
size_t push_rows(const CsrView& a, const int32_t* x_idx, const double* x_val, size_t count, double* y, uint8_t* mark,
                 int32_t* changed) {
  size_t n = 0;
  const double* values = kPattern ? nullptr : a.values;
  for (size_t t = 0; t < count; ++t) {
    const int32_t i = x_idx[t];
    const double xt = x_val[t];
    const int32_t e = a.row_ptr[i + 1];
    for (int32_t k = a.row_ptr[i]; k < e; ++k) {
      const int32_t j = a.col_idx[k];
      if (push_update<Op>(y, j, xt, values, k) && mark[j] == 0) {
        mark[j] = 1;
        changed[n++] = j;
      }
    }
  }
  return n;
}

template <class Op>
size_t push_op(const CsrView& a, const int32_t* x_idx, const double* x_val, size_t count, double* y, uint8_t* mark,
               int32_t* changed) {
  return a.values == nullptr ? push_rows<Op, true>(a, x_idx, x_val, count, y, mark, changed)
                             : push_rows<Op, false>(a, x_idx, x_val, count, y, mark, changed);
}

}  // namespace

Status semiring_spmv(SemiringOp op, const CsrView& a, const double* x, double* y, const uint8_t* mask,
                     bool complement, Error* err) {
  const char* fn = "spmv";
  if (a.row_ptr[0] != 0) return fail(err, Status::InvalidArgument, "%s: a.rowPtr[0] is %d; expected 0", fn, a.row_ptr[0]);
  for (int32_t i = 0; i < a.nrows; ++i) {
    if (a.row_ptr[i + 1] < a.row_ptr[i]) {
      return fail(err, Status::InvalidArgument,
                  "%s: a.rowPtr[%d] = %d is below a.rowPtr[%d] = %d; expected non-decreasing", fn, i + 1,
                  a.row_ptr[i + 1], i, a.row_ptr[i]);
    }
  }
  const auto ncols = static_cast<uint32_t>(a.ncols);
  if (mask == nullptr) {
    const int64_t bad = first_bad_column(a.col_idx, 0, a.row_ptr[a.nrows], ncols);
    if (bad >= 0) return bad_column(err, fn, a, bad);
  } else {
    for (int32_t i = 0; i < a.nrows; ++i) {
      if ((mask[i] != 0) == complement) continue;
      const int64_t bad = first_bad_column(a.col_idx, a.row_ptr[i], a.row_ptr[i + 1], ncols);
      if (bad >= 0) return bad_column(err, fn, a, bad);
    }
  }
  switch (op) {
    case SemiringOp::OrAnd: pull_op<OrAndOp>(a, x, y, mask, complement); break;
    case SemiringOp::PlusTimes: pull_op<PlusTimesOp>(a, x, y, mask, complement); break;
    case SemiringOp::MinPlus: pull_op<MinPlusOp>(a, x, y, mask, complement); break;
    case SemiringOp::MaxPlus: pull_op<MaxPlusOp>(a, x, y, mask, complement); break;
    case SemiringOp::MaxTimes: pull_op<MaxTimesOp>(a, x, y, mask, complement); break;
    case SemiringOp::MaxMin: pull_op<MaxMinOp>(a, x, y, mask, complement); break;
    case SemiringOp::LogPlus: pull_op<LogPlusOp>(a, x, y, mask, complement); break;
    default: return fail(err, Status::InvalidArgument, "%s: unknown op code %d", fn, static_cast<int>(op));
  }
  return Status::Ok;
}

Status semiring_push(SemiringOp op, const CsrView& a, const int32_t* x_idx, const double* x_val, size_t count,
                     double* y, uint8_t* mark, int32_t* changed, size_t* appended, Error* err) {
  const char* fn = "spmspvPush";
  const int64_t nnz = a.row_ptr[a.nrows];
  const auto ncols = static_cast<uint32_t>(a.ncols);
  for (size_t t = 0; t < count; ++t) {
    const int32_t i = x_idx[t];
    if (static_cast<uint32_t>(i) >= static_cast<uint32_t>(a.nrows)) {
      return fail(err, Status::IndexOutOfRange, "%s: xIndices[%zu] = %d is outside [0, %d)", fn, t, i, a.nrows);
    }
    const int32_t lo = a.row_ptr[i];
    const int32_t hi = a.row_ptr[i + 1];
    if (lo < 0 || hi < lo || hi > nnz) {
      return fail(err, Status::InvalidArgument,
                  "%s: row %d spans a.rowPtr[%d] = %d to a.rowPtr[%d] = %d; expected 0 <= start <= end <= %lld", fn, i,
                  i, lo, i + 1, hi, static_cast<long long>(nnz));
    }
    const int64_t bad = first_bad_column(a.col_idx, lo, hi, ncols);
    if (bad >= 0) return bad_column(err, fn, a, bad);
  }
  switch (op) {
    case SemiringOp::OrAnd: *appended = push_op<OrAndOp>(a, x_idx, x_val, count, y, mark, changed); break;
    case SemiringOp::PlusTimes: *appended = push_op<PlusTimesOp>(a, x_idx, x_val, count, y, mark, changed); break;
    case SemiringOp::MinPlus: *appended = push_op<MinPlusOp>(a, x_idx, x_val, count, y, mark, changed); break;
    case SemiringOp::MaxPlus: *appended = push_op<MaxPlusOp>(a, x_idx, x_val, count, y, mark, changed); break;
    case SemiringOp::MaxTimes: *appended = push_op<MaxTimesOp>(a, x_idx, x_val, count, y, mark, changed); break;
    case SemiringOp::MaxMin: *appended = push_op<MaxMinOp>(a, x_idx, x_val, count, y, mark, changed); break;
    case SemiringOp::LogPlus: *appended = push_op<LogPlusOp>(a, x_idx, x_val, count, y, mark, changed); break;
    default: return fail(err, Status::InvalidArgument, "%s: unknown op code %d", fn, static_cast<int>(op));
  }
  return Status::Ok;
}

}  // namespace mmsb::cpu
