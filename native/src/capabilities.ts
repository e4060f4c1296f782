// What this process's @mmsb/native can do.
import type { NativeCapabilities } from './api.js';
import { loaded } from './internal/loader.js';

/**
 * The loaded implementation and its abilities. When `native` is false, `reason` lists every binary
 * tried and why it failed (or says MMSB_NATIVE=0 forced TS). Devices are probed on the first call.
 */
export function capabilities(): NativeCapabilities {
  if (loaded.binding === null) {
    return {
      native: false,
      reason: loaded.reason,
      binaryPath: null,
      simd: 'scalar',
      crc32cHardware: false,
      cudaCompiled: false,
      gpuAllowed: loaded.gpuAllowed,
      devices: [],
    };
  }
  const c = loaded.binding.capabilities();
  return {
    native: true,
    reason: null,
    binaryPath: loaded.binaryPath,
    simd: c.simd,
    crc32cHardware: c.crc32cHardware,
    cudaCompiled: c.cudaCompiled,
    gpuAllowed: c.gpuAllowed,
    devices: c.devices,
  };
}
