// @mmsb/native — the table of contents. Kernels with a native (C++/SIMD, CUDA) implementation and a
// pure-TS twin; mmap and device memory, which need the binary.
export { capabilities } from './capabilities.js';
export { deviceAlloc, deviceKernels } from './device.js';
export { isNativeError, NativeError } from './errors.js';
export type { NativeErrorCode } from './errors.js';
export { DEFAULT_MERGE_GAP, tsKernels } from './internal/ts-kernels.js';
export {
  applySparseRuns,
  compareBytes,
  copyBytes,
  crc32c,
  crc32cRange,
  diffPages,
  kernels,
  nativeKernels,
  xorInto,
  zeroBytes,
} from './kernels.js';
export { mapFile } from './mmap.js';
export { nativeSemiringKernels, semiringKernels, SEMIRING_OPS, tsSemiringKernels } from './semiring-kernels.js';
export type {
  CsrArrays,
  CudaDevice,
  DeviceBuffer,
  DeviceKernels,
  Kernels,
  MapFileOptions,
  MappedFile,
  NativeCapabilities,
  SemiringKernels,
  SemiringOp,
  SimdLevel,
  SparseRuns,
} from './api.js';
