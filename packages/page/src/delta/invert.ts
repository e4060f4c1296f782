// Undo: a bound delta turned around.
import { PageError } from '../errors.js';
import { toPlainDelta } from './plain.js';
import type { BoundDelta, Delta } from './types.js';

/**
 * The delta that undoes `bound` (as returned by `applyDelta`, `diffDelta` or a merge of bound
 * deltas): its before- and after-bytes swapped, no copy. Applying it to the page `bound` produced
 * restores the page as it was. A delta without a before-image is INVALID_ARGUMENT.
 */
export function invertDelta(bound: Delta): BoundDelta {
  const plain = toPlainDelta(bound, 'invertDelta');
  const { pageId, size, before } = plain;
  if (before === null) {
    throw new PageError('INVALID_ARGUMENT', `invertDelta: the delta for page ${pageId} carries no before-image; only a bound delta (from applyDelta or diffDelta) can be inverted`);
  }
  if (plain.kind === 'dense') return { kind: 'dense', pageId, size, bytes: before, before: plain.bytes };
  const { offsets, lengths, data } = plain.runs;
  return { kind: 'sparse', pageId, size, runs: { offsets, lengths, data: before }, before: data };
}
