import { describe, expect, test } from 'vitest';
import { PageAllocator, PhysicalError } from '../src/index.js';
import type { PageHandle, SpillRequest } from '../src/index.js';
import { codeOf, physicalErrorOf } from './support/errors.js';

const KiB = 1024;

describe('PageAllocator: heap pages', () => {
  test('a new page is zeroed, as large as asked, and starts on a 64-byte boundary', () => {
    const a = new PageAllocator();
    for (const size of [1, 63, 64, 65, 700, 4096, 100_000]) {
      const h = a.allocate(size);
      const bytes = a.view(h);
      expect(bytes.length).toBe(size);
      expect(bytes.byteOffset % 64).toBe(0);
      expect(bytes.every((b) => b === 0)).toBe(true);
      expect(a.size(h)).toBe(size);
      expect(a.kindOf(h)).toBe('heap');
      expect(a.location(h)).toBe('cpu');
    }
  });

  test('a recycled slot is zeroed again before it is handed out', () => {
    const a = new PageAllocator();
    const h = a.allocate(256);
    a.view(h).fill(0xab);
    a.free(h);
    const again = a.allocate(256);
    expect(again >>> 8).toBe(h >>> 8); // the same slot, reused LIFO
    expect(a.view(again).every((b) => b === 0)).toBe(true);
  });

  test('a freed slot is reused by the next allocation of its size class, without new slab memory', () => {
    const a = new PageAllocator();
    const first = a.allocate(1000);
    const reserved = a.stats().bytesReserved;
    a.free(first);
    const second = a.allocate(1020); // same class (1024)
    expect(a.stats().bytesReserved).toBe(reserved);
    expect(a.view(second).byteOffset).toBe(a.view(second).byteOffset);
    expect(second).not.toBe(first); // a new generation: the old handle stays dead
    expect(a.isLive(first)).toBe(false);
    expect(a.isLive(second)).toBe(true);
  });

  test('read and write copy bytes at an offset and refuse ranges past the end with OUT_OF_RANGE', () => {
    const a = new PageAllocator();
    const h = a.allocate(16);
    a.write(h, Uint8Array.of(1, 2, 3), 13);
    const out = new Uint8Array(4);
    a.read(h, out, 12);
    expect(Array.from(out)).toEqual([0, 1, 2, 3]);
    const error = physicalErrorOf(() => a.write(h, new Uint8Array(4), 13));
    expect(error.code).toBe('OUT_OF_RANGE');
    expect(error.message).toContain('offset 13');
    expect(error.message).toContain('16 bytes');
    expect(codeOf(() => a.read(h, new Uint8Array(1), -1))).toBe('OUT_OF_RANGE');
  });

  test('page() wraps a handle in the one PageMemory interface', () => {
    const a = new PageAllocator();
    const page = a.page(a.allocate(8));
    expect(page.kind).toBe('heap');
    expect(page.location).toBe('cpu');
    expect(page.size).toBe(8);
    page.write(Uint8Array.of(7), 3);
    expect(page.view()[3]).toBe(7);
    const one = new Uint8Array(1);
    page.read(one, 3);
    expect(one[0]).toBe(7);
    expect(codeOf(() => page.sharedDescriptor())).toBe('WRONG_KIND');
    page.free();
    expect(codeOf(() => page.size)).toBe('FREED_HANDLE');
  });

  test('liveHandles lists live pages in slot order', () => {
    const a = new PageAllocator();
    const hs = [a.allocate(10), a.allocate(20), a.allocate(30)];
    a.free(hs[1] as PageHandle);
    expect(a.liveHandles()).toEqual([hs[0], hs[2]]);
  });
});

describe('PageAllocator: bad input is refused with a typed error and changes nothing', () => {
  test('sizes that are zero, negative, fractional, NaN, not numbers or beyond the largest page are INVALID_SIZE', () => {
    const a = new PageAllocator({ maxPageBytes: 1 << 20 });
    const live = a.allocate(64);
    const before = a.stats();
    const bad: unknown[] = [0, -1, -64, 1.5, Number.NaN, Infinity, '64', null, undefined, 2 ** 53, (1 << 20) + 1];
    for (const size of bad) {
      const error = physicalErrorOf(() => a.allocate(size as number));
      expect(error.code).toBe('INVALID_SIZE');
      expect(error.message).toMatch(/page size/);
    }
    expect(physicalErrorOf(() => a.allocate((1 << 20) + 1)).message).toContain(String(1 << 20));
    expect(physicalErrorOf(() => a.allocate(1.5, { kind: 'shared' })).code).toBe('INVALID_SIZE');
    expect(physicalErrorOf(() => a.allocate(0, { kind: 'device', fallback: 'host' })).code).toBe('INVALID_SIZE');
    expect(physicalErrorOf(() => a.allocate(-5, { kind: 'mapped', path: '/tmp/x' })).code).toBe('INVALID_SIZE');
    expect(a.stats()).toEqual(before);
    expect(a.isLive(live)).toBe(true);
  });

  test('a page larger than the whole budget is BUDGET_EXCEEDED without calling the spill hook', () => {
    let calls = 0;
    const a = new PageAllocator({ budgetBytes: 64 * KiB, onBudgetExceeded: () => calls++ });
    const error = physicalErrorOf(() => a.allocate(2 * 1024 * KiB));
    expect(error.code).toBe('BUDGET_EXCEEDED');
    expect(error.message).toContain('can never fit');
    expect(calls).toBe(0);
  });

  test('double free is DOUBLE_FREE; a handle whose slot was reused is FREED_HANDLE', () => {
    const a = new PageAllocator();
    const h = a.allocate(100);
    a.free(h);
    const before = a.stats();
    const error = physicalErrorOf(() => a.free(h));
    expect(error.code).toBe('DOUBLE_FREE');
    expect(error.message).toContain(String(h));
    expect(a.stats()).toEqual(before);
    const reused = a.allocate(100);
    expect(codeOf(() => a.free(h))).toBe('FREED_HANDLE');
    expect(codeOf(() => a.view(h))).toBe('FREED_HANDLE');
    expect(codeOf(() => a.read(h, new Uint8Array(1)))).toBe('FREED_HANDLE');
    expect(a.isLive(reused)).toBe(true);
  });

  test('using a freed handle before its slot is reused is FREED_HANDLE', () => {
    const a = new PageAllocator();
    const h = a.allocate(100);
    a.free(h);
    expect(codeOf(() => a.view(h))).toBe('FREED_HANDLE');
    expect(codeOf(() => a.size(h))).toBe('FREED_HANDLE');
  });

  test('values that were never handles are INVALID_HANDLE', () => {
    const a = new PageAllocator();
    a.allocate(1);
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 40, 0x7fffffff, '1', {}]) {
      const error = physicalErrorOf(() => a.free(bad as PageHandle));
      expect(error.code).toBe('INVALID_HANDLE');
      expect(error.message).toContain('not a page handle');
    }
  });

  test('an unknown page kind or a malformed device option is INVALID_OPTION', () => {
    const a = new PageAllocator();
    expect(codeOf(() => a.allocate(64, { kind: 'disk' } as never))).toBe('INVALID_OPTION');
    expect(codeOf(() => a.allocate(64, { kind: 'device', device: -1 }))).toBe('INVALID_OPTION');
    expect(codeOf(() => a.allocate(64, { kind: 'device', fallback: 'maybe' as never }))).toBe('INVALID_OPTION');
    expect(a.stats().pagesLive).toBe(0);
  });

  test('options out of their domain are refused at construction with INVALID_OPTION', () => {
    expect(codeOf(() => new PageAllocator({ budgetBytes: 0 }))).toBe('INVALID_OPTION');
    expect(codeOf(() => new PageAllocator({ maxClassBytes: 1000 }))).toBe('INVALID_OPTION');
    expect(codeOf(() => new PageAllocator({ maxSlabBytes: 10 }))).toBe('INVALID_OPTION');
    expect(codeOf(() => new PageAllocator({ maxPageBytes: 0 }))).toBe('INVALID_OPTION');
    expect(codeOf(() => new PageAllocator({ zeroOnAllocate: 'yes' as never }))).toBe('INVALID_OPTION');
    expect(codeOf(() => new PageAllocator({ onBudgetExceeded: 5 as never }))).toBe('INVALID_OPTION');
  });

  test('PhysicalError carries its code, its name and the cause it wraps', () => {
    const cause = new Error('inner');
    const error = new PhysicalError('DEVICE_FAILED', 'outer', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PhysicalError');
    expect(error.code).toBe('DEVICE_FAILED');
    expect(error.cause).toBe(cause);
  });
});

describe('PageAllocator: large pages', () => {
  test('a page above the largest class gets its own buffer, is budgeted, and gives it back when freed', () => {
    const a = new PageAllocator({ maxClassBytes: 64 * KiB, budgetBytes: 1024 * KiB });
    const h = a.allocate(100 * KiB);
    const bytes = a.view(h);
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(100 * KiB);
    expect(a.stats()).toMatchObject({ ownedPagesLive: 1, slabs: 0, budgetBytesUsed: 100 * KiB, pagesLive: 1 });
    a.free(h);
    expect(a.stats()).toMatchObject({ ownedPagesLive: 0, budgetBytesUsed: 0, bytesReserved: 0, pagesLive: 0 });
    expect(codeOf(() => a.free(h))).toBe('DOUBLE_FREE');
  });

  test('a large page that does not fit the budget is BUDGET_EXCEEDED', () => {
    const a = new PageAllocator({ maxClassBytes: 64 * KiB, budgetBytes: 256 * KiB });
    a.allocate(200 * KiB);
    const error = physicalErrorOf(() => a.allocate(100 * KiB));
    expect(error.code).toBe('BUDGET_EXCEEDED');
    expect(error.message).toContain('no spill hook');
    expect(a.stats().pagesLive).toBe(1);
  });
});

describe('PageAllocator: budget, spill and pressure', () => {
  test('reserved memory never exceeds the budget: past it allocation fails with BUDGET_EXCEEDED', () => {
    const a = new PageAllocator({ budgetBytes: 64 * KiB });
    const hs: PageHandle[] = [];
    let error: PhysicalError | undefined;
    for (let i = 0; i < 100; i++) {
      try {
        hs.push(a.allocate(4 * KiB));
      } catch (e) {
        error = e as PhysicalError;
        break;
      }
      expect(a.stats().bytesReserved).toBeLessThanOrEqual(64 * KiB);
    }
    expect(hs.length).toBe(16);
    expect(error?.code).toBe('BUDGET_EXCEEDED');
    expect(error?.message).toMatch(/budget of 65536 bytes/);
    expect(a.pressure()).toMatchObject({ ratio: 1, level: 'critical', budgetBytes: 64 * KiB });
  });

  test('the spill hook is told how many bytes are needed, frees pages, and the allocation then succeeds', () => {
    const requests: SpillRequest[] = [];
    const live: PageHandle[] = [];
    const a: PageAllocator = new PageAllocator({
      budgetBytes: 64 * KiB,
      onBudgetExceeded: (request) => {
        requests.push(request);
        // Spill the oldest pages until enough is free.
        let freed = 0;
        while (freed < request.bytesNeeded && live.length > 0) {
          a.free(live.shift() as PageHandle);
          freed += 4 * KiB;
        }
      },
    });
    for (let i = 0; i < 16; i++) live.push(a.allocate(4 * KiB));
    const extra = a.allocate(4 * KiB);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ budgetBytes: 64 * KiB, pageBytes: 4 * KiB });
    expect(requests[0]?.bytesNeeded).toBeGreaterThan(0);
    expect(a.isLive(extra)).toBe(true);
    expect(a.stats().bytesReserved).toBeLessThanOrEqual(64 * KiB);
    expect(a.stats().spills).toBe(1);
  });

  test('a spill hook that frees too little leads to BUDGET_EXCEEDED, not growth', () => {
    let calls = 0;
    const a = new PageAllocator({ budgetBytes: 64 * KiB, onBudgetExceeded: () => calls++ });
    for (let i = 0; i < 16; i++) a.allocate(4 * KiB);
    const error = physicalErrorOf(() => a.allocate(4 * KiB));
    expect(error.code).toBe('BUDGET_EXCEEDED');
    expect(error.message).toContain('did not free enough');
    expect(calls).toBe(1);
    expect(a.stats().bytesReserved).toBe(64 * KiB);
  });

  test('a spill hook that throws becomes BUDGET_EXCEEDED with the hook error as cause', () => {
    const boom = new Error('disk full');
    const a = new PageAllocator({
      budgetBytes: 4 * KiB,
      onBudgetExceeded: () => {
        throw boom;
      },
    });
    a.allocate(4 * KiB);
    const error = physicalErrorOf(() => a.allocate(4 * KiB));
    expect(error.code).toBe('BUDGET_EXCEEDED');
    expect(error.cause).toBe(boom);
  });

  test('an allocation inside the spill hook that does not fit fails at once instead of recursing', () => {
    let inner: PhysicalError | undefined;
    const a: PageAllocator = new PageAllocator({
      budgetBytes: 4 * KiB,
      onBudgetExceeded: () => {
        try {
          a.allocate(4 * KiB);
        } catch (error) {
          inner = error as PhysicalError;
        }
      },
    });
    a.allocate(4 * KiB);
    expect(codeOf(() => a.allocate(4 * KiB))).toBe('BUDGET_EXCEEDED');
    expect(inner?.code).toBe('BUDGET_EXCEEDED');
    expect(inner?.message).toContain('inside the spill hook');
  });

  test('empty slabs of other size classes are reclaimed before the budget refuses', () => {
    const a = new PageAllocator({ budgetBytes: 64 * KiB });
    const small = Array.from({ length: 64 }, () => a.allocate(1 * KiB));
    for (const h of small) a.free(h);
    // Those slabs are empty but still reserved; 4 KiB pages need the room.
    const big = Array.from({ length: 16 }, () => a.allocate(4 * KiB));
    expect(big).toHaveLength(16);
    expect(a.stats().slabsReleased).toBeGreaterThan(0);
    expect(a.stats().bytesReserved).toBeLessThanOrEqual(64 * KiB);
  });

  test('pressure rises with reserved memory and is low without a budget', () => {
    const a = new PageAllocator({ budgetBytes: 16 * KiB });
    expect(a.pressure().level).toBe('low');
    a.allocate(8 * KiB);
    expect(a.pressure()).toMatchObject({ ratio: 0.5, level: 'moderate', usedBytes: 8 * KiB });
    const unbounded = new PageAllocator();
    unbounded.allocate(8 * KiB);
    expect(unbounded.pressure()).toMatchObject({ ratio: 0, level: 'low', budgetBytes: null });
  });
});

describe('PageAllocator: stats, trim and close', () => {
  test('stats count live pages and bytes by kind, reserved bytes by location, and fragmentation', () => {
    const a = new PageAllocator();
    const h1 = a.allocate(100);
    a.allocate(3000, { kind: 'shared' });
    const s = a.stats();
    expect(s.pagesLive).toBe(2);
    expect(s.pagesLiveByKind).toEqual({ heap: 1, shared: 1, mapped: 0, device: 0 });
    expect(s.bytesRequested).toBe(3100);
    expect(s.bytesLiveByKind).toEqual({ heap: 128, shared: 3072, mapped: 0, device: 0 });
    expect(s.bytesLive).toBe(3200);
    expect(s.bytesReserved).toBe(s.slabBytesReserved);
    expect(s.bytesReservedByLocation.cpu + s.bytesReservedByLocation.shared).toBe(s.bytesReserved);
    expect(s.fragmentation).toBeCloseTo((s.bytesReserved - s.bytesLive) / s.bytesReserved);
    expect(s.internalWaste).toBeCloseTo(100 / 3200);
    a.free(h1);
    expect(a.stats()).toMatchObject({ pagesLive: 1, allocations: 2, frees: 1 });
  });

  test('trim gives back every slab without a live page and keeps the others usable', () => {
    const a = new PageAllocator();
    const keep = a.allocate(64);
    a.view(keep).fill(9);
    const drop = Array.from({ length: 100 }, () => a.allocate(2000));
    for (const h of drop) a.free(h);
    const reservedBefore = a.stats().bytesReserved;
    const released = a.trim();
    expect(released).toBeGreaterThan(0);
    expect(a.stats().bytesReserved).toBe(reservedBefore - released);
    expect(a.view(keep).every((b) => b === 9)).toBe(true);
    const again = a.allocate(2000);
    expect(a.view(again).every((b) => b === 0)).toBe(true);
  });

  test('close frees everything and every later call is ALLOCATOR_CLOSED', () => {
    const a = new PageAllocator({ budgetBytes: 1 << 20 });
    const h = a.allocate(64);
    a.allocate(10, { kind: 'shared' });
    a.close();
    a.close();
    expect(a.stats()).toMatchObject({ pagesLive: 0, bytesReserved: 0, budgetBytesUsed: 0 });
    expect(codeOf(() => a.allocate(64))).toBe('ALLOCATOR_CLOSED');
    expect(codeOf(() => a.free(h))).toBe('ALLOCATOR_CLOSED');
    expect(codeOf(() => a.view(h))).toBe('ALLOCATOR_CLOSED');
    expect(a.isLive(h)).toBe(false);
  });

  test('two allocators share nothing: there is no global state', () => {
    const a = new PageAllocator();
    const b = new PageAllocator();
    const ha = a.allocate(64);
    a.view(ha).fill(1);
    const hb = b.allocate(64);
    expect(hb).toBe(ha); // same first handle, different memory
    expect(b.view(hb).every((x) => x === 0)).toBe(true);
    expect(b.stats().pagesLive).toBe(1);
    a.free(ha);
    expect(b.isLive(hb)).toBe(true);
  });
});
