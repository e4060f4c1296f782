import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import {
  applySparseRuns,
  crc32c,
  crc32cRange,
  DEFAULT_MERGE_GAP,
  kernels,
  type Kernels,
  NativeError,
  nativeKernels,
  type SparseRuns,
  tsKernels,
} from '../src/index.js';
import { arbPagePair, arbRuns, arbView, clone, codeOf, placed, plainRuns } from './support/arbitraries.js';
import { atSimdLevel, SIMD_LEVELS } from './support/simd.js';

const encoder = new TextEncoder();

// Every law below is checked on each implementation this machine has; without the binary that is
// the TS twin alone, and the native-vs-TS comparisons further down are reported as skipped.
const implementations: [string, Kernels][] = [['ts', tsKernels]];
if (nativeKernels !== null) implementations.push(['native', nativeKernels]);

function runsOf(pairs: readonly (readonly [number, number])[], fill = 0xab): SparseRuns {
  const total = pairs.reduce((sum, [, len]) => sum + len, 0);
  return {
    offsets: Uint32Array.from(pairs.map(([off]) => off)),
    lengths: Uint32Array.from(pairs.map(([, len]) => len)),
    data: new Uint8Array(total).fill(fill),
  };
}

describe.each(implementations)('%s kernels', (_name, k) => {
  test('crc32c of "123456789" is the Castagnoli check value 0xE3069283', () => {
    expect(k.crc32c(encoder.encode('123456789'))).toBe(0xe3069283);
    expect(k.crc32c(new Uint8Array(0))).toBe(0);
    expect(k.crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
  });

  test('crc32c seeded with the CRC of a prefix equals the CRC of the whole (incremental = one-shot)', () => {
    fc.assert(
      fc.property(arbView(3000), fc.nat(), (data, cut) => {
        const at = data.length === 0 ? 0 : cut % (data.length + 1);
        const head = k.crc32c(data.subarray(0, at));
        expect(k.crc32c(data.subarray(at), head)).toBe(k.crc32c(data));
      }),
    );
  });

  test('applying diffPages(before, after) to before gives after, and runs are sorted with gaps above mergeGap', () => {
    fc.assert(
      fc.property(arbPagePair(600), fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }), ({ before, after }, gap) => {
        const runs = k.diffPages(before, after, gap);
        const page = clone(before);
        k.applySparseRuns(page, runs);
        expect([...page]).toEqual([...after]);
        const g = gap ?? DEFAULT_MERGE_GAP;
        for (let r = 1; r < runs.offsets.length; r++) {
          const prevEnd = (runs.offsets[r - 1] ?? 0) + (runs.lengths[r - 1] ?? 0);
          expect((runs.offsets[r] ?? 0) - prevEnd).toBeGreaterThan(g);
        }
      }),
    );
  });

  test('diffPages of equal pages is empty, and of empty pages too', () => {
    const page = new Uint8Array(5000).fill(7);
    expect(plainRuns(k.diffPages(page, page.slice()))).toEqual({ offsets: [], lengths: [], data: [] });
    expect(k.diffPages(new Uint8Array(0), new Uint8Array(0)).offsets.length).toBe(0);
  });

  test('diffPages folds an equal gap of exactly mergeGap bytes and splits at one more', () => {
    const before = new Uint8Array(100);
    const after = before.slice();
    after[10] = 1;
    after[19] = 1; // gap of 8 equal bytes (11..18)
    expect(plainRuns(k.diffPages(before, after, 8)).offsets).toEqual([10]);
    expect(plainRuns(k.diffPages(before, after, 7)).offsets).toEqual([10, 19]);
  });

  test('applySparseRuns writes a run that ends exactly at the page boundary', () => {
    const page = new Uint8Array(4096);
    k.applySparseRuns(page, runsOf([[4096 - 16, 16], [4096, 0]]));
    expect(page[4095]).toBe(0xab);
    expect(page[4096 - 17]).toBe(0);
  });

  test('applySparseRuns lets a later run win where runs overlap', () => {
    const page = new Uint8Array(32);
    const runs: SparseRuns = {
      offsets: Uint32Array.of(0, 4),
      lengths: Uint32Array.of(8, 2),
      data: Uint8Array.of(1, 1, 1, 1, 1, 1, 1, 1, 9, 9),
    };
    k.applySparseRuns(page, runs);
    expect([...page.subarray(0, 9)]).toEqual([1, 1, 1, 1, 9, 9, 1, 1, 0]);
  });

  test('applySparseRuns refuses an out-of-range run with RUN_OUT_OF_RANGE and leaves the page unchanged', () => {
    const page = new Uint8Array(4096).fill(5);
    const runs = runsOf([[0, 8], [4090, 16]]);
    let caught: unknown;
    try {
      k.applySparseRuns(page, runs);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NativeError);
    expect((caught as NativeError).code).toBe('RUN_OUT_OF_RANGE');
    expect((caught as NativeError).message).toContain('offset 4090 length 16 exceeds page of 4096 bytes');
    expect(page.every((b) => b === 5)).toBe(true);
  });

  test('applySparseRuns refuses offsets+length beyond 2^32 rather than wrapping into range', () => {
    const runs: SparseRuns = { offsets: Uint32Array.of(0xffff_fff0), lengths: Uint32Array.of(0x20), data: new Uint8Array(0x20) };
    expect(codeOf(() => k.applySparseRuns(new Uint8Array(64), runs))).toBe('RUN_OUT_OF_RANGE');
  });

  test('applySparseRuns refuses mismatched run arrays and data with LENGTH_MISMATCH', () => {
    const page = new Uint8Array(64);
    expect(codeOf(() => k.applySparseRuns(page, { offsets: Uint32Array.of(0, 1), lengths: Uint32Array.of(1), data: new Uint8Array(1) }))).toBe(
      'LENGTH_MISMATCH',
    );
    expect(codeOf(() => k.applySparseRuns(page, { ...runsOf([[0, 4]]), data: new Uint8Array(5) }))).toBe('LENGTH_MISMATCH');
    expect(codeOf(() => k.applySparseRuns(page, { ...runsOf([[0, 4]]), data: new Uint8Array(3) }))).toBe('LENGTH_MISMATCH');
  });

  test('applySparseRuns reads data as it was on entry even when data is a view of the page itself', () => {
    const page = Uint8Array.from({ length: 16 }, (_, i) => i);
    // Run 0 overwrites bytes 4..7, which run 1's data (a view of the page) covers.
    const runs: SparseRuns = { offsets: Uint32Array.of(4, 8), lengths: Uint32Array.of(4, 4), data: page.subarray(0, 8) };
    k.applySparseRuns(page, runs);
    expect([...page]).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15]);
  });

  test('arguments of the wrong type are refused with INVALID_ARGUMENT naming the argument', () => {
    const u8 = new Uint8Array(8);
    const bad = new Uint16Array(4) as unknown as Uint8Array;
    expect(codeOf(() => k.copyBytes(bad, u8))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => k.crc32c(bad))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => k.crc32c(u8, -1))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => k.crc32c(u8, 2 ** 32))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => k.diffPages(u8, u8, 1.5))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => k.applySparseRuns(u8, { offsets: [0] as unknown as Uint32Array, lengths: Uint32Array.of(1), data: u8.subarray(0, 1) }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(codeOf(() => k.applySparseRuns(u8, null as unknown as SparseRuns))).toBe('INVALID_ARGUMENT');
    try {
      k.xorInto(u8, bad);
    } catch (error) {
      expect((error as Error).message).toContain('src must be a Uint8Array');
    }
  });

  test('copyBytes, xorInto and diffPages refuse length mismatches with LENGTH_MISMATCH', () => {
    expect(codeOf(() => k.copyBytes(new Uint8Array(4), new Uint8Array(5)))).toBe('LENGTH_MISMATCH');
    expect(codeOf(() => k.xorInto(new Uint8Array(4), new Uint8Array(5)))).toBe('LENGTH_MISMATCH');
    expect(codeOf(() => k.diffPages(new Uint8Array(4), new Uint8Array(5)))).toBe('LENGTH_MISMATCH');
  });

  test('copyBytes copies into the start of a longer dst and compareBytes orders a proper prefix first', () => {
    const dst = new Uint8Array(8).fill(9);
    k.copyBytes(dst, Uint8Array.of(1, 2, 3));
    expect([...dst]).toEqual([1, 2, 3, 9, 9, 9, 9, 9]);
    expect(k.compareBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 0))).toBe(-1);
    expect(k.compareBytes(Uint8Array.of(1, 2, 0), Uint8Array.of(1, 2))).toBe(1);
    expect(k.compareBytes(new Uint8Array(0), new Uint8Array(0))).toBe(0);
    expect(k.compareBytes(Uint8Array.of(0xff), Uint8Array.of(0x01))).toBe(1);
  });

  test('kernels on empty arrays do nothing and succeed', () => {
    const e = new Uint8Array(0);
    k.copyBytes(e, e);
    k.zeroBytes(e);
    k.xorInto(e, e);
    k.applySparseRuns(e, runsOf([]));
    k.applySparseRuns(e, runsOf([[0, 0]]));
    expect(k.compareBytes(e, e)).toBe(0);
  });

  test('writes through a SharedArrayBuffer view are visible through another view of the same memory (zero-copy)', () => {
    const sab = new SharedArrayBuffer(4096);
    const page = new Uint8Array(sab, 3, 4000);
    const other = new Uint8Array(sab);
    k.applySparseRuns(page, runsOf([[10, 4]], 0x77));
    expect(other[13]).toBe(0x77);
    k.xorInto(page, new Uint8Array(4000).fill(0xff));
    expect(other[13]).toBe(0x88);
    k.copyBytes(page.subarray(100), Uint8Array.of(1, 2));
    expect(other[103]).toBe(1);
    k.zeroBytes(page);
    expect(other[13]).toBe(0);
  });
});

describe.runIf(nativeKernels !== null).each(SIMD_LEVELS)('native kernels at SIMD level %s match the TS twin byte for byte', (level) => {
  const native = nativeKernels as Kernels;

  test('crc32c matches on random views, including lengths that reach the 3-way interleaved loop', () => {
    atSimdLevel(level, () => {
      fc.assert(
        fc.property(arbView(2000), fc.option(fc.nat({ max: 0xffff_ffff }), { nil: undefined }), (data, seed) => {
          expect(native.crc32c(data, seed)).toBe(tsKernels.crc32c(data, seed));
        }),
      );
      for (const size of [24_575, 24_576, 24_577, 100_003]) {
        const data = placed(Uint8Array.from({ length: size }, (_, i) => (i * 31 + (i >> 7)) & 0xff), size % 8, false);
        expect(native.crc32c(data)).toBe(tsKernels.crc32c(data));
      }
    });
  });

  test('applySparseRuns matches, overlapping runs included, on unaligned and shared pages', () => {
    atSimdLevel(level, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 700 }).chain((size) => fc.tuple(fc.constant(size), arbRuns(size), fc.integer({ min: 0, max: 7 }), fc.boolean())),
          ([size, runs, shift, shared]) => {
            const base = Uint8Array.from({ length: size }, (_, i) => i & 0xff);
            const a = placed(base, shift, shared);
            const b = placed(base, shift, shared);
            native.applySparseRuns(a, runs);
            tsKernels.applySparseRuns(b, runs);
            expect([...a]).toEqual([...b]);
          },
        ),
      );
    });
  });

  test('applySparseRuns fails the same way on the same bad runs, leaving the page unchanged', () => {
    atSimdLevel(level, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 300 }),
          fc.array(fc.tuple(fc.nat({ max: 400 }), fc.nat({ max: 120 })), { maxLength: 8 }),
          fc.integer({ min: -2, max: 2 }),
          (size, pairs, dataSkew) => {
            const total = pairs.reduce((sum, [, len]) => sum + len, 0);
            const runs: SparseRuns = {
              offsets: Uint32Array.from(pairs.map(([off]) => off)),
              lengths: Uint32Array.from(pairs.map(([, len]) => len)),
              data: new Uint8Array(Math.max(0, total + dataSkew)).fill(1),
            };
            const a = new Uint8Array(size);
            const b = new Uint8Array(size);
            const codeA = codeOf(() => native.applySparseRuns(a, runs));
            expect(codeA).toBe(codeOf(() => tsKernels.applySparseRuns(b, runs)));
            expect([...a]).toEqual([...b]);
            if (codeA !== 'none') expect(a.every((x) => x === 0)).toBe(true);
          },
        ),
      );
    });
  });

  test('diffPages matches (same runs, same data) for every mergeGap', () => {
    atSimdLevel(level, () => {
      fc.assert(
        fc.property(arbPagePair(1500), fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }), ({ before, after }, gap) => {
          expect(plainRuns(native.diffPages(before, after, gap))).toEqual(plainRuns(tsKernels.diffPages(before, after, gap)));
        }),
      );
    });
  });

  test('xorInto, copyBytes, zeroBytes and compareBytes match on unaligned views', () => {
    atSimdLevel(level, () => {
      fc.assert(
        fc.property(arbPagePair(700), ({ before, after }) => {
          const x1 = clone(before);
          const x2 = clone(before);
          native.xorInto(x1, after);
          tsKernels.xorInto(x2, after);
          expect([...x1]).toEqual([...x2]);
          expect(native.compareBytes(before, after)).toBe(tsKernels.compareBytes(before, after));
          expect(native.compareBytes(before, before.subarray(0, before.length >> 1))).toBe(
            tsKernels.compareBytes(before, before.subarray(0, before.length >> 1)),
          );
          const c1 = new Uint8Array(before.length + 3);
          const c2 = new Uint8Array(before.length + 3);
          native.copyBytes(c1.subarray(1), after);
          tsKernels.copyBytes(c2.subarray(1), after);
          expect([...c1]).toEqual([...c2]);
          native.zeroBytes(c1.subarray(2));
          tsKernels.zeroBytes(c2.subarray(2));
          expect([...c1]).toEqual([...c2]);
        }),
      );
    });
  });
});

describe('crc32cRange', () => {
  test('equals crc32c of the subarray, on both sides of the length where it stops running in JS', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.nat(), fc.nat(), fc.nat({ max: 0xffff_ffff }), (data, a, b, seed) => {
        const start = data.length === 0 ? 0 : a % (data.length + 1);
        const end = start + (data.length - start === 0 ? 0 : b % (data.length - start + 1));
        expect(crc32cRange(data, start, end, seed)).toBe(crc32c(data.subarray(start, end), seed));
        expect(crc32cRange(data, start, end)).toBe(tsKernels.crc32c(data.subarray(start, end)));
      }),
    );
    expect(crc32cRange(encoder.encode('xx123456789yy'), 2, 11)).toBe(0xe3069283);
  });
  test('refuses ranges outside the bytes and bad seeds', () => {
    const u8 = new Uint8Array(16);
    expect(codeOf(() => crc32cRange(u8, 4, 17))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => crc32cRange(u8, 5, 4))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => crc32cRange(u8, -1, 4))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => crc32cRange(u8, 0.5, 4))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => crc32cRange(u8, 0, 4, -1))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => crc32cRange([1, 2] as unknown as Uint8Array, 0, 1))).toBe('INVALID_ARGUMENT');
  });
});

describe('top-level functions', () => {
  test('dispatch to the native kernels when the binary loaded and to the TS twin otherwise', () => {
    expect(kernels).toBe(nativeKernels ?? tsKernels);
    expect(crc32c(encoder.encode('123456789'))).toBe(0xe3069283);
    const page = new Uint8Array(8);
    applySparseRuns(page, runsOf([[2, 2]], 3));
    expect([...page]).toEqual([0, 0, 3, 3, 0, 0, 0, 0]);
  });
});
