import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { normalizeRunList, normalizeRunSet } from '../../src/delta/runs.js';

/** Runs over a page of `size`: offsets anywhere, lengths 0–40 (zero-length runs included). */
const arbRuns = fc.integer({ min: 1, max: 600 }).chain((size) =>
  fc.array(
    fc.record({ offset: fc.nat(size - 1), length: fc.nat(40) }).map(({ offset, length }) => ({ offset, length: Math.min(length, size - offset) })),
    // Up to 120 runs: past the insertion sort's 48, so both sorts are checked.
    { maxLength: 120 },
  ),
);

function plain(set: { offsets: Uint32Array; lengths: Uint32Array; data: Uint8Array }): { offsets: number[]; lengths: number[]; data: number[] } {
  return { offsets: [...set.offsets], lengths: [...set.lengths], data: [...set.data] };
}

describe('normalizeRunList', () => {
  test('law: equals the merge-based normalization (later runs win, touching runs join), for any runs', () => {
    fc.assert(
      fc.property(arbRuns, fc.nat(), (runs, seed) => {
        const n = runs.length;
        const offsets = new Uint32Array(n + 3);
        const lengths = new Uint32Array(n + 3);
        const total = runs.reduce((t, r) => t + r.length, 0);
        const data = new Uint8Array(total + 5);
        for (let i = 0; i < data.length; i++) data[i] = (seed + i * 131) & 0xff;
        runs.forEach((r, i) => {
          offsets[i] = r.offset;
          lengths[i] = r.length;
        });
        const got = normalizeRunList(offsets, lengths, data, n);
        const want = normalizeRunSet({ offsets: offsets.slice(0, n), lengths: lengths.slice(0, n), data: data.slice(0, total), before: null });
        expect(plain(got)).toEqual(plain(want));
      }),
      { numRuns: 300 },
    );
  });
});
