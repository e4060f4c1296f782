import { allocateDeviceBuffer, deviceUnavailableReason } from './device.js';
import { PhysicalError } from './errors.js';
import { BlockPool, PooledBlock } from './internal/block-pool.js';
import type { BlockBackend, BlockPlacement, BlockPoolStats } from './internal/block-pool.js';
import { describeError } from './internal/native.js';
import type { DeviceBuffer } from './internal/native.js';
import { SizeClasses } from './size-classes.js';

/** Where a device block's bytes really are: on the CUDA device, or in host memory standing in for it. */
export type DevicePlacement = BlockPlacement;

/** A block of (device) memory from a {@link DeviceMemoryPool}. Every method throws FREED_HANDLE once freed. */
export interface DeviceBlock {
  /** Unique within its pool. */
  readonly id: number;
  /** Bytes asked for; uploads and downloads are checked against it. */
  readonly size: number;
  /** Bytes held: `size` rounded up to its size class. */
  readonly capacity: number;
  /** CUDA device index (0 for the host pool). */
  readonly device: number;
  readonly placement: DevicePlacement;
  /** Copies `src` into the block at `offset`. */
  upload(src: Uint8Array, offset?: number): void;
  /** Copies `dst.length` bytes at `offset` of the block into `dst`. */
  download(dst: Uint8Array, offset?: number): void;
}

/** Counters of a {@link DeviceMemoryPool}. */
export type DevicePoolStats = BlockPoolStats;

/** Options of both device pools. */
export interface DevicePoolOptions {
  /** Largest size class; bigger blocks are allocated exactly and never cached. Default 1 MiB. */
  readonly maxClassBytes?: number;
  /** Most bytes the pool may hold (live and cached); null or absent for no limit. */
  readonly budgetBytes?: number | null;
}

/**
 * Device memory handed out in size classes and cached when freed, because device allocation
 * (cudaMalloc) is slow and synchronizing; `trim` gives cached memory back.
 */
export interface DeviceMemoryPool {
  readonly device: number;
  readonly placement: DevicePlacement;
  /** A zeroed block of at least `size` bytes; BUDGET_EXCEEDED past the budget (after trimming). */
  allocate(size: number): DeviceBlock;
  /** Returns a block to its size class's cache; DOUBLE_FREE or INVALID_HANDLE on misuse. */
  free(block: DeviceBlock): void;
  stats(): DevicePoolStats;
  /** Releases every cached block; returns the bytes released. */
  trim(): number;
  /** Trims and refuses further allocation. */
  close(): void;
}

class PoolFacade<B> implements DeviceMemoryPool {
  readonly device: number;
  readonly placement: DevicePlacement;
  private readonly pool: BlockPool<B>;

  constructor(backend: BlockBackend<B>, options: DevicePoolOptions) {
    this.pool = new BlockPool(backend, new SizeClasses(options.maxClassBytes), options.budgetBytes ?? null);
    this.device = backend.device;
    this.placement = backend.placement;
  }

  allocate(size: number): DeviceBlock {
    return this.pool.allocate(size);
  }

  free(block: DeviceBlock): void {
    this.pool.free(block as PooledBlock<B>);
  }

  stats(): DevicePoolStats {
    return this.pool.stats();
  }

  trim(): number {
    return this.pool.trim();
  }

  close(): void {
    this.pool.close();
  }
}

const hostBackend: BlockBackend<Uint8Array> = {
  placement: 'host',
  device: 0,
  create: (capacity) => new Uint8Array(capacity),
  destroy: () => undefined,
  zero: (backing, length) => backing.fill(0, 0, length),
  upload: (backing, src, offset) => backing.set(src, offset),
  download: (backing, dst, offset) => dst.set(backing.subarray(offset, offset + dst.length)),
};

/**
 * The device pool on host memory: what runs without a GPU, and the reference the CUDA pool is
 * tested against. Its blocks report `placement: 'host'`.
 */
export class HostDeviceMemoryPool extends PoolFacade<Uint8Array> {
  /** @param options size classes and budget */
  constructor(options: DevicePoolOptions = {}) {
    super(hostBackend, options);
  }
}

function cudaBackend(device: number): BlockBackend<DeviceBuffer> {
  const failed = (what: string, error: unknown): PhysicalError =>
    new PhysicalError('DEVICE_FAILED', `${what} on device ${device} failed: ${describeError(error)}`, { cause: error });
  return {
    placement: 'device',
    device,
    create: (capacity) => allocateDeviceBuffer(capacity, device),
    destroy: (buffer) => buffer.free(),
    zero: (buffer, length) => {
      try {
        buffer.upload(new Uint8Array(length), 0);
      } catch (error) {
        throw failed(`zeroing ${length} bytes`, error);
      }
    },
    upload: (buffer, src, offset) => {
      try {
        buffer.upload(src, offset);
      } catch (error) {
        throw failed(`upload of ${src.length} bytes at ${offset}`, error);
      }
    },
    download: (buffer, dst, offset) => {
      try {
        buffer.download(dst, offset);
      } catch (error) {
        throw failed(`download of ${dst.length} bytes at ${offset}`, error);
      }
    },
  };
}

/** Options of {@link CudaDeviceMemoryPool}. */
export interface CudaDevicePoolOptions extends DevicePoolOptions {
  /** CUDA device index; default 0. */
  readonly device?: number;
}

/**
 * The device pool on a CUDA device, through `@mmsb/native`'s `deviceAlloc`. Constructing it
 * without a usable device (none found, no CUDA build, `MMSB_GPU=0`) throws DEVICE_UNAVAILABLE.
 */
export class CudaDeviceMemoryPool extends PoolFacade<DeviceBuffer> {
  /** @param options device index, size classes and budget */
  constructor(options: CudaDevicePoolOptions = {}) {
    const device = options.device ?? 0;
    if (!Number.isSafeInteger(device) || device < 0) {
      throw new PhysicalError('INVALID_OPTION', `device ${String(device)} is not a non-negative integer index`);
    }
    const reason = deviceUnavailableReason(device);
    if (reason !== null) {
      throw new PhysicalError('DEVICE_UNAVAILABLE', `no CUDA memory pool on device ${device}: ${reason}`);
    }
    super(cudaBackend(device), options);
  }
}
