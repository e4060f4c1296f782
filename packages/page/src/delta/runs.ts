// The run algebra under merge and normalization: sets of runs with their after-bytes and,
// optionally, before-bytes. A dense delta is the one run [0, size), so a single sweep serves every
// combination of kinds.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- indexes stay below lengths checked just before */
import { ownedBytes } from '../internal/slab.js';
import type { PlainDelta } from './types.js';

/** Runs with after-bytes (`data`) and before-bytes laid out alike (or null when unbound). */
export interface RunSet {
  readonly offsets: Uint32Array;
  readonly lengths: Uint32Array;
  readonly data: Uint8Array;
  readonly before: Uint8Array | null;
}

const NO_RUNS = new Uint32Array(0);
const NO_BYTES = new Uint8Array(0);

// Below this many bytes a loop beats creating a subarray view for `set`.
const SHORT_COPY = 24;

/** Copies `len` bytes of `src` from `srcAt` into `dst` at `dstAt`. */
export function copyRange(dst: Uint8Array, dstAt: number, src: Uint8Array, srcAt: number, len: number): void {
  if (len <= SHORT_COPY) {
    for (let k = 0; k < len; k++) dst[dstAt + k] = src[srcAt + k]!;
  } else {
    dst.set(src.subarray(srcAt, srcAt + len), dstAt);
  }
}

/** The runs of a validated plain delta; a dense delta is one run over the whole page. */
export function runSetOf(delta: PlainDelta): RunSet {
  if (delta.kind === 'sparse') return { ...delta.runs, before: delta.before };
  if (delta.size === 0) return { offsets: NO_RUNS, lengths: NO_RUNS, data: NO_BYTES, before: delta.before === null ? null : NO_BYTES };
  return { offsets: Uint32Array.of(0), lengths: Uint32Array.of(delta.size), data: delta.bytes, before: delta.before };
}

/** True when runs are sorted, non-empty, and neither overlap nor touch: the canonical form. */
export function isNormalized(offsets: Uint32Array, lengths: Uint32Array): boolean {
  let end = -1;
  for (let r = 0; r < offsets.length; r++) {
    const off = offsets[r]!;
    const len = lengths[r]!;
    if (len === 0 || off <= end) return false;
    end = off + len;
  }
  return true;
}

/**
 * The effect of `a` then `b`, both normalized: after-bytes from `b` where it covers, else `a`;
 * before-bytes from `a` where it covers, else `b` (what undoing both needs). The result is
 * normalized, and bound only when both inputs are.
 */
export function mergeRunSets(a: RunSet, b: RunSet): RunSet {
  const bound = a.before !== null && b.before !== null;
  const aOff = a.offsets;
  const aLen = a.lengths;
  const bOff = b.offsets;
  const bLen = b.lengths;
  const na = aOff.length;
  const nb = bOff.length;
  // Pass 1: elementary pieces, six numbers each: start, end, after from b?, after index,
  // before from a?, before index.
  const pieces: number[] = [];
  let i = 0;
  let j = 0;
  let aCursor = 0;
  let bCursor = 0;
  let p = 0;
  for (;;) {
    while (i < na && aOff[i]! + aLen[i]! <= p) aCursor += aLen[i++]!;
    while (j < nb && bOff[j]! + bLen[j]! <= p) bCursor += bLen[j++]!;
    if (i >= na && j >= nb) break;
    const aStart = i < na ? Math.max(aOff[i]!, p) : Infinity;
    const bStart = j < nb ? Math.max(bOff[j]!, p) : Infinity;
    const start = Math.min(aStart, bStart);
    const inA = aStart === start;
    const inB = bStart === start;
    const end = Math.min(inA ? aOff[i]! + aLen[i]! : aStart, inB ? bOff[j]! + bLen[j]! : bStart);
    const aAt = inA ? aCursor + (start - aOff[i]!) : 0;
    const bAt = inB ? bCursor + (start - bOff[j]!) : 0;
    if (end > start) pieces.push(start, end, inB ? 1 : 0, inB ? bAt : aAt, inA ? 1 : 0, inA ? aAt : bAt);
    p = end;
  }
  // Pass 2: size the result, then copy into one buffer (offsets, lengths, data, before).
  let runs = 0;
  let total = 0;
  let lastEnd = -1;
  for (let k = 0; k < pieces.length; k += 6) {
    if (pieces[k]! !== lastEnd) runs++;
    lastEnd = pieces[k + 1]!;
    total += lastEnd - pieces[k]!;
  }
  const buffer = new ArrayBuffer(runs * 8 + total * (bound ? 2 : 1));
  const offsets = new Uint32Array(buffer, 0, runs);
  const lengths = new Uint32Array(buffer, runs * 4, runs);
  const data = new Uint8Array(buffer, runs * 8, total);
  const before = bound ? new Uint8Array(buffer, runs * 8 + total, total) : null;
  let r = -1;
  let cursor = 0;
  lastEnd = -1;
  for (let k = 0; k < pieces.length; k += 6) {
    const start = pieces[k]!;
    const end = pieces[k + 1]!;
    const len = end - start;
    if (start !== lastEnd) {
      r++;
      offsets[r] = start;
    }
    lengths[r] = end - offsets[r]!;
    lastEnd = end;
    copyRange(data, cursor, pieces[k + 2]! === 1 ? b.data : a.data, pieces[k + 3]!, len);
    if (before !== null) copyRange(before, cursor, pieces[k + 4]! === 1 ? a.before! : b.before!, pieces[k + 5]!, len);
    cursor += len;
  }
  return { offsets, lengths, data, before };
}

/**
 * Normalizes arbitrary runs: later runs win on after-bytes, earlier runs on before-bytes (the
 * before-image of an overlap is what the page held before the first write). Already-normalized
 * runs come back as they are, without a copy.
 */
export function normalizeRunSet(set: RunSet): RunSet {
  if (isNormalized(set.offsets, set.lengths)) return set;
  const n = set.offsets.length;
  const cursors = new Array<number>(n);
  let cursor = 0;
  for (let r = 0; r < n; r++) {
    cursors[r] = cursor;
    cursor += set.lengths[r]!;
  }
  const empty: RunSet = { offsets: NO_RUNS, lengths: NO_RUNS, data: NO_BYTES, before: set.before === null ? null : NO_BYTES };
  // Divide and conquer: the merge sweep already resolves overlaps in order, so halves merge
  // in O(runs + bytes) per level.
  const solve = (lo: number, hi: number): RunSet => {
    if (hi - lo === 1) {
      const len = set.lengths[lo]!;
      if (len === 0) return empty;
      const at = cursors[lo]!;
      return {
        offsets: Uint32Array.of(set.offsets[lo]!),
        lengths: Uint32Array.of(len),
        data: set.data.subarray(at, at + len),
        before: set.before === null ? null : set.before.subarray(at, at + len),
      };
    }
    const mid = (lo + hi) >>> 1;
    return mergeRunSets(solve(lo, mid), solve(mid, hi));
  };
  return n === 0 ? empty : solve(0, n);
}

/** The canonical delta of normalized runs: one run over the whole page is written dense. */
export function deltaOf(pageId: number, size: number, set: RunSet): PlainDelta {
  if (size > 0 && set.offsets.length === 1 && set.offsets[0] === 0 && set.lengths[0] === size) {
    return { kind: 'dense', pageId, size, bytes: set.data, before: set.before };
  }
  return { kind: 'sparse', pageId, size, runs: { offsets: set.offsets, lengths: set.lengths, data: set.data }, before: set.before };
}

/** Runs up to this many are sorted by a key of offset and index in one Float64Array (21 index bits). */
const SORT_KEY_MAX_RUNS = 1 << 21;
const SORT_KEY_SCALE = 2 ** 21;
/** Up to this many runs, an insertion sort beats building and sorting keys. */
const INSERTION_SORT_MAX_RUNS = 48;
/** Scratch of normalizeRunList, grown as needed and reused (the writer is one thread). */
let sortKeys = new Float64Array(64);
let sortOrder = new Int32Array(64);
let unionOf = new Int32Array(64);
let unionStart = new Float64Array(64);
let unionAt = new Float64Array(64);

/**
 * Normalizes the first `n` runs of `offsets`/`lengths` (after-bytes concatenated in run order in
 * `data`), later runs winning where they overlap: the same result as {@link normalizeRunSet} of an
 * unbound set, in one pass. Runs are sorted by offset (one typed-array sort of offset·2²¹ + index
 * keys); overlapping or touching runs join into one output run; then every run's bytes are copied
 * into its place in the output in the runs' own order, so a later run overwrites an earlier one
 * exactly where they overlap. Runs already in canonical order come back as views of the inputs,
 * without a copy — or, with `copySorted`, copied into one owned range (the result never shares
 * memory with the inputs then).
 */
export function normalizeRunList(offsets: Uint32Array, lengths: Uint32Array, data: Uint8Array, n: number, copySorted = false): RunSet {
  let total = 0;
  let sorted = true;
  let end = -1;
  for (let r = 0; r < n; r++) {
    const off = offsets[r]!;
    const len = lengths[r]!;
    if (len === 0 || off <= end) sorted = false;
    end = off + len;
    total += len;
  }
  if (sorted) {
    if (!copySorted) return { offsets: offsets.subarray(0, n), lengths: lengths.subarray(0, n), data: data.subarray(0, total), before: null };
    // The copy in one owned range, without views of the inputs in between.
    const owned = ownedBytes(n * 8 + total);
    const { buffer, byteOffset } = owned;
    const outOffsets = new Uint32Array(buffer, byteOffset, n);
    const outLengths = new Uint32Array(buffer, byteOffset + n * 4, n);
    for (let r = 0; r < n; r++) {
      outOffsets[r] = offsets[r]!;
      outLengths[r] = lengths[r]!;
    }
    const outData = owned.subarray(n * 8);
    copyRange(outData, 0, data, 0, total);
    return { offsets: outOffsets, lengths: outLengths, data: outData, before: null };
  }
  if (n > SORT_KEY_MAX_RUNS) return normalizeRunListClaimed(offsets, lengths, data, n, total);
  if (sortKeys.length < n) {
    let room = sortKeys.length;
    while (room < n) room *= 2;
    sortKeys = new Float64Array(room);
    sortOrder = new Int32Array(room);
    unionOf = new Int32Array(room);
    unionStart = new Float64Array(room);
    unionAt = new Float64Array(room);
  }
  // Run indexes in offset order (ties: the earlier run first). Few runs: an insertion sort on the
  // offsets; many: one typed-array sort of offset·2²¹ + index keys.
  const order = sortOrder;
  if (n <= INSERTION_SORT_MAX_RUNS) {
    for (let r = 0; r < n; r++) {
      const off = offsets[r]!;
      let k = r;
      while (k > 0 && offsets[order[k - 1]!]! > off) {
        order[k] = order[k - 1]!;
        k--;
      }
      order[k] = r;
    }
  } else {
    const keys = sortKeys;
    for (let r = 0; r < n; r++) keys[r] = offsets[r]! * SORT_KEY_SCALE + r;
    keys.subarray(0, n).sort();
    for (let k = 0; k < n; k++) {
      const key = keys[k]!;
      order[k] = key - Math.floor(key / SORT_KEY_SCALE) * SORT_KEY_SCALE;
    }
  }
  // Unions of overlapping or touching runs, in offset order: their starts, and where each starts in the output data.
  let unions = 0;
  let curEnd = -1;
  let bytes = 0;
  for (let k = 0; k < n; k++) {
    const r = order[k]!;
    const len = lengths[r]!;
    if (len === 0) continue;
    const off = offsets[r]!;
    if (unions === 0 || off > curEnd) {
      if (unions > 0) bytes += curEnd - unionStart[unions - 1]!;
      unionStart[unions] = off;
      unionAt[unions] = bytes;
      unions++;
      curEnd = off + len;
    } else if (off + len > curEnd) {
      curEnd = off + len;
    }
    unionOf[r] = unions - 1;
  }
  if (unions > 0) bytes += curEnd - unionStart[unions - 1]!;
  const owned = ownedBytes(unions * 8 + bytes);
  const { buffer, byteOffset } = owned;
  const outOffsets = new Uint32Array(buffer, byteOffset, unions);
  const outLengths = new Uint32Array(buffer, byteOffset + unions * 4, unions);
  const outData = owned.subarray(unions * 8);
  for (let u = 0; u < unions; u++) {
    outOffsets[u] = unionStart[u]!;
    outLengths[u] = (u + 1 < unions ? unionAt[u + 1]! : bytes) - unionAt[u]!;
  }
  let cursor = 0;
  for (let r = 0; r < n; r++) {
    const len = lengths[r]!;
    if (len === 0) continue;
    const u = unionOf[r]!;
    copyRange(outData, unionAt[u]! + (offsets[r]! - unionStart[u]!), data, cursor, len);
    cursor += len;
  }
  return { offsets: outOffsets, lengths: outLengths, data: outData, before: null };
}

/**
 * {@link normalizeRunList} for more runs than a sort key can index: it walks the runs newest
 * first, keeping the bytes already claimed as sorted disjoint intervals, so each run contributes
 * only its unclaimed pieces; the pieces are then sorted and touching ones joined.
 */
function normalizeRunListClaimed(offsets: Uint32Array, lengths: Uint32Array, data: Uint8Array, n: number, total: number): RunSet {
  // Claimed intervals [start, end) as flat pairs, sorted, disjoint and not touching.
  const claimed: number[] = [];
  // Unclaimed pieces: start, end, position of their first byte in `data`.
  const pieces: number[] = [];
  let cursor = total;
  for (let r = n - 1; r >= 0; r--) {
    const len = lengths[r]!;
    cursor -= len;
    if (len === 0) continue;
    const s = offsets[r]!;
    const e = s + len;
    const m = claimed.length >> 1;
    // First claimed interval ending at or after s (touching counts, for joining).
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (claimed[2 * mid + 1]! < s) lo = mid + 1;
      else hi = mid;
    }
    let k = lo;
    let p = s;
    let joinedStart = s;
    let joinedEnd = e;
    while (k < m && claimed[2 * k]! <= e) {
      const cs = claimed[2 * k]!;
      const ce = claimed[2 * k + 1]!;
      if (cs > p) pieces.push(p, cs, cursor + (p - s));
      if (ce > p) p = ce;
      if (cs < joinedStart) joinedStart = cs;
      if (ce > joinedEnd) joinedEnd = ce;
      k++;
    }
    if (p < e) pieces.push(p, e, cursor + (p - s));
    claimed.splice(2 * lo, 2 * (k - lo), joinedStart, joinedEnd);
  }
  const count = pieces.length / 3;
  const order = new Array<number>(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((x, y) => pieces[3 * x]! - pieces[3 * y]!);
  let runs = 0;
  let bytes = 0;
  let lastEnd = -1;
  for (let i = 0; i < count; i++) {
    const q = 3 * order[i]!;
    if (pieces[q]! !== lastEnd) runs++;
    lastEnd = pieces[q + 1]!;
    bytes += lastEnd - pieces[q]!;
  }
  const buffer = new ArrayBuffer(runs * 8 + bytes);
  const outOffsets = new Uint32Array(buffer, 0, runs);
  const outLengths = new Uint32Array(buffer, runs * 4, runs);
  const outData = new Uint8Array(buffer, runs * 8, bytes);
  let r = -1;
  let at = 0;
  lastEnd = -1;
  for (let i = 0; i < count; i++) {
    const q = 3 * order[i]!;
    const start = pieces[q]!;
    const stop = pieces[q + 1]!;
    if (start !== lastEnd) {
      r++;
      outOffsets[r] = start;
    }
    outLengths[r] = stop - outOffsets[r]!;
    lastEnd = stop;
    copyRange(outData, at, data, pieces[q + 2]!, stop - start);
    at += stop - start;
  }
  return { offsets: outOffsets, lengths: outLengths, data: outData, before: null };
}
