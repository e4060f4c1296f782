// Runs native code at each SIMD level the binary has, so the AVX2, SSE4.2 and scalar paths all
// meet the TS twin in the kernel tests.
import type { SimdLevel } from '../../src/index.js';
import { loaded } from '../../src/internal/loader.js';

/** Every dispatch level, fastest first (a level above the CPU's runs as the CPU's best). */
export const SIMD_LEVELS: SimdLevel[] = ['avx2', 'sse4.2', 'scalar'];

/** Runs `run` with the binary dispatching at `level`, then restores what the CPU detected. */
export function atSimdLevel(level: SimdLevel, run: () => void): void {
  const binding = loaded.binding;
  if (binding === null) throw new Error('no binding');
  const detected = binding.setSimdCap('avx2');
  binding.setSimdCap(level);
  try {
    run();
  } finally {
    binding.setSimdCap(detected);
  }
}
