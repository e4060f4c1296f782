import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { applyDelta, denseDelta, emptyDelta, invertDelta, isPageError, mergeDeltas, sparseDelta } from '../../src/index.js';
import type { Delta } from '../../src/index.js';
import { arbBytes, arbRuns, arbScenario, arbSize, canonical, fields, rawSparse } from './arbitraries.js';

function effect(page: Uint8Array, ...deltas: Delta[]): Uint8Array {
  const s = page.slice();
  for (const d of deltas) applyDelta(s, d);
  return s;
}

describe('mergeDeltas', () => {
  test('law: apply(apply(s, a), b) = apply(s, merge(a, b)), and the merged before-images undo both', () => {
    fc.assert(
      fc.property(arbScenario(2), ({ page, deltas: [a, b] }) => {
        if (a === undefined || b === undefined) return;
        const s = page.slice();
        const boundA = applyDelta(s, a);
        const boundB = applyDelta(s, b);
        expect(effect(page, mergeDeltas(a, b))).toEqual(s);
        const merged = mergeDeltas(boundA, boundB);
        expect(merged.before).not.toBeNull();
        expect(effect(page, merged)).toEqual(s);
        applyDelta(s, invertDelta(merged));
        expect(s).toEqual(page);
      }),
    );
  });

  test('law: merge is associative, on effect and on normalized encoding, bound or not', () => {
    fc.assert(
      fc.property(arbScenario(3), ({ page, deltas: [a, b, c] }) => {
        if (a === undefined || b === undefined || c === undefined) return;
        expect(canonical(mergeDeltas(mergeDeltas(a, b), c))).toEqual(canonical(mergeDeltas(a, mergeDeltas(b, c))));
        const s = page.slice();
        const [ba, bb, bc] = [applyDelta(s, a), applyDelta(s, b), applyDelta(s, c)];
        const left = mergeDeltas(mergeDeltas(ba, bb), bc);
        const right = mergeDeltas(ba, mergeDeltas(bb, bc));
        expect(canonical(left)).toEqual(canonical(right));
        expect(effect(page, left)).toEqual(s);
      }),
    );
  });

  test('law: the empty delta is the identity of merge, on effect and on normalized encoding', () => {
    fc.assert(
      fc.property(arbScenario(1), ({ pageId, size, page, deltas: [a] }) => {
        if (a === undefined) return;
        const e = emptyDelta(pageId, size);
        const normalized = mergeDeltas(a, e);
        expect(canonical(mergeDeltas(e, a))).toEqual(canonical(normalized));
        expect(canonical(mergeDeltas(normalized, e))).toEqual(canonical(normalized));
        expect(effect(page, normalized)).toEqual(effect(page, a));
        const bound = applyDelta(page.slice(), a);
        expect(canonical(mergeDeltas(e, bound))).toEqual(canonical(mergeDeltas(bound, e)));
        expect(mergeDeltas(bound, e).before).not.toBeNull();
      }),
    );
  });

  test('law: merging a normalized delta with the empty delta gives it back unchanged', () => {
    const arb = arbSize.chain((size) => fc.tuple(fc.constant(size), arbRuns(size), arbBytes(size)));
    fc.assert(
      fc.property(arb, ([size, runs, bytes]) => {
        const e = emptyDelta(5, size);
        for (const a of [sparseDelta(5, size, runs), denseDelta(5, bytes)]) {
          expect(canonical(mergeDeltas(a, e))).toEqual(canonical(a));
          expect(canonical(mergeDeltas(e, a))).toEqual(canonical(a));
        }
      }),
    );
  });

  test('law: deltas with equal effects merge to equal encodings (normalization is canonical)', () => {
    const a = rawSparse(3, 16, [
      { offset: 4, bytes: Uint8Array.of(1, 2) },
      { offset: 6, bytes: Uint8Array.of(3) },
      { offset: 0, bytes: Uint8Array.of(9, 9, 9, 9, 9) },
    ]);
    const b = sparseDelta(3, 16, [{ offset: 0, bytes: Uint8Array.of(9, 9, 9, 9, 9, 2, 3) }]);
    const e = emptyDelta(3, 16);
    expect(canonical(mergeDeltas(a, e))).toEqual(canonical(b));
    expect(fields(mergeDeltas(e, a))).toEqual(fields({ ...b, before: null }));
  });

  test('a merge covering the whole page is dense; b wins where both write; a keeps its before-image', () => {
    const s = Uint8Array.of(0, 1, 2, 3);
    const a = applyDelta(s, sparseDelta(1, 4, [{ offset: 0, bytes: Uint8Array.of(10, 11) }]));
    const b = applyDelta(s, sparseDelta(1, 4, [{ offset: 1, bytes: Uint8Array.of(21, 22, 23) }]));
    const m = mergeDeltas(a, b);
    expect(fields(m)).toEqual({ kind: 'dense', pageId: 1, size: 4, bytes: [10, 21, 22, 23], before: [0, 1, 2, 3] });
  });

  test('an unbound side gives an unbound merge', () => {
    const s = new Uint8Array(8);
    const bound = applyDelta(s, sparseDelta(1, 8, [{ offset: 0, bytes: Uint8Array.of(1) }]));
    expect(mergeDeltas(bound, denseDelta(1, new Uint8Array(8))).before).toBeNull();
    expect(mergeDeltas(sparseDelta(1, 8, []), bound).before).toBeNull();
  });

  test('refuses deltas of different pages or sizes with DELTA_MISMATCH and leaves both as they were', () => {
    const a = sparseDelta(1, 8, [{ offset: 0, bytes: Uint8Array.of(1) }]);
    const b = sparseDelta(2, 8, [{ offset: 1, bytes: Uint8Array.of(2) }]);
    const c = sparseDelta(1, 9, [{ offset: 1, bytes: Uint8Array.of(2) }]);
    const before = [fields(a), fields(b), fields(c)];
    expect(() => mergeDeltas(a, b)).toThrow(expect.objectContaining({ code: 'DELTA_MISMATCH', message: expect.stringMatching(/page 1 of 8 bytes .* page 2 of 8 bytes/) }));
    expect(() => mergeDeltas(a, c)).toThrow(expect.objectContaining({ code: 'DELTA_MISMATCH' }));
    expect([fields(a), fields(b), fields(c)]).toEqual(before);
  });

  test('refuses malformed deltas: out-of-range runs, wrong data length, non-integer ids, non-deltas', () => {
    const good = sparseDelta(1, 8, []);
    const outOfRange = rawSparse(1, 8, [{ offset: 6, bytes: Uint8Array.of(1, 2, 3) }]);
    const badData = { ...rawSparse(1, 8, [{ offset: 0, bytes: Uint8Array.of(1) }]), runs: { offsets: Uint32Array.of(0), lengths: Uint32Array.of(2), data: Uint8Array.of(1) } };
    const badId = { ...good, pageId: 1.5 };
    const snap = fields(outOfRange);
    const codeOf = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return isPageError(e) ? e.code : 'not a PageError';
      }
      return undefined;
    };
    expect(codeOf(() => mergeDeltas(good, outOfRange))).toBe('DELTA_OUT_OF_RANGE');
    expect(codeOf(() => mergeDeltas(badData, good))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => mergeDeltas(badId, good))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => mergeDeltas(null as unknown as Delta, good))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => mergeDeltas({ kind: 'bogus' } as unknown as Delta, good))).toBe('INVALID_ARGUMENT');
    expect(fields(outOfRange)).toEqual(snap);
  });
});
