// The shapes of a delta. Plain objects, so a delta can be built, logged and compared without a
// class; every function of this folder treats them as immutable values and never copies them on
// the apply path, so a caller must not mutate arrays it handed over.
import type { SparseRuns } from '@mmsb/native';

/**
 * The codecs a compressed delta or an encoded frame may use: LZ4 (lz4-napi; what the store writes)
 * and brotli and deflate-raw (shipped with `node:zlib`).
 */
export type DeltaCodec = 'lz4' | 'brotli' | 'deflate-raw';

/**
 * Runs of (offset, length) over one page with their bytes concatenated in `runs.data`, in run
 * order; later runs win where runs overlap. Constructors and operations of this module return
 * them normalized: sorted, non-overlapping, non-adjacent, no empty run.
 */
export interface SparseDelta {
  readonly kind: 'sparse';
  /** The page this delta targets (an integer from 0 to 2^32 − 1). */
  readonly pageId: number;
  /** The size in bytes of that page (an integer from 0 to 2^32 − 1). */
  readonly size: number;
  /** The bytes written: `runs.data` holds the after-bytes. */
  readonly runs: SparseRuns;
  /** The bytes the runs overwrote, laid out like `runs.data`; null until the delta is bound. */
  readonly before: Uint8Array | null;
}

/** A whole page of new bytes. */
export interface DenseDelta {
  readonly kind: 'dense';
  /** The page this delta targets (an integer from 0 to 2^32 − 1). */
  readonly pageId: number;
  /** The size in bytes of that page; equals `bytes.length`. */
  readonly size: number;
  /** The page after the delta. */
  readonly bytes: Uint8Array;
  /** The page before the delta (`size` bytes); null until the delta is bound. */
  readonly before: Uint8Array | null;
}

/**
 * A dense or sparse delta kept compressed: `bytes` is its record (see docs/formats/delta.md)
 * encoded with `codec`. Every operation accepts it and decompresses it first.
 */
export interface CompressedDelta {
  readonly kind: 'compressed';
  /** The page this delta targets; equals the inner delta's. */
  readonly pageId: number;
  /** The size of that page; equals the inner delta's. */
  readonly size: number;
  readonly codec: DeltaCodec;
  /** Length of the inner record once decompressed. */
  readonly rawLength: number;
  /** CRC32C of the inner record once decompressed, so corruption inside the compressed bytes shows. */
  readonly rawCrc: number;
  /** The compressed inner record. */
  readonly bytes: Uint8Array;
}

/** A delta that is not compressed. */
export type PlainDelta = SparseDelta | DenseDelta;

/** A change to one page: dense (whole page), sparse (runs) or compressed (either, encoded). */
export type Delta = PlainDelta | CompressedDelta;

/**
 * A delta that carries its before-image — what `applyDelta` and `diffDelta` return — and so can
 * be undone with `invertDelta`.
 */
export type BoundDelta = (SparseDelta & { readonly before: Uint8Array }) | (DenseDelta & { readonly before: Uint8Array });

/** One run of user input: `bytes` to write at `offset`. */
export interface SparseRunInput {
  readonly offset: number;
  readonly bytes: Uint8Array;
}
