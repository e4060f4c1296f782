import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { applyDelta, compressDelta, denseDelta, emptyDelta, isEmptyDelta, sparseDelta } from '../../src/index.js';
import type { SparseRunInput } from '../../src/index.js';
import { arbBytes, arbRuns, arbSize, fields, rawSparse } from './arbitraries.js';

const arbInput = arbSize.chain((size) => fc.tuple(fc.constant(size), arbRuns(size), arbBytes(size)));

describe('sparseDelta', () => {
  test('has the effect of its runs in order, normalized: sorted, disjoint, non-touching, non-empty', () => {
    fc.assert(
      fc.property(arbInput, ([size, runs, page]) => {
        const d = sparseDelta(4, size, runs);
        const expected = page.slice();
        for (const run of runs) expected.set(run.bytes, run.offset);
        const s = page.slice();
        applyDelta(s, d);
        expect(s).toEqual(expected);
        if (d.kind === 'sparse') {
          let end = -1;
          d.runs.offsets.forEach((off, r) => {
            const len = d.runs.lengths[r] ?? 0;
            expect(len).toBeGreaterThan(0);
            expect(off).toBeGreaterThan(end);
            end = off + len;
          });
        } else {
          expect(d.size).toBe(size);
        }
      }),
    );
  });

  test('accepts SparseRuns and gives the same delta as the equivalent run list', () => {
    fc.assert(
      fc.property(arbInput, ([size, runs]) => {
        const raw = rawSparse(4, size, runs);
        expect(fields(sparseDelta(4, size, raw.runs))).toEqual(fields(sparseDelta(4, size, runs)));
      }),
    );
  });

  test('is dense when the runs cover the whole page', () => {
    const d = sparseDelta(1, 4, [{ offset: 2, bytes: Uint8Array.of(3, 4) }, { offset: 0, bytes: Uint8Array.of(1, 2) }]);
    expect(fields(d)).toEqual({ kind: 'dense', pageId: 1, size: 4, bytes: [1, 2, 3, 4], before: null });
  });

  test('copies a run list, so changing the input afterwards does not change the delta', () => {
    const bytes = Uint8Array.of(1, 2);
    const d = sparseDelta(1, 8, [{ offset: 0, bytes }]);
    bytes.fill(0);
    expect(d.kind === 'sparse' ? [...d.runs.data] : []).toEqual([1, 2]);
  });

  describe('refuses bad input and leaves it unchanged', () => {
    const cases: [string, string, () => [number, number, readonly SparseRunInput[]]][] = [
      ['a run past the page (DELTA_OUT_OF_RANGE)', 'DELTA_OUT_OF_RANGE', () => [1, 8, [{ offset: 6, bytes: Uint8Array.of(1, 2, 3) }]]],
      ['a run at offset = size with bytes', 'DELTA_OUT_OF_RANGE', () => [1, 8, [{ offset: 8, bytes: Uint8Array.of(1) }]]],
      ['a non-integer page id', 'INVALID_ARGUMENT', () => [1.5, 8, []]],
      ['a page id past 2^32 − 1', 'INVALID_ARGUMENT', () => [2 ** 32, 8, []]],
      ['a negative size', 'INVALID_ARGUMENT', () => [1, -8, []]],
      ['a NaN size', 'INVALID_ARGUMENT', () => [1, Number.NaN, []]],
      ['a negative offset', 'INVALID_ARGUMENT', () => [1, 8, [{ offset: -1, bytes: Uint8Array.of(1) }]]],
      ['a fractional offset', 'INVALID_ARGUMENT', () => [1, 8, [{ offset: 0.5, bytes: Uint8Array.of(1) }]]],
      ['bytes that are not a Uint8Array', 'INVALID_ARGUMENT', () => [1, 8, [{ offset: 0, bytes: [1] as unknown as Uint8Array }]]],
      ['a run that is not an object', 'INVALID_ARGUMENT', () => [1, 8, [null as unknown as SparseRunInput]]],
    ];
    test.each(cases)('%s', (_name, code, make) => {
      const [pageId, size, runs] = make();
      const snap = structuredClone(runs);
      expect(() => sparseDelta(pageId, size, runs)).toThrow(expect.objectContaining({ name: 'PageError', code }));
      expect(runs).toEqual(snap);
    });

    test('SparseRuns with a run out of range, or data of the wrong length', () => {
      const runs = { offsets: Uint32Array.of(4), lengths: Uint32Array.of(8), data: new Uint8Array(8) };
      expect(() => sparseDelta(1, 8, runs)).toThrow(expect.objectContaining({ code: 'DELTA_OUT_OF_RANGE' }));
      const short = { offsets: Uint32Array.of(0), lengths: Uint32Array.of(8), data: new Uint8Array(7) };
      expect(() => sparseDelta(1, 8, short)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(() => sparseDelta(1, 8, null as unknown as SparseRunInput[])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect([...runs.offsets, ...runs.lengths]).toEqual([4, 8]);
    });
  });
});

describe('denseDelta', () => {
  test('replaces the whole page; its size is the byte count; 0 bytes give an empty delta', () => {
    expect(fields(denseDelta(2, Uint8Array.of(5, 6)))).toEqual({ kind: 'dense', pageId: 2, size: 2, bytes: [5, 6], before: null });
    expect(isEmptyDelta(denseDelta(2, new Uint8Array(0)))).toBe(true);
  });

  test('refuses a non-integer id or non-byte input (INVALID_ARGUMENT)', () => {
    expect(() => denseDelta(Number.POSITIVE_INFINITY, Uint8Array.of(1))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => denseDelta(1, 'abc' as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('emptyDelta and isEmptyDelta', () => {
  test('the empty delta changes nothing and is bound', () => {
    const s = Uint8Array.of(1, 2, 3);
    const e = emptyDelta(7, 3);
    expect(isEmptyDelta(e)).toBe(true);
    expect(e.before.length).toBe(0);
    applyDelta(s, e);
    expect([...s]).toEqual([1, 2, 3]);
  });

  test('a delta of only empty runs is empty, one writing a byte is not, compressed or not', () => {
    expect(isEmptyDelta(rawSparse(1, 4, [{ offset: 4, bytes: new Uint8Array(0) }]))).toBe(true);
    const one = sparseDelta(1, 4, [{ offset: 3, bytes: Uint8Array.of(0) }]);
    expect(isEmptyDelta(one)).toBe(false);
    expect(isEmptyDelta(compressDelta(one))).toBe(false);
    expect(isEmptyDelta(compressDelta(emptyDelta(1, 4)))).toBe(true);
    expect(isEmptyDelta(denseDelta(1, Uint8Array.of(0)))).toBe(false);
  });

  test('refuse bad ids and sizes, and non-deltas (INVALID_ARGUMENT)', () => {
    expect(() => emptyDelta(-1, 3)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => emptyDelta(1, 2 ** 32)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => emptyDelta('1' as unknown as number, 3)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => isEmptyDelta(undefined as unknown as ReturnType<typeof emptyDelta>)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
