// Generators and helpers shared by the delta tests. Sizes cover 0 and the tiny sizes next to it,
// odd sizes, 4 KiB, and runs that hug both ends of the page.
import fc from 'fast-check';

import { compressDelta, denseDelta, encodeDelta, sparseDelta } from '../../src/index.js';
import type { Delta, SparseDelta, SparseRunInput } from '../../src/index.js';

/** Page sizes: 0–8, odd sizes, a few hundred bytes, 4 KiB. */
export const arbSize: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 0, max: 8 }),
  fc.integer({ min: 0, max: 700 }).map((n) => 2 * n + 1),
  fc.integer({ min: 9, max: 300 }),
  fc.constant(4096),
);

/** Page ids, including the largest the encoding holds. */
export const arbPageId: fc.Arbitrary<number> = fc.oneof(fc.nat(10), fc.constant(0xffff_ffff), fc.nat());

/** Bytes of `length`: random, or drawn from four values so that compression has something to find. */
export function arbBytes(length: number): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.uint8Array({ minLength: length, maxLength: length }),
    fc.array(fc.integer({ min: 0, max: 3 }), { minLength: length, maxLength: length }).map((a) => Uint8Array.from(a)),
  );
}

/** One run inside a page of `size`: anywhere, at offset 0, or ending at the page's last byte. */
export function arbRun(size: number): fc.Arbitrary<SparseRunInput> {
  return fc
    .record({ len: fc.integer({ min: 0, max: Math.min(size, 48) }), where: fc.oneof(fc.constant(-1), fc.constant(-2), fc.nat(size)) })
    .chain(({ len, where }) => {
      const offset = where === -1 ? 0 : where === -2 ? size - len : Math.min(where, size - len);
      return arbBytes(len).map((bytes) => ({ offset, bytes }));
    });
}

/** Runs in the order given: overlapping, unsorted, empty ones included. */
export function arbRuns(size: number): fc.Arbitrary<SparseRunInput[]> {
  return fc.array(arbRun(size), { maxLength: 8 });
}

/** A sparse delta literal with runs exactly as given (not normalized): what a caller may hand in. */
export function rawSparse(pageId: number, size: number, runs: readonly SparseRunInput[]): SparseDelta {
  const total = runs.reduce((n, r) => n + r.bytes.length, 0);
  const data = new Uint8Array(total);
  let cursor = 0;
  for (const run of runs) {
    data.set(run.bytes, cursor);
    cursor += run.bytes.length;
  }
  return {
    kind: 'sparse',
    pageId,
    size,
    runs: { offsets: Uint32Array.from(runs, (r) => r.offset), lengths: Uint32Array.from(runs, (r) => r.bytes.length), data },
    before: null,
  };
}

/** Any delta for page `pageId` of `size`: normalized sparse, raw sparse, dense, or compressed. */
export function arbDelta(pageId: number, size: number): fc.Arbitrary<Delta> {
  const sparse = arbRuns(size).map((runs) => sparseDelta(pageId, size, runs));
  const raw = arbRuns(size).map((runs): Delta => rawSparse(pageId, size, runs));
  const dense = arbBytes(size).map((bytes): Delta => (size === 0 ? sparseDelta(pageId, 0, []) : denseDelta(pageId, bytes)));
  const compressed = fc
    .tuple(fc.oneof(sparse, dense, raw), fc.constantFrom('brotli' as const, 'deflate-raw' as const))
    .map(([d, codec]): Delta => compressDelta(d, codec));
  return fc.oneof({ arbitrary: sparse, weight: 3 }, { arbitrary: raw, weight: 2 }, { arbitrary: dense, weight: 1 }, { arbitrary: compressed, weight: 1 });
}

/** A page and `count` deltas for it. */
export function arbScenario(count: number): fc.Arbitrary<{ pageId: number; size: number; page: Uint8Array; deltas: Delta[] }> {
  return fc.tuple(arbPageId, arbSize).chain(([pageId, size]) =>
    fc.record({
      pageId: fc.constant(pageId),
      size: fc.constant(size),
      page: arbBytes(size),
      deltas: fc.array(arbDelta(pageId, size), { minLength: count, maxLength: count }),
    }),
  );
}

/** The canonical bytes of a delta (uncompressed frame), to compare deltas field for field. */
export function canonical(delta: Delta): Uint8Array {
  return encodeDelta(delta, { compression: 'none' });
}

/** A delta as plain data, so `toEqual` compares content and ignores how the arrays share buffers. */
export function fields(delta: Delta): unknown {
  switch (delta.kind) {
    case 'sparse':
      return {
        kind: delta.kind,
        pageId: delta.pageId,
        size: delta.size,
        offsets: [...delta.runs.offsets],
        lengths: [...delta.runs.lengths],
        data: [...delta.runs.data],
        before: delta.before === null ? null : [...delta.before],
      };
    case 'dense':
      return { kind: delta.kind, pageId: delta.pageId, size: delta.size, bytes: [...delta.bytes], before: delta.before === null ? null : [...delta.before] };
    case 'compressed':
      return { ...delta, bytes: [...delta.bytes] };
  }
}

/** A deep copy of a delta's arrays, to prove a refused call changed nothing. */
export function snapshot(value: unknown): unknown {
  return structuredClone(value);
}
