// One delta as bytes: the record layout of docs/formats/delta.md, shared by the frame encoding,
// batches and compressed deltas. The reader checks every length against the bytes that remain
// before it reads or allocates, so garbled input ends in DELTA_CORRUPT, never an out-of-bounds
// read or a half-built delta.
import { compareBytes, crc32c } from '@mmsb/native';
import { PageError } from '../errors.js';
import { codecId, codecOfId, decompressBytes } from './codec.js';
import type { CompressedDelta, Delta, DenseDelta, PlainDelta, SparseDelta } from './types.js';

const KIND_SPARSE = 1;
const KIND_DENSE = 2;
const KIND_COMPRESSED = 3;
/** Flags byte: unbound; bound, before-bytes follow; bound, before-image all zero (no bytes stored). */
const FLAGS_UNBOUND = 0;
const FLAGS_BOUND = 1;
const FLAGS_BOUND_ZERO = 2;
/** kind, flags, pageId, size. */
const COMMON = 10;
/** codec, rawLength, rawCrc, storedLength. */
const COMPRESSED_FIELDS = 13;

/** A static run of zeros that before-images are compared against, a chunk at a time. */
const ZEROS = new Uint8Array(64 * 1024);
/** Below this a plain loop beats the call into the kernel. */
const ZERO_SCAN_KERNEL_MIN = 256;

/** Whether every byte of `bytes` is 0 (the native memcmp against a static zero buffer, a chunk at a time). */
export function isAllZero(bytes: Uint8Array): boolean {
  const n = bytes.length;
  if (n < ZERO_SCAN_KERNEL_MIN) {
    for (let i = 0; i < n; i++) if (bytes[i] !== 0) return false;
    return true;
  }
  for (let at = 0; at < n; at += ZEROS.length) {
    const end = Math.min(n, at + ZEROS.length);
    if (compareBytes(bytes.subarray(at, end), ZEROS.subarray(0, end - at)) !== 0) return false;
  }
  return true;
}

/**
 * Whether the record of `delta` stores its before-image as the all-zero flag (bound, non-empty
 * and every byte 0 — a page's first write, pages start zeroed) instead of as bytes.
 */
export function zeroBefore(delta: Delta): boolean {
  if (delta.kind === 'compressed' || delta.before === null || delta.before.length === 0) return false;
  return isAllZero(delta.before);
}

/** Bytes the record of a validated `delta` takes; `zero` is `zeroBefore(delta)`. */
export function recordLength(delta: Delta, zero = zeroBefore(delta)): number {
  switch (delta.kind) {
    case 'sparse': {
      const n = delta.runs.offsets.length;
      const data = delta.runs.data.length;
      return COMMON + 4 + n * 8 + data + (delta.before === null || zero ? 0 : data);
    }
    case 'dense':
      return COMMON + delta.size * (delta.before === null || zero ? 1 : 2);
    case 'compressed':
      return COMMON + COMPRESSED_FIELDS + delta.bytes.length;
  }
}

/**
 * Writes the record of a validated `delta` at `at` (`zero` is `zeroBefore(delta)`, the same value
 * `recordLength` was given); returns the offset after it.
 */
export function writeRecord(delta: Delta, out: Uint8Array, view: DataView, at: number, zero = zeroBefore(delta)): number {
  const kind = delta.kind === 'sparse' ? KIND_SPARSE : delta.kind === 'dense' ? KIND_DENSE : KIND_COMPRESSED;
  const before = delta.kind === 'compressed' ? null : delta.before;
  view.setUint8(at, kind);
  view.setUint8(at + 1, before === null ? FLAGS_UNBOUND : zero ? FLAGS_BOUND_ZERO : FLAGS_BOUND);
  view.setUint32(at + 2, delta.pageId, true);
  view.setUint32(at + 6, delta.size, true);
  let p = at + COMMON;
  switch (delta.kind) {
    case 'sparse': {
      const { offsets, lengths, data } = delta.runs;
      const n = offsets.length;
      view.setUint32(p, n, true);
      p += 4;
      for (let r = 0; r < n; r++, p += 4) view.setUint32(p, offsets[r] ?? 0, true);
      for (let r = 0; r < n; r++, p += 4) view.setUint32(p, lengths[r] ?? 0, true);
      out.set(data, p);
      p += data.length;
      break;
    }
    case 'dense':
      out.set(delta.bytes, p);
      p += delta.size;
      break;
    case 'compressed':
      view.setUint8(p, codecId(delta.codec));
      view.setUint32(p + 1, delta.rawLength, true);
      view.setUint32(p + 5, delta.rawCrc, true);
      view.setUint32(p + 9, delta.bytes.length, true);
      p += COMPRESSED_FIELDS;
      out.set(delta.bytes, p);
      return p + delta.bytes.length;
  }
  if (before !== null && !zero) {
    out.set(before, p);
    p += before.length;
  }
  return p;
}

/**
 * `delta` with a before-image of `length` zero bytes that is allocated on first read: replay reads
 * views and never the before-image, so a page's first write costs it no allocation.
 */
function lazyZeroBefore(delta: Omit<DenseDelta, 'before'> | Omit<SparseDelta, 'before'>, length: number): PlainDelta {
  let zeros: Uint8Array | null = null;
  return Object.defineProperty(delta, 'before', { enumerable: true, configurable: true, get: () => (zeros ??= new Uint8Array(length)) }) as PlainDelta;
}

function corrupt(message: string): PageError {
  return new PageError('DELTA_CORRUPT', message);
}

function need(at: number, n: number, end: number, where: string, what: string): void {
  if (end - at < n) throw corrupt(`${where}: truncated ${what}: needs ${n} bytes at offset ${at}, only ${Math.max(0, end - at)} left`);
}

/** A record read from bytes and the offset just after it. */
export interface ReadRecord {
  readonly delta: Delta;
  readonly next: number;
}

/**
 * Reads one record from `src[at, end)` (`view` spans the same memory as `src`). The delta owns
 * fresh memory: it stays valid when the caller reuses `src` — unless `views`, where the bytes of a
 * plain delta (after and before) are views into `src`, valid only as long as `src` is (replay
 * applies them at once and keeps nothing). The checks are the same either way.
 */
export function readRecord(src: Uint8Array, view: DataView, at: number, end: number, where: string, views = false): ReadRecord {
  need(at, COMMON, end, where, 'record header');
  const kind = view.getUint8(at);
  const flags = view.getUint8(at + 1);
  const pageId = view.getUint32(at + 2, true);
  const size = view.getUint32(at + 6, true);
  let p = at + COMMON;
  if (kind !== KIND_SPARSE && kind !== KIND_DENSE && kind !== KIND_COMPRESSED) {
    throw corrupt(`${where}: unknown delta kind ${kind} at offset ${at} (expected 1 sparse, 2 dense or 3 compressed)`);
  }
  if ((flags !== FLAGS_UNBOUND && flags !== FLAGS_BOUND && flags !== FLAGS_BOUND_ZERO) || (kind === KIND_COMPRESSED && flags !== FLAGS_UNBOUND)) {
    throw corrupt(`${where}: undefined flag bits 0x${flags.toString(16)} in the record at offset ${at}`);
  }
  const bound = flags !== FLAGS_UNBOUND;
  // Bound with an all-zero before-image: no before-bytes are stored; the decoder supplies zeros.
  const zero = flags === FLAGS_BOUND_ZERO;
  const withBytes = bound && !zero;
  if (kind === KIND_DENSE) {
    const total = size * (withBytes ? 2 : 1);
    need(p, total, end, where, `dense delta of page ${pageId}`);
    if (!zero) {
      const copy = views ? src.subarray(p, p + total) : src.slice(p, p + total);
      const delta: PlainDelta = { kind: 'dense', pageId, size, bytes: copy.subarray(0, size), before: bound ? copy.subarray(size) : null };
      return { delta, next: p + total };
    }
    if (views) return { delta: lazyZeroBefore({ kind: 'dense', pageId, size, bytes: src.subarray(p, p + size) }, size), next: p + total };
    const copy = new Uint8Array(size * 2);
    copy.set(src.subarray(p, p + size));
    const delta: PlainDelta = { kind: 'dense', pageId, size, bytes: copy.subarray(0, size), before: copy.subarray(size) };
    return { delta, next: p + total };
  }
  if (kind === KIND_SPARSE) {
    need(p, 4, end, where, `run count of page ${pageId}`);
    const n = view.getUint32(p, true);
    p += 4;
    need(p, n * 8, end, where, `${n} run headers of page ${pageId}`);
    let total = 0;
    for (let r = 0; r < n; r++) {
      const off = view.getUint32(p + r * 4, true);
      const len = view.getUint32(p + (n + r) * 4, true);
      if (off + len > size) throw corrupt(`${where}: run ${r} at offset ${off} length ${len} exceeds page ${pageId} of ${size} bytes`);
      total += len;
    }
    const bytes = total * (withBytes ? 2 : 1);
    need(p + n * 8, bytes, end, where, `run data of page ${pageId}`);
    // Without views the payload owns after- and before-bytes; an all-zero before-image is left as
    // the zeros the buffer starts with.
    const owned = views ? 0 : bound ? total * 2 : total;
    const buffer = new ArrayBuffer(n * 8 + owned);
    const offsets = new Uint32Array(buffer, 0, n);
    const lengths = new Uint32Array(buffer, n * 4, n);
    for (let r = 0; r < n; r++) {
      offsets[r] = view.getUint32(p + r * 4, true);
      lengths[r] = view.getUint32(p + (n + r) * 4, true);
    }
    p += n * 8;
    let payload: Uint8Array;
    if (views) {
      payload = src.subarray(p, p + bytes);
    } else {
      payload = new Uint8Array(buffer, n * 8, owned);
      payload.set(src.subarray(p, p + bytes));
    }
    const runs = { offsets, lengths, data: payload.subarray(0, total) };
    if (zero && views) return { delta: lazyZeroBefore({ kind: 'sparse', pageId, size, runs }, total), next: p + bytes };
    const delta: PlainDelta = { kind: 'sparse', pageId, size, runs, before: bound ? payload.subarray(total) : null };
    return { delta, next: p + bytes };
  }
  need(p, COMPRESSED_FIELDS, end, where, `compressed delta header of page ${pageId}`);
  const codec = codecOfId(view.getUint8(p));
  if (codec === null) throw corrupt(`${where}: unknown codec ${view.getUint8(p)} in the compressed delta of page ${pageId}`);
  const rawLength = view.getUint32(p + 1, true);
  const rawCrc = view.getUint32(p + 5, true);
  const stored = view.getUint32(p + 9, true);
  p += COMPRESSED_FIELDS;
  need(p, stored, end, where, `compressed bytes of page ${pageId}`);
  const delta: CompressedDelta = { kind: 'compressed', pageId, size, codec, rawLength, rawCrc, bytes: src.slice(p, p + stored) };
  // Strict: prove now that it expands to a valid delta of the same page, so a decoded batch never
  // holds a delta that fails later.
  expandCompressed(delta, where);
  return { delta, next: p + stored };
}

/**
 * The plain delta inside a compressed one, checked against its CRC, its length and its outer
 * page id and size; any mismatch is DELTA_CORRUPT.
 */
export function expandCompressed(delta: CompressedDelta, where: string): PlainDelta {
  const what = `${where}: compressed delta of page ${delta.pageId}`;
  const raw = decompressBytes(delta.codec, delta.bytes, delta.rawLength, what);
  const crc = crc32c(raw);
  if (crc !== delta.rawCrc) {
    throw corrupt(`${what}: CRC32C of the decompressed record is 0x${crc.toString(16)}, expected 0x${delta.rawCrc.toString(16)}`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const kind = raw.length > 0 ? raw[0] : undefined;
  if (kind !== KIND_SPARSE && kind !== KIND_DENSE) throw corrupt(`${what}: inner record is of kind ${String(kind)}, expected 1 sparse or 2 dense`);
  const inner = readRecord(raw, view, 0, raw.length, what);
  if (inner.next !== raw.length) throw corrupt(`${what}: ${raw.length - inner.next} bytes follow the inner record`);
  if (inner.delta.pageId !== delta.pageId || inner.delta.size !== delta.size) {
    throw corrupt(`${what}: inner record is for page ${inner.delta.pageId} of ${inner.delta.size} bytes, expected page ${delta.pageId} of ${delta.size} bytes`);
  }
  return inner.delta as PlainDelta;
}
