// The store record: the payload of one TLog record, one commit. Byte by byte in
// docs/formats/store-record.md. It holds everything replay needs — the pages the commit created
// and the bound delta of every page it changed — so replay runs no user code, and the deltas'
// before-images let a reader walk the log backwards too.
import { COMPRESS_MIN_BYTES, decodeDeltaBatch, decodeDeltaBatchViews, encodeDeltaBatchAfter } from '../delta/encoding.js';
import type { Delta } from '../delta/types.js';
import { LOCATION_CODES, locationCode } from '../checkpoint/format.js';
import { PageError, isPageError } from '../errors.js';
import { storeCodec } from '../delta/codec.js';
import type { PageLocation } from './api.js';

/** Store record format version written, and the only one read. */
export const STORE_RECORD_VERSION = 1;
const KIND_COMMIT = 1;
const HEADER_BYTES = 8;
const CREATION_BYTES = 12;

/** A page a commit creates: zero-filled, `size` bytes. */
export interface PageCreation {
  readonly id: number;
  readonly size: number;
  readonly location: PageLocation;
}

/** One decoded commit. */
export interface StoreRecord {
  readonly creations: readonly PageCreation[];
  /** Bound deltas, at most one per page, sorted by page id. */
  readonly deltas: readonly Delta[];
}

/** Records in a row whose batch did not compress before the store starts skipping the attempt. */
const BACKOFF_AFTER = 8;
/** The most records stored without an attempt between two attempts while they keep not compressing. */
const BACKOFF_MAX = 64;

/**
 * Whether the store tries to compress its next record. A store of noise (simulation state whose
 * bytes do not repeat) would pay a compression pass over every commit's bytes for nothing: after
 * BACKOFF_AFTER records in a row that did not shrink enough, only every 2nd, 4th, … (at most every
 * BACKOFF_MAX-th) record is tried, and the first that compresses resumes trying every record —
 * the same rule as the checkpoint images' (checkpoint.ts). Records too small to compress do not
 * count either way. What it changes is only whether a record is stored compressed, never what
 * it holds.
 */
export class RecordCompression {
  private misses = 0;
  private skipped = 0;

  /** Whether to try the next record. */
  attempt(): boolean {
    if (this.misses < BACKOFF_AFTER) return true;
    const every = Math.min(BACKOFF_MAX, 2 ** (this.misses - BACKOFF_AFTER + 1));
    if (++this.skipped < every) return false;
    this.skipped = 0;
    return true;
  }

  /** What an attempt on a record big enough to compress gave: whether it was stored compressed. */
  settle(paid: boolean): void {
    this.misses = paid ? 0 : this.misses + 1;
  }
}

/**
 * The payload of the commit creating `creations` and applying `deltas`; with `compress`, the batch
 * is LZ4-compressed where that pays (brotli where the LZ4 binding does not load). `backoff`, when
 * given, may skip the attempt after a run of records that did not compress (see
 * {@link RecordCompression}).
 */
export function encodeStoreRecord(creations: readonly PageCreation[], deltas: readonly Delta[], compress: boolean, backoff?: RecordCompression): Uint8Array {
  // The delta batch is framed in place after the header and creations: one buffer, no copies.
  const prefix = HEADER_BYTES + creations.length * CREATION_BYTES;
  const attempt = compress && (backoff === undefined || backoff.attempt());
  // From the delta slab when small: the payload lives until the log has written it.
  const out = encodeDeltaBatchAfter(prefix, deltas, { compression: attempt ? storeCodec() : 'none' }, true);
  if (attempt && backoff !== undefined) {
    // Frame header after the prefix: codec at +2, stored length at +4 (docs/formats/delta.md).
    const compressed = out[prefix + 2] !== 0;
    const stored = ((out[prefix + 4] as number) | ((out[prefix + 5] as number) << 8) | ((out[prefix + 6] as number) << 16) | ((out[prefix + 7] as number) << 24)) >>> 0;
    if (compressed || stored >= COMPRESS_MIN_BYTES) backoff.settle(compressed);
  }
  // The header's bytes written one by one (a DataView per record costs more than a small commit's
  // other header work): version, kind, reserved u16, creation count u32 LE.
  out[0] = STORE_RECORD_VERSION;
  out[1] = KIND_COMMIT;
  out[2] = 0;
  out[3] = 0;
  const count = creations.length;
  out[4] = count & 0xff;
  out[5] = (count >>> 8) & 0xff;
  out[6] = (count >>> 16) & 0xff;
  out[7] = (count >>> 24) & 0xff;
  if (count > 0) {
    const view = new DataView(out.buffer, out.byteOffset, prefix);
    let at = HEADER_BYTES;
    for (const c of creations) {
      view.setUint32(at, c.id, true);
      view.setUint32(at + 4, c.size, true);
      view.setUint8(at + 8, locationCode(c.location));
      at += CREATION_BYTES;
    }
  }
  return out;
}

/**
 * The commit in `payload` (record of `epoch`); anything malformed is LOG_CORRUPT naming the epoch.
 * With `views` the deltas' bytes are views into `payload`, and the batch frame's CRC32C is not
 * computed again: that mode is for payloads read through a TLog frame whose CRC32C, covering every
 * payload byte, was just verified (see `decodeDeltaBatchViews`).
 */
export function decodeStoreRecord(payload: Uint8Array, epoch: number, views = false): StoreRecord {
  const bad = (why: string, cause?: unknown): PageError =>
    new PageError('LOG_CORRUPT', `store record of epoch ${epoch}: ${why}`, cause === undefined ? undefined : { cause });
  if (payload.byteLength < HEADER_BYTES) throw bad(`${payload.byteLength} bytes, shorter than its ${HEADER_BYTES}-byte header`);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const version = view.getUint8(0);
  if (version !== STORE_RECORD_VERSION) throw bad(`format version ${version}, this code reads ${STORE_RECORD_VERSION}`);
  if (view.getUint8(1) !== KIND_COMMIT || view.getUint16(2, true) !== 0) throw bad(`unknown kind ${view.getUint8(1)} or reserved bits set`);
  const count = view.getUint32(4, true);
  if (count > (payload.byteLength - HEADER_BYTES) / CREATION_BYTES) throw bad(`${count} page creations do not fit ${payload.byteLength} bytes`);
  const creations: PageCreation[] = [];
  let at = HEADER_BYTES;
  for (let k = 0; k < count; k++, at += CREATION_BYTES) {
    const location = LOCATION_CODES[view.getUint8(at + 8)];
    if (location === undefined || view.getUint8(at + 9) !== 0 || view.getUint16(at + 10, true) !== 0) {
      throw bad(`creation ${k} at offset ${at}: unknown location code ${view.getUint8(at + 8)} or reserved bits set`);
    }
    creations.push({ id: view.getUint32(at, true), size: view.getUint32(at + 4, true), location });
  }
  let deltas: Delta[];
  try {
    deltas = views ? decodeDeltaBatchViews(payload.subarray(at), true) : decodeDeltaBatch(payload.subarray(at));
  } catch (cause) {
    // A codec that cannot load here is not damage in the log: say so, never LOG_CORRUPT.
    if (isPageError(cause, 'CODEC_UNAVAILABLE')) throw cause;
    throw bad(`delta batch at offset ${at}: ${(cause as Error).message}`, cause);
  }
  return { creations, deltas };
}

/**
 * The length `payload` (a decoded, valid store record) would have with its delta batch stored
 * uncompressed: its own length when the batch is stored as is, else the header, creations and
 * batch frame around the body's raw length (docs/formats/delta.md).
 */
export function storeRecordLogicalBytes(payload: Uint8Array): number {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const frameAt = HEADER_BYTES + view.getUint32(4, true) * CREATION_BYTES;
  // Compressed frame: 16 header bytes, stored body, CRC; stored as is: 8 header bytes, body, CRC.
  if (frameAt + 16 > payload.byteLength || view.getUint8(frameAt + 2) === 0) return payload.byteLength;
  return frameAt + 8 + view.getUint32(frameAt + 8, true) + 4;
}
