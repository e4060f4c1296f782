// The semiring per-element bodies, shared by the CPU loops (src/cpu/semiring.cc), the CUDA kernels
// (src/cuda/semiring.cu) and the C++ test, and mirrored line for line by the TS twin
// (src/internal/ts-semiring-kernels.ts). Semantics are the contract's (src/api.ts SemiringOp):
// min and max are IEEE 754-2019 minimum/maximum (Math.min/Math.max: NaN wins, −0 < +0), so a
// reduction under them has one answer in any order; + and × are never contracted into an FMA (the
// CPU build uses -ffp-contract=off, the device __dadd_rn/__dmul_rn), so sums match the TS twin bit
// for bit when run in the same order.
#pragma once

#include <cmath>
#include <cstring>

#include "common.h"

namespace mmsb {

// The codes the binding receives: the index of each op in SEMIRING_OPS (ts-semiring-kernels.ts).
enum class SemiringOp : int { OrAnd = 0, PlusTimes = 1, MinPlus = 2, MaxPlus = 3, MaxTimes = 4, MaxMin = 5, LogPlus = 6 };
constexpr int kSemiringOpCount = 7;

MMSB_HD inline uint64_t f64_bits(double v) {
#if defined(__CUDA_ARCH__)
  return static_cast<uint64_t>(__double_as_longlong(v));
#else
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
#endif
}

MMSB_HD inline double f64_from_bits(uint64_t b) {
#if defined(__CUDA_ARCH__)
  return __longlong_as_double(static_cast<long long>(b));
#else
  double v;
  std::memcpy(&v, &b, sizeof v);
  return v;
#endif
}

MMSB_HD inline double f64_inf() { return f64_from_bits(0x7FF0000000000000ull); }
MMSB_HD inline double f64_nan() { return f64_from_bits(0x7FF8000000000000ull); }
MMSB_HD inline bool f64_is_nan(double v) { return v != v; }

// Never contracted with a neighbouring operation into an FMA.
MMSB_HD inline double f64_add(double a, double b) {
#if defined(__CUDA_ARCH__)
  return __dadd_rn(a, b);
#else
  return a + b;
#endif
}

MMSB_HD inline double f64_mul(double a, double b) {
#if defined(__CUDA_ARCH__)
  return __dmul_rn(a, b);
#else
  return a * b;
#endif
}

// Math.min: NaN if either is NaN; of two zeros, −0 if either is −0 (OR of the bits).
MMSB_HD inline double ieee_min(double a, double b) {
  if (a < b) return a;
  if (b < a) return b;
  if (a == b) return f64_from_bits(f64_bits(a) | f64_bits(b));
  return f64_nan();
}

// Math.max: NaN if either is NaN; of two zeros, +0 if either is +0 (AND of the bits).
MMSB_HD inline double ieee_max(double a, double b) {
  if (a > b) return a;
  if (b > a) return b;
  if (a == b) return f64_from_bits(f64_bits(a) & f64_bits(b));
  return f64_nan();
}

// Object.is on numbers: equal bits, or both NaN.
MMSB_HD inline bool same_value(double a, double b) { return f64_bits(a) == f64_bits(b) || (a != a && b != b); }

// The contract's logaddexp (ln 2 = Math.LN2). Not bit-identical across libms: only this op is exempt.
MMSB_HD inline double log_add_exp(double a, double b) {
  const double neg_inf = -f64_inf();
  if (a == neg_inf) return b;
  if (b == neg_inf) return a;
  if (a == b) return f64_add(a, 0.6931471805599453);
  const double m = ieee_max(a, b);
  return f64_add(m, log1p(exp(-fabs(f64_add(a, -b)))));
}

// One struct per op: zero (the identity of ⊕ and an empty row's value), one (the value of every
// entry of a pattern matrix), mul = A[i,k] ⊗ x[k] (or x ⊗ A when pushing: all are commutative),
// add = acc ⊕ v. `kOrderFree` says the ⊕ reduction may run in any order (min/max), which lets the
// CPU vectorise within a row.
struct OrAndOp {
  static constexpr SemiringOp kOp = SemiringOp::OrAnd;
  static constexpr bool kOrderFree = true;
  MMSB_HD static double zero() { return 0.0; }
  MMSB_HD static double one() { return 1.0; }
  MMSB_HD static double mul(double a, double x) { return (a != 0.0 && x != 0.0) ? 1.0 : 0.0; }
  MMSB_HD static double add(double acc, double v) { return (acc != 0.0 || v != 0.0) ? 1.0 : 0.0; }
};

struct PlusTimesOp {
  static constexpr SemiringOp kOp = SemiringOp::PlusTimes;
  static constexpr bool kOrderFree = false;
  MMSB_HD static double zero() { return 0.0; }
  MMSB_HD static double one() { return 1.0; }
  MMSB_HD static double mul(double a, double x) { return f64_mul(a, x); }
  MMSB_HD static double add(double acc, double v) { return f64_add(acc, v); }
};

struct MinPlusOp {
  static constexpr SemiringOp kOp = SemiringOp::MinPlus;
  static constexpr bool kOrderFree = true;
  MMSB_HD static double zero() { return f64_inf(); }
  MMSB_HD static double one() { return 0.0; }
  MMSB_HD static double mul(double a, double x) { return f64_add(a, x); }
  MMSB_HD static double add(double acc, double v) { return ieee_min(acc, v); }
};

struct MaxPlusOp {
  static constexpr SemiringOp kOp = SemiringOp::MaxPlus;
  static constexpr bool kOrderFree = true;
  MMSB_HD static double zero() { return -f64_inf(); }
  MMSB_HD static double one() { return 0.0; }
  MMSB_HD static double mul(double a, double x) { return f64_add(a, x); }
  MMSB_HD static double add(double acc, double v) { return ieee_max(acc, v); }
};

struct MaxTimesOp {
  static constexpr SemiringOp kOp = SemiringOp::MaxTimes;
  static constexpr bool kOrderFree = true;
  MMSB_HD static double zero() { return 0.0; }
  MMSB_HD static double one() { return 1.0; }
  MMSB_HD static double mul(double a, double x) { return f64_mul(a, x); }
  MMSB_HD static double add(double acc, double v) { return ieee_max(acc, v); }
};

struct MaxMinOp {
  static constexpr SemiringOp kOp = SemiringOp::MaxMin;
  static constexpr bool kOrderFree = true;
  MMSB_HD static double zero() { return -f64_inf(); }
  MMSB_HD static double one() { return f64_inf(); }
  MMSB_HD static double mul(double a, double x) { return ieee_min(a, x); }
  MMSB_HD static double add(double acc, double v) { return ieee_max(acc, v); }
};

struct LogPlusOp {
  static constexpr SemiringOp kOp = SemiringOp::LogPlus;
  static constexpr bool kOrderFree = false;
  MMSB_HD static double zero() { return -f64_inf(); }
  MMSB_HD static double one() { return 0.0; }
  MMSB_HD static double mul(double a, double x) { return f64_add(a, x); }
  MMSB_HD static double add(double acc, double v) { return log_add_exp(acc, v); }
};

// The product of a pattern entry (the semiring's one) with v, as the TS twin computes it: where
// one ⊗ v is v for every non-NaN v (× 1, min with +∞) the product is v itself, otherwise (+ 0,
// which turns −0 into +0; and or-and) the real product.
template <class Op>
MMSB_HD inline double pattern_mul(double v) {
  if constexpr (Op::kOp == SemiringOp::PlusTimes || Op::kOp == SemiringOp::MaxTimes || Op::kOp == SemiringOp::MaxMin) {
    return v;
  } else {
    return Op::mul(Op::one(), v);
  }
}

// y[i] for one row, by the definition: ⊕ of A[i,k] ⊗ x[k] left to right from zero. The reference
// the CPU loops are tested against, and the GPU's per-thread row body.
template <class Op>
MMSB_HD inline double row_reference(const int32_t* col_idx, const double* values, const double* x, int32_t start,
                                    int32_t end) {
  double acc = Op::zero();
  for (int32_t k = start; k < end; ++k) {
    const double xv = x[col_idx[k]];
    acc = Op::add(acc, values == nullptr ? pattern_mul<Op>(xv) : Op::mul(values[k], xv));
  }
  return acc;
}

// One push update y[j] ⊕= x_t ⊗ a; returns true when y[j] changed (by same_value).
template <class Op>
MMSB_HD inline bool push_update(double* y, int32_t j, double xt, const double* values, int32_t k) {
  const double old = y[j];
  const double next = Op::add(old, values == nullptr ? pattern_mul<Op>(xt) : Op::mul(xt, values[k]));
  if (same_value(next, old)) return false;
  y[j] = next;
  return true;
}

}  // namespace mmsb
