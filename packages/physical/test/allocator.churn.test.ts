import { expect, test } from 'vitest';
import { PageAllocator } from '../src/index.js';
import type { PageHandle } from '../src/index.js';

// A small seeded generator (mulberry32), so the churn is the same sequence on every run.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('a million allocate/free pairs of mixed sizes give all memory back and slabs are reused, not regrown', () => {
  const a = new PageAllocator();
  const next = rng(0x5eed);
  const sizes = [1, 64, 100, 256, 700, 1024, 3000, 4096, 9000, 16384, 40000];
  const window = 2048;
  const live = new Array<PageHandle | undefined>(window).fill(undefined);
  let reservedAfterWarmup = 0;
  const total = 1_000_000;
  for (let i = 0; i < total; i++) {
    const size = sizes[Math.floor(next() * sizes.length)] as number;
    const slot = Math.floor(next() * window);
    const old = live[slot];
    if (old !== undefined) a.free(old);
    const h = a.allocate(size, i % 4 === 0 ? { kind: 'shared' } : undefined);
    // Touch every tenth page so that reuse has to zero dirty slots too.
    if (i % 10 === 0) a.view(h)[0] = 1;
    live[slot] = h;
    if (i === total / 10) reservedAfterWarmup = a.stats().slabBytesReserved;
  }
  const filled = live.filter((h) => h !== undefined).length;
  const busy = a.stats();
  expect(busy.pagesLive).toBe(filled);
  expect(busy.allocations).toBe(total);
  // After warm-up the working set is steady, so slabs are recycled: reservation stays near its warm-up level.
  expect(busy.slabBytesReserved).toBeLessThanOrEqual(reservedAfterWarmup * 1.5);
  for (const h of live) if (h !== undefined) a.free(h);
  const idle = a.stats();
  expect(idle).toMatchObject({ pagesLive: 0, bytesLive: 0, bytesRequested: 0, frees: total });
  expect(idle.pagesLiveByKind).toEqual({ heap: 0, shared: 0, mapped: 0, device: 0 });
  a.trim();
  expect(a.stats()).toMatchObject({ bytesReserved: 0, slabBytesReserved: 0, slabs: 0, budgetBytesUsed: 0 });
});
