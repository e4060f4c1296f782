// A delta computed from two images of a page, by the native diff kernel.
import { diffPages } from '@mmsb/native';
import { PageError } from '../errors.js';
import { copyRange } from './runs.js';
import type { BoundDelta } from './types.js';
import { checkBytes, checkU32 } from './validate.js';

/**
 * A diff becomes dense when its sparse form (an 8-byte header per run plus the changed bytes)
 * would take at least this share of the page. Past it the sparse form saves under 1/8 of the
 * bytes yet costs a header and a copy per run to apply and to capture the before-image, where
 * dense is one copy; the dense form is then at most 1/7 larger.
 */
export const DIFF_DENSE_FRACTION = 0.875;

/**
 * The bound delta that turns `before` into `after` (two images of page `pageId`, equal lengths):
 * `applyDelta(before, diffDelta(id, before, after))` leaves `before` equal to `after`. Runs come
 * from the native `diffPages` (equal gaps of up to 8 bytes are folded in); see
 * {@link DIFF_DENSE_FRACTION} for when it is dense. The delta owns its bytes: the images may
 * change afterwards. Unequal lengths are DELTA_MISMATCH.
 */
export function diffDelta(pageId: number, before: Uint8Array, after: Uint8Array): BoundDelta {
  checkU32(pageId, 'diffDelta', 'pageId');
  checkBytes(before, 'diffDelta', 'before');
  checkBytes(after, 'diffDelta', 'after');
  const size = before.length;
  if (after.length !== size) {
    throw new PageError('DELTA_MISMATCH', `diffDelta: before has ${size} bytes but after has ${after.length}; page ${pageId} needs equal lengths`);
  }
  checkU32(size, 'diffDelta', 'page size');
  const runs = diffPages(before, after);
  const { offsets, lengths } = runs;
  const n = offsets.length;
  if (n > 0 && n * 8 + runs.data.length >= size * DIFF_DENSE_FRACTION) {
    return { kind: 'dense', pageId, size, bytes: after.slice(), before: before.slice() };
  }
  const old = new Uint8Array(runs.data.length);
  let cursor = 0;
  for (let r = 0; r < n; r++) {
    const len = lengths[r] ?? 0;
    copyRange(old, cursor, before, offsets[r] ?? 0, len);
    cursor += len;
  }
  return { kind: 'sparse', pageId, size, runs, before: old };
}
