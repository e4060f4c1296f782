import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { applyDelta, denseDelta, invertDelta, sparseDelta } from '../../src/index.js';
import { arbScenario, fields } from './arbitraries.js';

describe('invertDelta', () => {
  test('law: apply(apply(s, d), invert(bound d)) = s, for every kind, overlapping runs included', () => {
    fc.assert(
      fc.property(arbScenario(1), ({ page, deltas: [d] }) => {
        if (d === undefined) return;
        const s = page.slice();
        const bound = applyDelta(s, d);
        const undo = applyDelta(s, invertDelta(bound));
        expect(s).toEqual(page);
        // Undoing the undo redoes the delta.
        applyDelta(s, invertDelta(undo));
        expect(s).toEqual((() => {
          const t = page.slice();
          applyDelta(t, d);
          return t;
        })());
      }),
    );
  });

  test('swaps after- and before-bytes without copying', () => {
    const s = Uint8Array.of(1, 2, 3, 4);
    const bound = applyDelta(s, sparseDelta(1, 4, [{ offset: 1, bytes: Uint8Array.of(9, 9) }]));
    const inverse = invertDelta(bound);
    expect(fields(inverse)).toEqual({ kind: 'sparse', pageId: 1, size: 4, offsets: [1], lengths: [2], data: [2, 3], before: [9, 9] });
    expect(inverse.before).toBe(bound.kind === 'sparse' ? bound.runs.data : null);
  });

  test('refuses a delta without a before-image (INVALID_ARGUMENT) and leaves it unchanged', () => {
    const d = denseDelta(3, Uint8Array.of(1, 2));
    const snap = fields(d);
    expect(() => invertDelta(d)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('page 3') }));
    expect(fields(d)).toEqual(snap);
  });
});
