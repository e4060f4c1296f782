// CTest executable: each CPU kernel at every SIMD level the machine has, checked against a
// reference loop built only from the shared MMSB_HD bodies (the code the CUDA kernels run), in the
// llm.c manner of validating a kernel against its reference. Deterministic xorshift inputs.
#include <cstdio>
#include <cmath>
#include <cstring>
#include <vector>

#include "../../src/cpu/cpu.h"
#include "../../src/kernels/bytes.h"
#include "../../src/kernels/crc32c.h"
#include "../../src/kernels/runs.h"
#include "../../src/kernels/semiring.h"

using namespace mmsb;

namespace {

int failures = 0;

void check(bool ok, const char* what, const char* level, size_t n) {
  if (!ok) {
    std::fprintf(stderr, "FAIL %s at level %s, n=%zu\n", what, level, n);
    ++failures;
  }
}

uint64_t rng_state = 0x9E3779B97F4A7C15ull;
uint64_t next_rand() {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

constexpr Crc32cTables kTables = make_crc32c_tables();

uint32_t ref_crc(const uint8_t* p, size_t n, uint32_t seed) {
  uint32_t c = ~seed;
  for (size_t i = 0; i < n; ++i) c = crc32c_byte(c, p[i], kTables.t);
  return ~c;
}

bool same_bits_or_nan(double a, double b) { return f64_bits(a) == f64_bits(b) || (a != a && b != b); }

// Mostly signed zeros and ±1: rows whose answer is a zero of either sign, the fast paths' fix-up.
double pick_zeroish() {
  static const double kZeroish[] = {0.0, -0.0, 0.0, -0.0, 1.0, -1.0};
  return kZeroish[next_rand() % 6];
}

double pick_value() {
  // Special values a third of the time: signed zeros, infinities, NaN, ties.
  static const double kSpecial[] = {0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 1e-300, -3.25};
  const uint64_t r = next_rand();
  if (r % 3 == 0) {
    const uint64_t k = (r >> 8) % 11;
    if (k < 8) return kSpecial[k];
    return k == 8 ? f64_inf() : k == 9 ? -f64_inf() : f64_nan();
  }
  return static_cast<double>(static_cast<int64_t>(r >> 11) % 2001 - 1000) / 64.0;
}

// The shared bodies against the contract's definitions (Math.min/Math.max, Object.is).
void check_semiring_bodies() {
  const double pz = 0.0, nz = -0.0, inf = f64_inf(), nan = f64_nan();
  check(f64_bits(ieee_min(pz, nz)) == f64_bits(nz) && f64_bits(ieee_min(nz, pz)) == f64_bits(nz), "min(+0,-0) is -0",
        "shared", 0);
  check(f64_bits(ieee_max(pz, nz)) == f64_bits(pz) && f64_bits(ieee_max(nz, pz)) == f64_bits(pz), "max(+0,-0) is +0",
        "shared", 0);
  check(f64_is_nan(ieee_min(nan, 1.0)) && f64_is_nan(ieee_min(1.0, nan)) && f64_is_nan(ieee_max(nan, -inf)) &&
            f64_is_nan(ieee_max(inf, nan)),
        "min/max: NaN wins", "shared", 0);
  check(ieee_min(2.0, -inf) == -inf && ieee_max(2.0, inf) == inf, "min/max of infinities", "shared", 0);
  check(same_value(nan, nan) && !same_value(pz, nz) && same_value(1.5, 1.5) && !same_value(1.0, 2.0),
        "same_value is Object.is", "shared", 0);
  check(log_add_exp(-inf, 3.0) == 3.0 && log_add_exp(3.0, -inf) == 3.0 && log_add_exp(inf, inf) == inf &&
            log_add_exp(1.0, 1.0) == 1.0 + 0.6931471805599453,
        "log_add_exp edge cases", "shared", 0);
  check(OrAndOp::add(nan, 0.0) == 1.0 && OrAndOp::mul(nan, 2.0) == 1.0 && OrAndOp::mul(0.0, nan) == 0.0,
        "or-and reads NaN as true", "shared", 0);
  check(f64_bits(pattern_mul<MinPlusOp>(nz)) == f64_bits(pz) && f64_bits(pattern_mul<PlusTimesOp>(nz)) == f64_bits(nz),
        "pattern products: 0 + -0 is +0, 1 * -0 is -0", "shared", 0);
  // Order-free ops: a reduction gives the same bits in any order (the property native SIMD and the
  // GPU's warp tree rely on).
  for (int trial = 0; trial < 2000; ++trial) {
    double v[7];
    for (double& d : v) d = pick_value();
    double fwd_min = MinPlusOp::zero(), rev_min = MinPlusOp::zero(), fwd_max = MaxPlusOp::zero(), rev_max = MaxPlusOp::zero();
    for (int k = 0; k < 7; ++k) {
      fwd_min = MinPlusOp::add(fwd_min, v[k]);
      rev_min = MinPlusOp::add(rev_min, v[6 - k]);
      fwd_max = MaxPlusOp::add(fwd_max, v[k]);
      rev_max = MaxPlusOp::add(rev_max, v[6 - k]);
    }
    check(same_bits_or_nan(fwd_min, rev_min) && same_bits_or_nan(fwd_max, rev_max), "min/max reductions are order-free",
          "shared", 7);
  }
}

template <class Op>
void reference_spmv(const cpu::CsrView& a, const double* x, double* y, const uint8_t* mask, bool complement) {
  for (int32_t i = 0; i < a.nrows; ++i) {
    if (mask != nullptr && (mask[i] != 0) == complement) continue;
    y[i] = row_reference<Op>(a.col_idx, a.values, x, a.row_ptr[i], a.row_ptr[i + 1]);
  }
}

template <class Op>
size_t reference_push(const cpu::CsrView& a, const std::vector<int32_t>& xi, const std::vector<double>& xv, double* y,
                      uint8_t* mark, int32_t* changed) {
  size_t n = 0;
  for (size_t t = 0; t < xi.size(); ++t) {
    for (int32_t k = a.row_ptr[xi[t]]; k < a.row_ptr[xi[t] + 1]; ++k) {
      const int32_t j = a.col_idx[k];
      if (push_update<Op>(y, j, xv[t], a.values, k) && mark[j] == 0) {
        mark[j] = 1;
        changed[n++] = j;
      }
    }
  }
  return n;
}

// cpu::semiring_spmv / semiring_push (every SIMD path) against loops built only from the shared
// bodies, on random matrices with empty and long rows, pattern and valued, masked and not.
template <class Op>
void check_semiring_op(const char* level, const char* name) {
  for (int trial = 0; trial < 90; ++trial) {
    const bool zeroish = trial % 3 == 2;
    auto value = [&] { return zeroish ? pick_zeroish() : pick_value(); };
    const int32_t nrows = static_cast<int32_t>(next_rand() % 40);
    const int32_t ncols = 1 + static_cast<int32_t>(next_rand() % 40);
    std::vector<int32_t> row_ptr(nrows + 1, 0);
    for (int32_t i = 0; i < nrows; ++i) row_ptr[i + 1] = row_ptr[i] + static_cast<int32_t>(next_rand() % (trial % 4 == 0 ? 40 : 9));
    const int32_t nnz = row_ptr[nrows];
    std::vector<int32_t> col_idx(nnz);
    std::vector<double> values(nnz);
    for (auto& c : col_idx) c = static_cast<int32_t>(next_rand() % ncols);
    for (auto& v : values) v = value();
    std::vector<double> x(ncols), y0(nrows);
    for (auto& v : x) v = value();
    for (auto& v : y0) v = pick_value();
    std::vector<uint8_t> mask(nrows);
    for (auto& m : mask) m = static_cast<uint8_t>(next_rand() % 2);
    const bool pattern = trial % 5 == 1;
    cpu::CsrView a;
    a.nrows = nrows;
    a.ncols = ncols;
    a.row_ptr = row_ptr.data();
    a.col_idx = col_idx.data();
    a.values = pattern ? nullptr : values.data();
    const uint8_t* m = trial % 2 == 0 ? nullptr : mask.data();
    const bool complement = trial % 4 == 3;
    std::vector<double> want = y0, got = y0;
    reference_spmv<Op>(a, x.data(), want.data(), m, complement);
    Error err;
    const Status s = cpu::semiring_spmv(Op::kOp, a, x.data(), got.data(), m, complement, &err);
    bool same = s == Status::Ok;
    for (int32_t i = 0; same && i < nrows; ++i) {
      same = Op::kOp == SemiringOp::LogPlus ? (same_bits_or_nan(got[i], want[i]) || std::fabs(got[i] - want[i]) <= 1e-12 * std::fmax(1.0, std::fabs(want[i])))
                                             : same_bits_or_nan(got[i], want[i]);
    }
    check(same, name, level, static_cast<size_t>(nnz));

    if (nrows == 0) continue;
    std::vector<int32_t> xi(next_rand() % 8);
    std::vector<double> xv(xi.size());
    for (auto& i : xi) i = static_cast<int32_t>(next_rand() % nrows);
    for (auto& v : xv) v = value();
    std::vector<double> py_want(ncols), py_got(ncols);
    for (auto& v : py_want) v = pick_value();
    py_got = py_want;
    std::vector<uint8_t> mark_want(ncols), mark_got(ncols);
    for (auto& v : mark_want) v = static_cast<uint8_t>(next_rand() % 3 == 0);
    mark_got = mark_want;
    std::vector<int32_t> ch_want(ncols, -1), ch_got(ncols, -1);
    const size_t n_want = reference_push<Op>(a, xi, xv, py_want.data(), mark_want.data(), ch_want.data());
    size_t n_got = 0;
    const Status ps = cpu::semiring_push(Op::kOp, a, xi.data(), xv.data(), xi.size(), py_got.data(), mark_got.data(),
                                         ch_got.data(), &n_got, &err);
    bool push_same = ps == Status::Ok && n_got == n_want && ch_got == ch_want && mark_got == mark_want;
    for (int32_t j = 0; push_same && j < ncols; ++j) push_same = same_bits_or_nan(py_got[j], py_want[j]);
    check(push_same, name, level, static_cast<size_t>(nnz));
  }
}

void check_semiring(const char* level) {
  check_semiring_op<OrAndOp>(level, "semiring or-and vs shared bodies");
  check_semiring_op<PlusTimesOp>(level, "semiring plus-times vs shared bodies");
  check_semiring_op<MinPlusOp>(level, "semiring min-plus vs shared bodies");
  check_semiring_op<MaxPlusOp>(level, "semiring max-plus vs shared bodies");
  check_semiring_op<MaxTimesOp>(level, "semiring max-times vs shared bodies");
  check_semiring_op<MaxMinOp>(level, "semiring max-min vs shared bodies");
  check_semiring_op<LogPlusOp>(level, "semiring log-plus vs shared bodies");
  // A column out of range is refused before y is touched.
  const int32_t row_ptr[] = {0, 1, 2};
  const int32_t col_idx[] = {0, 5};
  cpu::CsrView a;
  a.nrows = 2;
  a.ncols = 2;
  a.row_ptr = row_ptr;
  a.col_idx = col_idx;
  double x[2] = {1, 2};
  double y[2] = {7, 7};
  Error err;
  check(cpu::semiring_spmv(SemiringOp::MinPlus, a, x, y, nullptr, false, &err) == Status::IndexOutOfRange && y[0] == 7,
        "semiring spmv refuses a bad column and writes nothing", level, 2);
}

}  // namespace

int main() {
  check_semiring_bodies();
  const uint8_t vec[] = "123456789";
  for (int lv = 0; lv <= static_cast<int>(cpu::detected_simd()); ++lv) {
    const char* name = cpu::simd_name(cpu::set_simd_cap(static_cast<cpu::SimdLevel>(lv)));
    check_semiring(name);
    check(cpu::crc32c(vec, 9, 0) == 0xE3069283u, "crc32c known vector", name, 9);
    const size_t sizes[] = {0, 1, 7, 8, 31, 32, 33, 63, 64, 65, 767, 768, 769, 4096, 24575, 24576, 24577, 100003};
    for (size_t n : sizes) {
      std::vector<uint8_t> a(n + 3);
      std::vector<uint8_t> b(n + 3);
      for (auto& x : a) x = static_cast<uint8_t>(next_rand());
      b = a;
      // Sprinkle differences so diff has both stretches and gaps; offset by 3 for unaligned views.
      for (size_t k = 0; k < n / 50 + 1 && n != 0; ++k) b[3 + next_rand() % n] ^= 0x5A;
      const uint8_t* pa = a.data() + 3;
      const uint8_t* pb = b.data() + 3;

      check(cpu::crc32c(pa, n, 0) == ref_crc(pa, n, 0), "crc32c vs table reference", name, n);
      const size_t half = n / 3;
      check(cpu::crc32c(pa + half, n - half, cpu::crc32c(pa, half, 0)) == ref_crc(pa, n, 0), "crc32c seeding", name,
            n);
      // The GF(2) combine the GPU uses: crc(A‖B) from crc(A), crc(B) and len(B).
      uint32_t ra = ~0u;
      for (size_t i = 0; i < half; ++i) ra = crc32c_byte(ra, pa[i], kTables.t);
      uint32_t rb = 0;
      for (size_t i = half; i < n; ++i) rb = crc32c_byte(rb, pa[i], kTables.t);
      check(~(crc32c_shift(ra, n - half) ^ rb) == ref_crc(pa, n, 0), "crc32c_shift combine", name, n);

      std::vector<uint8_t> x1(pa, pa + n);
      std::vector<uint8_t> x2(pa, pa + n);
      cpu::xor_into(x1.data(), n, pb, n, nullptr);
      for (size_t i = 0; i < n; ++i) xor_elem(x2.data(), pb, i);
      check(x1 == x2, "xor_into vs xor_elem", name, n);

      std::vector<RunSpan> runs;
      cpu::diff_pages(pa, pb, n, 0, &runs, nullptr);
      std::vector<uint8_t> rebuilt(pa, pa + n);
      for (const RunSpan& r : runs) {
        for (uint32_t j = 0; j < r.end - r.start; ++j) apply_run_elem(rebuilt.data(), pb, r.start, r.start, j);
      }
      check(std::memcmp(rebuilt.data(), pb, n) == 0, "apply(before, diff(before, after)) == after", name, n);
      bool maximal = true;
      for (const RunSpan& r : runs) {
        for (uint32_t i = r.start; i < r.end; ++i) maximal = maximal && bytes_differ(pa, pb, i);
        if (r.start > 0) maximal = maximal && !bytes_differ(pa, pb, r.start - 1);
        if (r.end < n) maximal = maximal && !bytes_differ(pa, pb, r.end);
      }
      check(maximal, "diff runs are maximal differing stretches at mergeGap 0", name, n);
    }
  }
  if (failures == 0) std::puts("kernels_test: all checks passed");
  return failures == 0 ? 0 : 1;
}
