// The fast paths of the native wrapper (src/internal/native-kernels.ts): the staged apply that
// re-uses the last page without inspecting it again, and the staged diff copied out of the stage.
// Every result is compared with the TS twin on the same input.
import { describe, expect, test } from 'vitest';

import { type Kernels, type SparseRuns, nativeKernels, tsKernels } from '../../src/index.js';
import { STAGE_BYTES } from '../../src/internal/binding.js';
import { loaded } from '../../src/internal/loader.js';
import { makeNativeKernels } from '../../src/internal/native-kernels.js';
import { codeOf, plainRuns } from '../support/arbitraries.js';

function runsOf(pairs: readonly (readonly [number, number])[], seed = 1): SparseRuns {
  const total = pairs.reduce((sum, [, len]) => sum + len, 0);
  return {
    offsets: Uint32Array.from(pairs.map(([off]) => off)),
    lengths: Uint32Array.from(pairs.map(([, len]) => len)),
    data: Uint8Array.from({ length: total }, (_, i) => (i * 7 + seed) & 0xff),
  };
}

/** Applies with native and with the twin to copies of `page`, expecting equal bytes or equal error codes. */
function bothApply(native: Kernels, page: Uint8Array, twin: Uint8Array, runs: SparseRuns): string {
  const code = codeOf(() => native.applySparseRuns(page, runs));
  expect(code).toBe(codeOf(() => tsKernels.applySparseRuns(twin, runs)));
  expect(Array.from(page)).toEqual(Array.from(twin));
  return code;
}

type ResizableCtor = new (length: number, options: { maxByteLength: number }) => ArrayBuffer & { resize(n: number): void };

describe.runIf(nativeKernels !== null)('native applySparseRuns fast paths', () => {
  const native = nativeKernels as Kernels;

  test('repeated applies to one page, then to many distinct buffers, match the twin', () => {
    const page = new Uint8Array(4096);
    const twin = new Uint8Array(4096);
    for (let i = 0; i < 50; i++) bothApply(native, page, twin, runsOf([[i * 3, 16], [4000 - i, 40]], i));
    for (let i = 0; i < 300; i++) {
      const size = 64 + i;
      const a = new Uint8Array(size);
      const b = new Uint8Array(size);
      bothApply(native, a, b, runsOf([[i % 48, 16]], i));
      bothApply(native, a, b, runsOf([[size - 8, 8]], i + 1)); // same page again
    }
  });

  test('applies across job boundaries (the remembered page is forgotten when the job ends) match the twin', async () => {
    const page = new Uint8Array(512);
    const twin = new Uint8Array(512);
    for (let i = 0; i < 4; i++) {
      bothApply(native, page, twin, runsOf([[i * 16, 16]], i));
      bothApply(native, page, twin, runsOf([[256 + i, 16]], i + 1));
      await new Promise((resolve) => setImmediate(resolve));
    }
  });

  test('views ending exactly at the end of their buffer: the last byte is writable, one more is RUN_OUT_OF_RANGE', () => {
    const buffer = new ArrayBuffer(8192);
    const page = new Uint8Array(buffer, 4096, 4096);
    const twin = new Uint8Array(4096);
    for (let i = 0; i < 3; i++) {
      expect(bothApply(native, page, twin, runsOf([[4096 - 16, 16]], i))).toBe('none');
      expect(bothApply(native, page, twin, runsOf([[0, 4], [4096 - 15, 16]], i))).toBe('RUN_OUT_OF_RANGE');
    }
  });

  test('a bad delta on a page applied to just before leaves it unchanged, and the next good one applies', () => {
    const page = new Uint8Array(256);
    const twin = new Uint8Array(256);
    bothApply(native, page, twin, runsOf([[0, 8]]));
    expect(bothApply(native, page, twin, runsOf([[10, 4], [250, 8]], 9))).toBe('RUN_OUT_OF_RANGE');
    expect(bothApply(native, page, twin, { ...runsOf([[10, 4]]), data: new Uint8Array(5) })).toBe('LENGTH_MISMATCH');
    expect(bothApply(native, page, twin, runsOf([[10, 4]], 3))).toBe('none');
  });

  test('data that is a view of the same page is read as it was on entry, on a repeated page too', () => {
    const page = Uint8Array.from({ length: 64 }, (_, i) => i);
    const twin = page.slice();
    for (let round = 0; round < 3; round++) {
      const runs = { offsets: Uint32Array.of(4, 8), lengths: Uint32Array.of(8, 8), data: page.subarray(0, 16) };
      const twinRuns = { ...runs, data: twin.subarray(0, 16) };
      native.applySparseRuns(page, runs);
      tsKernels.applySparseRuns(twin, twinRuns);
      expect(Array.from(page)).toEqual(Array.from(twin));
    }
  });

  test('SharedArrayBuffer views', () => {
    const shared = new SharedArrayBuffer(3 * 1024);
    const twin = new Uint8Array(1024);
    const page = new Uint8Array(shared, 2048, 1024);
    for (let i = 0; i < 3; i++) bothApply(native, page, twin, runsOf([[1024 - 32, 32], [i, 5]], i));
    expect(new Uint8Array(shared, 0, 2048).every((x) => x === 0)).toBe(true);
  });

  test('a page whose buffer was detached (transferred) after use: the typed error, never a crash', () => {
    const buffer = new ArrayBuffer(4096);
    const page = new Uint8Array(buffer, 1024, 1024);
    const twin = new Uint8Array(1024);
    bothApply(native, page, twin, runsOf([[0, 16]]));
    bothApply(native, page, twin, runsOf([[16, 16]]));
    const moved = structuredClone(buffer, { transfer: [buffer] });
    expect(page.length).toBe(0);
    expect(codeOf(() => native.applySparseRuns(page, runsOf([[0, 16]])))).toBe('RUN_OUT_OF_RANGE');
    expect(codeOf(() => native.applySparseRuns(page, runsOf([[0, 16]])))).toBe('RUN_OUT_OF_RANGE');
    native.applySparseRuns(page, runsOf([])); // nothing to write: fine, as in the twin
    tsKernels.applySparseRuns(page, runsOf([]));
    expect(Array.from(new Uint8Array(moved, 1024, 32))).toEqual(Array.from(twin.subarray(0, 32)));
  });

  test('a subclass that lies about its length cannot steer the remembered page past a detach', () => {
    class Liar extends Uint8Array {
      override get length(): number {
        return 1024;
      }
    }
    const buffer = new ArrayBuffer(1024);
    const page = new Liar(buffer);
    native.applySparseRuns(page, runsOf([[0, 16]]));
    structuredClone(buffer, { transfer: [buffer] });
    expect(codeOf(() => native.applySparseRuns(page, runsOf([[0, 16]])))).toBe('RUN_OUT_OF_RANGE');
  });

  test('resizable ArrayBuffer views, through shrink and growth', () => {
    const Resizable = ArrayBuffer as unknown as ResizableCtor;
    const buffer = new Resizable(2048, { maxByteLength: 8192 });
    const tracking = new Uint8Array(buffer, 1024); // length follows the buffer
    const fixed = new Uint8Array(buffer, 512, 512);
    const twinTracking = new Uint8Array(1024);
    bothApply(native, tracking, twinTracking, runsOf([[1000, 24]]));
    bothApply(native, tracking, twinTracking, runsOf([[1000, 24]], 2));
    buffer.resize(1536);
    expect(tracking.length).toBe(512);
    bothApply(native, tracking, twinTracking.subarray(0, 512), runsOf([[500, 12]], 3));
    expect(codeOf(() => native.applySparseRuns(tracking, runsOf([[1000, 24]])))).toBe('RUN_OUT_OF_RANGE');
    buffer.resize(8192);
    const twinGrown = new Uint8Array(7168);
    twinGrown.set(new Uint8Array(buffer, 1024));
    bothApply(native, tracking, twinGrown, runsOf([[7000, 100]], 4));
    bothApply(native, tracking, twinGrown, runsOf([[7100, 68]], 5));
    // A fixed-length view the buffer shrank past reports length 0.
    const twinFixed = new Uint8Array(512);
    twinFixed.set(fixed);
    bothApply(native, fixed, twinFixed, runsOf([[0, 8]]));
    buffer.resize(600);
    expect(fixed.length).toBe(0);
    expect(codeOf(() => native.applySparseRuns(fixed, runsOf([[0, 8]])))).toBe('RUN_OUT_OF_RANGE');
    buffer.resize(4096);
    bothApply(native, fixed, twinFixed, runsOf([[504, 8]], 6));
  });

  test('two wrappers over one binding never apply to the page the other one passed last', () => {
    const { binding, stage } = loaded;
    if (binding === null || stage === null) throw new Error('no binding');
    const other = makeNativeKernels(binding, stage);
    const a = new Uint8Array(128);
    const b = new Uint8Array(128);
    const twinA = new Uint8Array(128);
    const twinB = new Uint8Array(128);
    for (let i = 0; i < 20; i++) {
      bothApply(native, a, twinA, runsOf([[i, 8]], i));
      bothApply(other, b, twinB, runsOf([[i * 2, 8]], i + 100));
      bothApply(native, a, twinA, runsOf([[64 + i, 8]], i + 7));
    }
  });

  test('deltas too big for the stage take the checked path', () => {
    const page = new Uint8Array(STAGE_BYTES * 2);
    const twin = new Uint8Array(STAGE_BYTES * 2);
    bothApply(native, page, twin, runsOf([[0, STAGE_BYTES + 10]]));
    const many = Array.from({ length: 1500 }, (_, i) => [i * 8, 4] as const);
    bothApply(native, page, twin, runsOf(many, 5));
  });
});

describe.runIf(nativeKernels !== null)('native diffPages through the stage', () => {
  const native = nativeKernels as Kernels;

  function pagePair(size: number, changes: readonly (readonly [number, number])[]): [Uint8Array, Uint8Array] {
    const before = Uint8Array.from({ length: size }, (_, i) => (i * 13) & 0xff);
    const after = before.slice();
    for (const [at, len] of changes) for (let j = 0; j < len; j++) after[at + j] = ~(after[at + j] ?? 0) & 0xff;
    return [before, after];
  }

  function expectOwnBuffer(runs: SparseRuns): void {
    const n = runs.offsets.length;
    expect(runs.lengths.buffer).toBe(runs.offsets.buffer);
    expect(runs.data.buffer).toBe(runs.offsets.buffer);
    expect([runs.offsets.byteOffset, runs.lengths.byteOffset, runs.data.byteOffset]).toEqual([0, n * 4, n * 8]);
    expect(runs.offsets.buffer.byteLength).toBe(n * 8 + runs.data.length);
  }

  test('results match the twin and each owns its ArrayBuffer; a later diff does not overwrite an earlier result', () => {
    const [b1, a1] = pagePair(4096, [[10, 16], [500, 3], [4090, 6]]);
    const [b2, a2] = pagePair(4096, [[0, 100], [2000, 1]]);
    const r1 = native.diffPages(b1, a1);
    const snapshot = plainRuns(r1);
    expect(snapshot).toEqual(plainRuns(tsKernels.diffPages(b1, a1)));
    expectOwnBuffer(r1);
    const r2 = native.diffPages(b2, a2);
    expect(plainRuns(r2)).toEqual(plainRuns(tsKernels.diffPages(b2, a2)));
    native.diffPages(b2, a2, 0);
    native.applySparseRuns(new Uint8Array(4096), r2);
    expect(plainRuns(r1)).toEqual(snapshot);
    expect(r1.offsets.buffer).not.toBe(r2.offsets.buffer);
  });

  test('results larger than the stage come back whole and match the twin', () => {
    // Every other byte differs: with mergeGap 0 that is size/2 runs, 8 header bytes + 1 data byte each.
    const size = 64 * 1024;
    const changes = Array.from({ length: size / 2 }, (_, i) => [i * 2, 1] as const);
    const [before, after] = pagePair(size, changes);
    const big = native.diffPages(before, after, 0);
    expect(big.offsets.length * 8 + big.data.length).toBeGreaterThan(STAGE_BYTES);
    expect(plainRuns(big)).toEqual(plainRuns(tsKernels.diffPages(before, after, 0)));
    expectOwnBuffer(big);
    const folded = native.diffPages(before, after);
    expect(plainRuns(folded)).toEqual(plainRuns(tsKernels.diffPages(before, after)));
    expect(folded.offsets.length).toBe(1);
  });

  test('empty and equal pages, SharedArrayBuffer views and views at the end of a buffer', () => {
    expect(plainRuns(native.diffPages(new Uint8Array(0), new Uint8Array(0)))).toEqual({ offsets: [], lengths: [], data: [] });
    const [before, after] = pagePair(1000, [[990, 10]]);
    const shared = new SharedArrayBuffer(3000);
    const sb = new Uint8Array(shared, 1000, 1000);
    const sa = new Uint8Array(shared, 2000, 1000);
    sb.set(before);
    sa.set(after);
    expect(plainRuns(native.diffPages(sb, sa))).toEqual(plainRuns(tsKernels.diffPages(before, after)));
    expect(plainRuns(native.diffPages(sb, sb)).offsets).toEqual([]);
  });

  test('bad arguments fail as before: types, mergeGap, unequal lengths, detached buffers', () => {
    const u8 = new Uint8Array(8);
    expect(codeOf(() => native.diffPages(u8, new Uint8Array(9)))).toBe('LENGTH_MISMATCH');
    expect(codeOf(() => native.diffPages(u8, u8, -1))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => native.diffPages(u8, u8, 1.5))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => native.diffPages(u8, [] as unknown as Uint8Array))).toBe('INVALID_ARGUMENT');
    const buffer = new ArrayBuffer(16);
    const view = new Uint8Array(buffer);
    structuredClone(buffer, { transfer: [buffer] });
    expect(codeOf(() => native.diffPages(view, u8))).toBe(codeOf(() => tsKernels.diffPages(view, u8)));
    expect(plainRuns(native.diffPages(view, view))).toEqual({ offsets: [], lengths: [], data: [] });
  });
});
