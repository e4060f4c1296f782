// The raw surface of mmsb_native.node as the loader sees it (src/napi/*.cc). Nothing outside this
// package touches it; the public API wraps it.
import type { CudaDevice, SimdLevel, SparseRuns } from '../api.js';
import type { NativeError, NativeErrorCode } from '../errors.js';

/** The MappedFileHandle class of src/napi/mmap.cc. */
export interface MappedFileHandle {
  readonly bytes: Uint8Array;
  sync(): void;
  close(): void;
}

/** The DeviceBufferHandle class of src/napi/device.cc. */
export interface DeviceBufferHandle {
  readonly device: number;
  readonly size: number;
  upload(src: Uint8Array, deviceOffset: number): void;
  download(dst: Uint8Array, deviceOffset: number): void;
  free(): void;
  copyFrom(src: DeviceBufferHandle): void;
  zero(): void;
  xorFrom(src: DeviceBufferHandle): void;
  applySparseRuns(offsets: Uint32Array, lengths: Uint32Array, data: Uint8Array): void;
  diffTo(after: DeviceBufferHandle, mergeGap: number): { offsets: Uint32Array; lengths: Uint32Array };
  crc32c(seed: number): number;
}

/** What the binary reports about itself; the loader adds native/reason/binaryPath. */
export interface BindingCapabilities {
  readonly simd: SimdLevel;
  readonly crc32cHardware: boolean;
  readonly cudaCompiled: boolean;
  readonly gpuAllowed: boolean;
  readonly devices: readonly CudaDevice[];
}

/** The constructor native code calls to throw: `new errorClass(code, message, options)`. */
export type ErrorClass = new (code: NativeErrorCode, message: string, options?: ErrorOptions) => NativeError;

/** mmsb_native.node's exports. */
export interface NativeBinding {
  init(errorClass: ErrorClass, gpuAllowed: boolean, stage: ArrayBuffer): void;
  capabilities(): BindingCapabilities;
  setSimdCap(level: SimdLevel): SimdLevel;
  copyBytes(dst: Uint8Array, src: Uint8Array): void;
  zeroBytes(dst: Uint8Array): void;
  compareBytes(a: Uint8Array, b: Uint8Array): -1 | 0 | 1;
  applySparseRuns(page: Uint8Array, offsets: Uint32Array, lengths: Uint32Array, data: Uint8Array): void;
  /**
   * Runs staged in the init() ArrayBuffer: run count and data length in header slots 0 and 1,
   * offsets at STAGE_HEADER_BYTES, lengths STAGE_RUNS u32 later, data at STAGE_DATA_OFFSET.
   */
  applySparseRunsStaged(page: Uint8Array): void;
  /**
   * The staged runs onto the page of the last applySparseRunsStaged call; header slot 2 the call
   * number that call wrote there, slot 3 the page's length now. False (nothing done) on a miss.
   */
  applySparseRunsAgain(): boolean;
  /**
   * diffPages, but a result that fits the stage is written there (offsets, lengths, data from
   * STAGE_HEADER_BYTES; run count and data length in header slots 0 and 1) and undefined returned.
   */
  diffPagesStaged(before: Uint8Array, after: Uint8Array, mergeGap: number | undefined): SparseRuns | undefined;
  diffPages(before: Uint8Array, after: Uint8Array, mergeGap: number | undefined): SparseRuns;
  xorInto(dst: Uint8Array, src: Uint8Array): void;
  crc32c(data: Uint8Array, seed: number | undefined): number;
  /** SemiringKernels.spmv with the op as its SEMIRING_OPS index and `a` spread (src/napi/semiring.cc). */
  semiringSpmv(
    op: number,
    nrows: number,
    ncols: number,
    rowPtr: Int32Array,
    colIdx: Int32Array,
    values: Float64Array | null,
    x: Float64Array,
    y: Float64Array,
    mask: Uint8Array | null,
    complementMask: boolean,
  ): void;
  /** SemiringKernels.spmspvPush, spread the same way. */
  semiringPush(
    op: number,
    nrows: number,
    ncols: number,
    rowPtr: Int32Array,
    colIdx: Int32Array,
    values: Float64Array | null,
    xIndices: Int32Array,
    xValues: Float64Array,
    count: number,
    y: Float64Array,
    mark: Uint8Array,
    changed: Int32Array,
  ): number;
  MappedFileHandle: new (path: string, size: number, create: boolean) => MappedFileHandle;
  DeviceBufferHandle: new (size: number, device: number) => DeviceBufferHandle;
}

/** Export names a binary must have; a stale build missing one is refused. */
export const BINDING_FUNCTIONS = [
  'init',
  'capabilities',
  'setSimdCap',
  'copyBytes',
  'zeroBytes',
  'compareBytes',
  'applySparseRuns',
  'applySparseRunsStaged',
  'applySparseRunsAgain',
  'diffPagesStaged',
  'diffPages',
  'xorInto',
  'crc32c',
  'semiringSpmv',
  'semiringPush',
  'MappedFileHandle',
  'DeviceBufferHandle',
] as const;

/** Doubles in the stage header (src/napi/edge.h kStageHeaderSlots): run count, data length, call number, page length. */
export const STAGE_HEADER_SLOTS = 4;
/** Byte offset of the staged runs, and of a staged diff result (kStageHeaderBytes). */
export const STAGE_HEADER_BYTES = STAGE_HEADER_SLOTS * 8;
/** Runs the staging buffer holds (kStageRuns). */
export const STAGE_RUNS = 1024;
/** Byte offset of the staged data (kStageDataOffset). */
export const STAGE_DATA_OFFSET = STAGE_HEADER_BYTES + STAGE_RUNS * 8;
/** Size of the staging ArrayBuffer: 56 KiB of data room covers page-sized deltas. */
export const STAGE_BYTES = STAGE_DATA_OFFSET + 56 * 1024;
