// Byte codecs from node:zlib: shipped with Node, so nothing to download or build, and maintained
// with it. Brotli at quality 1 is the default: on sparse float32 and int32 simulation payloads it
// compressed 2–8× faster than deflate level 1 at an equal or better ratio (numbers in
// docs/formats/delta.md); deflate-raw stays readable for callers who prefer its faster decoding.
import { brotliCompressSync, brotliDecompressSync, constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { PageError } from '../errors.js';
import type { DeltaCodec } from './types.js';

/** Codec ids in the encoding; 0 means stored as is. */
export const CODEC_NONE = 0;
const CODEC_BROTLI = 1;
const CODEC_DEFLATE_RAW = 2;

/** The id the encoding stores for `codec`. */
export function codecId(codec: DeltaCodec): number {
  return codec === 'brotli' ? CODEC_BROTLI : CODEC_DEFLATE_RAW;
}

/** The codec of an encoded id, or null for an id this format does not define. */
export function codecOfId(id: number): DeltaCodec | null {
  return id === CODEC_BROTLI ? 'brotli' : id === CODEC_DEFLATE_RAW ? 'deflate-raw' : null;
}

function view(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}

/** `raw` compressed with `codec` at its fast setting (brotli quality 1, deflate level 1). */
export function compressBytes(codec: DeltaCodec, raw: Uint8Array): Uint8Array {
  if (codec === 'brotli') {
    return view(
      brotliCompressSync(raw, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 1, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
      }),
    );
  }
  return view(deflateRawSync(raw, { level: 1 }));
}

/**
 * `stored` decompressed with `codec`; anything but exactly `rawLength` bytes is DELTA_CORRUPT.
 * The output limit keeps a garbled stream from inflating without bound.
 */
export function decompressBytes(codec: DeltaCodec, stored: Uint8Array, rawLength: number, what: string): Uint8Array {
  let raw: Buffer;
  try {
    const options = { maxOutputLength: Math.max(1, rawLength) };
    raw = codec === 'brotli' ? brotliDecompressSync(stored, options) : inflateRawSync(stored, options);
  } catch (cause) {
    throw new PageError('DELTA_CORRUPT', `${what}: ${codec} data does not decompress to ${rawLength} bytes`, { cause });
  }
  if (raw.length !== rawLength) {
    throw new PageError('DELTA_CORRUPT', `${what}: ${codec} data decompresses to ${raw.length} bytes; the header says ${rawLength}`);
  }
  return view(raw);
}
