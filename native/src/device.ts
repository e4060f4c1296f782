// CUDA device memory and the device kernels. Without a device (none present, no driver, a binary
// built without CUDA, no binary at all, or MMSB_GPU=0) deviceAlloc throws NO_DEVICE.
import type { DeviceBuffer, DeviceKernels, SparseRuns } from './api.js';
import { NativeError } from './errors.js';
import type { DeviceBufferHandle } from './internal/binding.js';
import { loaded } from './internal/loader.js';
import { checkUint, DEFAULT_MERGE_GAP } from './internal/ts-kernels.js';

class NativeDeviceBuffer implements DeviceBuffer {
  readonly handle: DeviceBufferHandle;

  constructor(handle: DeviceBufferHandle) {
    this.handle = handle;
  }

  get device(): number {
    return this.handle.device;
  }

  get size(): number {
    return this.handle.size;
  }

  upload(src: Uint8Array, deviceOffset = 0): void {
    this.handle.upload(src, deviceOffset);
  }

  download(dst: Uint8Array, deviceOffset = 0): void {
    this.handle.download(dst, deviceOffset);
  }

  free(): void {
    this.handle.free();
  }
}

/**
 * Allocates `size` bytes on CUDA device `device` (default 0). Throws NO_DEVICE when there is no such
 * device or the GPU is forbidden (MMSB_GPU=0), CUDA_ERROR when the allocation itself fails.
 */
export function deviceAlloc(size: number, device = 0): DeviceBuffer {
  if (loaded.binding === null) {
    throw new NativeError('NO_DEVICE', `deviceAlloc: no CUDA device, because the native binary is not loaded. ${loaded.reason ?? ''}`);
  }
  return new NativeDeviceBuffer(new loaded.binding.DeviceBufferHandle(size, device));
}

function handleOf(buffer: DeviceBuffer, fn: string, what: string): DeviceBufferHandle {
  if (!(buffer instanceof NativeDeviceBuffer)) {
    throw new NativeError('INVALID_ARGUMENT', `${fn}: ${what} must be a DeviceBuffer from deviceAlloc`);
  }
  return buffer.handle;
}

/** The kernels on device memory; see `DeviceKernels`. */
export const deviceKernels: DeviceKernels = {
  copyBytes(dst, src) {
    handleOf(dst, 'copyBytes', 'dst').copyFrom(handleOf(src, 'copyBytes', 'src'));
  },
  zeroBytes(dst) {
    handleOf(dst, 'zeroBytes', 'dst').zero();
  },
  applySparseRuns(page, runs: SparseRuns) {
    if (typeof runs !== 'object' || runs === null) {
      throw new NativeError('INVALID_ARGUMENT', 'applySparseRuns: runs must be an object { offsets, lengths, data }');
    }
    handleOf(page, 'applySparseRuns', 'page').applySparseRuns(runs.offsets, runs.lengths, runs.data);
  },
  diffPages(before, after, mergeGap) {
    const a = handleOf(after, 'diffPages', 'after');
    const gap = checkUint(mergeGap, 'diffPages', 'mergeGap', 0xffff_ffff, DEFAULT_MERGE_GAP);
    const { offsets, lengths } = handleOf(before, 'diffPages', 'before').diffTo(a, gap);
    // One download of `after`, then a gather: cheaper than a transfer per run.
    const page = new Uint8Array(a.size);
    a.download(page, 0);
    let total = 0;
    for (const len of lengths) total += len;
    const data = new Uint8Array(total);
    let cursor = 0;
    for (let r = 0; r < offsets.length; r++) {
      const off = offsets[r] ?? 0;
      const len = lengths[r] ?? 0;
      data.set(page.subarray(off, off + len), cursor);
      cursor += len;
    }
    return { offsets, lengths, data };
  },
  xorInto(dst, src) {
    handleOf(dst, 'xorInto', 'dst').xorFrom(handleOf(src, 'xorInto', 'src'));
  },
  crc32c(data, seed = 0) {
    return handleOf(data, 'crc32c', 'data').crc32c(seed);
  },
};
