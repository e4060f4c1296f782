import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { PageAllocator, PhysicalError } from '../src/index.js';
import type { PageHandle } from '../src/index.js';

type Op =
  | { readonly op: 'alloc'; readonly size: number; readonly shared: boolean }
  | { readonly op: 'free'; readonly pick: number }
  | { readonly op: 'freeDead'; readonly pick: number }
  | { readonly op: 'badSize'; readonly size: number }
  | { readonly op: 'trim' };

// Sizes across small classes, class boundaries and large pages (maxClassBytes is 64 KiB below).
const sizeArb = fc.oneof(
  fc.integer({ min: 1, max: 1024 }),
  fc.constantFrom(64, 65, 512, 513, 4096, 65536, 65537),
  fc.integer({ min: 1, max: 200_000 }),
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('alloc' as const), size: sizeArb, shared: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('free' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('freeDead' as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('badSize' as const),
      size: fc.constantFrom(0, -1, 0.5, Number.NaN, Infinity, 2 ** 40),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('trim' as const) }) },
);

interface LivePage {
  readonly handle: PageHandle;
  readonly size: number;
  readonly tag: number;
}

/** Every invariant the allocator promises, checked against the model of live pages. */
function checkInvariants(a: PageAllocator, live: readonly LivePage[], budget: number | null): void {
  const stats = a.stats();
  expect(stats.pagesLive).toBe(live.length);
  expect(stats.bytesRequested).toBe(live.reduce((n, p) => n + p.size, 0));
  expect(stats.bytesLive).toBeGreaterThanOrEqual(stats.bytesRequested);
  expect(stats.bytesReserved).toBeGreaterThanOrEqual(stats.bytesLive);
  expect(stats.fragmentation).toBeGreaterThanOrEqual(0);
  expect(stats.fragmentation).toBeLessThanOrEqual(1);
  if (budget !== null) expect(stats.budgetBytesUsed).toBeLessThanOrEqual(budget);
  expect(stats.budgetBytesUsed).toBe(stats.bytesReserved);

  // No two live pages overlap, every page is 64-aligned and still holds the tag written at allocation.
  const byBuffer = new Map<ArrayBufferLike, [number, number][]>();
  for (const page of live) {
    const view = a.view(page.handle);
    expect(view.byteOffset % 64).toBe(0);
    expect(view.length).toBe(page.size);
    expect(view[0]).toBe(page.tag);
    expect(view[page.size - 1]).toBe(page.tag);
    const ranges = byBuffer.get(view.buffer) ?? [];
    ranges.push([view.byteOffset, view.byteOffset + view.length]);
    byBuffer.set(view.buffer, ranges);
  }
  for (const ranges of byBuffer.values()) {
    ranges.sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < ranges.length; i++) {
      expect((ranges[i] as [number, number])[0]).toBeGreaterThanOrEqual((ranges[i - 1] as [number, number])[1]);
    }
  }
}

function run(ops: readonly Op[], budget: number | null, spill: boolean): void {
  const live: LivePage[] = [];
  const dead: PageHandle[] = [];
  let nextTag = 1;
  const a: PageAllocator = new PageAllocator({
    maxClassBytes: 64 * 1024,
    budgetBytes: budget,
    ...(spill
      ? {
          onBudgetExceeded: (request: { bytesNeeded: number }) => {
            // Spill oldest first until the request is covered (or nothing is left).
            let freed = 0;
            while (freed < request.bytesNeeded && live.length > 0) {
              const victim = live.shift() as LivePage;
              a.free(victim.handle);
              dead.push(victim.handle);
              freed += victim.size;
            }
          },
        }
      : {}),
  });
  for (const op of ops) {
    const before = a.stats();
    switch (op.op) {
      case 'alloc': {
        let handle: PageHandle;
        try {
          handle = a.allocate(op.size, op.shared ? { kind: 'shared' } : undefined);
        } catch (error) {
          expect(error).toBeInstanceOf(PhysicalError);
          expect((error as PhysicalError).code).toBe('BUDGET_EXCEEDED');
          expect(budget).not.toBeNull();
          // A refusal frees no live page (beyond what the spill hook chose to free).
          expect(a.stats().pagesLive).toBe(live.length);
          break;
        }
        const view = a.view(handle);
        expect(view.every((b) => b === 0)).toBe(true);
        const tag = nextTag++ & 0xff || 1;
        view.fill(tag);
        live.push({ handle, size: op.size, tag });
        break;
      }
      case 'free': {
        if (live.length === 0) break;
        const [page] = live.splice(op.pick % live.length, 1) as [LivePage];
        a.free(page.handle);
        dead.push(page.handle);
        break;
      }
      case 'freeDead': {
        if (dead.length === 0) break;
        const handle = dead[op.pick % dead.length] as PageHandle;
        let code: string | undefined;
        try {
          a.free(handle);
        } catch (error) {
          code = (error as PhysicalError).code;
        }
        expect(['DOUBLE_FREE', 'FREED_HANDLE']).toContain(code);
        expect(a.stats()).toEqual(before);
        break;
      }
      case 'badSize': {
        let code: string | undefined;
        try {
          a.allocate(op.size);
        } catch (error) {
          code = (error as PhysicalError).code;
        }
        expect(code).toBe('INVALID_SIZE');
        expect(a.stats()).toEqual(before);
        break;
      }
      case 'trim':
        a.trim();
        expect(a.stats().pagesLive).toBe(before.pagesLive);
        break;
    }
    checkInvariants(a, live, budget);
  }
  for (const page of live) a.free(page.handle);
  a.trim();
  expect(a.stats()).toMatchObject({ pagesLive: 0, bytesReserved: 0, bytesRequested: 0, budgetBytesUsed: 0 });
}

describe('PageAllocator properties', () => {
  test('any sequence of allocate/free keeps live pages disjoint, 64-aligned, intact, and stats consistent', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => run(ops, null, false)),
      { numRuns: 150 },
    );
  });

  test('under a budget, reserved memory never exceeds it and refusals are BUDGET_EXCEEDED', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 120 }),
        fc.integer({ min: 64 * 1024, max: 1024 * 1024 }),
        (ops, budget) => run(ops, budget, false),
      ),
      { numRuns: 150 },
    );
  });

  test('with a spill hook, the budget still holds and spilled pages are really freed', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 120 }),
        fc.integer({ min: 256 * 1024, max: 1024 * 1024 }),
        (ops, budget) => run(ops, budget, true),
      ),
      { numRuns: 150 },
    );
  });
});
