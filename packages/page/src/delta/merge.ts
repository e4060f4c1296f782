// ⊕: two deltas of one page folded into one with the same effect.
import { PageError } from '../errors.js';
import { toPlainDelta } from './plain.js';
import { deltaOf, mergeRunSets, normalizeRunSet, runSetOf } from './runs.js';
import type { BoundDelta, Delta, PlainDelta } from './types.js';

/**
 * `a ⊕ b`: one delta with the effect of applying `a`, then `b`. Where both write, `b`'s bytes
 * win; the before-image is `a`'s where `a` writes and `b`'s elsewhere, which is what undoing both
 * needs, and is kept only when both are bound. The result is normalized — runs sorted, disjoint,
 * touching runs joined, a delta covering the whole page written dense — so deltas with equal
 * effects are equal field by field and encode to equal bytes. (Runs separated by a gap stay
 * apart: merge does not know the gap's bytes.) Deltas of different pages or sizes are
 * DELTA_MISMATCH.
 */
export function mergeDeltas(a: BoundDelta, b: BoundDelta): BoundDelta;
export function mergeDeltas(a: Delta, b: Delta): PlainDelta;
export function mergeDeltas(a: Delta, b: Delta): PlainDelta {
  const pa = toPlainDelta(a, 'mergeDeltas');
  const pb = toPlainDelta(b, 'mergeDeltas');
  if (pa.pageId !== pb.pageId || pa.size !== pb.size) {
    throw new PageError(
      'DELTA_MISMATCH',
      `mergeDeltas: cannot merge a delta for page ${pa.pageId} of ${pa.size} bytes with one for page ${pb.pageId} of ${pb.size} bytes`,
    );
  }
  const merged = mergeRunSets(normalizeRunSet(runSetOf(pa)), normalizeRunSet(runSetOf(pb)));
  return deltaOf(pa.pageId, pa.size, merged);
}
