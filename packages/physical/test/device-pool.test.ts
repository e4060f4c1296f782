import { describe, expect, test } from 'vitest';
import { HostDeviceMemoryPool, PageAllocator } from '../src/index.js';
import type { DeviceBlock } from '../src/index.js';
import { codeOf } from './support/errors.js';

describe('HostDeviceMemoryPool', () => {
  test('a block holds at least its size, rounded to its class, starts zeroed and round-trips bytes', () => {
    const pool = new HostDeviceMemoryPool();
    const b = pool.allocate(700);
    expect(b).toMatchObject({ size: 700, capacity: 768, placement: 'host', device: 0 });
    const out = new Uint8Array(700).fill(1);
    b.download(out);
    expect(out.every((x) => x === 0)).toBe(true);
    b.upload(Uint8Array.of(1, 2), 698);
    const two = new Uint8Array(2);
    b.download(two, 698);
    expect(Array.from(two)).toEqual([1, 2]);
    expect(codeOf(() => b.upload(new Uint8Array(3), 698))).toBe('OUT_OF_RANGE');
    expect(codeOf(() => b.download(new Uint8Array(1), -1))).toBe('OUT_OF_RANGE');
  });

  test('freed blocks are cached per class, reused zeroed, and trim releases the cache', () => {
    const pool = new HostDeviceMemoryPool();
    const b = pool.allocate(4000);
    b.upload(new Uint8Array(4000).fill(5));
    pool.free(b);
    expect(pool.stats()).toMatchObject({ blocksLive: 0, blocksCached: 1, bytesCached: 4096, bytesReserved: 4096 });
    const again = pool.allocate(3900);
    const out = new Uint8Array(3900).fill(1);
    again.download(out);
    expect(out.every((x) => x === 0)).toBe(true);
    expect(pool.stats()).toMatchObject({ reuses: 1, allocations: 2, blocksLive: 1, blocksCached: 0 });
    pool.free(again);
    expect(pool.trim()).toBe(4096);
    expect(pool.stats().bytesReserved).toBe(0);
  });

  test('blocks above the largest class are exact and never cached', () => {
    const pool = new HostDeviceMemoryPool({ maxClassBytes: 4096 });
    const b = pool.allocate(5000);
    expect(b.capacity).toBe(5056);
    pool.free(b);
    expect(pool.stats()).toMatchObject({ blocksCached: 0, bytesReserved: 0 });
  });

  test('misuse is typed: bad sizes, double free, freed blocks, blocks of another pool, a closed pool', () => {
    const pool = new HostDeviceMemoryPool();
    const other = new HostDeviceMemoryPool();
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(codeOf(() => pool.allocate(bad))).toBe('INVALID_SIZE');
    const b = pool.allocate(64);
    expect(codeOf(() => other.free(b))).toBe('INVALID_HANDLE');
    expect(codeOf(() => pool.free({ id: 1 } as DeviceBlock))).toBe('INVALID_HANDLE');
    pool.free(b);
    expect(codeOf(() => pool.free(b))).toBe('DOUBLE_FREE');
    expect(codeOf(() => b.upload(new Uint8Array(1)))).toBe('FREED_HANDLE');
    const live = pool.allocate(64);
    pool.close();
    expect(codeOf(() => pool.allocate(64))).toBe('ALLOCATOR_CLOSED');
    pool.free(live); // a live block can still be returned after close
    expect(pool.stats().bytesReserved).toBe(0);
  });

  test('past its budget the pool refuses with BUDGET_EXCEEDED', () => {
    const pool = new HostDeviceMemoryPool({ budgetBytes: 1024 });
    pool.allocate(1024);
    expect(codeOf(() => pool.allocate(1))).toBe('BUDGET_EXCEEDED');
    expect(codeOf(() => new HostDeviceMemoryPool({ budgetBytes: -1 }))).toBe('INVALID_OPTION');
  });

  test('an allocator given the host pool places device pages in it and reports them at cpu', () => {
    const pool = new HostDeviceMemoryPool();
    const a = new PageAllocator({ devicePool: pool });
    const h = a.allocate(300, { kind: 'device' });
    expect(a.location(h)).toBe('cpu');
    expect(pool.stats().blocksLive).toBe(1);
    a.write(h, Uint8Array.of(6), 299);
    const one = new Uint8Array(1);
    a.read(h, one, 299);
    expect(one[0]).toBe(6);
    expect(codeOf(() => a.allocate(64, { kind: 'device', device: 1 }))).toBe('DEVICE_UNAVAILABLE');
    a.free(h);
    expect(pool.stats()).toMatchObject({ blocksLive: 0, blocksCached: 1 });
    a.close();
    expect(pool.stats().blocksCached).toBe(1); // the caller's pool is the caller's to trim or close
  });
});
