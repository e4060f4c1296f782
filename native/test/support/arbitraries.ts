// fast-check generators shared by the kernel tests: byte views at awkward offsets, on plain or
// shared memory, and sparse runs over a page.
import fc from 'fast-check';

import type { SparseRuns } from '../../src/index.js';

/** A Uint8Array holding `bytes` at byte offset `shift` (0–7) of a plain or shared buffer. */
export function placed(bytes: Uint8Array, shift: number, shared: boolean): Uint8Array {
  const size = bytes.length + shift + 8;
  const buffer = shared ? new SharedArrayBuffer(size) : new ArrayBuffer(size);
  const view = new Uint8Array(buffer, shift, bytes.length);
  view.set(bytes);
  return view;
}

/** Byte views of up to `maxLength` bytes, unaligned (byteOffset not a multiple of 8) half the time. */
export function arbView(maxLength: number): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.uint8Array({ maxLength }), fc.integer({ min: 0, max: 7 }), fc.boolean())
    .map(([bytes, shift, shared]) => placed(bytes, shift, shared));
}

/** A page and a version of it with a few mutated stretches, so diffs have both runs and gaps. */
export function arbPagePair(maxLength: number): fc.Arbitrary<{ before: Uint8Array; after: Uint8Array }> {
  return fc
    .tuple(
      fc.uint8Array({ maxLength }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 255 })), { maxLength: 12 }),
      fc.integer({ min: 0, max: 7 }),
      fc.integer({ min: 0, max: 7 }),
    )
    .map(([bytes, edits, s1, s2]) => {
      const after = new Uint8Array(bytes);
      for (const [at, len, x] of edits) {
        if (after.length === 0) break;
        const start = at % after.length;
        for (let i = start; i < Math.min(after.length, start + len); i++) after[i] = (after[i] ?? 0) ^ x;
      }
      return { before: placed(bytes, s1, false), after: placed(after, s2, s1 % 2 === 0) };
    });
}

/** Runs inside a page of `size` bytes (overlaps included), their data random. */
export function arbRuns(size: number, maxRuns = 24): fc.Arbitrary<SparseRuns> {
  return fc
    .array(
      fc.tuple(fc.integer({ min: 0, max: size }), fc.integer({ min: 0, max: 96 })).map(([off, len]) => [off, Math.min(len, size - off)] as const),
      { maxLength: maxRuns },
    )
    .chain((pairs) => {
      const total = pairs.reduce((sum, [, len]) => sum + len, 0);
      return fc.uint8Array({ minLength: total, maxLength: total }).map((data) => ({
        offsets: Uint32Array.from(pairs.map(([off]) => off)),
        lengths: Uint32Array.from(pairs.map(([, len]) => len)),
        data,
      }));
    });
}

/** Copies a view into fresh memory of the same kind and offset, so two implementations get equal inputs. */
export function clone(view: Uint8Array): Uint8Array {
  const shared = typeof SharedArrayBuffer !== 'undefined' && view.buffer instanceof SharedArrayBuffer;
  return placed(view, view.byteOffset % 8, shared);
}

/** Runs as plain arrays, for deep equality across implementations. */
export function plainRuns(runs: SparseRuns): { offsets: number[]; lengths: number[]; data: number[] } {
  return { offsets: [...runs.offsets], lengths: [...runs.lengths], data: [...runs.data] };
}

/** The code of a thrown error, or 'none'. */
export function codeOf(run: () => unknown): string {
  try {
    run();
    return 'none';
  } catch (error) {
    return (error as { code?: string }).code ?? `uncoded ${String(error)}`;
  }
}
