import { beforeEach, describe, expect, test, vi } from 'vitest';
import type { DeviceBuffer } from '@mmsb/native';
import { CudaDeviceMemoryPool, PageAllocator, deviceAvailable, discoverDevices } from '../src/index.js';
import { codeOf, physicalErrorOf } from './support/errors.js';

// A stand-in CUDA device (host memory behind the DeviceBuffer contract), so the device paths of
// layer 0 run on every machine; device.test.ts runs the same paths on a real device when present.
const fake = vi.hoisted(() => ({
  gpuAllowed: true,
  devices: [{ index: 0, name: 'Fake GPU', totalMemoryBytes: 1 << 30, computeCapability: '9.0' }],
  live: 0,
  failNext: false,
}));

vi.mock('@mmsb/native', async (importOriginal) => {
  const real = await importOriginal<typeof import('@mmsb/native')>();
  return {
    ...real,
    capabilities: () => ({
      ...real.capabilities(),
      native: true,
      cudaCompiled: true,
      gpuAllowed: fake.gpuAllowed,
      devices: fake.gpuAllowed ? fake.devices : [],
    }),
    deviceAlloc: (size: number, device = 0): DeviceBuffer => {
      if (!fake.gpuAllowed || !fake.devices.some((d) => d.index === device)) {
        throw new real.NativeError('NO_DEVICE', `no device ${device}`);
      }
      if (fake.failNext) {
        fake.failNext = false;
        throw new real.NativeError('CUDA_ERROR', 'cudaMalloc: out of memory');
      }
      const memory = new Uint8Array(size).fill(0xee); // device memory is not zeroed by cudaMalloc
      let freed = false;
      fake.live++;
      return {
        device,
        size,
        upload: (src, offset = 0) => memory.set(src, offset),
        download: (dst, offset = 0) => dst.set(memory.subarray(offset, offset + dst.length)),
        free: () => {
          if (!freed) fake.live--;
          freed = true;
        },
      };
    },
  };
});

beforeEach(() => {
  fake.gpuAllowed = true;
  fake.failNext = false;
});

describe('device pages with a CUDA device (simulated)', () => {
  test('discovery lists the device', () => {
    expect(discoverDevices().map((d) => d.name)).toEqual(['Fake GPU']);
    expect(deviceAvailable(0)).toBe(true);
    expect(deviceAvailable(1)).toBe(false);
  });

  test('a device page lives at gpu, starts zeroed, round-trips bytes and has no view', () => {
    const a = new PageAllocator({ budgetBytes: 4096 });
    const h = a.allocate(10_000, { kind: 'device' });
    expect(a.kindOf(h)).toBe('device');
    expect(a.location(h)).toBe('gpu');
    const out = new Uint8Array(10_000).fill(1);
    a.read(h, out);
    expect(out.every((b) => b === 0)).toBe(true);
    a.write(h, Uint8Array.of(4, 5), 9998);
    const tail = new Uint8Array(2);
    a.read(h, tail, 9998);
    expect(Array.from(tail)).toEqual([4, 5]);
    expect(codeOf(() => a.view(h))).toBe('WRONG_KIND');
    expect(codeOf(() => a.write(h, new Uint8Array(3), 9998))).toBe('OUT_OF_RANGE');
    const s = a.stats();
    expect(s.bytesReservedByLocation.gpu).toBeGreaterThanOrEqual(10_000);
    expect(s.budgetBytesUsed).toBe(0); // device memory is the device pool's to limit, not the host budget
    a.free(h);
    expect(a.stats().bytesReservedByLocation.gpu).toBe(0);
    expect(codeOf(() => a.free(h))).toBe('DOUBLE_FREE');
  });

  test('the page object reads and writes device memory like any other page', () => {
    const a = new PageAllocator();
    const page = a.page(a.allocate(64, { kind: 'device' }));
    page.write(Uint8Array.of(8), 63);
    const one = new Uint8Array(1);
    page.read(one, 63);
    expect(one[0]).toBe(8);
    expect(page.location).toBe('gpu');
    page.free();
  });

  test('asking for a device that does not exist is DEVICE_UNAVAILABLE naming it', () => {
    const a = new PageAllocator();
    const error = physicalErrorOf(() => a.allocate(64, { kind: 'device', device: 3 }));
    expect(error.code).toBe('DEVICE_UNAVAILABLE');
    expect(error.message).toContain('device 3');
  });

  test('MMSB_GPU=0 hides the device: refusal, or host placement when fallback is allowed', () => {
    fake.gpuAllowed = false;
    const a = new PageAllocator();
    expect(discoverDevices()).toEqual([]);
    expect(physicalErrorOf(() => a.allocate(64, { kind: 'device' })).message).toContain('MMSB_GPU=0');
    const h = a.allocate(64, { kind: 'device', fallback: 'host' });
    expect(a.location(h)).toBe('cpu');
  });

  test('a device that refuses the allocation is DEVICE_FAILED, or host placement with fallback', () => {
    const a = new PageAllocator();
    fake.failNext = true;
    const error = physicalErrorOf(() => a.allocate(64, { kind: 'device' }));
    expect(error.code).toBe('DEVICE_FAILED');
    expect((error.cause as { code: string }).code).toBe('CUDA_ERROR');
    fake.failNext = true;
    expect(a.location(a.allocate(64, { kind: 'device', fallback: 'host' }))).toBe('cpu');
    expect(a.stats().pagesLive).toBe(1);
  });

  test('closing the allocator frees device blocks and the pools it created', () => {
    const start = fake.live;
    const a = new PageAllocator();
    a.allocate(100, { kind: 'device' });
    a.allocate(5000, { kind: 'device' });
    expect(fake.live).toBe(start + 2);
    a.close();
    expect(fake.live).toBe(start);
  });
});

describe('CudaDeviceMemoryPool (simulated device)', () => {
  test('blocks are size-classed, zeroed, cached when freed and reused', () => {
    const pool = new CudaDeviceMemoryPool({ device: 0 });
    expect(pool.placement).toBe('device');
    const b = pool.allocate(1000);
    expect(b.capacity).toBe(1024);
    b.upload(new Uint8Array(1000).fill(3));
    pool.free(b);
    expect(pool.stats()).toMatchObject({ blocksLive: 0, blocksCached: 1, bytesCached: 1024 });
    const again = pool.allocate(900);
    const out = new Uint8Array(900).fill(1);
    again.download(out);
    expect(out.every((x) => x === 0)).toBe(true);
    expect(pool.stats().reuses).toBe(1);
    pool.free(again);
    expect(pool.trim()).toBe(1024);
    pool.close();
  });

  test('the budget counts live and cached blocks; cached ones are trimmed before refusing', () => {
    const pool = new CudaDeviceMemoryPool({ budgetBytes: 2048 });
    const a = pool.allocate(1024);
    pool.free(a); // cached: 1024 held
    const b = pool.allocate(2048); // does not fit beside the cache: the cache is trimmed
    expect(pool.stats()).toMatchObject({ bytesLive: 2048, bytesCached: 0 });
    expect(codeOf(() => pool.allocate(64))).toBe('BUDGET_EXCEEDED');
    pool.free(b);
  });

  test('without the device the pool refuses to exist', () => {
    fake.gpuAllowed = false;
    expect(codeOf(() => new CudaDeviceMemoryPool())).toBe('DEVICE_UNAVAILABLE');
    expect(codeOf(() => new CudaDeviceMemoryPool({ device: -2 }))).toBe('INVALID_OPTION');
  });
});
