// Run-time instruction-set detection. The binary is compiled for baseline x86-64 (or any other
// target); the SSE4.2 and AVX2 loops are separate functions compiled with target attributes and
// picked here, so one binary runs on every CPU of its architecture.
#include <atomic>

#include "cpu.h"

namespace mmsb::cpu {

namespace {

SimdLevel probe() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("sse4.2")) return SimdLevel::Avx2;
  if (__builtin_cpu_supports("sse4.2")) return SimdLevel::Sse42;
#endif
  return SimdLevel::Scalar;
}

bool probe_pclmul() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.2");
#else
  return false;
#endif
}

const SimdLevel kDetected = probe();
const bool kPclmul = probe_pclmul();
std::atomic<int> g_active{static_cast<int>(kDetected)};

}  // namespace

SimdLevel detected_simd() { return kDetected; }

SimdLevel active_simd() { return static_cast<SimdLevel>(g_active.load(std::memory_order_relaxed)); }

SimdLevel set_simd_cap(SimdLevel cap) {
  const int level = static_cast<int>(cap) < static_cast<int>(kDetected) ? static_cast<int>(cap)
                                                                         : static_cast<int>(kDetected);
  g_active.store(level, std::memory_order_relaxed);
  return static_cast<SimdLevel>(level);
}

const char* simd_name(SimdLevel level) {
  switch (level) {
    case SimdLevel::Avx2: return "avx2";
    case SimdLevel::Sse42: return "sse4.2";
    case SimdLevel::Scalar: return "scalar";
  }
  return "scalar";
}

bool crc32c_hardware() { return kPclmul && active_simd() != SimdLevel::Scalar; }

}  // namespace mmsb::cpu
