// The pure-TS twin of the native kernels: same results byte for byte, same error codes. It is the
// fallback on machines without the binary, so it is written for speed too — word-wise compares on
// Int32Array views where both operands share an alignment, slicing-by-8 CRC32C, Uint8Array.set for
// long runs — and keeps allocation out of the loops.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- the loops index typed arrays inside
   bounds they have just checked; `?? 0` would add a branch per byte to the hottest code here. */
import type { Kernels, SparseRuns } from '../api.js';
import { NativeError } from '../errors.js';

/**
 * Equal gaps of at most this many bytes are folded into the surrounding run by `diffPages`: a run
 * header (offset + length) costs 8 bytes, so re-sending up to 8 equal bytes never grows the delta.
 */
export const DEFAULT_MERGE_GAP = 8;

const MAX_U32 = 0xffff_ffff;
// Below this many bytes creating Int32Array views costs more than the byte loop it saves.
const WORD_THRESHOLD = 64;

function checkU8(v: unknown, fn: string, what: string): asserts v is Uint8Array {
  if (!(v instanceof Uint8Array)) throw new NativeError('INVALID_ARGUMENT', `${fn}: ${what} must be a Uint8Array`);
}

function checkU32(v: unknown, fn: string, what: string): asserts v is Uint32Array {
  if (!(v instanceof Uint32Array)) throw new NativeError('INVALID_ARGUMENT', `${fn}: ${what} must be a Uint32Array`);
}

/** Validates an optional unsigned integer argument the way the native edge does. */
export function checkUint(v: unknown, fn: string, what: string, max: number, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number') {
    throw new NativeError('INVALID_ARGUMENT', `${fn}: ${what} must be an integer from 0 to ${max}, got a value of type ${typeof v}`);
  }
  if (!Number.isInteger(v) || v < 0 || v > max) {
    throw new NativeError('INVALID_ARGUMENT', `${fn}: ${what} must be an integer from 0 to ${max}, got ${v}`);
  }
  return v;
}

/** Int32 views of the common aligned middle of two byte views, or null when they can't share one. */
interface WordViews {
  readonly a: Int32Array;
  readonly b: Int32Array;
  /** Byte index (into the byte views) where word 0 starts. */
  readonly base: number;
}

function wordViews(a: Uint8Array, b: Uint8Array, n: number): WordViews | null {
  if (n < WORD_THRESHOLD || (a.byteOffset & 3) !== (b.byteOffset & 3)) return null;
  const base = (4 - (a.byteOffset & 3)) & 3;
  const words = (n - base) >>> 2;
  return {
    a: new Int32Array(a.buffer, a.byteOffset + base, words),
    b: new Int32Array(b.buffer, b.byteOffset + base, words),
    base,
  };
}

function copyBytes(dst: Uint8Array, src: Uint8Array): void {
  checkU8(dst, 'copyBytes', 'dst');
  checkU8(src, 'copyBytes', 'src');
  if (src.length > dst.length) {
    throw new NativeError('LENGTH_MISMATCH', `copyBytes: src of ${src.length} bytes does not fit dst of ${dst.length} bytes`);
  }
  dst.set(src);
}

function zeroBytes(dst: Uint8Array): void {
  checkU8(dst, 'zeroBytes', 'dst');
  dst.fill(0);
}

function compareBytes(a: Uint8Array, b: Uint8Array): -1 | 0 | 1 {
  checkU8(a, 'compareBytes', 'a');
  checkU8(b, 'compareBytes', 'b');
  const n = Math.min(a.length, b.length);
  let i = 0;
  const w = wordViews(a, b, n);
  if (w !== null) {
    for (; i < w.base; i++) {
      if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    }
    const words = w.a.length;
    let k = 0;
    while (k < words && w.a[k] === w.b[k]) k++;
    // The first differing word (or the tail) is settled byte by byte below, which keeps memcmp order
    // independent of the platform's endianness.
    i = w.base + k * 4;
  }
  for (; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function xorInto(dst: Uint8Array, src: Uint8Array): void {
  checkU8(dst, 'xorInto', 'dst');
  checkU8(src, 'xorInto', 'src');
  const n = dst.length;
  if (src.length !== n) {
    throw new NativeError('LENGTH_MISMATCH', `xorInto: dst has ${n} bytes but src has ${src.length}; expected equal lengths`);
  }
  let i = 0;
  const w = wordViews(dst, src, n);
  if (w !== null) {
    for (; i < w.base; i++) dst[i]! ^= src[i]!;
    const words = w.a.length;
    for (let k = 0; k < words; k++) w.a[k]! ^= w.b[k]!;
    i = w.base + words * 4;
  }
  for (; i < n; i++) dst[i]! ^= src[i]!;
}

function validateRuns(page: Uint8Array, runs: SparseRuns): void {
  if (typeof runs !== 'object' || runs === null) {
    throw new NativeError('INVALID_ARGUMENT', 'applySparseRuns: runs must be an object { offsets, lengths, data }');
  }
  checkU8(page, 'applySparseRuns', 'page');
  const { offsets, lengths, data } = runs;
  checkU32(offsets, 'applySparseRuns', 'runs.offsets');
  checkU32(lengths, 'applySparseRuns', 'runs.lengths');
  checkU8(data, 'applySparseRuns', 'runs.data');
  if (offsets.length !== lengths.length) {
    throw new NativeError(
      'LENGTH_MISMATCH',
      `runs have ${offsets.length} offsets but ${lengths.length} lengths; expected one length per offset`,
    );
  }
  const size = page.length;
  let needed = 0;
  for (let r = 0; r < offsets.length; r++) {
    const off = offsets[r]!;
    const len = lengths[r]!;
    if (off + len > size) {
      throw new NativeError('RUN_OUT_OF_RANGE', `run ${r} at offset ${off} length ${len} exceeds page of ${size} bytes`);
    }
    needed += len;
  }
  if (needed !== data.length) {
    throw new NativeError('LENGTH_MISMATCH', `runs cover ${needed} bytes but data has ${data.length}; expected equal`);
  }
}

// Runs up to this long are copied byte by byte: a subarray + set pair allocates a view per run.
const SHORT_RUN = 24;

function applySparseRuns(page: Uint8Array, runs: SparseRuns): void {
  validateRuns(page, runs);
  const { offsets, lengths } = runs;
  // Data is read as it was on entry even when it is a view of the page's own memory.
  const data = runs.data.buffer === page.buffer ? runs.data.slice() : runs.data;
  let cursor = 0;
  for (let r = 0; r < offsets.length; r++) {
    const off = offsets[r]!;
    const len = lengths[r]!;
    if (len <= SHORT_RUN) {
      for (let j = 0; j < len; j++) page[off + j] = data[cursor + j]!;
    } else if (len !== 0) {
      page.set(data.subarray(cursor, cursor + len), off);
    }
    cursor += len;
  }
}

/** Packs runs like the native diff: offsets, lengths and data share one ArrayBuffer. */
function packRuns(starts: readonly number[], ends: readonly number[], after: Uint8Array): SparseRuns {
  const n = starts.length;
  let total = 0;
  for (let r = 0; r < n; r++) total += ends[r]! - starts[r]!;
  const buffer = new ArrayBuffer(n * 8 + total);
  const offsets = new Uint32Array(buffer, 0, n);
  const lengths = new Uint32Array(buffer, n * 4, n);
  const data = new Uint8Array(buffer, n * 8, total);
  let cursor = 0;
  for (let r = 0; r < n; r++) {
    const s = starts[r]!;
    const len = ends[r]! - s;
    offsets[r] = s;
    lengths[r] = len;
    data.set(after.subarray(s, s + len), cursor);
    cursor += len;
  }
  return { offsets, lengths, data };
}

function diffPages(before: Uint8Array, after: Uint8Array, mergeGap?: number): SparseRuns {
  checkU8(before, 'diffPages', 'before');
  checkU8(after, 'diffPages', 'after');
  const gap = checkUint(mergeGap, 'diffPages', 'mergeGap', MAX_U32, DEFAULT_MERGE_GAP);
  const n = before.length;
  if (after.length !== n) {
    throw new NativeError('LENGTH_MISMATCH', `diffPages: before has ${n} bytes but after has ${after.length}; expected equal lengths`);
  }
  const starts: number[] = [];
  const ends: number[] = [];
  const w = wordViews(before, after, n);
  const wordEnd = w === null ? 0 : w.base + w.a.length * 4;
  let i = 0;
  for (;;) {
    // Skip equal bytes: whole words where the views allow, bytes elsewhere.
    while (i < n && before[i] === after[i]) {
      i++;
      if (w !== null && i >= w.base && i < wordEnd && ((i - w.base) & 3) === 0) {
        let k = (i - w.base) >>> 2;
        const words = w.a.length;
        while (k < words && w.a[k] === w.b[k]) k++;
        i = w.base + k * 4;
      }
    }
    if (i >= n) break;
    let end = i + 1;
    while (end < n && before[end] !== after[end]) end++;
    const last = ends.length - 1;
    if (last >= 0 && i - ends[last]! <= gap) {
      ends[last] = end;
    } else {
      starts.push(i);
      ends.push(end);
    }
    i = end;
  }
  return packRuns(starts, ends, after);
}

/** Slicing-by-8 tables for the reflected Castagnoli polynomial, flattened: table k at [k * 256]. */
function makeCrc32cTable(): Int32Array {
  const t = new Int32Array(8 * 256);
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[b] = c;
  }
  for (let b = 0; b < 256; b++) {
    for (let k = 1; k < 8; k++) {
      const prev = t[(k - 1) * 256 + b]!;
      t[k * 256 + b] = (prev >>> 8) ^ t[prev & 0xff]!;
    }
  }
  return t;
}

const T = makeCrc32cTable();

function crc32c(data: Uint8Array, seed?: number): number {
  checkU8(data, 'crc32c', 'data');
  return crc32cOfRange(data, 0, data.length, checkUint(seed, 'crc32c', 'seed', MAX_U32, 0));
}

/**
 * Below this many bytes the JS CRC32C beats a Node-API call (about 90 ns here; the table loop runs
 * 16 bytes in 45 ns and 64 in about the same as native): the native kernels and `crc32cRange`
 * both stay in JS under it.
 */
export const JS_CRC32C_BELOW = 64;

/** CRC32C of `data[start, end)` continuing from `seed`, unchecked: the callers check the arguments. */
export function crc32cOfRange(data: Uint8Array, start: number, end: number, seed: number): number {
  let crc = ~seed;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const lo = crc ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    crc =
      T[1792 + (lo & 0xff)]! ^
      T[1536 + ((lo >>> 8) & 0xff)]! ^
      T[1280 + ((lo >>> 16) & 0xff)]! ^
      T[1024 + (lo >>> 24)]! ^
      T[768 + data[i + 4]!]! ^
      T[512 + data[i + 5]!]! ^
      T[256 + data[i + 6]!]! ^
      T[data[i + 7]!]!;
  }
  for (; i < end; i++) crc = T[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** The pure-TS kernels. */
export const tsKernels: Kernels = {
  copyBytes,
  zeroBytes,
  compareBytes,
  applySparseRuns,
  diffPages,
  xorInto,
  crc32c,
};
