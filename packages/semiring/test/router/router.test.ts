import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, test } from 'vitest';

import { compressDelta, denseDelta, isPageError, openStore, sparseDelta } from '@mmsb/page';
import type { PlainDelta, SparseDelta } from '@mmsb/page';

import { booleanSemiring, defineSemiring, DeltaRouter, isSemiringError, minPlusSemiring, plusTimesSemiring, stageRouted } from '../../src/index.js';
import type { RouteResult } from '../../src/index.js';
import { applyAll, fields } from './support.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

function f64Bytes(...values: number[]): Uint8Array {
  return new Uint8Array(Float64Array.from(values).buffer);
}

function f64Of(delta: PlainDelta, page: Uint8Array): number[] {
  const out = applyAll(page, [delta]);
  return Array.from(new Float64Array(out.buffer, out.byteOffset, out.length / 8));
}

function sparse(delta: PlainDelta): SparseDelta {
  if (delta.kind !== 'sparse') throw new Error(`expected a sparse delta, got ${delta.kind}`);
  return delta;
}

function only(result: RouteResult): PlainDelta {
  expect(result.deltas).toHaveLength(1);
  const first = result.deltas[0];
  if (first === undefined) throw new Error('no delta');
  return first.delta;
}

function expectCode(fn: () => unknown, code: Parameters<typeof isSemiringError>[1]): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(isSemiringError(caught, code), `expected SemiringError ${code}, got ${String(caught)}`).toBe(true);
}

describe('byte pages', () => {
  test('one delta comes out as it went in, normalized', () => {
    const router = new DeltaRouter();
    const delta = sparseDelta(3, 16, [{ offset: 4, bytes: bytes(1, 2) }]);
    router.submit(delta, { writer: 1, epoch: 1 });
    const result = router.route();
    expect(fields(result.deltas)).toEqual(fields([{ pageId: 3, delta, sources: 1, last: { writer: 1, epoch: 1 } }]));
    expect(result.deltas[0]?.last).toEqual({ writer: 1, epoch: 1 });
    expect(router.pending).toBe(0);
  });

  test('where writers overlap, the later epoch wins each byte', () => {
    const router = new DeltaRouter();
    router.submit(sparseDelta(0, 8, [{ offset: 0, bytes: bytes(9, 9, 9, 9) }]), { writer: 1, epoch: 5 });
    router.submit(sparseDelta(0, 8, [{ offset: 2, bytes: bytes(7, 7, 7, 7) }]), { writer: 2, epoch: 3 });
    const delta = sparse(only(router.route()));
    expect(Array.from(delta.runs.offsets)).toEqual([0]);
    expect(Array.from(delta.runs.lengths)).toEqual([6]);
    expect(Array.from(delta.runs.data)).toEqual([9, 9, 9, 9, 7, 7]);
  });

  test('at equal epochs the higher writer id wins', () => {
    const router = new DeltaRouter();
    router.submit(sparseDelta(0, 4, [{ offset: 1, bytes: bytes(2, 2) }]), { writer: 8, epoch: 1 });
    router.submit(sparseDelta(0, 4, [{ offset: 0, bytes: bytes(1, 1, 1) }]), { writer: 3, epoch: 1 });
    const delta = sparse(only(router.route()));
    expect(Array.from(delta.runs.data)).toEqual([1, 2, 2]);
  });

  test('a later writer inside an earlier run splits it into three pieces joined into one run', () => {
    const router = new DeltaRouter();
    router.submit(denseDelta(0, bytes(1, 1, 1, 1, 1, 1)), { writer: 0, epoch: 1 });
    router.submit(sparseDelta(0, 6, [{ offset: 2, bytes: bytes(5, 5) }]), { writer: 0, epoch: 2 });
    const delta = only(router.route());
    expect(delta.kind).toBe('dense');
    if (delta.kind === 'dense') expect(Array.from(delta.bytes)).toEqual([1, 1, 5, 5, 1, 1]);
  });

  test('pages come out in ascending id order with stats of what went in and out', () => {
    const router = new DeltaRouter();
    router.submit(sparseDelta(9, 4, [{ offset: 0, bytes: bytes(1) }]), { writer: 0, epoch: 0 });
    router.submit(sparseDelta(2, 4, [{ offset: 0, bytes: bytes(1, 2) }]), { writer: 0, epoch: 0 });
    router.submit(sparseDelta(2, 4, [{ offset: 1, bytes: bytes(3, 4) }]), { writer: 1, epoch: 0 });
    router.submit(sparseDelta(5, 4, []), { writer: 1, epoch: 0 });
    const result = router.route();
    expect(result.deltas.map((d) => d.pageId)).toEqual([2, 9]);
    expect(result.deltas.map((d) => d.sources)).toEqual([2, 1]);
    expect(result.stats).toEqual({ deltasIn: 4, pagesOut: 2, bytesIn: 5, bytesOut: 4 });
  });

  test('compressed deltas are routed through decompressDelta', () => {
    const router = new DeltaRouter();
    const big = new Uint8Array(4096).fill(7);
    const compressed = compressDelta(sparseDelta(1, 8192, [{ offset: 100, bytes: big }]), 'deflate-raw');
    expect(compressed.kind).toBe('compressed');
    router.submit(compressed, { writer: 0, epoch: 0 });
    router.submit(sparseDelta(1, 8192, [{ offset: 4000, bytes: bytes(1, 2, 3) }]), { writer: 0, epoch: 1 });
    const delta = sparse(only(router.route()));
    expect(Array.from(delta.runs.offsets)).toEqual([100]);
    expect(delta.runs.data[4000 - 100 + 1]).toBe(2);
  });

  test('unnormalized sparse input (overlapping runs, later wins) is normalized first', () => {
    const router = new DeltaRouter();
    const raw: SparseDelta = {
      kind: 'sparse',
      pageId: 0,
      size: 8,
      runs: { offsets: Uint32Array.of(4, 2), lengths: Uint32Array.of(2, 3), data: bytes(1, 1, 2, 2, 2) },
      before: null,
    };
    router.submit(raw, { writer: 0, epoch: 0 });
    const delta = sparse(only(router.route()));
    expect(Array.from(delta.runs.offsets)).toEqual([2]);
    expect(Array.from(delta.runs.data)).toEqual([2, 2, 2, 1]);
  });

  test('given the current page, a merge is written dense where the dense record is smaller', () => {
    const router = new DeltaRouter();
    const page = new Uint8Array(32).fill(0xaa);
    // 8 runs of 2 bytes with gaps: 14 + 64 + 16 bytes sparse against 10 + 32 dense.
    const runs = Array.from({ length: 8 }, (_, k) => ({ offset: 4 * k, bytes: bytes(k, k) }));
    router.submit(sparseDelta(0, 32, runs), { writer: 0, epoch: 0 });
    const delta = only(router.route({ current: () => page }));
    expect(delta.kind).toBe('dense');
    expect(applyAll(page, [delta])).toEqual(applyAll(page, [sparseDelta(0, 32, runs)]));
    router.submit(sparseDelta(0, 32, runs), { writer: 0, epoch: 0 });
    expect(only(router.route()).kind).toBe('sparse');
  });
});

describe('typed pages', () => {
  test('min-merge of two distance vectors keeps the element-wise minimum', () => {
    const router = new DeltaRouter();
    router.registerTypedPage(0, { size: 32, element: 'f64', semiring: minPlusSemiring });
    router.submit(denseDelta(0, f64Bytes(5, Infinity, 2, 9)), { writer: 1, epoch: 1 });
    router.submit(denseDelta(0, f64Bytes(3, 7, Infinity, 9)), { writer: 2, epoch: 1 });
    expect(f64Of(only(router.route()), new Uint8Array(32))).toEqual([3, 7, 2, 9]);
  });

  test('elements written by one writer only keep that value; unwritten ones are not touched', () => {
    const router = new DeltaRouter();
    router.registerTypedPage(0, { size: 32, element: 'f64', semiring: minPlusSemiring });
    router.submit(sparseDelta(0, 32, [{ offset: 0, bytes: f64Bytes(5, 6) }]), { writer: 1, epoch: 1 });
    router.submit(sparseDelta(0, 32, [{ offset: 8, bytes: f64Bytes(1) }]), { writer: 2, epoch: 1 });
    const delta = sparse(only(router.route()));
    expect(Array.from(delta.runs.offsets)).toEqual([0]);
    expect(Array.from(delta.runs.lengths)).toEqual([16]);
    expect(f64Of(delta, f64Bytes(-1, -1, -1, -1))).toEqual([5, 1, -1, -1]);
  });

  test('element values at unaligned addresses in their buffers fold the same as aligned ones', () => {
    const unaligned = (values: number[], shift: number): Uint8Array => {
      const raw = f64Bytes(...values);
      const holder = new Uint8Array(raw.length + shift);
      holder.set(raw, shift);
      return holder.subarray(shift);
    };
    for (const shift of [0, 1, 3, 4]) {
      const router = new DeltaRouter();
      router.registerTypedPage(0, { size: 24, element: 'f64', semiring: minPlusSemiring });
      router.submit(denseDelta(0, unaligned([5, 1, 7], shift)), { writer: 0, epoch: 0 });
      router.submit(denseDelta(0, unaligned([2, 8, 6], shift + 1)), { writer: 1, epoch: 0 });
      router.submit(denseDelta(0, unaligned([4, 0, 9], shift)), { writer: 2, epoch: 0 });
      expect(f64Of(only(router.route()), new Uint8Array(24))).toEqual([2, 0, 6]);
    }
  });

  test('accumulate folds the current page in first: new = current ⊕ merged', () => {
    const router = new DeltaRouter();
    router.registerTypedPage(4, { size: 24, element: 'f64', semiring: minPlusSemiring, accumulate: true });
    const current = f64Bytes(1, 10, 4);
    router.submit(sparseDelta(4, 24, [{ offset: 0, bytes: f64Bytes(2, 3) }]), { writer: 0, epoch: 1 });
    const delta = only(router.route({ current: () => current }));
    expect(f64Of(delta, current)).toEqual([1, 3, 4]);
  });

  test('accumulate without the current page is refused and leaves the deltas queued', () => {
    const router = new DeltaRouter();
    router.registerTypedPage(0, { size: 8, element: 'f64', semiring: minPlusSemiring, accumulate: true });
    router.submit(denseDelta(0, f64Bytes(2)), { writer: 0, epoch: 1 });
    expectCode(() => router.route(), 'INVALID_ARGUMENT');
    expect(router.pending).toBe(1);
    expectCode(() => router.route({ current: () => new Uint8Array(4) }), 'SIZE_MISMATCH');
    expect(router.pending).toBe(1);
    expect(f64Of(only(router.route({ current: () => f64Bytes(1) })), f64Bytes(1))).toEqual([1]);
  });

  test('plus-times sums every writer, in f32 rounded at each step', () => {
    const router = new DeltaRouter();
    router.registerTypedPage(0, { size: 4, element: 'f32', semiring: plusTimesSemiring });
    const f32 = (v: number): Uint8Array => new Uint8Array(Float32Array.of(v).buffer);
    router.submit(denseDelta(0, f32(1)), { writer: 0, epoch: 0 });
    router.submit(denseDelta(0, f32(2 ** -24)), { writer: 1, epoch: 0 });
    router.submit(denseDelta(0, f32(2 ** -24)), { writer: 2, epoch: 0 });
    const out = applyAll(new Uint8Array(4), [only(router.route())]);
    // 1 + 2^-24 rounds back to 1 in f32 each time; summed in f64 first it would not.
    expect(new Float32Array(out.buffer)[0]).toBe(1);
  });

  test('integer elements wrap as the element type stores them', () => {
    const router = new DeltaRouter();
    router.registerTypedPage(0, { size: 2, element: 'u8', semiring: plusTimesSemiring });
    router.submit(denseDelta(0, bytes(200, 1)), { writer: 0, epoch: 0 });
    router.submit(denseDelta(0, bytes(100, 2)), { writer: 1, epoch: 0 });
    expect(Array.from(applyAll(new Uint8Array(2), [only(router.route())]))).toEqual([44, 3]);
  });

  test('boolean or over u8 flags', () => {
    const router = new DeltaRouter();
    router.registerTypedPage(0, { size: 4, element: 'u8', semiring: booleanSemiring });
    router.submit(denseDelta(0, bytes(0, 1, 0, 5)), { writer: 0, epoch: 0 });
    router.submit(denseDelta(0, bytes(0, 0, 1, 0)), { writer: 1, epoch: 0 });
    expect(Array.from(applyAll(new Uint8Array(4), [only(router.route())]))).toEqual([0, 1, 1, 1]);
  });

  test('a user semiring runs through its add, folded in (epoch, writer) order', () => {
    const calls: [number, number][] = [];
    // Not commutative on purpose: the fold order shows in the result.
    const keepFirst = defineSemiring<number>({
      name: 'digits',
      zero: 0,
      one: 1,
      add: (a, b) => {
        calls.push([a, b]);
        return a * 10 + b;
      },
      mul: (a, b) => a * b,
    });
    const router = new DeltaRouter();
    router.registerTypedPage(0, { size: 4, element: 'i32', semiring: keepFirst });
    const i32 = (v: number): Uint8Array => new Uint8Array(Int32Array.of(v).buffer);
    router.submit(denseDelta(0, i32(3)), { writer: 0, epoch: 2 });
    router.submit(denseDelta(0, i32(1)), { writer: 5, epoch: 1 });
    router.submit(denseDelta(0, i32(2)), { writer: 9, epoch: 1 });
    const out = applyAll(new Uint8Array(4), [only(router.route())]);
    expect(new Int32Array(out.buffer)[0]).toBe(123);
    expect(calls).toEqual([
      [1, 2],
      [12, 3],
    ]);
  });
});

describe('refusals leave the router unchanged', () => {
  test('a page never registered is UNKNOWN_PAGE when the router refuses them', () => {
    const router = new DeltaRouter({ unregisteredPages: 'refuse' });
    router.registerBytePage(1, 4);
    expectCode(() => router.submit(sparseDelta(2, 4, []), { writer: 0, epoch: 0 }), 'UNKNOWN_PAGE');
    router.submit(sparseDelta(1, 4, [{ offset: 0, bytes: bytes(1) }]), { writer: 0, epoch: 0 });
    expect(router.pending).toBe(1);
  });

  test('a size other than the registered or first-seen one is SIZE_MISMATCH, and a batch is all or nothing', () => {
    const router = new DeltaRouter();
    router.registerBytePage(1, 4);
    expectCode(() => router.submit(sparseDelta(1, 5, []), { writer: 0, epoch: 0 }), 'SIZE_MISMATCH');
    expectCode(
      () =>
        router.submitAll([
          { delta: sparseDelta(7, 4, [{ offset: 0, bytes: bytes(1) }]), writer: 0, epoch: 0 },
          { delta: sparseDelta(7, 8, [{ offset: 0, bytes: bytes(1) }]), writer: 1, epoch: 0 },
        ]),
      'SIZE_MISMATCH',
    );
    expect(router.pending).toBe(0);
    router.submit(sparseDelta(7, 8, []), { writer: 0, epoch: 0 });
    expectCode(() => router.submit(sparseDelta(7, 4, []), { writer: 1, epoch: 0 }), 'SIZE_MISMATCH');
    expect(router.pending).toBe(1);
  });

  test('a run that splits an element of a typed page is MISALIGNED_RUN', () => {
    const router = new DeltaRouter();
    router.registerTypedPage(0, { size: 16, element: 'u32', semiring: minPlusSemiring });
    expectCode(() => router.submit(sparseDelta(0, 16, [{ offset: 2, bytes: bytes(1, 2, 3, 4) }]), { writer: 0, epoch: 0 }), 'MISALIGNED_RUN');
    expectCode(() => router.submit(sparseDelta(0, 16, [{ offset: 4, bytes: bytes(1, 2) }]), { writer: 0, epoch: 0 }), 'MISALIGNED_RUN');
    expect(router.pending).toBe(0);
  });

  test('an unknown element type is UNKNOWN_LAYOUT; a size of part of an element is SIZE_MISMATCH', () => {
    const router = new DeltaRouter();
    expectCode(() => router.registerTypedPage(0, { size: 16, element: 'f16' as 'f32', semiring: minPlusSemiring }), 'UNKNOWN_LAYOUT');
    expectCode(() => router.registerTypedPage(0, { size: 12, element: 'f64', semiring: minPlusSemiring }), 'SIZE_MISMATCH');
    expectCode(() => router.registerTypedPage(0, { size: 16, element: 'f64', semiring: { ...minPlusSemiring, op: 'min-max' as 'min-plus' } }), 'INVALID_ARGUMENT');
  });

  test('two deltas to one page with the same (epoch, writer) are ROUTE_CONFLICT', () => {
    const router = new DeltaRouter();
    router.submit(sparseDelta(0, 4, []), { writer: 1, epoch: 1 });
    expectCode(() => router.submit(sparseDelta(0, 4, []), { writer: 1, epoch: 1 }), 'ROUTE_CONFLICT');
    expectCode(
      () =>
        router.submitAll([
          { delta: sparseDelta(1, 4, []), writer: 1, epoch: 1 },
          { delta: sparseDelta(1, 4, []), writer: 1, epoch: 1 },
        ]),
      'ROUTE_CONFLICT',
    );
    // The same tag on another page is fine.
    router.submit(sparseDelta(2, 4, []), { writer: 1, epoch: 1 });
    expect(router.pending).toBe(2);
    expectCode(() => router.registerBytePage(0, 4), 'ROUTE_CONFLICT');
    router.registerBytePage(3, 4);
  });

  test('unregisterPage turns a typed page back into a byte page, but not while its deltas wait', () => {
    const router = new DeltaRouter();
    router.registerTypedPage(0, { size: 2, element: 'u8', semiring: plusTimesSemiring });
    router.submit(denseDelta(0, bytes(1, 1)), { writer: 0, epoch: 0 });
    expectCode(() => router.unregisterPage(0), 'ROUTE_CONFLICT');
    router.submit(denseDelta(0, bytes(2, 2)), { writer: 1, epoch: 0 });
    expect(Array.from(applyAll(new Uint8Array(2), [only(router.route())]))).toEqual([3, 3]);
    router.unregisterPage(0);
    router.submit(denseDelta(0, bytes(1, 1)), { writer: 0, epoch: 0 });
    router.submit(denseDelta(0, bytes(2, 2)), { writer: 1, epoch: 0 });
    expect(Array.from(applyAll(new Uint8Array(2), [only(router.route())]))).toEqual([2, 2]);
  });

  test('a malformed delta is INVALID_ARGUMENT with the page layer error as its cause', () => {
    const router = new DeltaRouter();
    const bad: SparseDelta = { kind: 'sparse', pageId: 0, size: 4, runs: { offsets: Uint32Array.of(3), lengths: Uint32Array.of(2), data: bytes(1, 2) }, before: null };
    let caught: unknown;
    try {
      router.submit(bad, { writer: 0, epoch: 0 });
    } catch (error) {
      caught = error;
    }
    expect(isSemiringError(caught, 'INVALID_ARGUMENT')).toBe(true);
    expect(isPageError((caught as Error).cause)).toBe(true);
    expectCode(() => router.submit(sparseDelta(0, 4, []), { writer: -1, epoch: 0 }), 'INVALID_ARGUMENT');
    expectCode(() => router.submit(sparseDelta(0, 4, []), { writer: 0, epoch: 1.5 }), 'INVALID_ARGUMENT');
    expect(router.pending).toBe(0);
  });
});

describe('store transactions', () => {
  test('stageRouted stages one merged delta a page, and the commit holds the merge', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mmsb-router-'));
    try {
      const store = await openStore({ dir, durability: 'none' });
      const a = await store.createPage({ size: 16 });
      const b = await store.createPage({ size: 16 });
      const router = new DeltaRouter();
      router.registerTypedPage(b.id, { size: 16, element: 'f64', semiring: minPlusSemiring, accumulate: true });
      const tx0 = store.begin();
      tx0.stage(b.id, f64Bytes(4, 4));
      await tx0.commit();
      router.submit(sparseDelta(a.id, 16, [{ offset: 0, bytes: bytes(1, 1, 1) }]), { writer: 0, epoch: 1 });
      router.submit(sparseDelta(a.id, 16, [{ offset: 1, bytes: bytes(2) }]), { writer: 1, epoch: 1 });
      router.submit(denseDelta(b.id, f64Bytes(5, 3)), { writer: 0, epoch: 1 });
      router.submit(denseDelta(b.id, f64Bytes(6, 2)), { writer: 1, epoch: 1 });
      const routed = router.route({ current: (id) => store.view(id) });
      const tx = store.begin();
      stageRouted(tx, routed);
      const commit = await tx.commit();
      expect(commit.pagesChanged).toBe(2);
      expect(Array.from((await store.read(a.id)).subarray(0, 4))).toEqual([1, 2, 1, 0]);
      const pageB = await store.read(b.id);
      expect(Array.from(new Float64Array(pageB.buffer, pageB.byteOffset, 2))).toEqual([4, 2]);
      await store.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
