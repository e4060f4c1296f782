export { PageAllocator } from './allocator.js';
export type { AllocatorStats, ByKind, ByLocation } from './allocator.js';
export type {
  AllocateOptions,
  DeviceFallback,
  PageAllocatorOptions,
  PageHandle,
  PageKind,
  PageLocation,
  PageMemory,
} from './page-memory.js';
export { PhysicalError, isPhysicalError } from './errors.js';
export type { PhysicalErrorCode } from './errors.js';
export { DEFAULT_MAX_CLASS_BYTES, MAX_SIZE_CLASS_LIMIT, PAGE_ALIGNMENT, SizeClasses, alignUp } from './size-classes.js';
export { MemoryBudget, pressureLevel } from './budget.js';
export type { MemoryPressure, PressureLevel, SpillHook, SpillRequest } from './budget.js';
export { SEQLOCK_DEFAULT_RETRIES, seqlockRead, seqlockVersion, seqlockWrite } from './seqlock.js';
export { SharedPageView } from './shared-page.js';
export type { SharedPageDescriptor } from './shared-page.js';
export { mappedSupported, openMappedFile } from './mapped.js';
export type { MapOptions } from './mapped.js';
export {
  allocateDeviceBuffer,
  deviceAvailable,
  deviceUnavailableReason,
  discoverDevices,
  physicalCapabilities,
} from './device.js';
export { CudaDeviceMemoryPool, HostDeviceMemoryPool } from './device-pool.js';
export type {
  CudaDevicePoolOptions,
  DeviceBlock,
  DeviceMemoryPool,
  DevicePlacement,
  DevicePoolOptions,
  DevicePoolStats,
} from './device-pool.js';
export type { CudaDevice, DeviceBuffer, MappedFile, NativeCapabilities, SimdLevel } from './internal/native.js';
