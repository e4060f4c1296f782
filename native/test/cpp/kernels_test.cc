// CTest executable: each CPU kernel at every SIMD level the machine has, checked against a
// reference loop built only from the shared MMSB_HD bodies (the code the CUDA kernels run), in the
// llm.c manner of validating a kernel against its reference. Deterministic xorshift inputs.
#include <cstdio>
#include <cstring>
#include <vector>

#include "../../src/cpu/cpu.h"
#include "../../src/kernels/bytes.h"
#include "../../src/kernels/crc32c.h"
#include "../../src/kernels/runs.h"

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

}  // namespace

int main() {
  const uint8_t vec[] = "123456789";
  for (int lv = 0; lv <= static_cast<int>(cpu::detected_simd()); ++lv) {
    const char* name = cpu::simd_name(cpu::set_simd_cap(static_cast<cpu::SimdLevel>(lv)));
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
