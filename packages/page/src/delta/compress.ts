// Compressed deltas: a plain delta's record kept encoded with a codec, for deltas that are held
// or shipped far more often than applied (history, replication). Operations accept them and
// decompress first.
import { crc32c } from '@mmsb/native';
import { PageError } from '../errors.js';
import { compressBytes, isDeltaCodec } from './codec.js';
import { toPlainDelta } from './plain.js';
import { recordLength, writeRecord, zeroBefore } from './record.js';
import type { CompressedDelta, Delta, DeltaCodec } from './types.js';

/**
 * `delta` compressed with `codec` (default brotli; 'lz4' is CODEC_UNAVAILABLE where lz4-napi does
 * not load). A compressed delta already using `codec` is checked and returned as is. Compression
 * always happens, even when it does not pay: use it for deltas you know compress well; batches
 * decide for themselves (`encodeDeltaBatch`).
 */
export function compressDelta(delta: Delta, codec: DeltaCodec = 'brotli'): CompressedDelta {
  if (!isDeltaCodec(codec)) {
    throw new PageError('INVALID_ARGUMENT', `compressDelta: codec must be 'lz4', 'brotli' or 'deflate-raw', got ${String(codec)}`);
  }
  const plain = toPlainDelta(delta, 'compressDelta');
  if (delta.kind === 'compressed' && delta.codec === codec) return delta;
  const zero = zeroBefore(plain);
  const raw = new Uint8Array(recordLength(plain, zero));
  writeRecord(plain, raw, new DataView(raw.buffer), 0, zero);
  return {
    kind: 'compressed',
    pageId: plain.pageId,
    size: plain.size,
    codec,
    rawLength: raw.length,
    rawCrc: crc32c(raw),
    bytes: compressBytes(codec, raw),
  };
}
