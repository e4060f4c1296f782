// The TLog's bytes on disk, byte by byte in docs/formats/tlog.md. Everything is little-endian.
// u64 fields hold JS safe integers and are read as two u32 halves to stay off BigInt.
import { crc32c, crc32cRange } from '@mmsb/native';

/** Format version written in every segment header; a reader refuses any other. */
export const TLOG_FORMAT_VERSION = 1;

/** Bytes of the segment header; the first frame starts here. */
export const SEGMENT_HEADER_BYTES = 40;

/** Bytes of a frame header; the payload follows it. */
export const FRAME_HEADER_BYTES = 32;

/** The largest payload the format admits (1 GiB); `maxRecordBytes` may only lower it. */
export const FORMAT_MAX_PAYLOAD_BYTES = 1 << 30;

/** "MMSBTLOG" — the segment header's first 8 bytes. */
const SEGMENT_MAGIC = new Uint8Array([0x4d, 0x4d, 0x53, 0x42, 0x54, 0x4c, 0x4f, 0x47]);

/** "TLR1" read as a little-endian u32: a record frame. */
export const RECORD_MAGIC = 0x31524c54;

/** "TLS1" read as a little-endian u32: the seal that closes a full segment. */
export const SEAL_MAGIC = 0x31534c54;

/** The first byte both frame magics share, for indexOf-driven searches. */
export const FRAME_MAGIC_FIRST_BYTE = 0x54;

const TWO_32 = 0x1_0000_0000;
/** The high half of Number.MAX_SAFE_INTEGER: a u64 whose high half exceeds it is not an epoch. */
const MAX_SAFE_HIGH = 0x1f_ffff;

/** Name of the live segment with sequence number `seq`. */
export function segmentName(seq: number): string {
  return `${seq.toString(16).padStart(16, '0')}.log`;
}

/** Name of a spare file (recycled or preallocated) with id `id`. */
export function spareName(id: number): string {
  return `spare-${id.toString(16).padStart(16, '0')}.log`;
}

/** Name a spare has while it is being preallocated; a leftover one is zeros and may be removed. */
export function spareTempName(id: number): string {
  return `spare-${id.toString(16).padStart(16, '0')}.tmp`;
}

const SEGMENT_RE = /^([0-9a-f]{16})\.log$/;
const SPARE_RE = /^spare-([0-9a-f]{16})\.(log|tmp)$/;

/** What a name in the tlog directory is. */
export type DirEntry =
  | { readonly kind: 'segment'; readonly seq: number; readonly name: string }
  | { readonly kind: 'spare'; readonly id: number; readonly name: string }
  | { readonly kind: 'spare-temp'; readonly id: number; readonly name: string }
  | { readonly kind: 'other'; readonly name: string };

/** Classifies a directory entry by its name. */
export function classifyName(name: string): DirEntry {
  const seg = SEGMENT_RE.exec(name);
  if (seg?.[1] !== undefined) {
    return { kind: 'segment', seq: Number.parseInt(seg[1], 16), name };
  }
  const spare = SPARE_RE.exec(name);
  if (spare?.[1] !== undefined) {
    const id = Number.parseInt(spare[1], 16);
    return spare[2] === 'log' ? { kind: 'spare', id, name } : { kind: 'spare-temp', id, name };
  }
  return { kind: 'other', name };
}

/**
 * The salt every frame of segment `seq` carries. A recycled file keeps the frames of its previous
 * life, written under an older sequence number, so their salt differs and no scan accepts them.
 */
export function saltOf(seq: number): number {
  return seq % TWO_32 >>> 0;
}

function putU64(view: DataView, at: number, value: number): void {
  view.setUint32(at, value % TWO_32, true);
  view.setUint32(at + 4, Math.floor(value / TWO_32), true);
}

/** Reads a u64 that must be a safe integer; -1 when it is not. */
function getU64(view: DataView, at: number): number {
  const hi = view.getUint32(at + 4, true);
  if (hi > MAX_SAFE_HIGH) return -1;
  return hi * TWO_32 + view.getUint32(at, true);
}

/** A little-endian-readable view over exactly `bytes`. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A decoded segment header. */
export interface SegmentHeader {
  /** The segment's sequence number; must match its file name. */
  readonly seq: number;
  /** The epoch of the last record before this segment (0 when there was none). */
  readonly prevEpoch: number;
}

/** The 40 header bytes of a new segment. */
export function encodeSegmentHeader(header: SegmentHeader): Uint8Array {
  const bytes = new Uint8Array(SEGMENT_HEADER_BYTES);
  const view = viewOf(bytes);
  bytes.set(SEGMENT_MAGIC, 0);
  view.setUint32(8, TLOG_FORMAT_VERSION, true);
  view.setUint32(12, SEGMENT_HEADER_BYTES, true);
  putU64(view, 16, header.seq);
  putU64(view, 24, header.prevEpoch);
  view.setUint32(36, crc32c(bytes.subarray(0, 36)), true);
  return bytes;
}

/** Decodes a segment header, or says why it is not one. */
export function decodeSegmentHeader(bytes: Uint8Array): SegmentHeader | string {
  if (bytes.byteLength < SEGMENT_HEADER_BYTES) return `header is ${bytes.byteLength} bytes, expected ${SEGMENT_HEADER_BYTES}`;
  for (let i = 0; i < SEGMENT_MAGIC.length; i++) {
    if (bytes[i] !== SEGMENT_MAGIC[i]) return 'segment magic is not "MMSBTLOG"';
  }
  const view = viewOf(bytes);
  if (view.getUint32(36, true) !== crc32c(bytes.subarray(0, 36))) return 'segment header checksum mismatch';
  const version = view.getUint32(8, true);
  if (version !== TLOG_FORMAT_VERSION) return `segment format version ${version}, expected ${TLOG_FORMAT_VERSION}`;
  if (view.getUint32(12, true) !== SEGMENT_HEADER_BYTES) return 'segment header size is not 40';
  const seq = getU64(view, 16);
  const prevEpoch = getU64(view, 24);
  if (seq < 1 || prevEpoch < 0) return 'segment header holds an out-of-range sequence number or epoch';
  return { seq, prevEpoch };
}

/**
 * Writes a frame header at `at` in `out` for a payload already placed right after it, and its
 * checksum over header and payload. Separate from the payload copy so a batch is assembled in
 * one buffer with one copy per payload.
 */
export function writeFrameHeader(
  out: Uint8Array,
  at: number,
  magic: number,
  payloadBytes: number,
  epoch: number,
  watermark: number,
  salt: number,
): void {
  // Byte by byte, and checksummed by range: a DataView and two views per frame cost more than a
  // small record's header.
  putU32LE(out, at, magic);
  putU32LE(out, at + 4, payloadBytes);
  putU32LE(out, at + 8, epoch % TWO_32);
  putU32LE(out, at + 12, Math.floor(epoch / TWO_32));
  putU32LE(out, at + 16, watermark % TWO_32);
  putU32LE(out, at + 20, Math.floor(watermark / TWO_32));
  putU32LE(out, at + 24, salt);
  const seed = crc32cRange(out, at, at + 28);
  const start = at + FRAME_HEADER_BYTES;
  putU32LE(out, at + 28, crc32cRange(out, start, start + payloadBytes, seed));
}

function putU32LE(out: Uint8Array, at: number, value: number): void {
  out[at] = value & 0xff;
  out[at + 1] = (value >>> 8) & 0xff;
  out[at + 2] = (value >>> 16) & 0xff;
  out[at + 3] = (value >>> 24) & 0xff;
}

/** A frame that checksums, with the given salt. */
export interface ValidFrame {
  readonly kind: 'record' | 'seal';
  readonly epoch: number;
  /** The last epoch acknowledged before this frame was written (see docs/formats/tlog.md). */
  readonly watermark: number;
  readonly payloadBytes: number;
  /** Offset just past the frame in the buffer. */
  readonly end: number;
}

/** Why the bytes at a position are not a valid frame of this segment. */
export type FrameFault =
  /** Fewer than a frame header's bytes remain, or the payload runs past the data. */
  | 'short'
  /** Every remaining header byte is zero: preallocated space, the clean end of a segment. */
  | 'zero'
  /** A frame that checksums but carries another segment's salt: a recycled file's old bytes. */
  | 'stale'
  /** Anything else: a torn or garbled write, or corruption. */
  | 'bad';

/**
 * Decodes the frame at `at` of `buf` (valid bytes end at `limit`) for a segment whose salt is
 * `salt`. Never throws; a u64 that is not a safe integer makes the frame bad. Hot loops pass
 * `view` (a DataView over `buf`) to spare an allocation per frame.
 */
export function readFrame(buf: Uint8Array, at: number, limit: number, salt: number, view: DataView = viewOf(buf)): ValidFrame | FrameFault {
  if (limit - at < FRAME_HEADER_BYTES) {
    for (let i = at; i < limit; i++) if (buf[i] !== 0) return 'short';
    return 'zero';
  }
  const magic = view.getUint32(at, true);
  if (magic !== RECORD_MAGIC && magic !== SEAL_MAGIC) {
    for (let i = at; i < at + FRAME_HEADER_BYTES; i++) if (buf[i] !== 0) return 'bad';
    return 'zero';
  }
  const payloadBytes = view.getUint32(at + 4, true);
  if (payloadBytes > FORMAT_MAX_PAYLOAD_BYTES) return 'bad';
  const end = at + FRAME_HEADER_BYTES + payloadBytes;
  if (end > limit) return 'short';
  const seed = crc32cRange(buf, at, at + 28);
  if (crc32cRange(buf, at + FRAME_HEADER_BYTES, end, seed) !== view.getUint32(at + 28, true)) return 'bad';
  if (view.getUint32(at + 24, true) !== salt) return 'stale';
  const epoch = getU64(view, at + 8);
  const watermark = getU64(view, at + 16);
  if (epoch < 0 || watermark < 0) return 'bad';
  if (magic === SEAL_MAGIC && payloadBytes !== 0) return 'bad';
  return { kind: magic === RECORD_MAGIC ? 'record' : 'seal', epoch, watermark, payloadBytes, end };
}

/** The epoch field of a frame header, unverified, for error messages; null when unreadable. */
export function peekEpoch(buf: Uint8Array, at: number, limit: number): number | null {
  if (limit - at < 16) return null;
  const e = getU64(viewOf(buf), at + 8);
  return e < 0 ? null : e;
}
