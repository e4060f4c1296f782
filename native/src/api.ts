// The contract of @mmsb/native: every function here has a native implementation (when the
// binary loads) and a pure-TS twin with identical results. Upper layers code against this file.

/** Instruction-set level the CPU kernels dispatched to ('scalar' for the TS twin or plain C++). */
export type SimdLevel = 'avx2' | 'sse4.2' | 'scalar';

/** A CUDA device seen at run time. */
export interface CudaDevice {
  readonly index: number;
  readonly name: string;
  readonly totalMemoryBytes: number;
  readonly computeCapability: string;
}

/** What the loaded implementation can do, and why not when it can't. */
export interface NativeCapabilities {
  /** The native binary loaded and is in use. */
  readonly native: boolean;
  /** When `native` is false: every attempt and why it failed (or that MMSB_NATIVE=0 forced TS). */
  readonly reason: string | null;
  /** Path of the loaded binary, or null. */
  readonly binaryPath: string | null;
  readonly simd: SimdLevel;
  /** CRC32C uses the SSE4.2 crc32 instruction. */
  readonly crc32cHardware: boolean;
  /** The binary was compiled with a CUDA toolkit. */
  readonly cudaCompiled: boolean;
  /** MMSB_GPU is not '0'. */
  readonly gpuAllowed: boolean;
  /** Devices found at run time (empty when none, when not compiled with CUDA, or when forbidden). */
  readonly devices: readonly CudaDevice[];
}

/**
 * A sparse delta: runs of (offset, length) with their bytes concatenated in `data`, in run order.
 * Later runs win where runs overlap.
 */
export interface SparseRuns {
  readonly offsets: Uint32Array;
  readonly lengths: Uint32Array;
  readonly data: Uint8Array;
}

/** A file mapped into memory; two processes mapping the same file see the same bytes. */
export interface MappedFile {
  readonly path: string;
  /** A view straight onto the mapping (zero-copy). Invalid after close(). */
  readonly bytes: Uint8Array;
  /** msync: flush dirty pages to the file. */
  sync(): void;
  /** munmap and close; idempotent. */
  close(): void;
}

/** Options of `mapFile`. */
export interface MapFileOptions {
  /** Create the file when missing and grow it with zeros when shorter than `size` (default false). */
  readonly create?: boolean;
}

/** Memory on a CUDA device. */
export interface DeviceBuffer {
  readonly device: number;
  readonly size: number;
  upload(src: Uint8Array, deviceOffset?: number): void;
  download(dst: Uint8Array, deviceOffset?: number): void;
  /** Idempotent. */
  free(): void;
}

/** The kernel set; `nativeKernels` and `tsKernels` both implement it. */
export interface Kernels {
  /** Copies all of `src` into the start of `dst`; `src` longer than `dst` → LENGTH_MISMATCH. */
  copyBytes(dst: Uint8Array, src: Uint8Array): void;
  zeroBytes(dst: Uint8Array): void;
  /** memcmp order: -1, 0 or 1; a proper prefix sorts first. */
  compareBytes(a: Uint8Array, b: Uint8Array): -1 | 0 | 1;
  /**
   * Validates every run first (RUN_OUT_OF_RANGE, INVALID_ARGUMENT), then applies in order: all or nothing.
   * `runs.data` is read as it was when the call began, even if it is a view of the page's own memory.
   */
  applySparseRuns(page: Uint8Array, runs: SparseRuns): void;
  /** Runs that turn `before` into `after` (equal lengths); gaps of ≤ mergeGap equal bytes are folded into one run. */
  diffPages(before: Uint8Array, after: Uint8Array, mergeGap?: number): SparseRuns;
  /** dst ^= src, equal lengths. */
  xorInto(dst: Uint8Array, src: Uint8Array): void;
  /** CRC32C (Castagnoli), continuing from `seed` (the CRC of preceding bytes; 0 to start). */
  crc32c(data: Uint8Array, seed?: number): number;
}

/**
 * The kernel set on device memory (buffers from `deviceAlloc`), run by the CUDA kernels that share
 * their per-element bodies with the CPU build. Same laws and errors as `Kernels`; buffers must be on
 * one device.
 */
export interface DeviceKernels {
  /** Copies all of `src` into the start of `dst`; `src` larger than `dst` → LENGTH_MISMATCH. */
  copyBytes(dst: DeviceBuffer, src: DeviceBuffer): void;
  zeroBytes(dst: DeviceBuffer): void;
  /** Runs come from the host; validated on the host first, so a bad run leaves the page unchanged. */
  applySparseRuns(page: DeviceBuffer, runs: SparseRuns): void;
  /** Same runs as `Kernels.diffPages` on the same bytes. */
  diffPages(before: DeviceBuffer, after: DeviceBuffer, mergeGap?: number): SparseRuns;
  xorInto(dst: DeviceBuffer, src: DeviceBuffer): void;
  crc32c(data: DeviceBuffer, seed?: number): number;
}

/**
 * The standard semirings the native module and its TS twin specialise, by their (⊕, ⊗):
 * `or-and` is boolean (results are 0 or 1; any non-zero input, NaN included, reads as 1:
 * a ⊕ b = (a ≠ 0 || b ≠ 0) ? 1 : 0, a ⊗ b = (a ≠ 0 && b ≠ 0) ? 1 : 0), `plus-times` is f64
 * arithmetic, `min-plus` tropical (zero +∞, one 0), `max-plus` (zero −∞, one 0), `max-times`
 * Viterbi (zero 0, one 1), `max-min` widest path (zero −∞, one +∞) and `log-plus` the log semiring
 * (⊕ = logaddexp, ⊗ = +; zero −∞, one 0).
 *
 * min and max, as ⊕ and as the ⊗ of `max-min`, are `Math.min` and `Math.max` (IEEE 754-2019
 * minimum/maximum): NaN wins, and −0 < +0. So they are exactly commutative and associative and a
 * min/max reduction has one answer whatever order it runs in. logaddexp(a, b) is b when a = −∞, a
 * when b = −∞, a + ln 2 when a = b, else max(a, b) + log1p(exp(−|a − b|)).
 */
export type SemiringOp = 'or-and' | 'plus-times' | 'min-plus' | 'max-plus' | 'max-times' | 'max-min' | 'log-plus';

/**
 * A sparse matrix in compressed sparse rows, as the kernels read it: row i's entries are
 * `colIdx[rowPtr[i] .. rowPtr[i+1])` with `values` at the same positions. `values` null means
 * every stored entry is the semiring's one (a pattern matrix). A CSC matrix is the CSR of its
 * transpose, so the kernels need only this shape.
 */
export interface CsrArrays {
  /** An integer in [0, 2^31 − 1). */
  readonly nrows: number;
  /** An integer in [0, 2^31 − 1). */
  readonly ncols: number;
  /** Length nrows + 1, non-decreasing, rowPtr[0] = 0. */
  readonly rowPtr: Int32Array;
  /** Length rowPtr[nrows]; each in [0, ncols). */
  readonly colIdx: Int32Array;
  /** Length rowPtr[nrows], or null for a pattern matrix. */
  readonly values: Float64Array | null;
}

/**
 * Semiring kernels over f64 values, one specialised loop per `SemiringOp` (no ⊕/⊗ closure per
 * element). `nativeSemiringKernels` and `tsSemiringKernels` both implement it, and give
 * bit-identical results for every op except `log-plus`, where libm may differ in the last ulp;
 * a NaN result is NaN in both, but its sign and payload are unspecified. A `plus-times` or
 * `log-plus` sum runs in storage order from the semiring's zero: y = ((0 ⊕ p₀) ⊕ p₁) ⊕ …; min and
 * max reductions have one answer in any order (see `SemiringOp`), so native may vectorise them.
 *
 * Both check their arguments before writing anything, and a failure writes nothing:
 * INVALID_ARGUMENT for a wrong type, an unknown op, a non-integer or out-of-range size or count, a
 * rowPtr that does not start at 0 or decreases, or x overlapping y; LENGTH_MISMATCH for an array
 * of the wrong length; INDEX_OUT_OF_RANGE for a column index outside [0, ncols) or a source row
 * outside [0, nrows). To stay proportional to the work, `spmv` checks all of rowPtr but only the
 * column indices of the rows the mask allows, and `spmspvPush` checks only the rows it reads.
 */
export interface SemiringKernels {
  /**
   * Pull, y = A ⊗ x: for every row i the mask allows, y[i] = ⊕ over row i of A[i,k] ⊗ x[k]
   * (the semiring's zero for an empty row); rows the mask forbids keep their y[i]. `mask` has
   * nrows bytes, non-zero = allowed; `complementMask` flips it. x has ncols values, y nrows;
   * x and y must not overlap.
   */
  spmv(op: SemiringOp, a: CsrArrays, x: Float64Array, y: Float64Array, mask?: Uint8Array | null, complementMask?: boolean): void;
  /**
   * Push from a sparse x, y ⊕= xᵀ ⊗ A (rows of A are the sources): for t < count, with
   * i = xIndices[t], every entry (i, j) in storage order does y[j] = y[j] ⊕ (xValues[t] ⊗ A[i,j]).
   * Each j that one of these updates changes (by Object.is: −0 differs from +0, NaN equals NaN)
   * and whose `mark[j]` was 0 gets mark[j] = 1 and is appended to `changed`, in the order of first
   * change; returns how many were appended. The caller clears the marks it reads. count ≤ the
   * lengths of xIndices and xValues; y and mark have ncols entries; `changed` at least ncols.
   */
  spmspvPush(
    op: SemiringOp,
    a: CsrArrays,
    xIndices: Int32Array,
    xValues: Float64Array,
    count: number,
    y: Float64Array,
    mark: Uint8Array,
    changed: Int32Array,
  ): number;
}
