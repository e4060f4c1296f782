import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { applyDelta, DIFF_DENSE_FRACTION, diffDelta, invertDelta } from '../../src/index.js';
import { arbBytes, arbPageId, arbSize } from './arbitraries.js';

/** Two images of one page: unrelated, or the second a few edits away from the first. */
const arbPair = fc.tuple(arbPageId, arbSize).chain(([pageId, size]) =>
  fc.tuple(fc.constant(pageId), arbBytes(size)).chain(([id, a]) =>
    fc.record({
      pageId: fc.constant(id),
      a: fc.constant(a),
      b: fc.oneof(
        arbBytes(size),
        fc.array(fc.tuple(fc.nat(Math.max(0, size - 1)), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }).map((edits) => {
          const b = a.slice();
          for (const [at, v] of edits) if (at < size) b[at] = v;
          return b;
        }),
      ),
    }),
  ),
);

describe('diffDelta', () => {
  test('law: apply(a, diff(a, b)) = b, and undoing it gives a back', () => {
    fc.assert(
      fc.property(arbPair, ({ pageId, a, b }) => {
        const d = diffDelta(pageId, a, b);
        const s = a.slice();
        const bound = applyDelta(s, d);
        expect(s).toEqual(b);
        expect(bound.before).toEqual(d.before);
        applyDelta(s, invertDelta(d));
        expect(s).toEqual(a);
      }),
    );
  });

  test('is dense exactly when the sparse form would take at least DIFF_DENSE_FRACTION of the page', () => {
    const size = 64;
    const a = new Uint8Array(size);
    const few = a.slice();
    few[3] = 1;
    few[40] = 1;
    expect(diffDelta(1, a, few).kind).toBe('sparse');
    const most = a.slice().fill(1, 0, Math.ceil(size * DIFF_DENSE_FRACTION));
    const d = diffDelta(1, a, most);
    expect(d.kind).toBe('dense');
    expect(d.before).toEqual(a);
  });

  test('identical pages give the empty delta; a 0-byte page too', () => {
    const d = diffDelta(2, Uint8Array.of(1, 2), Uint8Array.of(1, 2));
    expect(d.kind).toBe('sparse');
    expect(d.kind === 'sparse' ? d.runs.offsets.length : -1).toBe(0);
    expect(diffDelta(2, new Uint8Array(0), new Uint8Array(0)).kind).toBe('sparse');
  });

  test('the delta owns its bytes: changing the images afterwards does not change it', () => {
    const a = new Uint8Array(16);
    const b = a.slice().fill(5);
    const d = diffDelta(1, a, b);
    a.fill(9);
    b.fill(9);
    expect(d.kind === 'dense' ? [...d.bytes] : []).toEqual(new Array(16).fill(5));
    expect([...d.before]).toEqual(new Array(16).fill(0));
  });

  test('refuses images of different lengths (DELTA_MISMATCH), bad ids and non-byte images (INVALID_ARGUMENT), changing neither', () => {
    const a = Uint8Array.of(1, 2, 3);
    const b = Uint8Array.of(1, 2);
    expect(() => diffDelta(1, a, b)).toThrow(expect.objectContaining({ code: 'DELTA_MISMATCH', message: expect.stringContaining('3 bytes') }));
    expect(() => diffDelta(1.5, a, a)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => diffDelta(-1, a, a)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => diffDelta(2 ** 32, a, a)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => diffDelta(1, [1, 2, 3] as unknown as Uint8Array, a)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect([...a]).toEqual([1, 2, 3]);
    expect([...b]).toEqual([1, 2]);
  });
});
