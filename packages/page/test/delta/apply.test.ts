import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { applyDelta, compressDelta, denseDelta, sparseDelta } from '../../src/index.js';
import type { Delta } from '../../src/index.js';
import { arbScenario, fields, rawSparse } from './arbitraries.js';

/** The page after `delta`, by the definition: runs in order, later runs win. */
function reference(page: Uint8Array, delta: Delta): Uint8Array {
  const out = page.slice();
  if (delta.kind === 'dense') out.set(delta.bytes);
  if (delta.kind === 'sparse') {
    let cursor = 0;
    delta.runs.offsets.forEach((off, r) => {
      const len = delta.runs.lengths[r] ?? 0;
      out.set(delta.runs.data.subarray(cursor, cursor + len), off);
      cursor += len;
    });
  }
  return out;
}

/** The bytes of `page` under each run, concatenated in run order. */
function gather(page: Uint8Array, offsets: Uint32Array, lengths: Uint32Array): Uint8Array {
  const parts = [...offsets].map((off, r) => [...page.subarray(off, off + (lengths[r] ?? 0))]);
  return Uint8Array.from(parts.flat());
}

describe('applyDelta', () => {
  test('writes the runs in order (later runs win) and returns the delta bound to the bytes it overwrote', () => {
    fc.assert(
      fc.property(arbScenario(1), ({ page, deltas: [d] }) => {
        if (d === undefined || d.kind === 'compressed') return;
        const s = page.slice();
        const bound = applyDelta(s, d);
        expect(s).toEqual(reference(page, d));
        expect(bound.kind).toBe(d.kind);
        expect(fields({ ...bound, before: null })).toEqual(fields({ ...d, before: null }));
        expect(bound.before).toEqual(d.kind === 'dense' ? page : gather(page, d.runs.offsets, d.runs.lengths));
      }),
    );
  });

  test('captures the before-image of overlapping runs from the page as it was on entry', () => {
    const s = Uint8Array.of(0, 1, 2, 3, 4, 5);
    const d = rawSparse(9, 6, [
      { offset: 1, bytes: Uint8Array.of(10, 11, 12) },
      { offset: 2, bytes: Uint8Array.of(20, 21) },
    ]);
    const bound = applyDelta(s, d);
    expect([...s]).toEqual([0, 10, 20, 21, 4, 5]);
    expect([...bound.before]).toEqual([1, 2, 3, 2, 3]);
  });

  test('applies a compressed delta and returns the plain bound delta', () => {
    const s = new Uint8Array(64);
    const bound = applyDelta(s, compressDelta(sparseDelta(1, 64, [{ offset: 60, bytes: Uint8Array.of(7, 7, 7, 7) }])));
    expect(bound.kind).toBe('sparse');
    expect([...s.subarray(60)]).toEqual([7, 7, 7, 7]);
    expect([...bound.before]).toEqual([0, 0, 0, 0]);
  });

  test('a dense delta replaces the page and keeps the whole before-image', () => {
    const s = Uint8Array.of(1, 2, 3);
    const bound = applyDelta(s, denseDelta(0, Uint8Array.of(4, 5, 6)));
    expect([...s]).toEqual([4, 5, 6]);
    expect([...bound.before]).toEqual([1, 2, 3]);
  });

  describe('refuses bad input and leaves the page and the delta unchanged', () => {
    const cases: [string, string, () => Delta][] = [
      ['a page of another size (DELTA_MISMATCH)', 'DELTA_MISMATCH', () => sparseDelta(1, 9, [])],
      ['a dense delta of another size (DELTA_MISMATCH)', 'DELTA_MISMATCH', () => denseDelta(1, new Uint8Array(7))],
      ['a run past the end of the page', 'DELTA_OUT_OF_RANGE', () => rawSparse(1, 8, [{ offset: 0, bytes: Uint8Array.of(1) }, { offset: 7, bytes: Uint8Array.of(1, 2) }])],
      ['a run at an offset past the end', 'DELTA_OUT_OF_RANGE', () => rawSparse(1, 8, [{ offset: 9, bytes: new Uint8Array(0) }])],
      ['data shorter than the runs', 'INVALID_ARGUMENT', () => ({ ...rawSparse(1, 8, []), runs: { offsets: Uint32Array.of(0), lengths: Uint32Array.of(4), data: Uint8Array.of(1) } })],
      ['offsets without lengths', 'INVALID_ARGUMENT', () => ({ ...rawSparse(1, 8, []), runs: { offsets: Uint32Array.of(0), lengths: new Uint32Array(0), data: new Uint8Array(0) } })],
      ['offsets as a plain array', 'INVALID_ARGUMENT', () => ({ ...rawSparse(1, 8, []), runs: { offsets: [0] as unknown as Uint32Array, lengths: Uint32Array.of(1), data: Uint8Array.of(1) } })],
      ['a before-image of the wrong length', 'INVALID_ARGUMENT', () => ({ ...rawSparse(1, 8, [{ offset: 0, bytes: Uint8Array.of(1) }]), before: new Uint8Array(2) })],
      ['a non-integer page id', 'INVALID_ARGUMENT', () => ({ ...rawSparse(1, 8, []), pageId: 0.5 })],
      ['a negative page id', 'INVALID_ARGUMENT', () => ({ ...rawSparse(1, 8, []), pageId: -1 })],
      ['a non-integer size', 'INVALID_ARGUMENT', () => ({ ...rawSparse(1, 8, []), size: 8.5 })],
      ['an unknown kind', 'INVALID_ARGUMENT', () => ({ kind: 'patch' }) as unknown as Delta],
      ['a corrupt compressed delta', 'DELTA_CORRUPT', () => {
        const c = compressDelta(denseDelta(1, new Uint8Array(8).fill(3)));
        return { ...c, rawCrc: (c.rawCrc + 1) >>> 0 };
      }],
    ];
    test.each(cases)('%s', (_name, code, make) => {
      const page = Uint8Array.of(9, 8, 7, 6, 5, 4, 3, 2);
      const delta = make();
      const snap = structuredClone(delta);
      expect(() => applyDelta(page, delta)).toThrow(expect.objectContaining({ name: 'PageError', code }));
      expect([...page]).toEqual([9, 8, 7, 6, 5, 4, 3, 2]);
      expect(delta).toEqual(snap);
    });

    test('a page that is not a Uint8Array', () => {
      const delta = sparseDelta(1, 8, []);
      expect(() => applyDelta([0, 0] as unknown as Uint8Array, delta)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    });
  });
});
