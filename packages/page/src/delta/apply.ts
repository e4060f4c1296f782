// Applying a delta to a page, in place, keeping what undoing it needs. This is the hot path of a
// simulation: after validation it allocates only the before-image and the returned object, and
// writes through the native kernels.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- indexes stay below lengths checked just before */
import { applySparseRuns, copyBytes } from '@mmsb/native';
import { PageError } from '../errors.js';
import { ownedBytes } from '../internal/slab.js';
import { toPlainDelta } from './plain.js';
import { copyRange } from './runs.js';
import type { BoundDelta, Delta, PlainDelta } from './types.js';
import { checkBytes } from './validate.js';

/** Dense copies above this many bytes go through the native kernels. */
const NATIVE_COPY_BYTES = 1024;
/** Sparse deltas of up to this many runs (and NATIVE_COPY_BYTES bytes) are written in JS. */
const SMALL_RUNS = 16;

/**
 * Writes `delta` into `page` in place and returns it bound: its after-bytes plus the bytes it
 * overwrote, ready for `invertDelta`. Everything is validated first — a page whose length is not
 * the delta's size is DELTA_MISMATCH, a run past the page DELTA_OUT_OF_RANGE, a malformed delta
 * INVALID_ARGUMENT, a corrupt compressed one DELTA_CORRUPT — and a refused delta leaves the page
 * untouched. The bound delta shares the delta's after-bytes (no copy).
 */
export function applyDelta(page: Uint8Array, delta: Delta): BoundDelta {
  checkBytes(page, 'applyDelta', 'page');
  const plain = toPlainDelta(delta, 'applyDelta');
  const { pageId, size } = plain;
  if (page.length !== size) {
    throw new PageError('DELTA_MISMATCH', `applyDelta: delta for page ${pageId} of ${size} bytes cannot apply to a page of ${page.length} bytes`);
  }
  if (plain.kind === 'dense') {
    // The before-image from the delta slab (a fresh ArrayBuffer costs more than a small page);
    // small copies stay in JS, where `set` beats a call into the native module.
    const before = ownedBytes(size);
    if (size <= NATIVE_COPY_BYTES) {
      before.set(page);
      page.set(plain.bytes);
    } else {
      copyBytes(before, page);
      copyBytes(page, plain.bytes);
    }
    return { kind: 'dense', pageId, size, bytes: plain.bytes, before };
  }
  const { runs } = plain;
  const { offsets, lengths } = runs;
  // Every before-byte is read before any byte is written, so runs that overlap all record what
  // the page held on entry, and undoing them in order restores it.
  const before = ownedBytes(runs.data.length);
  let cursor = 0;
  for (let r = 0; r < offsets.length; r++) {
    const len = lengths[r]!;
    copyRange(before, cursor, page, offsets[r]!, len);
    cursor += len;
  }
  if (runs.data.length <= NATIVE_COPY_BYTES && offsets.length <= SMALL_RUNS) {
    // A few short runs (a small commit): a JS copy beats the call into the native module.
    const { data } = runs;
    let at = 0;
    for (let r = 0; r < offsets.length; r++) {
      const len = lengths[r]!;
      copyRange(page, offsets[r]!, data, at, len);
      at += len;
    }
    return { kind: 'sparse', pageId, size, runs, before };
  }
  try {
    applySparseRuns(page, runs);
  } catch (cause) {
    // Unreachable after the checks above; kept so a kernel refusal still arrives as a PageError.
    throw new PageError('INVALID_ARGUMENT', `applyDelta: the kernel refused the runs of page ${pageId}`, { cause });
  }
  return { kind: 'sparse', pageId, size, runs, before };
}

/**
 * Writes the after-bytes of a validated plain `delta` into `page` (its size), capturing nothing:
 * replay's path, which never undoes. The caller has checked the page size; the runs were checked
 * against it when the delta was decoded.
 */
export function writeDelta(page: Uint8Array, delta: PlainDelta): void {
  if (delta.kind === 'dense') {
    copyBytes(page, delta.bytes);
    return;
  }
  const { runs } = delta;
  if (runs.offsets.length === 0) return;
  try {
    applySparseRuns(page, runs);
  } catch (cause) {
    throw new PageError('INVALID_ARGUMENT', `writeDelta: the kernel refused the runs of page ${delta.pageId}`, { cause });
  }
}
