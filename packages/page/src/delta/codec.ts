// Byte codecs. LZ4 (lz4-napi: lz4_flex, a Rust LZ4, with prebuilt binaries) is what the store
// writes into its log and checkpoints: it compresses and decompresses several times faster than
// brotli at quality 1, which made replay and large commits codec-bound (docs/adr/0007). Brotli
// and deflate-raw come with node:zlib, so they always load; they stay readable for stores and
// deltas written before, and brotli is the fallback when the LZ4 binary cannot load.
import { createRequire } from 'node:module';
import { brotliCompressSync, brotliDecompressSync, constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import { PageError } from '../errors.js';
import type { DeltaCodec } from './types.js';

/** Codec ids in the encoding; 0 means stored as is. */
export const CODEC_NONE = 0;
const CODEC_BROTLI = 1;
const CODEC_DEFLATE_RAW = 2;
const CODEC_LZ4 = 3;

/** The LZ4 block stores its raw length first: a u32, little-endian. */
const LZ4_PREFIX_BYTES = 4;

/** The two calls of lz4-napi this code uses (a block with its raw length prepended). */
export interface Lz4Binding {
  compressSync(data: Buffer): Buffer;
  uncompressSync(data: Uint8Array): Buffer;
}

/** The loaded binding, null when it failed to load (why in `lz4Failure`), undefined before the first try. */
let lz4: Lz4Binding | null | undefined;
let lz4Failure: unknown = null;

/**
 * The LZ4 binding, loaded on first use. `MMSB_LZ4=0` refuses it (the brotli fallback, as if the
 * binary did not load). Loaded through `require` inside a try, so a missing or broken binary never
 * stops this module from loading: stores write brotli instead and say so in no error.
 */
function lz4Binding(): Lz4Binding | null {
  if (lz4 !== undefined) return lz4;
  if (process.env['MMSB_LZ4'] === '0') {
    lz4Failure = new Error('MMSB_LZ4=0 refuses the LZ4 binding');
    return (lz4 = null);
  }
  try {
    const loaded = createRequire(import.meta.url)('lz4-napi') as Partial<Lz4Binding>;
    if (typeof loaded.compressSync !== 'function' || typeof loaded.uncompressSync !== 'function') throw new Error('lz4-napi loaded without compressSync/uncompressSync');
    lz4 = loaded as Lz4Binding;
  } catch (error) {
    lz4Failure = error;
    lz4 = null;
  }
  return lz4;
}

/**
 * @internal Replaces the LZ4 binding (null: as if it failed to load; undefined: load again), for
 * tests of the fallback.
 */
export function setLz4BindingForTests(binding: Lz4Binding | null | undefined): void {
  lz4 = binding;
  lz4Failure = binding === null ? new Error('LZ4 binding disabled by a test') : null;
}

/** Whether the LZ4 binding loads here (false under `MMSB_LZ4=0` or when its binary cannot load). */
export function lz4Available(): boolean {
  return lz4Binding() !== null;
}

/** The codec the store writes: LZ4 when its binding loads, else brotli. */
export function storeCodec(): DeltaCodec {
  return lz4Available() ? 'lz4' : 'brotli';
}

function lz4OrThrow(what: string): Lz4Binding {
  const binding = lz4Binding();
  if (binding === null) {
    throw new PageError('CODEC_UNAVAILABLE', `${what}: the LZ4 codec (lz4-napi) did not load: ${String(lz4Failure)}; reinstall lz4-napi for this platform, or unset MMSB_LZ4=0`, { cause: lz4Failure });
  }
  return binding;
}

/** The id the encoding stores for `codec`. */
export function codecId(codec: DeltaCodec): number {
  return codec === 'lz4' ? CODEC_LZ4 : codec === 'brotli' ? CODEC_BROTLI : CODEC_DEFLATE_RAW;
}

/** The codec of an encoded id, or null for an id this format does not define. */
export function codecOfId(id: number): DeltaCodec | null {
  return id === CODEC_LZ4 ? 'lz4' : id === CODEC_BROTLI ? 'brotli' : id === CODEC_DEFLATE_RAW ? 'deflate-raw' : null;
}

/** Whether `value` names a codec of this module. */
export function isDeltaCodec(value: unknown): value is DeltaCodec {
  return value === 'lz4' || value === 'brotli' || value === 'deflate-raw';
}

function view(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}

/**
 * `raw` compressed with `codec` at its fast setting (LZ4 block with its length prepended, brotli
 * quality 1, deflate level 1). CODEC_UNAVAILABLE when `codec` is LZ4 and its binding did not load.
 */
export function compressBytes(codec: DeltaCodec, raw: Uint8Array): Uint8Array {
  if (codec === 'lz4') return view(lz4OrThrow('compress').compressSync(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)));
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
 * The output limit keeps a garbled stream from inflating without bound (for LZ4, the prepended
 * length must equal `rawLength` before anything is allocated). CODEC_UNAVAILABLE when `codec` is
 * LZ4 and its binding did not load.
 */
export function decompressBytes(codec: DeltaCodec, stored: Uint8Array, rawLength: number, what: string): Uint8Array {
  let raw: Buffer;
  if (codec === 'lz4') {
    const binding = lz4OrThrow(what);
    if (stored.byteLength < LZ4_PREFIX_BYTES) throw new PageError('DELTA_CORRUPT', `${what}: lz4 data of ${stored.byteLength} bytes lacks its ${LZ4_PREFIX_BYTES}-byte length`);
    const said = (stored[0] as number) | ((stored[1] as number) << 8) | ((stored[2] as number) << 16) | (((stored[3] as number) << 24) >>> 0);
    if (said >>> 0 !== rawLength) throw new PageError('DELTA_CORRUPT', `${what}: lz4 data says ${said >>> 0} bytes; the header says ${rawLength}`);
    try {
      raw = binding.uncompressSync(stored);
    } catch (cause) {
      throw new PageError('DELTA_CORRUPT', `${what}: lz4 data does not decompress to ${rawLength} bytes`, { cause });
    }
  } else {
    try {
      const options = { maxOutputLength: Math.max(1, rawLength) };
      raw = codec === 'brotli' ? brotliDecompressSync(stored, options) : inflateRawSync(stored, options);
    } catch (cause) {
      throw new PageError('DELTA_CORRUPT', `${what}: ${codec} data does not decompress to ${rawLength} bytes`, { cause });
    }
  }
  if (raw.length !== rawLength) {
    throw new PageError('DELTA_CORRUPT', `${what}: ${codec} data decompresses to ${raw.length} bytes; the header says ${rawLength}`);
  }
  return view(raw);
}
