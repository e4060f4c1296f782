import { PhysicalError } from './errors.js';
import { capabilities, describeError, deviceAlloc, nativeErrorCode } from './internal/native.js';
import type { CudaDevice, DeviceBuffer, NativeCapabilities } from './internal/native.js';

/**
 * What the native layer can do (SIMD level, CUDA, devices, and why not when it can't), as layer 0
 * reports it. Upper layers (the `mmsb doctor` command, say) read capabilities here, never from
 * `@mmsb/native`, which only layers 0–4 may import.
 */
export function physicalCapabilities(): NativeCapabilities {
  return capabilities();
}

/** The CUDA devices pages may be placed on: empty without a device, CUDA build, or when `MMSB_GPU=0`. */
export function discoverDevices(): readonly CudaDevice[] {
  const caps = capabilities();
  return caps.gpuAllowed ? caps.devices : [];
}

/** True when device `index` exists and may be used. */
export function deviceAvailable(index = 0): boolean {
  return discoverDevices().some((d) => d.index === index);
}

/** Why device `index` cannot be used, for error messages; null when it can. */
export function deviceUnavailableReason(index = 0): string | null {
  const caps = capabilities();
  if (!caps.gpuAllowed) return 'MMSB_GPU=0 forbids the device';
  if (caps.devices.some((d) => d.index === index)) return null;
  if (!caps.native) return `the native module is not loaded (${caps.reason ?? 'no reason given'})`;
  if (!caps.cudaCompiled) return 'the native module was built without CUDA';
  if (caps.devices.length === 0) return 'no CUDA device was found';
  return `device ${index} does not exist (devices: ${caps.devices.map((d) => d.index).join(', ')})`;
}

/**
 * `size` bytes of memory on device `index`. Refuses with `DEVICE_UNAVAILABLE` when the device
 * cannot be used and `DEVICE_FAILED` when the device refuses the allocation (out of memory, say).
 */
export function allocateDeviceBuffer(size: number, index = 0): DeviceBuffer {
  if (!Number.isSafeInteger(size) || size <= 0) {
    throw new PhysicalError('INVALID_SIZE', `device buffer size ${String(size)} is not a positive safe integer`);
  }
  try {
    return deviceAlloc(size, index);
  } catch (error) {
    if (nativeErrorCode(error) === 'NO_DEVICE') {
      const reason = deviceUnavailableReason(index) ?? describeError(error);
      throw new PhysicalError('DEVICE_UNAVAILABLE', `cannot place ${size} bytes on device ${index}: ${reason}`, {
        cause: error,
      });
    }
    throw new PhysicalError('DEVICE_FAILED', `cannot allocate ${size} bytes on device ${index}: ${describeError(error)}`, {
      cause: error,
    });
  }
}
