// The kernel set this process uses: native when the binary loaded, the TS twin otherwise. The
// top-level functions forward to it so callers need not care which.
import type { Kernels, SparseRuns } from './api.js';
import { NativeError } from './errors.js';
import { loaded } from './internal/loader.js';
import { makeNativeKernels } from './internal/native-kernels.js';
import { checkUint, crc32cOfRange, JS_CRC32C_BELOW, tsKernels } from './internal/ts-kernels.js';

/** The native kernels, or null when the binary did not load (see `capabilities().reason`). */
export const nativeKernels: Kernels | null = loaded.binding === null || loaded.stage === null ? null : makeNativeKernels(loaded.binding, loaded.stage);

/** The kernels every top-level function dispatches to. */
export const kernels: Kernels = nativeKernels ?? tsKernels;

/** Copies all of `src` into the start of `dst`; `src` longer than `dst` → LENGTH_MISMATCH. */
export function copyBytes(dst: Uint8Array, src: Uint8Array): void {
  kernels.copyBytes(dst, src);
}

/** Sets every byte of `dst` to 0. */
export function zeroBytes(dst: Uint8Array): void {
  kernels.zeroBytes(dst);
}

/** memcmp order of `a` and `b`: -1, 0 or 1; a proper prefix sorts first. */
export function compareBytes(a: Uint8Array, b: Uint8Array): -1 | 0 | 1 {
  return kernels.compareBytes(a, b);
}

/**
 * Writes each run's bytes into `page`, in order (later runs win where they overlap). Every run is
 * validated first, so a RUN_OUT_OF_RANGE or LENGTH_MISMATCH leaves the page untouched.
 */
export function applySparseRuns(page: Uint8Array, runs: SparseRuns): void {
  kernels.applySparseRuns(page, runs);
}

/**
 * The runs that turn `before` into `after` (equal lengths). Equal gaps of at most `mergeGap` bytes
 * (default DEFAULT_MERGE_GAP = 8) are folded into one run; `applySparseRuns(before, diff)` gives `after`.
 */
export function diffPages(before: Uint8Array, after: Uint8Array, mergeGap?: number): SparseRuns {
  return kernels.diffPages(before, after, mergeGap);
}

/** dst ^= src, byte for byte; lengths must be equal. */
export function xorInto(dst: Uint8Array, src: Uint8Array): void {
  kernels.xorInto(dst, src);
}

/** CRC32C (Castagnoli) of `data`, continuing from `seed` (the CRC of the preceding bytes; 0 to start). */
export function crc32c(data: Uint8Array, seed?: number): number {
  return kernels.crc32c(data, seed);
}

/**
 * CRC32C of `data[start, end)`, continuing from `seed`: the same as
 * `crc32c(data.subarray(start, end), seed)` without making the view (a log frame checksums a
 * 28-byte header and its payload, each a range of one buffer). Bounds outside `data` →
 * INVALID_ARGUMENT.
 */
export function crc32cRange(data: Uint8Array, start: number, end: number, seed = 0): number {
  if (!(data instanceof Uint8Array)) throw new NativeError('INVALID_ARGUMENT', 'crc32cRange: data must be a Uint8Array');
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || start > end || end > data.length) {
    throw new NativeError('INVALID_ARGUMENT', `crc32cRange: [${String(start)}, ${String(end)}) is not a range of the ${data.length} bytes`);
  }
  const from = checkUint(seed, 'crc32cRange', 'seed', 0xffff_ffff, 0);
  if (end - start < JS_CRC32C_BELOW) return crc32cOfRange(data, start, end, from);
  return kernels.crc32c(data.subarray(start, end), from);
}
