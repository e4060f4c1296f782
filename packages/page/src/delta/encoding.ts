// Deltas as bytes: one delta, or a batch (a TLog record's payload, a transaction's content), in a
// frame with a format byte, an optional codec and a CRC32C. Layout: docs/formats/delta.md.
import { crc32c, crc32cRange } from '@mmsb/native';
import { PageError } from '../errors.js';
import { CODEC_NONE, codecId, codecOfId, compressBytes, decompressBytes, isDeltaCodec } from './codec.js';
import { toPlainDelta } from './plain.js';
import { ownedBytes } from '../internal/slab.js';
import { readRecord, recordLength, writeRecord, zeroBefore } from './record.js';
import type { Delta, DeltaCodec } from './types.js';

/** The frame format this code writes and the only one it reads. */
export const DELTA_FORMAT_VERSION = 1;

/**
 * Bodies shorter than this are stored uncompressed: below it brotli and deflate saved little or
 * nothing on simulation payloads and the call costs more than it saves.
 */
export const COMPRESS_MIN_BYTES = 512;

/** A compressed body is kept only when it is at most this share of the raw body (≥ 10% smaller). */
export const COMPRESS_MAX_RATIO = 0.9;

const FRAME_DELTA = 1;
const FRAME_BATCH = 2;
const HEADER = 8;
const HEADER_COMPRESSED = 16;
const CRC = 4;

/** Options of `encodeDelta` and `encodeDeltaBatch`. */
export interface DeltaEncodeOptions {
  /**
   * Codec for the frame's body, used only where it pays (body ≥ {@link COMPRESS_MIN_BYTES} and
   * at least 10% smaller); 'none' never compresses. Default 'brotli'. 'lz4' (what the store
   * writes) is CODEC_UNAVAILABLE where lz4-napi does not load.
   */
  readonly compression?: DeltaCodec | 'none';
}

function corrupt(message: string, cause?: unknown): PageError {
  return new PageError('DELTA_CORRUPT', message, cause === undefined ? undefined : { cause });
}

function compressionOf(options: DeltaEncodeOptions | undefined, fn: string): DeltaCodec | 'none' {
  const compression = options?.compression ?? 'brotli';
  if (compression !== 'none' && !isDeltaCodec(compression)) {
    throw new PageError('INVALID_ARGUMENT', `${fn}: compression must be 'lz4', 'brotli', 'deflate-raw' or 'none', got ${String(compression)}`);
  }
  return compression;
}

function frame(type: number, body: Uint8Array, options: DeltaEncodeOptions | undefined, fn: string): Uint8Array {
  const compression = compressionOf(options, fn);
  let stored = body;
  let codec = CODEC_NONE;
  if (compression !== 'none' && body.length >= COMPRESS_MIN_BYTES) {
    const packed = compressBytes(compression, body);
    if (packed.length <= body.length * COMPRESS_MAX_RATIO) {
      stored = packed;
      codec = codecId(compression);
    }
  }
  const header = codec === CODEC_NONE ? HEADER : HEADER_COMPRESSED;
  const out = new Uint8Array(header + stored.length + CRC);
  const view = new DataView(out.buffer);
  view.setUint8(0, DELTA_FORMAT_VERSION);
  view.setUint8(1, type);
  view.setUint8(2, codec);
  view.setUint8(3, 0);
  view.setUint32(4, stored.length, true);
  if (codec !== CODEC_NONE) {
    view.setUint32(8, body.length, true);
    view.setUint32(12, crc32c(body), true);
  }
  out.set(stored, header);
  view.setUint32(header + stored.length, crc32c(out.subarray(0, header + stored.length)), true);
  return out;
}

/** The checked body of a frame of `type`; everything wrong with it is DELTA_CORRUPT. */
function unframe(bytes: Uint8Array, type: number, fn: string, checked = false): Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new PageError('INVALID_ARGUMENT', `${fn}: bytes must be a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  }
  const what = type === FRAME_DELTA ? 'delta' : 'delta batch';
  if (bytes.length < HEADER + CRC) throw corrupt(`${fn}: truncated ${what}: ${bytes.length} bytes, a frame has at least ${HEADER + CRC}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = view.getUint8(0);
  if (format !== DELTA_FORMAT_VERSION) throw corrupt(`${fn}: unknown format version ${format} (this code reads ${DELTA_FORMAT_VERSION})`);
  const codecByte = view.getUint8(2);
  const codec = codecByte === CODEC_NONE ? null : codecOfId(codecByte);
  if (codecByte !== CODEC_NONE && codec === null) throw corrupt(`${fn}: unknown codec ${codecByte} in the ${what} header`);
  const header = codec === null ? HEADER : HEADER_COMPRESSED;
  if (bytes.length < header + CRC) throw corrupt(`${fn}: truncated ${what}: ${bytes.length} bytes, a compressed frame has at least ${header + CRC}`);
  const stored = view.getUint32(4, true);
  if (bytes.length !== header + stored + CRC) {
    throw corrupt(`${fn}: ${what} frame is ${bytes.length} bytes but its header says ${header + stored + CRC} (truncated or extended)`);
  }
  if (!checked) {
    const expected = view.getUint32(header + stored, true);
    const actual = crc32c(bytes.subarray(0, header + stored));
    if (actual !== expected) throw corrupt(`${fn}: ${what} CRC32C is 0x${actual.toString(16)}, the frame says 0x${expected.toString(16)}`);
  }
  // Checked after the CRC so that a flipped bit reports as the checksum failure it is.
  const frameType = view.getUint8(1);
  if (frameType !== type) {
    throw corrupt(`${fn}: frame type ${frameType} (${frameType === FRAME_BATCH ? 'a batch' : frameType === FRAME_DELTA ? 'one delta' : 'unknown'}), expected ${type} (${what})`);
  }
  if (view.getUint8(3) !== 0) throw corrupt(`${fn}: reserved header byte is ${view.getUint8(3)}, expected 0`);
  const body = bytes.subarray(header, header + stored);
  if (codec === null) return body;
  const rawLength = view.getUint32(8, true);
  const raw = decompressBytes(codec, body, rawLength, `${fn}: ${what} body`);
  const rawCrc = crc32c(raw);
  if (rawCrc !== view.getUint32(12, true)) {
    throw corrupt(`${fn}: ${what} body decompresses to CRC32C 0x${rawCrc.toString(16)}, the header says 0x${view.getUint32(12, true).toString(16)}`);
  }
  return raw;
}

/**
 * One delta of any kind as bytes: a versioned frame with its record and a CRC32C, its body
 * compressed where that pays (see {@link DeltaEncodeOptions}). Invalid deltas are refused with the
 * codes of the other operations. `decodeDelta` gives back an equal delta.
 */
export function encodeDelta(delta: Delta, options?: DeltaEncodeOptions): Uint8Array {
  toPlainDelta(delta, 'encodeDelta');
  const zero = zeroBefore(delta);
  const body = new Uint8Array(recordLength(delta, zero));
  writeRecord(delta, body, new DataView(body.buffer), 0, zero);
  return frame(FRAME_DELTA, body, options, 'encodeDelta');
}

/**
 * The delta in `bytes` (from `encodeDelta`). Anything truncated, extended, garbled, of another
 * format version or a batch is DELTA_CORRUPT naming what is wrong; no partial result. The delta
 * owns fresh memory: `bytes` may be reused afterwards.
 */
export function decodeDelta(bytes: Uint8Array): Delta {
  const body = unframe(bytes, FRAME_DELTA, 'decodeDelta');
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const { delta, next } = readRecord(body, view, 0, body.length, 'decodeDelta');
  if (next !== body.length) throw corrupt(`decodeDelta: ${body.length - next} bytes follow the delta record`);
  return delta;
}

/**
 * Many deltas, of any pages and kinds, in one frame: the payload of a TLog record and the content
 * of a transaction. Order is kept. The body is compressed once for the whole batch where that
 * pays (see {@link DeltaEncodeOptions}).
 */
export function encodeDeltaBatch(deltas: readonly Delta[], options?: DeltaEncodeOptions): Uint8Array {
  return encodeDeltaBatchAfter(0, deltas, options);
}

/**
 * @internal `encodeDeltaBatch` with `prefix` bytes left free before the frame, for a caller that
 * wraps the frame (the store record): when the body is stored uncompressed — the usual case for
 * small commits — records, frame and prefix are written into one buffer sized up front, with no
 * intermediate body or frame copies. With `fromSlab` that buffer may be a range of a shared slab
 * (internal/slab.ts): view it through its byteOffset, never offset 0 of its buffer.
 */
export function encodeDeltaBatchAfter(prefix: number, deltas: readonly Delta[], options?: DeltaEncodeOptions, fromSlab = false): Uint8Array {
  if (!Array.isArray(deltas)) {
    throw new PageError('INVALID_ARGUMENT', `encodeDeltaBatch: deltas must be an array, got ${deltas === null ? 'null' : typeof deltas}`);
  }
  let length = 4;
  // Each before-image is scanned for all-zero once, for both the length and the write.
  const zeros = new Array<boolean>(deltas.length);
  for (let k = 0; k < deltas.length; k++) {
    const delta = deltas[k] as Delta;
    toPlainDelta(delta, 'encodeDeltaBatch');
    const zero = zeroBefore(delta);
    zeros[k] = zero;
    length += recordLength(delta, zero);
  }
  if (deltas.length > 0xffff_ffff) throw new PageError('INVALID_ARGUMENT', `encodeDeltaBatch: ${deltas.length} deltas exceed the 2^32 − 1 a batch holds`);
  const compression = compressionOf(options, 'encodeDeltaBatch');
  if (compression === 'none' || length < COMPRESS_MIN_BYTES) {
    // Stored as is (`frame` would not compress it either): one buffer, written in place; a small
    // one from the delta slab (a fresh ArrayBuffer costs more than encoding a small commit).
    const out = fromSlab ? ownedBytes(prefix + HEADER + length + CRC) : new Uint8Array(prefix + HEADER + length + CRC);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    view.setUint8(prefix, DELTA_FORMAT_VERSION);
    view.setUint8(prefix + 1, FRAME_BATCH);
    view.setUint8(prefix + 2, CODEC_NONE);
    view.setUint8(prefix + 3, 0);
    view.setUint32(prefix + 4, length, true);
    const bodyAt = prefix + HEADER;
    view.setUint32(bodyAt, deltas.length, true);
    let at = bodyAt + 4;
    for (let k = 0; k < deltas.length; k++) at = writeRecord(deltas[k] as Delta, out, view, at, zeros[k]);
    view.setUint32(at, crc32cRange(out, prefix, at), true);
    return out;
  }
  const body = new Uint8Array(length);
  const view = new DataView(body.buffer);
  view.setUint32(0, deltas.length, true);
  let at = 4;
  for (let k = 0; k < deltas.length; k++) at = writeRecord(deltas[k] as Delta, body, view, at, zeros[k]);
  const framed = frame(FRAME_BATCH, body, options, 'encodeDeltaBatch');
  if (prefix === 0) return framed;
  const out = new Uint8Array(prefix + framed.length);
  out.set(framed, prefix);
  return out;
}

/**
 * The deltas in `bytes` (from `encodeDeltaBatch`), in order. Anything truncated, extended,
 * garbled or of another format version is DELTA_CORRUPT naming what is wrong; either every delta
 * comes back or none does.
 */
export function decodeDeltaBatch(bytes: Uint8Array): Delta[] {
  return decodeBatch(bytes, false);
}

/**
 * `decodeDeltaBatch` with every check, but the plain deltas' bytes are views into `bytes` (or into
 * its decompressed body) instead of copies: for a reader that applies them at once and keeps
 * none (replay). With `checked`, the caller has already verified a CRC32C covering every byte of
 * `bytes` (a TLog frame's), so the frame's own CRC32C over the same bytes is not computed again;
 * every other check (lengths, format, codec, the decompressed body's CRC32C) still runs.
 */
export function decodeDeltaBatchViews(bytes: Uint8Array, checked = false): Delta[] {
  return decodeBatch(bytes, true, checked);
}

function decodeBatch(bytes: Uint8Array, views: boolean, checked = false): Delta[] {
  const body = unframe(bytes, FRAME_BATCH, 'decodeDeltaBatch', checked);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  if (body.length < 4) throw corrupt(`decodeDeltaBatch: truncated batch: ${body.length} body bytes, the delta count needs 4`);
  const count = view.getUint32(0, true);
  // Each record takes at least 10 bytes, so a count the body cannot hold is refused before any work.
  if (count > (body.length - 4) / 10) throw corrupt(`decodeDeltaBatch: batch says ${count} deltas but its body of ${body.length} bytes cannot hold them`);
  const deltas: Delta[] = [];
  let at = 4;
  for (let k = 0; k < count; k++) {
    const { delta, next } = readRecord(body, view, at, body.length, `decodeDeltaBatch: delta ${k}`, views);
    deltas.push(delta);
    at = next;
  }
  if (at !== body.length) throw corrupt(`decodeDeltaBatch: ${body.length - at} bytes follow the last of ${count} deltas`);
  return deltas;
}
